/* Unit tests of src/cache: keys, hits and misses, damaged entries, trimming to the cap, runs
 * sharing a folder; and the output lock. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "audio/loudness.h"
#include "cache/cache.h"
#include "e2e.h"

char workdir[] = "/tmp/nashra-test-cache-XXXXXX";

#define RATE 22050

/* A clip whose samples depend on seed, n samples long. */
static void make_clip(clip *c, unsigned seed, size_t n)
{
    clip_clear(c);
    for (size_t i = 0; i < n; i++) {
        int16_t v = (int16_t)((seed * 7919u + i * 31u) % 60000u - 30000);
        assert_true(clip_append(c, &v, 1));
    }
}

static clip_cache *open_in(const char *name, long long cap)
{
    WORK(dir, name);
    clip_cache *c = NULL;
    nashra_error err = {0};
    assert_int_equal(cache_open(dir, cap, "nashra test; espeak-ng test", &c, &err), NASHRA_OK);
    return c;
}

static void key_of(clip_cache *c, const char *text, unsigned char key[CACHE_KEY_BYTES])
{
    cache_key(c, text, "ar+nashra-m", 150, 45, 45, 0, key);
}

/* The checksum is XXH3-64's low half (its published value for no bytes), and any one bit
 * flipped in a buffer changes it. */
static void checksum_of_bytes(void **state)
{
    (void)state;
    assert_int_equal(cache_checksum("", 0), 0x38D394C2u); /* XXH3_64bits: 0x2D06800538D394C2 */
    unsigned char b[1000];
    for (size_t i = 0; i < sizeof b; i++)
        b[i] = (unsigned char)(i * 37 + 11);
    const uint32_t whole = cache_checksum(b, sizeof b);
    for (size_t i = 0; i < sizeof b; i += 7)
        for (int bit = 0; bit < 8; bit += 3) {
            b[i] ^= (unsigned char)(1u << bit);
            assert_true(cache_checksum(b, sizeof b) != whole);
            b[i] ^= (unsigned char)(1u << bit);
        }
    assert_int_equal(cache_checksum(b, sizeof b), whole);
}

static void keys_cover_every_setting(void **state)
{
    (void)state;
    clip_cache *c = open_in("keys", 1000000);
    unsigned char k[8][CACHE_KEY_BYTES];
    cache_key(c, "نص", "ar", 150, 45, 45, 0, k[0]);
    cache_key(c, "نص ", "ar", 150, 45, 45, 0, k[1]);
    cache_key(c, "نص", "ar+f3", 150, 45, 45, 0, k[2]);
    cache_key(c, "نص", "ar", 151, 45, 45, 0, k[3]);
    cache_key(c, "نص", "ar", 150, 46, 45, 0, k[4]);
    cache_key(c, "نص", "ar", 150, 45, 44, 0, k[5]);
    cache_key(c, "نص", "ar", 150, 45, 45, 1, k[6]);
    clip_cache *other = NULL;
    WORK(dir, "keys");
    assert_int_equal(cache_open(dir, 1000000, "nashra other; espeak-ng test", &other, NULL),
                     NASHRA_OK);
    cache_key(other, "نص", "ar", 150, 45, 45, 0, k[7]);
    for (int i = 0; i < 8; i++)
        for (int j = i + 1; j < 8; j++)
            assert_memory_not_equal(k[i], k[j], CACHE_KEY_BYTES);
    unsigned char again[CACHE_KEY_BYTES];
    cache_key(c, "نص", "ar", 150, 45, 45, 0, again);
    assert_memory_equal(again, k[0], CACHE_KEY_BYTES);
    cache_close(other);
    cache_close(c);
}

