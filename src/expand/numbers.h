/*
 * Cardinal numbers in Modern Standard Arabic words, fully diacritized.
 *
 * Gender is that of the counted noun (the polarity of 3-10 and 13-19 is applied here);
 * case is the grammatical case of the number in its sentence. The forms and the choices
 * behind them are documented in number-words.tsv and tested by tests/data/numbers.tsv.
 */
#ifndef NASHRA_EXPAND_NUMBERS_H
#define NASHRA_EXPAND_NUMBERS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"

typedef enum num_gender { NUM_MASC, NUM_FEM } num_gender;
typedef enum num_case { NUM_NOM, NUM_ACC, NUM_GEN } num_case;

/* Largest value numbers_cardinal spells; larger ones are read digit by digit. */
#define NUMBERS_MAX UINT64_C(999999999999999)

/* Appends the words for n (0..NUMBERS_MAX) standing alone. Returns false on allocation
 * failure or n out of range. */
bool numbers_cardinal(buf *out, uint64_t n, num_gender gender, num_case c);

/* Appends each digit of digits[0..len) as a word, separated by spaces (for leading zeros,
 * very long numbers and the like). Non-digits are skipped. */
bool numbers_digits(buf *out, const char *digits, size_t len);

/* The word for a key of number-words.tsv ("point", "percent", "and", "minus"), or NULL. */
const char *numbers_word(const char *key);

#endif
