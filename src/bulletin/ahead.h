/*
 * The pronunciation stage run ahead of synthesis, on a thread of its own, when synthesis runs
 * in this process (one job): while the synthesizer reads one sentence, the next ones are
 * pronounced (the diacritizer is most of that), so that a second processor does the front
 * end's work beside espeak-ng's. At most AHEAD_SENTENCES are held pronounced and not yet taken.
 *
 * The thread only reads what it is given (the sentences, the pronunciation options, the
 * shipped lexicon and model), so the stage's output is the same as pronouncing in line.
 */
#ifndef NASHRA_BULLETIN_AHEAD_H
#define NASHRA_BULLETIN_AHEAD_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "nashra.h"
#include "pronounce/pronounce.h"

#define AHEAD_SENTENCES 16

typedef struct pron_ahead pron_ahead;

/* Whether sentence i needs no pronouncing (its clip is in the cache); called on the thread. */
typedef bool (*ahead_skip_fn)(void *ctx, size_t i);

/* Starts pronouncing texts[0..n) in order (the texts must outlive the returned object). skip
 * may be NULL. *out is NULL when no thread could be started: then pronounce in line. */
nashra_status pron_ahead_start(const char *const *texts, size_t n, const pron_options *opts,
                               ahead_skip_fn skip, void *ctx, pron_ahead **out,
                               nashra_error *err);

/* Waits for the next sentence (they are taken in order, each once) and moves its pronounced
 * form into out (cleared first); *skipped is set when skip said it needed none, and out is
 * then empty. A failure of the stage on that sentence is returned as its error. */
nashra_status pron_ahead_take(pron_ahead *a, buf *out, bool *skipped, nashra_error *err);

/* Stops the thread (after the sentence it is on) and frees everything. Accepts NULL. */
void pron_ahead_stop(pron_ahead *a);

#endif
