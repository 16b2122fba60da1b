/* End-to-end tests of parallel synthesis, the sentence cache and the output lock: the bulletin
 * is the same with one job or two, from the cache or from espeak-ng; damaged cache entries are
 * made again; a small cap evicts; a second run on a locked output fails; a run killed midway,
 * or one whose worker is killed, leaves the previous bulletin as it was. Every run keeps its
 * cache in the scratch folder. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sndfile.h>

#include "e2e.h"
#include "table.h"

char workdir[] = "/tmp/nashra-jobs-XXXXXX";

#define SAMPLES NASHRA_SAMPLES_DIR

static int setup(void **state)
{
    if (workdir_setup(state))
        return -1;
    /* Never the user's cache. */
    char xdg[600];
    snprintf(xdg, sizeof xdg, "%s/xdg-cache", workdir);
    return setenv("XDG_CACHE_HOME", xdg, 1);
}

/* ---------------------------------------------------------------------------------------- */
/* The sidecar, read back.                                                                  */

typedef struct sentence {
    char part[16];
    char *text;
    long long start, end;
} sentence;

typedef struct bulletin_facts {
    sentence *s;
    size_t count;
    size_t segments;
    double seconds;
} bulletin_facts;

static void read_facts(const char *json_path, bulletin_facts *f)
{
    json_error_t e;
    json_t *root = json_load_file(json_path, 0, &e);
    if (!root)
        fail_msg("%s: %s", json_path, e.text);
    memset(f, 0, sizeof *f);
    f->seconds = json_real_value(
        json_object_get(json_object_get(root, "bulletin"), "duration_seconds"));
    json_t *stories = json_object_get(root, "stories");
    f->segments = json_array_size(stories);
    for (size_t i = 0; i < f->segments; i++) {
        json_t *list = json_object_get(json_array_get(stories, i), "sentences");
        for (size_t k = 0; k < json_array_size(list); k++) {
            json_t *js = json_array_get(list, k);
            f->s = realloc(f->s, (f->count + 1) * sizeof *f->s);
            assert_non_null(f->s);
            sentence *s = &f->s[f->count++];
            snprintf(s->part, sizeof s->part, "%s", json_string_value(json_object_get(js, "part")));
            s->text = strdup(json_string_value(json_object_get(js, "text")));
            s->start = json_integer_value(json_object_get(js, "start_sample"));
            s->end = json_integer_value(json_object_get(js, "end_sample"));
        }
    }
    json_decref(root);
}

static void free_facts(bulletin_facts *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->s[i].text);
    free(f->s);
}

/* The same sentences in the same order with the same pauses between them, and the whole
 * within 0.5%. espeak-ng's output for a sentence drifts with what it synthesized before it,
 * which differs from worker to worker: a sentence's own length is allowed 1.5% (measured: up
 * to 1%; the same articles in another order, in one process, up to 0.4%). rate: the output's
 * sample rate. */
static void expect_equivalent(const char *json_a, const char *json_b, int rate)
{
    bulletin_facts a, b;
    read_facts(json_a, &a);
    read_facts(json_b, &b);
    assert_true(a.count > 5);
    assert_int_equal(a.count, b.count);
    assert_int_equal(a.segments, b.segments);
    if (fabs(a.seconds - b.seconds) > 0.005 * a.seconds)
        fail_msg("%s: %.3f s, %s: %.3f s", json_a, a.seconds, json_b, b.seconds);
    /* Each clip is trimmed of its silent ends (with a 15 ms margin), so a pause as measured
     * between two sentences moves by a few milliseconds with the audio at its edges. */
    const double slack = 0.025 * rate;
    for (size_t i = 0; i < a.count; i++) {
        assert_string_equal(a.s[i].part, b.s[i].part);
        assert_string_equal(a.s[i].text, b.s[i].text);
        double la = (double)(a.s[i].end - a.s[i].start), lb = (double)(b.s[i].end - b.s[i].start);
        if (fabs(la - lb) > 0.015 * la + slack)
            fail_msg("sentence %zu: %.0f and %.0f samples", i + 1, la, lb);
        if (i + 1 < a.count) {
            double ga = (double)(a.s[i + 1].start - a.s[i].end);
            double gb = (double)(b.s[i + 1].start - b.s[i].end);
            if (fabs(ga - gb) > slack)
                fail_msg("pause after sentence %zu: %.0f and %.0f samples", i + 1, ga, gb);
        }
    }
    free_facts(&a);
    free_facts(&b);
}

