/* Unit tests of src/jobs: clips come back in the order sentences went in, whatever worker made
 * them; a worker's error is the sentence's; a worker that dies fails the pool with one line;
 * discarding; the window. The work here is a stand-in for synthesis, so no espeak-ng. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/error.h"
#include "jobs/jobs.h"

/* A clip spelling out the text after the voice's rate and the pid of the process that made
 * it (to see who did). */
static void spell(const char *text, const synth_params *p, clip *out)
{
    clip_clear(out);
    int16_t head[2] = {(int16_t)p->rate, (int16_t)(getpid() & 0x7fff)};
    clip_append(out, head, 2);
    for (const char *s = text; *s; s++) {
        int16_t v = (unsigned char)*s;
        clip_append(out, &v, 1);
    }
}

/* The samples of a long clip: a pattern that tells sample i of clip `which` apart. */
static int16_t long_sample(size_t which, size_t i)
{
    return (int16_t)((i * 7 + which * 1000) % 60000 - 30000);
}

/* A worker's spelled clip; "fail" fails, "fail long" with a message longer than an error's,
 * "slow" takes a while, "die" kills the worker; "long N K" is clip K, of N samples after the
 * spelling (megabytes, so that it comes in many pieces), with a measure of N / 441 + 1
 * granules. */
static nashra_status fake_work(void *ctx, const char *text, const synth_params *p, clip *out,
                               unsigned *flags, nashra_error *err)
{
    (void)ctx;
    if (!strcmp(text, "fail"))
        return error_set(err, NASHRA_ESYNTH, "espeak-ng: synthesis failed: on purpose");
    if (!strcmp(text, "fail long")) {
        char words[2000];
        for (size_t i = 0; i < sizeof words - 1; i++)
            words[i] = (char)('a' + i % 26);
        words[sizeof words - 1] = '\0';
        return error_set(err, NASHRA_ESYNTH, "%s", words);
    }
    if (!strncmp(text, "long ", 5)) {
        size_t n = 0, which = 0;
        assert_int_equal(sscanf(text + 5, "%zu %zu", &n, &which), 2);
        spell(text, p, out);
        int16_t *to = clip_extend(out, n);
        assert_non_null(to);
        for (size_t i = 0; i < n; i++)
            to[i] = long_sample(which, i);
        clip_measure *m = &out->measure;
        assert_true(clip_measure_resize(m, n / 441 + 1));
        for (size_t i = 0; i < m->count; i++)
            m->energy[i] = (double)(which * 100000 + i);
        m->start = 0;
        m->end = out->len;
        m->granule = 441;
        m->peak = (float)which;
        *flags = 0;
        return NASHRA_OK;
    }
    if (!strcmp(text, "die"))
        raise(SIGKILL);
    if (!strncmp(text, "slow", 4)) {
        struct timespec t = {0, 30 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    spell(text, p, out);
    if (!strncmp(text, "measured", 8)) { /* a measure that tells which clip it is */
        clip_measure *m = &out->measure;
        assert_true(clip_measure_resize(m, 3));
        m->start = 1;
        m->end = out->len - 1;
        m->granule = 441;
        m->energy[0] = (double)out->len;
        m->energy[1] = 0.5;
        m->energy[2] = 1e-9;
        m->peak = 0.25f;
    }
    *flags = JOBS_CACHE_STORED;
    return NASHRA_OK;
}

static void check_clip(const clip *c, const char *text, int rate)
{
    size_t n = strlen(text);
    assert_int_equal(c->len, n + 2);
    assert_int_equal(c->samples[0], rate);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(c->samples[2 + i], (unsigned char)text[i]);
}

static const synth_params params = {"ar+nashra-m", 150, 45, 45, 0};

static void in_order(void **state)
{
    (void)state;
    jobs_pool *p = NULL;
    nashra_error err = {0};
    assert_int_equal(jobs_create(3, fake_work, NULL, NULL, NULL, &p, &err), NASHRA_OK);
    assert_int_equal(jobs_worker_count(p), 3);
    enum { N = 400 };
    char text[64];
    int pids_seen[3] = {0}, distinct = 0;
    /* Far more than the window at once: they wait in the queue, not in memory as clips. */
    for (int i = 0; i < N; i++) {
        snprintf(text, sizeof text, "%s %d", i % 7 == 0 ? "slow" : "sentence", i);
        synth_params q = params;
        q.rate = 100 + i % 50;
        assert_int_equal(jobs_submit(p, text, &q, &err), NASHRA_OK);
    }
    clip c = CLIP_INIT;
    for (int i = 0; i < N; i++) {
        unsigned flags = 0;
        assert_int_equal(jobs_take(p, &c, &flags, &err), NASHRA_OK);
        snprintf(text, sizeof text, "%s %d", i % 7 == 0 ? "slow" : "sentence", i);
        check_clip(&c, text, 100 + i % 50);
        assert_int_equal(flags, JOBS_CACHE_STORED);
        int pid = c.samples[1];
        bool known = false;
        for (int k = 0; k < distinct; k++)
            known |= pids_seen[k] == pid;
        if (!known && distinct < 3)
            pids_seen[distinct++] = pid;
    }
    /* Every worker took part. */
    assert_int_equal(distinct, 3);
    /* Nothing queued: taking is an error, not a wait. */
    assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_EINVAL);
    clip_free(&c);
    jobs_destroy(p);
}

/* A clip's loudness measure comes back with it, and a clip without one has none, whatever
 * the clip that was in the caller's buffer before had. */
static void measures_come_with_clips(void **state)
{
    (void)state;
    jobs_pool *p = NULL;
    nashra_error err = {0};
    assert_int_equal(jobs_create(2, fake_work, NULL, NULL, NULL, &p, &err), NASHRA_OK);
    enum { N = 40 };
    char text[64];
    for (int i = 0; i < N; i++) {
        snprintf(text, sizeof text, "%s %d", i % 3 ? "measured" : "plain", i);
        assert_int_equal(jobs_submit(p, text, &params, &err), NASHRA_OK);
    }
    clip c = CLIP_INIT;
    for (int i = 0; i < N; i++) {
        assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_OK);
        snprintf(text, sizeof text, "%s %d", i % 3 ? "measured" : "plain", i);
        check_clip(&c, text, params.rate);
        if (i % 3 == 0) {
            assert_int_equal(c.measure.granule, 0);
            continue;
        }
        assert_int_equal(c.measure.granule, 441);
        assert_int_equal(c.measure.start, 1);
        assert_int_equal(c.measure.end, c.len - 1);
        assert_int_equal(c.measure.count, 3);
        assert_true(c.measure.energy[0] == (double)c.len);
        assert_true(c.measure.energy[1] == 0.5 && c.measure.energy[2] == 1e-9);
        assert_true(c.measure.peak == 0.25f);
    }
    clip_free(&c);
    jobs_destroy(p);
}

