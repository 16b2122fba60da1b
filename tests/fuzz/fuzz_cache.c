/*
 * Fuzz target for the sentence cache's entry files: any bytes are stored as the entry of one
 * key and looked up. The first byte chooses whether the target first puts right the three
 * checksums (of the header, the samples and the measure, where the bytes say they are), so
 * that inputs get past them to the lengths, counts and measure behind. A lookup either misses
 * (the entry is then gone) or gives a clip whose length and measure agree with the file, and
 * whose measure the loudness meter takes without a figure that is not a number.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio/loudness.h"
#include "cache/cache.h"
#include "common/le.h"
#include "fuzz.h"

#define RATE 22050

static clip_cache *cache;
static unsigned char key[CACHE_KEY_BYTES];
static char path[4096];

static void remove_cache(void)
{
    unlink(path);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    for (int up = 0; up < 2; up++) { /* the entry's folder, then the cache's */
        char *slash = strrchr(dir, '/');
        if (!slash)
            break;
        *slash = '\0';
        rmdir(dir);
    }
    cache_close(cache);
}

static void open_cache(void)
{
    char dir[] = "/tmp/nashra-fuzz-cache-XXXXXX";
    if (!mkdtemp(dir) || cache_open(dir, 100000000, "nashra fuzz", &cache, NULL))
        abort();
    cache_key(cache, "جملة", "ar", 165, 45, 45, 0, key);
    cache_entry_path(cache, key, path, sizeof path);
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", path);
    *strrchr(folder, '/') = '\0';
    if (mkdir(folder, 0700) != 0)
        abort();
    atexit(remove_cache);
}

/* The checksums where an entry of this size and sample count has them (see cache.h). */
static void put_checksums_right(unsigned char *e, size_t size)
{
    if (size < 64)
        return;
    const uint64_t count = le_get64(e + 16);
    if (count <= (size - 64) / 2) {
        const size_t samples = 64 + 2 * (size_t)count;
        le_put32(e + 24, cache_checksum(e + 64, samples - 64));
        if (size - samples >= 4)
            le_put32(e + size - 4, cache_checksum(e + samples, size - samples - 4));
    }
    le_put32(e + 60, cache_checksum(e, 60));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cache)
        open_cache();
    if (!size)
        return 0;
    unsigned char *e = malloc(size);
    if (!e)
        abort();
    memcpy(e, data + 1, size - 1);
    if (data[0] & 1)
        put_checksums_right(e, size - 1);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(e, 1, size - 1, f) != size - 1 || fclose(f) != 0)
        abort();
    clip c = CLIP_INIT;
    cache_found found = cache_get(cache, key, RATE, &c);
    char *input = fuzz_copy(data, size < 64 ? size : 64);
    if (found != CACHE_HIT) {
        if (access(path, F_OK) == 0)
            fuzz_fail("an entry that was not a hit is still there", input, "");
        if (c.len || c.measure.count)
            fuzz_fail("a miss left samples or a measure", input, "");
    } else {
        const clip_measure *m = &c.measure;
        size_t measure = 32 + 8 * m->count;
        if (64 + 2 * c.len + measure != size - 1)
            fuzz_fail("a hit's samples and measure do not add up to the entry", input, "");
        if (m->granule && (m->start > m->end || m->end > c.len || !(m->peak >= 0)))
            fuzz_fail("a hit's measure is out of its clip", input, "");
        for (size_t i = 0; m->granule && i < m->count; i++)
            if (!(m->energy[i] >= 0) || isinf(m->energy[i]))
                fuzz_fail("a hit's measure holds an energy that is not one", input, "");
        /* The meter takes the clip's span by that measure (where it fits) and then silence. */
        audio_meter *meter;
        audio_loudness l;
        static const int16_t silence[RATE];
        const size_t span = m->granule ? m->end - m->start : c.len;
        const int16_t *from = span ? c.samples + (m->granule ? m->start : 0) : silence;
        if (audio_meter_create(RATE, 1, &meter, NULL) ||
            audio_meter_add_measured_16(meter, from, span, m->granule ? m : NULL, NULL) ||
            audio_meter_add_16(meter, silence, RATE, NULL) ||
            audio_meter_report(meter, &l, NULL))
            fuzz_fail("the meter failed on a hit", input, "");
        if (isnan(l.integrated) || isnan(l.range) || isnan(l.true_peak) ||
            isnan(l.max_momentary) || isnan(l.max_short_term))
            fuzz_fail("a hit's measure gives a figure that is not a number", input, "");
        audio_meter_destroy(meter);
    }
    free(input);
    clip_free(&c);
    free(e);
    return 0;
}