/* The loudness figures of two bulletins' sidecars are the same. */
static void expect_same_loudness(const char *json_a, const char *json_b)
{
    json_error_t e;
    json_t *a = json_load_file(json_a, 0, &e), *b = json_load_file(json_b, 0, &e);
    assert_non_null(a);
    assert_non_null(b);
    json_t *la = json_object_get(a, "loudness"), *lb = json_object_get(b, "loudness");
    assert_non_null(json_object_get(la, "integrated_lufs"));
    if (!json_equal(la, lb)) {
        char *sa = json_dumps(la, JSON_COMPACT), *sb = json_dumps(lb, JSON_COMPACT);
        fail_msg("%s: %s\n%s: %s", json_a, sa, json_b, sb);
    }
    json_decref(a);
    json_decref(b);
}

/* All the samples of a sound file. */
static short *samples_of(const char *path, long long *frames)
{
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    assert_non_null(sf);
    short *data = malloc((size_t)info.frames * (size_t)info.channels * sizeof *data + 1);
    assert_non_null(data);
    assert_int_equal(sf_readf_short(sf, data, info.frames), info.frames);
    sf_close(sf);
    *frames = info.frames * info.channels;
    return data;
}

/* ---------------------------------------------------------------------------------------- */

static void one_job_or_two(void **state)
{
    (void)state;
    WORK(one, "one.wav");
    WORK(two, "two.wav");
    expect_success(run(NULL, "bulletin", "-q", "--profile", "raw", "--no-cache", "--jobs", "1",
                       "-o", one, SAMPLES, NULL));
    expect_success(run(NULL, "bulletin", "-q", "--profile", "raw", "--no-cache", "--jobs", "2",
                       "-o", two, SAMPLES, NULL));
    WORK(one_json, "one.json");
    WORK(two_json, "two.json");
    expect_equivalent(one_json, two_json, 22050);
}

static void rundown_one_job_or_three(void **state)
{
    (void)state;
    setenv("NASHRA_NOW", "2026-11-24T16:58:00Z", 1);
    WORK(one, "evening-1.wav");
    WORK(three, "evening-3.wav");
    expect_success(run(NULL, "bulletin", "-q", "--rundown", SAMPLES "/evening.json", "--profile",
                       "raw", "--no-cache", "--jobs", "1", "-o", one, NULL));
    expect_success(run(NULL, "bulletin", "-q", "--rundown", SAMPLES "/evening.json", "--profile",
                       "raw", "--no-cache", "--jobs", "3", "-o", three, NULL));
    unsetenv("NASHRA_NOW");
    WORK(one_json, "evening-1.json");
    WORK(three_json, "evening-3.json");
    expect_equivalent(one_json, three_json, 22050);
}

/* Every third entry loses a byte in its samples, every third is cut short, the rest stay. */
static void damage_some(void *user, const char *path, size_t n)
{
    (void)user;
    if (n % 3 == 2)
        return;
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    if (n % 3 == 0) {
        unsigned char b = 0;
        assert_int_equal(pread(fd, &b, 1, st.st_size / 2), 1);
        b ^= 0x11;
        assert_int_equal(pwrite(fd, &b, 1, st.st_size / 2), 1);
    } else {
        assert_int_equal(ftruncate(fd, st.st_size - 100), 0);
    }
    close(fd);
}

/* "sentence cache: H hits, M misses, S stored, D damaged" from a --verbose log. */
static void cache_counts(const char *log, long *hits, long *misses, long *stored, long *damaged)
{
    const char *p = strstr(log, "sentence cache: ");
    while (p && !strstr(p, " hits, "))
        p = strstr(p + 1, "sentence cache: ");
    if (!p || sscanf(p, "sentence cache: %ld hits, %ld misses, %ld stored, %ld damaged", hits,
                     misses, stored, damaged) != 4)
        fail_msg("no cache counts in: %s", log);
}

