/*
 * Numbers in Modern Standard Arabic words, fully diacritized: cardinals, ordinals, clock
 * hours, and a number with the noun it counts.
 *
 * Gender is that of the counted noun (the polarity of 3-10 and 13-19 is applied here);
 * case is the grammatical case of the number in its sentence. The forms and the choices
 * behind them are in number-words.tsv and tested by tests/data/numbers.tsv.
 */
#ifndef NASHRA_EXPAND_NUMBERS_H
#define NASHRA_EXPAND_NUMBERS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"

typedef enum num_gender { NUM_MASC, NUM_FEM } num_gender;
typedef enum num_case { NUM_NOM, NUM_ACC, NUM_GEN } num_case;

/* Largest value the functions spell; larger ones are read digit by digit. */
#define NUMBERS_MAX UINT64_C(999999999999999)

/* Appends the words for n (0..NUMBERS_MAX) standing alone. Returns false on allocation
 * failure or n out of range. */
bool numbers_cardinal(buf *out, uint64_t n, num_gender gender, num_case c);

/* The same before a counted noun written after it: the last element is in construct where
 * the grammar asks (ثَلَاثَةُ, مِئَةُ, أَلْفَا, عَشَرَةُ آلَافِ), with no tanween. */
bool numbers_cardinal_construct(buf *out, uint64_t n, num_gender gender, num_case c);

/* The definite ordinal (الثَّالِثُ, الْحَادِيَةَ عَشْرَةَ, الْحَادِي وَالْعِشْرُونَ); from 100 on,
 * the definite cardinal (الْمِئَةُ وَالْخَمْسُونَ). n >= 1. */
bool numbers_ordinal(buf *out, uint64_t n, num_gender gender, num_case c);

/* A clock hour 1..12: الْوَاحِدَةُ, الثَّانِيَةُ ... الثَّانِيَةَ عَشْرَةَ. */
bool numbers_hour(buf *out, unsigned hour, num_case c);

/* A noun counted by a number, as the number grammar declines it. Stems carry no case ending. */
typedef struct num_noun {
    const char *singular;       /* دُولَار */
    const char *plural_gen;     /* the full form after 3-10: دُولَارَاتٍ */
    num_gender gender;
    bool invariable;            /* يُورُو: takes no endings, no dual */
    const char *adj;            /* an adjective stem (مِئَوِيّ) or NULL */
    const char *adj_plural_gen; /* its full form after a plural (مِئَوِيَّةٍ) */
} num_noun;

/* Appends n with its noun: دُولَارٌ وَاحِدٌ, دُولَارَانِ, خَمْسَةُ دُولَارَاتٍ, أَحَدَ عَشَرَ دُولَارًا,
 * مِئَةُ دُولَارٍ. */
bool numbers_counted(buf *out, uint64_t n, const num_noun *noun, num_case c);

/* A fraction in construct with the noun after it: رُبْعُ, ثُلُثَا, ثَلَاثَةُ أَرْبَاعِ. */
bool numbers_fraction_construct(buf *out, unsigned a, const num_noun *noun, num_case c);

/* Appends stem (no case ending) as the first term of a construct: the plain case vowel. */
bool numbers_construct(buf *out, const char *stem, num_case c);

/* Appends the singular noun (and its adjective) in case c without a number, indefinite. */
bool numbers_noun(buf *out, const num_noun *noun, num_case c);

/* Appends each digit of digits[0..len) as a word, separated by spaces (for leading zeros,
 * phone numbers, very long numbers). Non-digits are skipped. */
bool numbers_digits(buf *out, const char *digits, size_t len);

/* Appends words (the output of the functions above) made definite: the article on each
 * word, assimilated before sun letters, tanween turned into the plain vowel. */
bool numbers_make_definite(buf *out, const char *words);

/* The word for a key of number-words.tsv ("point", "percent", "and", "minus", ...), or NULL. */
const char *numbers_word(const char *key);

#endif