static void miss_then_hit(void **state)
{
    (void)state;
    clip_cache *c = open_in("hits", 10000000);
    unsigned char key[CACHE_KEY_BYTES];
    key_of(c, "جملة أولى", key);
    clip in = CLIP_INIT, out = CLIP_INIT;
    make_clip(&in, 1, 30000);
    assert_int_equal(cache_get(c, key, RATE, &out), CACHE_MISS);
    assert_true(cache_put(c, key, RATE, &in));
    make_clip(&out, 9, 10); /* a hit replaces what was there */
    assert_int_equal(cache_get(c, key, RATE, &out), CACHE_HIT);
    assert_int_equal(out.len, in.len);
    assert_memory_equal(out.samples, in.samples, in.len * sizeof *in.samples);
    /* An empty clip (a sentence of silence) is an entry too. */
    unsigned char k2[CACHE_KEY_BYTES];
    key_of(c, "فارغة", k2);
    clip empty = CLIP_INIT;
    assert_true(cache_put(c, k2, RATE, &empty));
    assert_int_equal(cache_get(c, k2, RATE, &out), CACHE_HIT);
    assert_int_equal(out.len, 0);
    /* Another rate is not this entry: it is taken for a foreign one, and removed. */
    assert_int_equal(cache_get(c, key, 16000, &out), CACHE_DAMAGED);
    const cache_stats *st = cache_get_stats(c);
    assert_int_equal(st->hits, 2);
    assert_int_equal(st->stored, 2);
    assert_int_equal(st->misses, 2);
    /* The file is where the layout says, and nothing temporary is left. */
    char path[4096];
    key_of(c, "فارغة", k2);
    cache_entry_path(c, k2, path, sizeof path);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 64 + 32); /* the header and an empty measure */
    char *slash = strrchr(path, '/');
    *slash = '\0';
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        assert_null(strstr(e->d_name, ".tmp-"));
    closedir(d);
    clip_free(&in);
    clip_free(&out);
    cache_close(c);
}

/* Measures samples [start, end) of a clip, as a bulletin does before storing it. */
static void measure_span(clip *c, size_t start, size_t end)
{
    assert_true(audio_measure_clip(c->samples + start, end - start, RATE, &c->measure));
    c->measure.start = start;
    c->measure.end = end;
}

/* A clip's measure is kept with it: the span, the granules' energies and the true peak. */
static void measure_kept(void **state)
{
    (void)state;
    clip_cache *c = open_in("measure", 10000000);
    unsigned char key[CACHE_KEY_BYTES];
    key_of(c, "جملة مقيسة", key);
    clip in = CLIP_INIT, out = CLIP_INIT;
    make_clip(&in, 5, 20000);
    measure_span(&in, 700, 18700);
    assert_int_equal(in.measure.granule, 441);
    assert_true(in.measure.count > 40);
    assert_true(in.measure.peak > 0.5f);
    assert_true(cache_put(c, key, RATE, &in));
    assert_int_equal(cache_get(c, key, RATE, &out), CACHE_HIT);
    assert_int_equal(out.measure.start, 700);
    assert_int_equal(out.measure.end, 18700);
    assert_int_equal(out.measure.granule, 441);
    assert_int_equal(out.measure.count, in.measure.count);
    assert_memory_equal(out.measure.energy, in.measure.energy,
                        in.measure.count * sizeof *in.measure.energy);
    assert_true(out.measure.peak == in.measure.peak);
    /* A clip stored without one comes back without one. */
    in.measure.granule = in.measure.count = 0;
    assert_true(cache_put(c, key, RATE, &in));
    assert_int_equal(cache_get(c, key, RATE, &out), CACHE_HIT);
    assert_int_equal(out.measure.granule, 0);
    assert_int_equal(out.measure.count, 0);
    assert_int_equal(out.len, 20000);
    clip_free(&in);
    clip_free(&out);
    cache_close(c);
}

/* Damages the entry of key: at byte offset (from the end when negative), or truncates. */
static void damage(clip_cache *c, const unsigned char *key, long offset, bool truncate_it)
{
    char path[4096];
    cache_entry_path(c, key, path, sizeof path);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    struct stat sb;
    assert_int_equal(fstat(fd, &sb), 0);
    if (truncate_it) {
        assert_int_equal(ftruncate(fd, sb.st_size - 3), 0);
    } else {
        off_t at = offset < 0 ? sb.st_size + offset : offset;
        unsigned char b;
        assert_int_equal(pread(fd, &b, 1, at), 1);
        b ^= 0x40;
        assert_int_equal(pwrite(fd, &b, 1, at), 1);
    }
    close(fd);
}

