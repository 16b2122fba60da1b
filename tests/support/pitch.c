#include "pitch.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>

#include <cmocka.h>
#include <sndfile.h>

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double pitch_median_hz(const int16_t *s, size_t n, int rate)
{
    size_t frame = (size_t)rate / 25, hop = (size_t)rate / 50;
    size_t min_lag = (size_t)rate / 400, max_lag = (size_t)rate / 60;
    size_t cap = n / hop + 1, count = 0;
    double *found = malloc(cap * sizeof *found);
    assert_non_null(found);
    for (size_t at = 0; at + frame + max_lag <= n; at += hop) {
        double energy = 0;
        for (size_t i = 0; i < frame; i++)
            energy += (double)s[at + i] * s[at + i];
        if (sqrt(energy / (double)frame) < 500) /* quiet: a pause or a soft consonant */
            continue;
        double best = 0;
        size_t best_lag = 0;
        for (size_t lag = min_lag; lag <= max_lag; lag++) {
            double xy = 0, yy = 0;
            for (size_t i = 0; i < frame; i++) {
                xy += (double)s[at + i] * s[at + i + lag];
                yy += (double)s[at + i + lag] * s[at + i + lag];
            }
            double r = yy > 0 ? xy / sqrt(energy * yy) : 0;
            if (r > best) {
                best = r;
                best_lag = lag;
            }
        }
        if (best > 0.6 && count < cap)
            found[count++] = (double)rate / (double)best_lag;
    }
    double median = 0;
    if (count) {
        qsort(found, count, sizeof *found, by_value);
        median = found[count / 2];
    }
    free(found);
    return median;
}

double pitch_of_file(const char *path, long long first, long long last)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f)
        fail_msg("%s: cannot read: %s", path, sf_strerror(NULL));
    if (last < 0 || last > info.frames)
        last = info.frames;
    assert_true(first >= 0 && first < last);
    size_t n = (size_t)(last - first);
    int16_t *frames = malloc(n * (size_t)info.channels * sizeof *frames);
    int16_t *mono = malloc(n * sizeof *mono);
    assert_non_null(frames);
    assert_non_null(mono);
    assert_true(sf_seek(f, first, SEEK_SET) == first);
    assert_true(sf_readf_short(f, frames, (sf_count_t)n) == (sf_count_t)n);
    sf_close(f);
    for (size_t i = 0; i < n; i++)
        mono[i] = frames[i * (size_t)info.channels];
    double hz = pitch_median_hz(mono, n, info.samplerate);
    free(frames);
    free(mono);
    return hz;
}