static void cache_hits_misses_and_damage(void **state)
{
    (void)state;
    WORK(cache, "clips");
    WORK(cold, "cold.wav");
    WORK(warm, "warm.wav");
    WORK(mended, "mended.wav");
    WORK(cold_json, "cold.json");
    WORK(warm_json, "warm.json");
    WORK(mended_json, "mended.json");
    long hits, misses, stored, damaged;

    /* Cold, in this process: every sentence is a miss and is stored. */
    run_result r = run(NULL, "bulletin", "-q", "--verbose", "--profile", "raw", "--jobs", "1",
                       "--cache-dir", cache, "-o", cold, SAMPLES, NULL);
    assert_int_equal(r.status, 0);
    cache_counts(r.err, &hits, &misses, &stored, &damaged);
    size_t entries = cache_each_entry(cache, NULL, NULL, NULL);
    assert_true(entries > 50);
    assert_int_equal(hits, 0);
    assert_int_equal(misses, (long)entries);
    assert_int_equal(stored, (long)entries);
    /* The clips were measured as they were stored, and metered by those measures. */
    assert_non_null(strstr(r.err, "of speech metered by the clips' measures"));
    /* Every event is one line with a time stamp. */
    for (char *line = r.err; *line;) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        int y, mo, d, h, mi, s, ms;
        assert_int_equal(sscanf(line, "%4d-%2d-%2dT%2d:%2d:%2d.%3d nashra: ", &y, &mo, &d, &h,
                                &mi, &s, &ms), 7);
        line = nl + 1;
    }
    result_free(&r);

    /* Warm, in this process: every sentence a hit, and the very same samples. */
    r = run(NULL, "bulletin", "-q", "--verbose", "--profile", "raw", "--jobs", "1",
            "--cache-dir", cache, "-o", warm, SAMPLES, NULL);
    assert_int_equal(r.status, 0);
    cache_counts(r.err, &hits, &misses, &stored, &damaged);
    assert_int_equal(hits, (long)entries);
    assert_int_equal(misses, 0);
    assert_non_null(strstr(r.err, "of speech metered by the clips' measures"));
    result_free(&r);
    long long na, nb;
    short *a = samples_of(cold, &na), *b = samples_of(warm, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, (size_t)na * sizeof *a);
    free(b);
    expect_same_loudness(cold_json, warm_json);
    /* Without the cache nothing is measured apart: the meter takes every sample, and finds
     * the same figures in the same samples. */
    WORK(plain, "plain.wav");
    WORK(plain_json, "plain.json");
    r = run(NULL, "bulletin", "-q", "--verbose", "--profile", "raw", "--jobs", "1", "--no-cache",
            "-o", plain, SAMPLES, NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.err, "metered by the clips' measures"));
    result_free(&r);
    b = samples_of(plain, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, (size_t)na * sizeof *a);
    free(a);
    free(b);
    expect_same_loudness(cold_json, plain_json);

    /* Damaged entries, through the workers: found, made again, and the bulletin still right. */
    cache_each_entry(cache, damage_some, NULL, NULL);
    r = run(NULL, "bulletin", "-q", "--verbose", "--profile", "raw", "--jobs", "2",
            "--cache-dir", cache, "-o", mended, SAMPLES, NULL);
    assert_int_equal(r.status, 0);
    cache_counts(r.err, &hits, &misses, &stored, &damaged);
    long spoiled = (long)(entries - entries / 3);
    assert_int_equal(damaged, spoiled);
    assert_int_equal(misses, spoiled);
    assert_int_equal(stored, spoiled);
    assert_int_equal(hits, (long)entries - spoiled);
    result_free(&r);
    expect_equivalent(cold_json, mended_json, 22050);
    /* And whole again: a fourth run hits everything. */
    r = run(NULL, "bulletin", "-q", "--verbose", "--profile", "raw", "--jobs", "2",
            "--cache-dir", cache, "-f", "-o", warm, SAMPLES, NULL);
    assert_int_equal(r.status, 0);
    cache_counts(r.err, &hits, &misses, &stored, &damaged);
    assert_int_equal(hits, (long)entries);
    assert_int_equal(damaged, 0);
    result_free(&r);
    expect_equivalent(cold_json, warm_json, 22050);

    /* --no-cache touches nothing. */
    r = run(NULL, "bulletin", "-q", "--verbose", "--profile", "raw", "--jobs", "2", "--no-cache",
            "-f", "-o", warm, SAMPLES, NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.err, "sentence cache"));
    result_free(&r);
}