static void damaged_entries_are_rebuilt(void **state)
{
    (void)state;
    clip_cache *c = open_in("damage", 10000000);
    clip in = CLIP_INIT, out = CLIP_INIT;
    make_clip(&in, 2, 5000);
    measure_span(&in, 100, 4100);
    /* A sample, the magic, the count, the rate, the key, a cut file, the measure's checksum, one
     * of its energies, and its span. */
    const long offsets[] = {64 + 3, 0, 17, 13, 40, 0, -2, -20, 64 + 2 * 5000 + 1};
    for (size_t i = 0; i < sizeof offsets / sizeof *offsets; i++) {
        unsigned char key[CACHE_KEY_BYTES];
        char text[32];
        snprintf(text, sizeof text, "sentence %zu", i);
        key_of(c, text, key);
        assert_true(cache_put(c, key, RATE, &in));
        damage(c, key, offsets[i], i == 5);
        size_t corrupt = cache_get_stats(c)->corrupt;
        assert_int_equal(cache_get(c, key, RATE, &out), CACHE_DAMAGED);
        assert_int_equal(out.len, 0);
        assert_int_equal(cache_get_stats(c)->corrupt, corrupt + 1);
        /* Removed, so the next run stores it afresh, and then it is whole again. */
        char path[4096];
        cache_entry_path(c, key, path, sizeof path);
        assert_int_not_equal(access(path, F_OK), 0);
        assert_true(cache_put(c, key, RATE, &in));
        assert_int_equal(cache_get(c, key, RATE, &out), CACHE_HIT);
        assert_memory_equal(out.samples, in.samples, in.len * sizeof *in.samples);
    }
    clip_free(&in);
    clip_free(&out);
    cache_close(c);
}

