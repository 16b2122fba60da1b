/* The text stages as the bulletin drives them (script.c), beyond the public nashra_*_speech. */
#ifndef NASHRA_BULLETIN_SCRIPT_H
#define NASHRA_BULLETIN_SCRIPT_H

#include <stdbool.h>

#include "nashra.h"
#include "pronounce/pronounce.h"

/* nashra_article_speech and nashra_text_speech, but stopping at the spoken forms when
 * pronounce is false: the sentences are handed on before the pronunciation stage, which
 * whoever synthesizes them then runs (the bulletin's workers, so that the diacritizer runs on
 * every core and a cached sentence skips it). */
nashra_status script_article(const nashra_article *a, const nashra_speech *speech,
                             bool pronounce, nashra_sentence_fn fn, void *user,
                             nashra_error *err);
nashra_status script_text(const char *name, const char *text, const nashra_speech *speech,
                          bool pronounce, nashra_sentence_fn fn, void *user, nashra_error *err);

/* The pronunciation stage's options for a speech setting (speech may be NULL). */
pron_options script_pron_options(const nashra_speech *speech);

#endif