/* Runs a bulletin of one article with the cache in dir, with one more option (and its value)
 * when opt is not NULL, and returns its cache hits and misses. */
static void cached_run(const char *dir, const char *out, long *hits, long *misses,
                       const char *opt, const char *value)
{
#define CACHED_RUN(...)                                                                        \
    run(NULL, "bulletin", "-q", "--verbose", "--profile", "raw", "--jobs", "2", "-f",          \
        "--no-sidecars", "--cache-dir", dir, "-o", out, __VA_ARGS__, SAMPLES "/04-weather.txt", \
        NULL)
    long stored, damaged;
    run_result r = !opt ? CACHED_RUN("--cache-size", "100M")
                   : value ? CACHED_RUN(opt, value) : CACHED_RUN(opt);
#undef CACHED_RUN
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    cache_counts(r.err, hits, misses, &stored, &damaged);
    result_free(&r);
}

/* Clips are cached by spoken sentence, before the pronunciation stage: what that stage reads
 * with (a user's lexicon, the diacritizer on or off) is part of every key, so that a change
 * there makes misses, never stale hits. */
static void cache_follows_the_pronunciation(void **state)
{
    (void)state;
    WORK(cache, "pron-clips");
    WORK(out, "pron.wav");
    WORK(lexicon, "pron.tsv");
    long hits, misses, n;
    cached_run(cache, out, &hits, &n, NULL, NULL);
    assert_true(n > 3);
    assert_int_equal(hits, 0);
    cached_run(cache, out, &hits, &misses, NULL, NULL);
    assert_int_equal(hits, n);
    assert_int_equal(misses, 0);
    static const char entry[] = "طنجة\tطَنْجَةَ\n";
    write_file(lexicon, entry, sizeof entry - 1);
    cached_run(cache, out, &hits, &misses, "--lexicon", lexicon);
    assert_int_equal(misses, n);
    cached_run(cache, out, &hits, &misses, "--lexicon", lexicon);
    assert_int_equal(hits, n);
    cached_run(cache, out, &hits, &misses, "--no-diacritize", NULL);
    assert_int_equal(misses, n);
    cached_run(cache, out, &hits, &misses, NULL, NULL);
    assert_int_equal(hits, n);
}

static void cache_default_place_and_cap(void **state)
{
    (void)state;
    /* Without --cache-dir: $XDG_CACHE_HOME/nashra/clips, here the scratch folder's. */
    WORK(out, "capped.wav");
    WORK(clips, "xdg-cache/nashra/clips");
    run_result r = run(NULL, "bulletin", "-q", "--verbose", "--profile", "raw", "--jobs", "2",
                       "--cache-size", "3M", "-o", out, SAMPLES "/01-politics.txt",
                       SAMPLES "/02-economy.txt", SAMPLES "/03-sports.txt", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, clips));
    size_t bytes;
    size_t left = cache_each_entry(clips, NULL, NULL, &bytes);
    /* Trimmed to nine tenths of the cap, the least recently used first. */
    assert_true(left > 0);
    assert_true(bytes <= 2700000);
    const char *evict = strstr(r.err, "after removing ");
    assert_non_null(evict);
    assert_true(atoi(evict + strlen("after removing ")) > 0);
    result_free(&r);
    /* The environment sets the cap too; a bad one is a usage error. */
    setenv("NASHRA_CACHE_SIZE", "lots", 1);
    r = run(NULL, "bulletin", "-q", "-f", "-o", out, SAMPLES "/01-politics.txt", NULL);
    unsetenv("NASHRA_CACHE_SIZE");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "NASHRA_CACHE_SIZE"));
    result_free(&r);
}

