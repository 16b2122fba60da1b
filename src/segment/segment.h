/*
 * Sentence segmentation with ICU's sentence break iterator, corrected where it fails on news
 * text: no break inside a «quotation» that closes in the same paragraph, after an
 * abbreviation (د. , أ.ف.ب.) or inside a dotted token; a line without a final stop is a
 * sentence; sentences longer than SEGMENT_MAX_WORDS are split for breath at a clause boundary
 * (، ؛ or a conjunction), or at the middle when there is none.
 */
#ifndef NASHRA_SEGMENT_H
#define NASHRA_SEGMENT_H

#include "common/strlist.h"
#include "nashra.h"

#define SEGMENT_MAX_WORDS 40

/* Appends the sentences of normalized text (one paragraph or a headline) to out, each trimmed
 * and on one line. */
nashra_status segment_text(const char *text, strlist *out, nashra_error *err);

/* Splits one sentence into breath-sized pieces of at most max_words words, appending them. */
nashra_status segment_split_long(const char *sentence, size_t max_words, strlist *out,
                                 nashra_error *err);

#endif
