/*
 * Synthesis in worker processes. libespeak-ng keeps process-global state and is not
 * thread-safe, so parallel synthesis means processes: the pool forks its workers once (after
 * the synthesizer is initialized; espeak-ng works in a forked child, and children end with
 * _exit, since espeak_ng_Terminate hangs there), hands them sentences over a socket each, and
 * gives the clips back in the order the sentences were submitted.
 *
 * Memory stays bounded: at most four sentences a worker (JOBS_WINDOW in all) are handed out
 * beyond the oldest one not yet taken, so a long bulletin never holds more than that many
 * clips. A worker that dies, is
 * killed or stops answering the protocol fails the pool for good with one line naming it.
 */
#ifndef NASHRA_JOBS_JOBS_H
#define NASHRA_JOBS_JOBS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "audio/clip.h"
#include "nashra.h"
#include "synth/synth.h"

/* Most sentences handed out ahead of the oldest one not yet taken (four a worker, at least 8). */
#define JOBS_WINDOW 32
/* At most this many workers. */
#define JOBS_MAX 64

/* Flags a worker returns with a clip. */
#define JOBS_CACHE_STORED 1u /* the clip was synthesized and stored in the cache */

/* What a worker does with one sentence, in the worker process: clears out and fills it with
 * the sentence's raw synthesizer samples. */
typedef nashra_status (*jobs_work_fn)(void *ctx, const char *text, const synth_params *params,
                                      clip *out, unsigned *flags, nashra_error *err);

/* What the pool tries first for each sentence, in this process, as it comes to be handed out
 * (a cache lookup): true when it has filled out with the clip, so that no worker is asked. A
 * clip that only has to be read is read once here, rather than read in a worker and copied
 * through its socket. */
typedef bool (*jobs_lookup_fn)(void *ctx, const char *text, const synth_params *params,
                               clip *out);

typedef struct jobs_pool jobs_pool;

/* The number of processors this process may run on (sched_getaffinity), at least 1. */
int jobs_available_cores(void);

/*
 * Forks worker processes that each run work(ctx, ...) for the sentences they are given, those
 * that lookup(ctx, ...) does not answer first (lookup may be NULL). When cancel is not NULL
 * and becomes non-zero, waiting calls return NASHRA_ECANCELED.
 */
nashra_status jobs_create(int workers, jobs_work_fn work, jobs_lookup_fn lookup, void *ctx,
                          const volatile sig_atomic_t *cancel, jobs_pool **out,
                          nashra_error *err);

/* Queues a sentence (text and params are copied). */
nashra_status jobs_submit(jobs_pool *pool, const char *text, const synth_params *params,
                          nashra_error *err);

/* Waits for the oldest queued sentence not yet taken and moves its samples into out (cleared
 * first). A worker's failure on that sentence is returned as its own error. */
nashra_status jobs_take(jobs_pool *pool, clip *out, unsigned *flags, nashra_error *err);

/* Forgets every sentence queued and not yet taken (their clips are dropped as they arrive). */
void jobs_discard(jobs_pool *pool);

size_t jobs_worker_count(const jobs_pool *pool);
pid_t jobs_worker_pid(const jobs_pool *pool, size_t index);

/* Ends the workers (their sockets closed; any still running after a moment are killed) and
 * reaps them. Accepts NULL. */
void jobs_destroy(jobs_pool *pool);

#endif
