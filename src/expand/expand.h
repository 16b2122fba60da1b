/*
 * Spoken-form expansion: rewrites a normalized sentence so that it holds only words.
 * Numbers (grouped with ',', decimal with '.', percentages with '%' before or after) become
 * fully diacritized Arabic words in the case their context asks for; no digit is left;
 * symbols that the synthesizer would read in English or drop are replaced.
 */
#ifndef NASHRA_EXPAND_H
#define NASHRA_EXPAND_H

#include "common/buf.h"
#include "nashra.h"

/* Appends the spoken form of sentence to out. */
nashra_status expand_sentence(const char *sentence, buf *out, nashra_error *err);

#endif