static void set_used(clip_cache *c, const unsigned char *key, time_t when)
{
    char path[4096];
    cache_entry_path(c, key, path, sizeof path);
    struct timespec t[2] = {{when, 0}, {when, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static bool present(clip_cache *c, const unsigned char *key)
{
    char path[4096];
    cache_entry_path(c, key, path, sizeof path);
    return access(path, F_OK) == 0;
}

static void trimming_keeps_the_recently_used(void **state)
{
    (void)state;
    /* Ten entries of 20,064 bytes in a cache of 100,000: trimming goes down to 90,000. */
    clip_cache *c = open_in("trim", 100000);
    clip in = CLIP_INIT, out = CLIP_INIT;
    unsigned char keys[10][CACHE_KEY_BYTES];
    time_t now = time(NULL);
    for (unsigned i = 0; i < 10; i++) {
        char text[32];
        snprintf(text, sizeof text, "entry %u", i);
        key_of(c, text, keys[i]);
        make_clip(&in, i, 10000);
        assert_true(cache_put(c, keys[i], RATE, &in));
        set_used(c, keys[i], now - 1000 + (time_t)i); /* 0 oldest, 9 newest */
    }
    /* Entry 0 is read again: a hit makes it the most recently used. */
    assert_int_equal(cache_get(c, keys[0], RATE, &out), CACHE_HIT);
    /* A temporary file of a run that died long ago goes; one being written now stays. */
    char path[4096], stale[4200], fresh[4200];
    cache_entry_path(c, keys[3], path, sizeof path);
    snprintf(stale, sizeof stale, "%s.tmp-99999-0", path);
    snprintf(fresh, sizeof fresh, "%s.tmp-99999-1", path);
    write_file(stale, "x", 1);
    write_file(fresh, "x", 1);
    struct timespec old[2] = {{now - 7200, 0}, {now - 7200, 0}};
    assert_int_equal(utimensat(AT_FDCWD, stale, old, 0), 0);

    assert_int_equal(cache_trim(c), 6);
    assert_true(cache_get_stats(c)->bytes <= 90000);
    assert_int_equal(cache_get_stats(c)->evicted, 6);
    assert_true(present(c, keys[0]));
    for (unsigned i = 1; i <= 6; i++)
        assert_false(present(c, keys[i]));
    for (unsigned i = 7; i <= 9; i++)
        assert_true(present(c, keys[i]));
    assert_int_not_equal(access(stale, F_OK), 0);
    assert_int_equal(access(fresh, F_OK), 0);
    /* Under the cap nothing goes. */
    assert_int_equal(cache_trim(c), 0);
    /* A clip larger than the whole cap is not kept. */
    make_clip(&in, 1, 60000);
    unsigned char big[CACHE_KEY_BYTES];
    key_of(c, "big", big);
    assert_false(cache_put(c, big, RATE, &in));
    assert_false(present(c, big));
    /* The public call trims the same way. */
    WORK(dir, "trim");
    size_t removed = 99;
    assert_int_equal(nashra_cache_trim(dir, 30000, &removed, NULL), NASHRA_OK);
    assert_int_equal(removed, 3);
    clip_free(&in);
    clip_free(&out);
    cache_close(c);
}

/* Processes sharing a folder, storing, reading and trimming the same entries at once, never
 * read a wrong or partial clip. */
static void shared_by_processes(void **state)
{
    (void)state;
    enum { PROCS = 4, ROUNDS = 150, KEYS = 12 };
    pid_t pids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            clip_cache *c = NULL;
            WORK(dir, "shared");
            if (cache_open(dir, 200000, "shared", &c, NULL))
                _exit(2);
            clip in = CLIP_INIT, out = CLIP_INIT;
            for (int r = 0; r < ROUNDS; r++) {
                unsigned k = (unsigned)(r * 7 + p) % KEYS;
                char text[32];
                snprintf(text, sizeof text, "shared %u", k);
                unsigned char key[CACHE_KEY_BYTES];
                key_of(c, text, key);
                make_clip(&in, k, 3000 + 500 * k);
                if (cache_get(c, key, RATE, &out) == CACHE_HIT) {
                    if (out.len != in.len ||
                        memcmp(out.samples, in.samples, in.len * sizeof *in.samples) != 0)
                        _exit(3);
                } else {
                    cache_put(c, key, RATE, &in);
                }
                if (r % 10 == p)
                    cache_trim(c);
            }
            /* A reader never found a damaged entry: writes are whole or absent. */
            _exit(cache_get_stats(c)->corrupt ? 4 : 0);
        }
    }
    for (int p = 0; p < PROCS; p++) {
        int ws;
        assert_int_equal(waitpid(pids[p], &ws, 0), pids[p]);
        assert_true(WIFEXITED(ws));
        assert_int_equal(WEXITSTATUS(ws), 0);
    }
}

static void unusable_folder(void **state)
{
    (void)state;
    WORK(file, "a-file");
    write_file(file, "x", 1);
    char below[600];
    snprintf(below, sizeof below, "%s/clips", file);
    clip_cache *c = NULL;
    nashra_error err = {0};
    assert_int_equal(cache_open(below, 1000, "", &c, &err), NASHRA_EIO);
    assert_non_null(strstr(err.message, below));
    assert_null(c);
    assert_int_equal(cache_open(file, 0, "", &c, &err), NASHRA_EINVAL);
}

static void output_lock(void **state)
{
    (void)state;
    WORK(out, "news.wav");
    nashra_lock *a = NULL, *b = NULL;
    nashra_error err = {0};
    assert_int_equal(nashra_output_lock(out, 0, &a, &err), NASHRA_OK);
    /* A second holder (another open file, as another process would have) is refused. */
    assert_int_equal(nashra_output_lock(out, 0, &b, &err), NASHRA_EBUSY);
    assert_null(b);
    assert_non_null(strstr(err.message, "another nashra run is writing"));
    assert_non_null(strstr(err.message, out));
    /* Another output is free. */
    WORK(other, "other.wav");
    assert_int_equal(nashra_output_lock(other, 0, &b, &err), NASHRA_OK);
    nashra_output_unlock(b);
    nashra_output_unlock(a);
    assert_int_equal(nashra_output_lock(out, 0, &a, &err), NASHRA_OK);
    nashra_output_unlock(a);
    /* The lock file stays, empty; the output itself is never created by locking. */
    char lockfile[600];
    snprintf(lockfile, sizeof lockfile, "%s.lock", out);
    assert_int_equal(access(lockfile, F_OK), 0);
    assert_int_not_equal(access(out, F_OK), 0);
    WORK(missing, "no/such/dir/news.wav");
    assert_int_equal(nashra_output_lock(missing, 0, &a, &err), NASHRA_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(checksum_of_bytes),
        cmocka_unit_test(keys_cover_every_setting),
        cmocka_unit_test(miss_then_hit),
        cmocka_unit_test(measure_kept),
        cmocka_unit_test(damaged_entries_are_rebuilt),
        cmocka_unit_test(trimming_keeps_the_recently_used),
        cmocka_unit_test(shared_by_processes),
        cmocka_unit_test(unusable_folder),
        cmocka_unit_test(output_lock),
    };
    return cmocka_run_group_tests(tests, workdir_setup, workdir_teardown);
}
