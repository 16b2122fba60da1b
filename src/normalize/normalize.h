/*
 * Unicode normalization of article text with ICU.
 *
 * NFC; Arabic presentation forms folded to letters; tatweel and invisible format marks
 * (zero-width, bidi controls, BOM) removed; digits of every script made ASCII, with the
 * Arabic decimal and thousands separators and percent sign made '.', ',' and '%';
 * a "." between Eastern Arabic digits that groups thousands (١٢.٥٠٠) made ",";
 * spaces of every width made ' ' (thin spaces between digits, which group thousands, are
 * dropped); line breaks kept as '\n'. Diacritics are kept, with shadda moved before the
 * vowel it carries (NFC orders them the other way, which espeak-ng misreads).
 */
#ifndef NASHRA_NORMALIZE_H
#define NASHRA_NORMALIZE_H

#include <stddef.h>

#include "common/buf.h"
#include "nashra.h"

/* Normalizes valid UTF-8 text[0..len) and appends the result to out. */
nashra_status normalize_text(const char *text, size_t len, buf *out, nashra_error *err);

/* True for the Arabic marks that nashra_strip_diacritics removes (U+064B..U+0652). */
int normalize_is_diacritic(unsigned cp);

#endif
