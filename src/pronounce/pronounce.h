/*
 * The last text stage before synthesis: puts each spoken sentence in the form espeak-ng 1.51
 * reads right.
 *
 *   1. Names and words from the pronunciation lexicon (the shipped one in voices/lexicon/ and
 *      a user's own, which wins) are replaced by their fully diacritized spelling or by inline
 *      espeak phonemes [[...]], also behind the proclitics و ف ب ك ل and the article ال, with
 *      a nominative ending turned genitive after a preposition.
 *   2. Latin-script words not in a lexicon are read with Arabic letter names (or left to
 *      espeak-ng's English when asked).
 *   3. The diacritizer (diacritize/diacritize.h) puts marks on every letter still bare,
 *      keeping those the writer, the lexicon and the number stage gave.
 *   4. Diacritics are put in the order and places espeak-ng wants: shadda before the vowel,
 *      fathatan before a final alif, no mark on a word-initial wasl alif, no dagger alif, a
 *      sukun on the lam of the article before a moon letter in a vowelled word. A word the
 *      writer marked only partly keeps its marks, and the diacritizer fills the rest; with
 *      the diacritizer off, espeak-ng drops the vowels of its unmarked letters, but measured
 *      over gold news text (scripts/per --partial) that costs fewer phonemes than espeak-ng's
 *      guesses for the whole word, whatever share of the marks is given.
 *
 * Nothing after this stage may re-normalize the text (NFC would put vowels before shadda).
 */
#ifndef NASHRA_PRONOUNCE_H
#define NASHRA_PRONOUNCE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "nashra.h"

/* A pronunciation lexicon: entries from one or more files, later files winning. */
typedef struct nashra_lexicon pron_lexicon;

/* An empty lexicon, or NULL when memory ran out. */
pron_lexicon *pron_lexicon_create(void);
void pron_lexicon_destroy(pron_lexicon *lx);

/* Adds the entries of a lexicon file's text; name is used in error messages, which give the
 * line number of a bad entry. Entries added later win over earlier ones with the same words. */
nashra_status pron_lexicon_add(pron_lexicon *lx, const char *name, const char *text, size_t len,
                               nashra_error *err);

/* Adds a lexicon file from disk. */
nashra_status pron_lexicon_add_file(pron_lexicon *lx, const char *path, nashra_error *err);

/* The number of entries. */
size_t pron_lexicon_count(const pron_lexicon *lx);

/* The lexicon shipped with nashra (voices/lexicon/), loaded once per process, thread-safely:
 * its names, and with words also the ordinary words of voices/lexicon/words/, which only a
 * reading without the diacritizer uses. NULL if memory ran out; a bad shipped entry is a build
 * error caught by the tests. */
const pron_lexicon *pron_lexicon_shipped(bool words);

/* The entry for a text of one or more words (marks and tatweel ignored), or NULL: its spelling
 * as written in the file (shadda put before the vowel). */
const char *pron_lexicon_lookup(const pron_lexicon *lx, const char *words);

/* Calls fn for each entry: its words and its spelling, in file order. Stops when fn returns
 * false. */
void pron_lexicon_each(const pron_lexicon *lx,
                       bool (*fn)(void *user, const char *words, const char *spelling,
                                  const char *file, size_t line),
                       void *user);

/* What a partly diacritized word becomes. */
typedef enum pron_partial {
    PRON_PARTIAL_KEEP,     /* marks kept as the writer gave them (the default) */
    PRON_PARTIAL_STRIP,    /* marks removed, a final fathatan kept */
    PRON_PARTIAL_STRIP_ALL /* marks removed */
} pron_partial;

typedef struct pron_options {
    const pron_lexicon *user; /* a user's lexicon, consulted before the shipped one; or NULL */
    bool no_lexicon;          /* neither lexicon */
    bool no_rewrite;          /* leave marks as they are */
    bool latin_english;       /* let espeak-ng read unknown Latin words in English */
    bool no_diacritize;       /* leave bare letters to espeak-ng */
    pron_partial partial;
    float pausal_below; /* a case ending the diacritizer is less sure of is read with sukun */
} pron_options;

/* The digest, as 64 hex digits, of everything pronounce_sentence's output depends on besides
 * the sentence: the options, the user's lexicon, the shipped lexicon and the diacritizer's
 * weights. A cache keyed by spoken sentences adds it to its keys. opts may be NULL. */
void pronounce_identity(const pron_options *opts, char out[65]);

/* Appends the espeak-ready form of a spoken sentence (the output of the spoken-form stage) to
 * out. opts may be NULL for the defaults. */
nashra_status pronounce_sentence(const char *spoken, const pron_options *opts, buf *out,
                                 nashra_error *err);

/* The diacritic rewrite alone (step 3), as on a gold reference: appends to out. */
bool pronounce_rewrite(const char *text, size_t len, pron_partial partial, buf *out);

/* Appends text in the spellings espeak-ng 1.51 needs to read it as written, which are not
 * standard orthography and so are made only for the synthesizer, never shown. Each is written
 * where espeak-ng misreads the standard spelling (src/pronounce/rewrite.c has the readings):
 * - the name of God with the alif of its long a (اللَّاهِ);
 * - a sun letter after a word-initial article without its shadda (النَقْدِ, not three n);
 * - a doubled و or ي written twice (قُوْوَاتُ), not read as a long vowel;
 * - a ي's tanween as its vowel and a nun (رَأْيُنْ، صَحَفِيْيُنْ), the ي not read as a vowel;
 * - a ي with kasra without the ي of the long i after it (صَحَفِيْيِنَ), no i too many;
 * - a ك's fathatan as fatha and nun (مُشْتَرَكَنْ), its a not read twice;
 * - a wasl alif after لِ or بِ, or after وَ or فَ before two consonants, left out
 *   (الِقْتِصَادِ، بِلْقَمَرِ، بِسْمِ، وَسْتَمَرَّ), with the article's alif after وَ or فَ
 *   (وَلِقْتِصَادُ) and a kasra for an article's lam with sukun there (الْاجْتِمَاعُ), not a long a;
 * - after بِ, وَلِ or فَلِ, the article's lam before a sun letter left out (بِنِّسْبَةِ،
 *   وَلِشَّمْسِ), not said;
 * - the silent alif after a plural verb's و left out (كَانُو);
 * - a و or ي with its own vowel after a vowel with a tatweel before it (بَـيَانٌ), not read as
 *   a vowel. */
bool pronounce_espeak(const char *text, size_t len, buf *out);

/* Whether an Arabic word (letters and marks, no spaces) is diacritized enough for espeak-ng
 * to read every vowel: every consonant carries a mark, except a letter followed by a bare
 * long-vowel letter, the long-vowel letters themselves, a wasl alif, the lam of the article
 * and the last letter (read in pause). On false, *bad (if not NULL) receives the byte offset
 * of the first unmarked letter. */
bool pron_word_vowelled(const char *word, size_t len, size_t *bad);

#endif
