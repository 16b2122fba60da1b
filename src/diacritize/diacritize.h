/*
 * The diacritizer: puts the short vowels, tanween, sukun and shadda that news text leaves out
 * on every letter of a sentence, so that espeak-ng reads what an anchor would say instead of
 * guessing. It runs after the spoken-form and lexicon stages and before the espeak-ready
 * rewrite (see pronounce/pronounce.h).
 *
 * The model is a character-level tagger trained offline (scripts/diacritizer-train): for each
 * character, the sum of its embedding and that of the mark the text already gives it, a stack
 * of bidirectional GRU layers (as many and as wide as the weights file says; the shipped ones
 * have three of 128 units), and a linear layer over 15 classes (no mark, the three short
 * vowels, the three tanween, sukun, shadda alone and shadda with each vowel or tanween). Marks
 * already in the text are kept and shape the guesses around them; a word that is vowelled
 * throughout (by its writer, the lexicon or the number stage) is left as it is.
 *
 * Its weights are compiled in from voices/diacritizer.bin, a flat little-endian file:
 *
 *   "NSHDIAC\0", then u32 version (1), characters, classes (15), embedding width, hidden
 *   units, layers, alphabet size A; A u32 code points (character ids 2.., id 0 is padding,
 *   1 anything else); then f32 tensors: character embedding [characters][E], given-mark
 *   embedding [classes][E]; for each layer, forward then backward: W_ih [3H][in], W_hh [3H][H],
 *   b_ih [3H], b_hh [3H] (gates r, z, n, as PyTorch's GRU); output W [classes][2H], b
 *   [classes]; and last a u32 with the file's total size.
 *
 * Inference is deterministic and needs no allocation beyond a per-sentence scratch buffer. The
 * recurrent layers' products run in 8 bits, exact integer sums of weights and inputs each
 * scaled by its largest magnitude (see model.c); the output layer runs in floats.
 */
#ifndef NASHRA_DIACRITIZE_H
#define NASHRA_DIACRITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/sha256.h"
#include "nashra.h"

#define DIAC_CLASSES 15

typedef struct diac_model diac_model;

/* Reads a weights file's bytes (copied; they need not outlive the call). A bad or truncated
 * file is NASHRA_EINVAL with a one-line message naming what is wrong. */
nashra_status diac_model_load(const void *bytes, size_t len, diac_model **out,
                              nashra_error *err);
void diac_model_free(diac_model *m);

/* The compiled-in model, loaded once per process, thread-safely; NULL (with err filled) if it
 * could not be loaded. */
const diac_model *diac_model_shipped(nashra_error *err);

/* Feeds the compiled-in weights file to a digest (what a cached reading depends on). */
void diac_shipped_digest(sha256_ctx *c);

/* The model's raw output for a sequence of n characters (code points, marks removed) with
 * the class of the marks each already has (0 for none): n * DIAC_CLASSES logits. Returns false
 * when memory ran out. */
bool diac_model_logits(const diac_model *m, const unsigned *cps, const unsigned char *given,
                       size_t n, float *logits);

/* For tests: which instructions the 8-bit dot products may use (the sums, and so the logits,
 * are the same whichever do). Not thread-safe. */
typedef enum diac_products {
    DIAC_PRODUCTS_BEST,    /* AVX-512 VNNI, else AVX2, else plain loops (the default) */
    DIAC_PRODUCTS_NO_VNNI, /* AVX2, else plain loops */
    DIAC_PRODUCTS_PLAIN,
} diac_products;
void diac_model_products(diac_products allowed);

/* The marks of a class, shadda first, as code points (at most two); returns their count. */
size_t diac_class_marks(unsigned k, unsigned marks[2]);

/* The class of a cluster of marks (shadda and a vowel in either order); -1 if the 15-class
 * scheme has no such cluster. */
int diac_mark_class(const unsigned *marks, size_t n);

typedef struct diac_options {
    /* A case ending (a vowel or tanween on a word's last letter) whose probability is below
     * this is read pausal, with sukun; 0 never. */
    float pausal_below;
    /* Whether a word that has marks is vowelled throughout and is to be left as it is; NULL:
     * every word's bare letters are filled. */
    bool (*word_done)(void *user, const char *word, size_t len);
    void *user;
    bool fill_endings; /* a done word's bare last letter is still filled */
} diac_options;

/* Appends text[0..len) to out with the marks the model chooses on every letter the text left
 * bare. Inline phonemes [[...]] and non-Arabic text pass through unchanged. opts may be NULL. */
nashra_status diacritize(const diac_model *m, const char *text, size_t len,
                         const diac_options *opts, buf *out, nashra_error *err);

#endif