/* Answers the sentences whose number is a multiple of 3 here, as a cache would, counting the
 * calls; the others are left to the workers. */
static int lookups;

static bool fake_lookup(void *ctx, const char *text, const synth_params *p, clip *out)
{
    (void)ctx;
    lookups++;
    const char *space = strrchr(text, ' ');
    if (!space || atoi(space + 1) % 3 != 0)
        return false;
    spell(text, p, out);
    return true;
}

static void lookups_answered_here_keep_their_place(void **state)
{
    (void)state;
    jobs_pool *p = NULL;
    nashra_error err = {0};
    lookups = 0;
    assert_int_equal(jobs_create(2, fake_work, fake_lookup, NULL, NULL, &p, &err), NASHRA_OK);
    enum { N = 90 };
    char text[64];
    for (int i = 0; i < N; i++) {
        snprintf(text, sizeof text, "%s %d", i % 5 == 0 ? "slow" : "sentence", i);
        synth_params q = params;
        q.rate = 100 + i;
        assert_int_equal(jobs_submit(p, text, &q, &err), NASHRA_OK);
    }
    clip c = CLIP_INIT;
    for (int i = 0; i < N; i++) {
        unsigned flags = 99;
        assert_int_equal(jobs_take(p, &c, &flags, &err), NASHRA_OK);
        snprintf(text, sizeof text, "%s %d", i % 5 == 0 ? "slow" : "sentence", i);
        check_clip(&c, text, 100 + i);
        /* Answered here (this pid, no flags) or made by a worker (another pid, stored). */
        bool here = i % 3 == 0;
        assert_int_equal(c.samples[1] == (getpid() & 0x7fff), here);
        assert_int_equal(flags, here ? 0u : JOBS_CACHE_STORED);
    }
    /* Each sentence was looked up once, however long it waited for a worker. */
    assert_int_equal(lookups, N);
    clip_free(&c);
    jobs_destroy(p);
}