/* ---------------------------------------------------------------------------------------- */
/* Runs in the background.                                                                  */

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Waits (up to a minute) until the file at path holds needle; returns its text. */
static char *wait_for_text(const char *path, const char *needle, pid_t pid)
{
    for (int i = 0; i < 6000; i++) {
        if (access(path, F_OK) != 0) {
            pause_ms(10);
            continue;
        }
        char *text = table_read_file(path, NULL);
        if (strstr(text, needle))
            return text;
        free(text);
        int ws;
        if (waitpid(pid, &ws, WNOHANG) == pid)
            fail_msg("the run ended before '%s' appeared in %s", needle, path);
        pause_ms(10);
    }
    fail_msg("'%s' never appeared in %s", needle, path);
    return NULL;
}

static int wait_exit(pid_t pid)
{
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

static bool lock_is_held(const char *lock_path)
{
    int fd = open(lock_path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd); /* releases it if this test took it */
    return held;
}

/* A long bulletin's worth of arguments: the samples three times over. */
#define LONG_INPUT SAMPLES, SAMPLES, SAMPLES

static void second_run_on_a_locked_output(void **state)
{
    (void)state;
    WORK(out, "locked.wav");
    WORK(lock, "locked.wav.lock");
    WORK(err_a, "a.err");
    pid_t a = spawn(err_a, "bulletin", "-q", "--no-cache", "--jobs", "1", "--profile", "raw",
                    "-o", out, LONG_INPUT, NULL);
    for (int i = 0; i < 3000 && !lock_is_held(lock); i++)
        pause_ms(10);
    run_result r = run(NULL, "bulletin", "-q", "--profile", "raw", "-f", "-o", out,
                       SAMPLES "/01-politics.txt", NULL);
    /* Still the first run's: the second did nothing. */
    int ws;
    if (waitpid(a, &ws, WNOHANG) == a)
        fail_msg("the first run ended too soon for this test");
    assert_int_equal(r.status, 1);
    char want[700];
    snprintf(want, sizeof want, "nashra: another nashra run is writing %s", out);
    if (strncmp(r.err, want, strlen(want)) != 0)
        fail_msg("got: %s", r.err);
    assert_int_equal(strchr(r.err, '\n')[1], '\0');
    result_free(&r);
    assert_int_equal(wait_exit(a), 0);
    WORK(json, "locked.json");
    bulletin_facts f;
    read_facts(json, &f);
    assert_true(f.segments == 21);
    free_facts(&f);

    /* --wait-lock waits for the holder (here this test), then runs. */
    int fd = open(lock, O_RDWR | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    WORK(err_b, "b.err");
    pid_t b = spawn(err_b, "bulletin", "-q", "--wait-lock", "--profile", "raw", "-f", "-o", out,
                    SAMPLES "/01-politics.txt", NULL);
    pause_ms(500);
    assert_int_equal(waitpid(b, &ws, WNOHANG), 0);
    close(fd);
    assert_int_equal(wait_exit(b), 0);
    read_facts(json, &f);
    assert_int_equal(f.segments, 1);
    free_facts(&f);
}

/* The previous bulletin, byte for byte, and nothing but it and its sidecars at its name. */
static char *snapshot(const char *path, size_t *len)
{
    return table_read_file(path, len);
}

static void expect_untouched(const char *out, const char *before, size_t before_len)
{
    size_t len;
    char *now = snapshot(out, &len);
    assert_int_equal(len, before_len);
    assert_memory_equal(now, before, len);
    free(now);
    /* No partial file beside it. */
    DIR *d = opendir(workdir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp-"))
            fail_msg("left behind: %s", e->d_name);
    closedir(d);
}

/* The worker pids of a --verbose log. */
static size_t worker_pids(const char *log, pid_t *pids, size_t cap)
{
    const char *p = strstr(log, "synthesis workers started (pids ");
    assert_non_null(p);
    p += strlen("synthesis workers started (pids ");
    size_t n = 0;
    while (n < cap && *p >= '0' && *p <= '9') {
        pids[n++] = (pid_t)strtol(p, (char **)&p, 10);
        if (*p == ' ')
            p++;
    }
    return n;
}

/* Gone, or a zombie waiting for whoever inherited it to reap it. */
static bool ended(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    char state = '?';
    int got = fscanf(f, "%*d (%*[^)]) %c", &state);
    fclose(f);
    return got == 1 && (state == 'Z' || state == 'X');
}

static void expect_gone(pid_t pid)
{
    for (int i = 0; i < 500 && !ended(pid); i++)
        pause_ms(10);
    if (!ended(pid))
        fail_msg("worker %ld outlived its run", (long)pid);
}

static void killed_run_keeps_the_previous_bulletin(void **state)
{
    (void)state;
    WORK(out, "hourly.wav");
    WORK(json, "hourly.json");
    expect_success(run(NULL, "bulletin", "-q", "--profile", "raw", "-o", out,
                       SAMPLES "/01-politics.txt", NULL));
    size_t len, json_len;
    char *before = snapshot(out, &len), *before_json = snapshot(json, &json_len);

    WORK(err_a, "killed.err");
    pid_t a = spawn(err_a, "bulletin", "--verbose", "--no-cache", "--jobs", "2", "--profile",
                    "raw", "-f", "-o", out, LONG_INPUT, NULL);
    char *log = wait_for_text(err_a, "story 3:", a);
    pid_t pids[8];
    size_t n = worker_pids(log, pids, 8);
    assert_int_equal(n, 2);
    free(log);
    assert_int_equal(kill(a, SIGKILL), 0);
    assert_int_equal(wait_exit(a), 128 + SIGKILL);
    /* The workers follow their run. */
    for (size_t i = 0; i < n; i++)
        expect_gone(pids[i]);
    expect_untouched(out, before, len);
    expect_untouched(json, before_json, json_len);

    /* A worker killed: the run fails in one line, and the bulletin stays as it was. */
    WORK(err_b, "worker.err");
    pid_t b = spawn(err_b, "bulletin", "--verbose", "--no-cache", "--jobs", "2", "--profile",
                    "raw", "-f", "-o", out, LONG_INPUT, NULL);
    log = wait_for_text(err_b, "story 2:", b);
    assert_int_equal(worker_pids(log, pids, 8), 2);
    free(log);
    assert_int_equal(kill(pids[1], SIGKILL), 0);
    assert_int_equal(wait_exit(b), 1);
    expect_gone(pids[0]);
    log = table_read_file(err_b, NULL);
    /* The last line is the error, alone on its line. */
    char *last = log + strlen(log) - 1;
    assert_int_equal(*last, '\n');
    while (last > log && last[-1] != '\n')
        last--;
    char want[128];
    snprintf(want, sizeof want, "nashra: synthesis worker 2 (pid %ld) was killed by signal 9",
             (long)pids[1]);
    if (strncmp(last, want, strlen(want)) != 0)
        fail_msg("last line: %s", last);
    free(log);
    expect_untouched(out, before, len);
    expect_untouched(json, before_json, json_len);
    free(before);
    free(before_json);

    /* What a run killed while writing would leave: the next run of this output removes it. */
    WORK(partial, "hourly.wav.tmp-99999-0");
    WORK(partial_json, "hourly.json.tmp-99999-0");
    WORK(other, "other.wav.tmp-99999-0");
    write_file(partial, "RIFF", 4);
    write_file(partial_json, "{", 1);
    write_file(other, "RIFF", 4);
    expect_success(run(NULL, "bulletin", "-q", "--profile", "raw", "-f", "-o", out,
                       SAMPLES "/02-economy.txt", NULL));
    assert_int_not_equal(access(partial, F_OK), 0);
    assert_int_not_equal(access(partial_json, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);
    unlink(other);
}

static void bad_jobs(void **state)
{
    (void)state;
    WORK(out, "bad.wav");
    run_result r = run(NULL, "bulletin", "--jobs", "0", "-o", out, SAMPLES, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--jobs"));
    result_free(&r);
    r = run(NULL, "bulletin", "--cache-size", "-5", "-o", out, SAMPLES, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--cache-size"));
    result_free(&r);
    assert_int_not_equal(access(out, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_job_or_two),
        cmocka_unit_test(rundown_one_job_or_three),
        cmocka_unit_test(cache_hits_misses_and_damage),
        cmocka_unit_test(cache_follows_the_pronunciation),
        cmocka_unit_test(cache_default_place_and_cap),
        cmocka_unit_test(second_run_on_a_locked_output),
        cmocka_unit_test(killed_run_keeps_the_previous_bulletin),
        cmocka_unit_test(bad_jobs),
    };
    return cmocka_run_group_tests(tests, setup, workdir_teardown);
}
