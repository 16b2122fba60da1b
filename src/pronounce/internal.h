/* Shared between the files of the pronunciation stage. */
#ifndef NASHRA_PRONOUNCE_INTERNAL_H
#define NASHRA_PRONOUNCE_INTERNAL_H

#include <pthread.h>

#include "pronounce/pronounce.h"

enum {
    AR_FATHATAN = 0x064B,
    AR_DAMMATAN = 0x064C,
    AR_KASRATAN = 0x064D,
    AR_FATHA = 0x064E,
    AR_DAMMA = 0x064F,
    AR_KASRA = 0x0650,
    AR_SHADDA = 0x0651,
    AR_SUKUN = 0x0652,
    AR_ALIF = 0x0627,
    AR_BA = 0x0628,
    AR_FA = 0x0641,
    AR_KAF = 0x0643,
    AR_LAM = 0x0644,
    AR_MEEM = 0x0645,
    AR_NUN = 0x0646,
    AR_HEH = 0x0647,
    AR_WAW = 0x0648,
    AR_YA = 0x064A,
    AR_ALIF_MAQSURA = 0x0649,
    AR_ALIF_MADDA = 0x0622,
    AR_ALIF_WASLA = 0x0671
};

/* Appends the key of s[0..len) to out: marks and tatweel dropped, Latin lowercased, runs of
 * spaces made one. (A lexicon also files an entry with hamza on its alif under the bare
 * alif; see pronlex.c.) */
bool pron_key(const char *s, size_t len, buf *out);

/* Appends s[0..len) with every letter's marks in espeak-ng's order (shadda first) and the
 * dagger alif dropped. */
bool pron_reorder_marks(const char *s, size_t len, buf *out);

/* The spelling of the longest entry whose first word's key is first[0..first_len) and whose
 * other words are next[0..], or NULL; *words receives the entry's word count. */
const char *pron_lexicon_match(const pron_lexicon *lx, const char *first, size_t first_len,
                               const char *const *next, size_t nnext, size_t *words);

#endif