static void errors_belong_to_their_sentence(void **state)
{
    (void)state;
    jobs_pool *p = NULL;
    nashra_error err = {0};
    assert_int_equal(jobs_create(2, fake_work, NULL, NULL, NULL, &p, &err), NASHRA_OK);
    const char *texts[] = {"one", "two", "fail", "four"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(jobs_submit(p, texts[i], &params, &err), NASHRA_OK);
    clip c = CLIP_INIT;
    assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_OK);
    check_clip(&c, "one", 150);
    assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_OK);
    check_clip(&c, "two", 150);
    assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_ESYNTH);
    assert_string_equal(err.message, "espeak-ng: synthesis failed: on purpose");
    /* The pool goes on. */
    assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_OK);
    check_clip(&c, "four", 150);
    clip_free(&c);
    jobs_destroy(p);
}

/* Clips of megabytes, each read in many pieces straight into its place, with their measures,
 * between small ones, an error and an error whose message is longer than an error's room
 * (cut to fit); and a discard while such clips are on their way. */
static void large_answers(void **state)
{
    (void)state;
    jobs_pool *p = NULL;
    nashra_error err = {0};
    assert_int_equal(jobs_create(2, fake_work, NULL, NULL, NULL, &p, &err), NASHRA_OK);
    enum { N = 12 };
    char text[64];
    for (size_t k = 0; k < N; k++) {
        if (k == 4)
            snprintf(text, sizeof text, "fail long");
        else if (k % 3 == 2)
            snprintf(text, sizeof text, "small %zu", k);
        else
            snprintf(text, sizeof text, "long %zu %zu", 300000 + k * 123457, k);
        assert_int_equal(jobs_submit(p, text, &params, &err), NASHRA_OK);
    }
    clip c = CLIP_INIT;
    for (size_t k = 0; k < N; k++) {
        nashra_status st = jobs_take(p, &c, NULL, &err);
        if (k == 4) {
            assert_int_equal(st, NASHRA_ESYNTH);
            assert_int_equal(strlen(err.message), sizeof err.message - 1);
            for (size_t i = 0; i < sizeof err.message - 1; i++)
                assert_int_equal(err.message[i], 'a' + i % 26);
            continue;
        }
        assert_int_equal(st, NASHRA_OK);
        if (k % 3 == 2) {
            snprintf(text, sizeof text, "small %zu", k);
            check_clip(&c, text, params.rate);
            assert_int_equal(c.measure.granule, 0);
            continue;
        }
        const size_t n = 300000 + k * 123457;
        snprintf(text, sizeof text, "long %zu %zu", n, k);
        const size_t head = strlen(text) + 2;
        assert_int_equal(c.len, head + n);
        for (size_t i = 0; i < n; i++)
            if (c.samples[head + i] != long_sample(k, i))
                fail_msg("clip %zu, sample %zu: %d, not %d", k, i, c.samples[head + i],
                         long_sample(k, i));
        assert_int_equal(c.measure.granule, 441);
        assert_int_equal(c.measure.end, c.len);
        assert_int_equal(c.measure.count, n / 441 + 1);
        for (size_t i = 0; i < c.measure.count; i++)
            assert_true(c.measure.energy[i] == (double)(k * 100000 + i));
        assert_true(c.measure.peak == (float)k);
    }
    /* Discarded while they come: what follows is the next sentence, whole. */
    for (size_t k = 0; k < 6; k++) {
        snprintf(text, sizeof text, "long %zu %zu", 900000 + k, k);
        assert_int_equal(jobs_submit(p, text, &params, &err), NASHRA_OK);
    }
    assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_OK);
    jobs_discard(p);
    assert_int_equal(jobs_submit(p, "long 500000 77", &params, &err), NASHRA_OK);
    assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_OK);
    const size_t head = strlen("long 500000 77") + 2;
    assert_int_equal(c.len, head + 500000);
    for (size_t i = 0; i < 500000; i++)
        if (c.samples[head + i] != long_sample(77, i))
            fail_msg("sample %zu: %d, not %d", i, c.samples[head + i], long_sample(77, i));
    assert_int_equal(c.measure.count, 500000 / 441 + 1);
    assert_true(c.measure.energy[0] == 7700000.0);
    clip_free(&c);
    jobs_destroy(p);
}

