/* UTF-8 decoding, encoding and validation. */
#ifndef NASHRA_COMMON_UTF8_H
#define NASHRA_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Checks that s[0..len) is well-formed UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF). Returns true if so; otherwise stores the byte offset of the first bad
 * sequence in *bad_offset (when not NULL).
 */
bool utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* Decodes one code point of valid UTF-8 at s (at most len bytes); stores its length in *n.
 * Returns 0xFFFD with *n = 1 on a bad sequence. */
unsigned utf8_decode(const char *s, size_t len, size_t *n);

/* Encodes cp into out (4 bytes of room); returns the byte count, 0 for an invalid cp. */
size_t utf8_encode(unsigned cp, char *out);

/* Whether cp is one of the Arabic "sun letters", which the article's lam assimilates to
 * (الشَّمْس: the lam is silent and the letter doubled). */
bool arabic_is_sun_letter(unsigned cp);

/* Arabic combining marks: harakat, tanween, shadda, sukun, the other marks of U+064B..U+065F,
 * and the dagger alif U+0670. */
bool arabic_is_mark(unsigned cp);

/* Arabic letters: U+0621..U+064A and alif wasla U+0671. */
bool arabic_is_letter(unsigned cp);

/* The code point that ends just before s + len, and its length in *n. */
unsigned utf8_decode_last(const char *s, size_t len, size_t *n);

#endif
