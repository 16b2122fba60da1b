#include "bulletin/ahead.h"

#include <pthread.h>
#include <stdlib.h>

#include "common/error.h"
#include "common/thread.h"

typedef struct ahead_result {
    buf text;
    bool skipped;
    nashra_status status;
    nashra_error error;
} ahead_result;

struct pron_ahead {
    const char *const *texts;
    size_t n;
    const pron_options *opts;
    ahead_skip_fn skip;
    void *ctx;
    pthread_t thread;
    ahead_result results[AHEAD_SENTENCES]; /* sentence i in results[i % AHEAD_SENTENCES] */
    /* Shared under lock: */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t done;  /* sentences pronounced (or skipped), in order */
    size_t taken; /* sentences taken */
    bool stop;
};

static void *pronounce_ahead(void *arg)
{
    pron_ahead *a = arg;
    for (size_t i = 0; i < a->n; i++) {
        pthread_mutex_lock(&a->lock);
        while (!a->stop && i >= a->taken + AHEAD_SENTENCES)
            pthread_cond_wait(&a->changed, &a->lock);
        bool stop = a->stop;
        pthread_mutex_unlock(&a->lock);
        if (stop)
            break;
        /* The slot is free: its last sentence has been taken. */
        ahead_result *r = &a->results[i % AHEAD_SENTENCES];
        buf_clear(&r->text);
        r->skipped = a->skip && a->skip(a->ctx, i);
        r->status = r->skipped ? NASHRA_OK
                               : pronounce_sentence(a->texts[i], a->opts, &r->text, &r->error);
        pthread_mutex_lock(&a->lock);
        a->done = i + 1;
        pthread_cond_broadcast(&a->changed);
        pthread_mutex_unlock(&a->lock);
    }
    return NULL;
}

nashra_status pron_ahead_start(const char *const *texts, size_t n, const pron_options *opts,
                               ahead_skip_fn skip, void *ctx, pron_ahead **out,
                               nashra_error *err)
{
    *out = NULL;
    pron_ahead *a = calloc(1, sizeof *a);
    if (!a)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    *a = (pron_ahead){.texts = texts, .n = n, .opts = opts, .skip = skip, .ctx = ctx};
    if (pthread_mutex_init(&a->lock, NULL) != 0) {
        free(a);
        return NASHRA_OK;
    }
    if (pthread_cond_init(&a->changed, NULL) != 0) {
        pthread_mutex_destroy(&a->lock);
        free(a);
        return NASHRA_OK;
    }
    if (thread_start_blocked(&a->thread, pronounce_ahead, a) != 0) {
        pthread_cond_destroy(&a->changed);
        pthread_mutex_destroy(&a->lock);
        free(a);
        return NASHRA_OK;
    }
    *out = a;
    return NASHRA_OK;
}

nashra_status pron_ahead_take(pron_ahead *a, buf *out, bool *skipped, nashra_error *err)
{
    buf_clear(out);
    *skipped = false;
    pthread_mutex_lock(&a->lock);
    size_t i = a->taken;
    if (i >= a->n) {
        pthread_mutex_unlock(&a->lock);
        return error_set(err, NASHRA_EINVAL, "no sentence left to pronounce");
    }
    while (a->done <= i)
        pthread_cond_wait(&a->changed, &a->lock);
    pthread_mutex_unlock(&a->lock);

    ahead_result *r = &a->results[i % AHEAD_SENTENCES];
    nashra_status rc = r->status;
    if (rc) {
        *err = r->error;
    } else {
        /* The buffers change hands (out is empty): the thread clears it before using it. */
        *skipped = r->skipped;
        buf mine = *out;
        *out = r->text;
        r->text = mine;
    }

    pthread_mutex_lock(&a->lock);
    a->taken = i + 1;
    pthread_cond_broadcast(&a->changed);
    pthread_mutex_unlock(&a->lock);
    return rc;
}

void pron_ahead_stop(pron_ahead *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    a->stop = true;
    pthread_cond_broadcast(&a->changed);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->thread, NULL);
    for (size_t i = 0; i < AHEAD_SENTENCES; i++)
        buf_free(&a->results[i].text);
    pthread_cond_destroy(&a->changed);
    pthread_mutex_destroy(&a->lock);
    free(a);
}