static void discarding(void **state)
{
    (void)state;
    jobs_pool *p = NULL;
    nashra_error err = {0};
    assert_int_equal(jobs_create(2, fake_work, NULL, NULL, NULL, &p, &err), NASHRA_OK);
    for (int i = 0; i < 20; i++)
        assert_int_equal(jobs_submit(p, "slow and forgotten", &params, &err), NASHRA_OK);
    clip c = CLIP_INIT;
    assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_OK);
    jobs_discard(p);
    /* What comes next is the next sentence submitted, not a late one from before. */
    assert_int_equal(jobs_submit(p, "fresh", &params, &err), NASHRA_OK);
    assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_OK);
    check_clip(&c, "fresh", 150);
    clip_free(&c);
    jobs_destroy(p);
}

static void a_dead_worker_fails_the_pool(void **state)
{
    (void)state;
    jobs_pool *p = NULL;
    nashra_error err = {0};
    assert_int_equal(jobs_create(2, fake_work, NULL, NULL, NULL, &p, &err), NASHRA_OK);
    assert_int_equal(jobs_submit(p, "one", &params, &err), NASHRA_OK);
    /* The death may already show while sentences are submitted. */
    nashra_status st = jobs_submit(p, "die", &params, &err);
    for (int i = 0; i < 10 && !st; i++)
        st = jobs_submit(p, "slow", &params, &err);
    clip c = CLIP_INIT;
    for (int i = 0; i < 12 && !st; i++)
        st = jobs_take(p, &c, NULL, &err);
    assert_int_equal(st, NASHRA_ESYNTH);
    assert_non_null(strstr(err.message, "synthesis worker"));
    assert_non_null(strstr(err.message, "killed by signal 9"));
    assert_null(strchr(err.message, '\n'));
    /* For good. */
    assert_int_equal(jobs_submit(p, "more", &params, &err), NASHRA_ESYNTH);
    clip_free(&c);
    jobs_destroy(p);
}

static void killed_from_outside(void **state)
{
    (void)state;
    jobs_pool *p = NULL;
    nashra_error err = {0};
    assert_int_equal(jobs_create(2, fake_work, NULL, NULL, NULL, &p, &err), NASHRA_OK);
    pid_t victim = jobs_worker_pid(p, 1);
    assert_int_equal(kill(victim, SIGKILL), 0);
    for (int i = 0; i < 30; i++)
        assert_true(jobs_submit(p, "slow", &params, &err) == NASHRA_OK ||
                    err.status == NASHRA_ESYNTH);
    clip c = CLIP_INIT;
    nashra_status st = NASHRA_OK;
    for (int i = 0; i < 30 && !st; i++)
        st = jobs_take(p, &c, NULL, &err);
    assert_int_equal(st, NASHRA_ESYNTH);
    char want[64];
    snprintf(want, sizeof want, "synthesis worker 2 (pid %ld) was killed by signal 9",
             (long)victim);
    assert_non_null(strstr(err.message, want));
    clip_free(&c);
    jobs_destroy(p);
}

static volatile sig_atomic_t stop;

static void canceled(void **state)
{
    (void)state;
    jobs_pool *p = NULL;
    nashra_error err = {0};
    stop = 0;
    assert_int_equal(jobs_create(2, fake_work, NULL, NULL, &stop, &p, &err), NASHRA_OK);
    assert_int_equal(jobs_submit(p, "slow", &params, &err), NASHRA_OK);
    stop = 1;
    clip c = CLIP_INIT;
    assert_int_equal(jobs_take(p, &c, NULL, &err), NASHRA_ECANCELED);
    clip_free(&c);
    jobs_destroy(p);
}

static void bad_counts(void **state)
{
    (void)state;
    jobs_pool *p = NULL;
    nashra_error err = {0};
    assert_int_equal(jobs_create(0, fake_work, NULL, NULL, NULL, &p, &err), NASHRA_EINVAL);
    assert_int_equal(jobs_create(JOBS_MAX + 1, fake_work, NULL, NULL, NULL, &p, &err),
                     NASHRA_EINVAL);
    assert_null(p);
    assert_true(jobs_available_cores() >= 1);
    jobs_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(in_order),
        cmocka_unit_test(measures_come_with_clips),
        cmocka_unit_test(lookups_answered_here_keep_their_place),
        cmocka_unit_test(errors_belong_to_their_sentence),
        cmocka_unit_test(large_answers),
        cmocka_unit_test(discarding),
        cmocka_unit_test(a_dead_worker_fails_the_pool),
        cmocka_unit_test(killed_from_outside),
        cmocka_unit_test(canceled),
        cmocka_unit_test(bad_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
