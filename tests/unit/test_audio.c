/* Tests of the audio module: trimming, resampling, loudness, the limiter, ID3 tags, and the
 * output stage writing every container with its metadata. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <ebur128.h>

#include "audio/clip.h"
#include "audio/filebuf.h"
#include "audio/id3.h"
#include "audio/limiter.h"
#include "audio/loudness.h"
#include "audio/output.h"
#include "audio/render.h"
#include "audio/resample.h"

static void trimming(void **state)
{
    (void)state;
    clip c = CLIP_INIT;
    int16_t samples[1000] = {0};
    for (int i = 300; i < 700; i++)
        samples[i] = (int16_t)(i % 2 ? 5000 : -5000);
    samples[100] = 50; /* noise under the threshold */
    assert_true(clip_append(&c, samples, 1000));
    size_t start, end;
    clip_audible(&c, 100, 10, &start, &end);
    assert_int_equal(start, 290);
    assert_int_equal(end, 710);
    clip_audible(&c, 100, 500, &start, &end); /* the margin is clamped to the clip */
    assert_int_equal(start, 0);
    assert_int_equal(end, 1000);

    clip_clear(&c);
    assert_true(clip_append(&c, samples, 100));
    clip_audible(&c, 100, 10, &start, &end);
    assert_int_equal(start, end);
    clip_free(&c);
}

static float *sine(double freq, double amp, int rate, size_t n)
{
    float *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(amp * sin(2 * M_PI * freq * (double)i / rate));
    return x;
}

static void resampling(void **state)
{
    (void)state;
    nashra_error err = {0};
    /* An impulse at 1 s of 22050 Hz lands at 1 s of 48000 Hz: the output is aligned. */
    size_t n = 44100;
    float *x = calloc(n, sizeof *x);
    assert_non_null(x);
    x[22050] = 1;
    float *y;
    size_t m;
    assert_int_equal(audio_resample_buffer(x, n, 1, 22050, 48000, &y, &m, &err), NASHRA_OK);
    assert_true(m >= 95999 && m <= 96001);
    size_t peak = 0;
    for (size_t i = 0; i < m; i++)
        if (fabsf(y[i]) > fabsf(y[peak]))
            peak = i;
    assert_true(peak >= 47999 && peak <= 48001);
    free(x);
    free(y);

    /* A 1 kHz tone keeps its level (and its zero crossings count its frequency). */
    x = sine(1000, 0.5, 22050, n);
    assert_int_equal(audio_resample_buffer(x, n, 1, 22050, 44100, &y, &m, &err), NASHRA_OK);
    double sum = 0;
    int crossings = 0;
    for (size_t i = 4410; i < m - 4410; i++) {
        sum += (double)y[i] * y[i];
        crossings += (y[i - 1] < 0) != (y[i] < 0);
    }
    double rms = sqrt(sum / (double)(m - 8820));
    assert_true(fabs(rms - 0.5 / sqrt(2)) < 0.005);
    assert_true(abs(crossings - 2 * 1000 * (int)(m - 8820) / 44100) <= 2);
    free(x);
    free(y);

    /* Bad settings are refused. */
    audio_resampler *r;
    assert_int_equal(audio_resampler_create(0, 48000, 1, &r, &err), NASHRA_EINVAL);
}

static void loudness(void **state)
{
    (void)state;
    /* EBU Tech 3341: a 1 kHz sine at -20 dBFS peak in one channel reads -23.0 LUFS. */
    nashra_error err = {0};
    int rate = 48000;
    size_t n = (size_t)rate * 20;
    float *x = sine(1000, 0.1, rate, n);
    audio_meter *m;
    assert_int_equal(audio_meter_create(rate, 1, &m, &err), NASHRA_OK);
    assert_int_equal(audio_meter_add(m, x, n, &err), NASHRA_OK);
    audio_loudness l;
    assert_int_equal(audio_meter_report(m, &l, &err), NASHRA_OK);
    assert_true(fabs(l.integrated - -23.0) < 0.1);
    assert_true(fabs(l.true_peak - -20.0) < 0.2);
    assert_true(fabs(l.max_momentary - -23.0) < 0.2);
    assert_true(fabs(l.max_short_term - -23.0) < 0.2);
    assert_true(l.range < 0.5);
    audio_meter_destroy(m);
    free(x);
}

/* EBU Tech 3341's gating cases 3 and 4, in one channel (its stereo levels 3 dB up): a 1 kHz
 * sine at -23 LUFS for 60 s between quieter stretches, which the gates leave out, reads
 * -23.0 LUFS (within 0.1 LU); without the relative gate case 3 would read about -24.1. */
static void loudness_gates(void **state)
{
    (void)state;
    static const struct {
        size_t parts;
        double db[5], seconds[5];
    } cases[] = {{3, {-33, -20, -33}, {10, 60, 10}},
                 {5, {-69, -33, -20, -33, -69}, {10, 10, 60, 10, 10}}};
    nashra_error err = {0};
    const int rate = 48000;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        audio_meter *m;
        assert_int_equal(audio_meter_create(rate, 1, &m, &err), NASHRA_OK);
        for (size_t k = 0; k < cases[c].parts; k++) {
            size_t n = (size_t)(rate * cases[c].seconds[k]);
            float *x = sine(1000, pow(10, cases[c].db[k] / 20), rate, n);
            assert_int_equal(audio_meter_add(m, x, n, &err), NASHRA_OK);
            free(x);
        }
        audio_loudness l;
        assert_int_equal(audio_meter_report(m, &l, &err), NASHRA_OK);
        if (fabs(l.integrated - -23.0) > 0.1)
            fail_msg("case %zu: %.2f LUFS", c + 3, l.integrated);
        audio_meter_destroy(m);
    }
}

/* EBU Tech 3342's first three test signals: a 1 kHz sine for 20 s at one level, then 20 s at
 * another, read as a loudness range of the difference, 10, 5 and 20 LU (each within 1 LU). */
static void loudness_range_cases(void **state)
{
    (void)state;
    static const struct {
        double first_db, second_db, range;
    } cases[] = {{-20, -30, 10}, {-20, -15, 5}, {-40, -20, 20}};
    nashra_error err = {0};
    const int rate = 48000;
    const size_t half = (size_t)rate * 20;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        float *a = sine(1000, pow(10, cases[c].first_db / 20), rate, half);
        float *b = sine(1000, pow(10, cases[c].second_db / 20), rate, half);
        audio_meter *m;
        assert_int_equal(audio_meter_create(rate, 1, &m, &err), NASHRA_OK);
        assert_int_equal(audio_meter_add(m, a, half, &err), NASHRA_OK);
        assert_int_equal(audio_meter_add(m, b, half, &err), NASHRA_OK);
        audio_loudness l;
        assert_int_equal(audio_meter_report(m, &l, &err), NASHRA_OK);
        if (fabs(l.range - cases[c].range) > 1)
            fail_msg("%g then %g dBFS: range %.2f LU, not %g", cases[c].first_db,
                     cases[c].second_db, l.range, cases[c].range);
        audio_meter_destroy(m);
        free(a);
        free(b);
    }
}

/* Momentary and short-term maxima over windows of their own: a one-second tone in ten seconds
 * of silence fills the 400 ms window (-23 LUFS) but only a third of the 3 s one (4.77 LU lower),
 * fed in pieces that do not fall on the meter's 100 ms blocks. */
static void loudness_windows(void **state)
{
    (void)state;
    nashra_error err = {0};
    int rate = 22050;
    size_t n = (size_t)rate * 10;
    float *x = calloc(n, sizeof *x);
    float *tone = sine(1000, 0.1, rate, (size_t)rate);
    assert_non_null(x);
    memcpy(x + 4 * (size_t)rate, tone, (size_t)rate * sizeof *x);
    audio_meter *m;
    assert_int_equal(audio_meter_create(rate, 1, &m, &err), NASHRA_OK);
    for (size_t done = 0; done < n; done += 777)
        assert_int_equal(audio_meter_add(m, x + done, n - done < 777 ? n - done : 777, &err),
                         NASHRA_OK);
    audio_loudness l;
    assert_int_equal(audio_meter_report(m, &l, &err), NASHRA_OK);
    if (fabs(l.max_momentary - -23.0) > 0.1 || fabs(l.max_short_term - (-23.0 - 4.77)) > 0.2)
        fail_msg("momentary %.2f LUFS, short-term %.2f LUFS", l.max_momentary, l.max_short_term);
    /* The silence is gated out; of the 13 gating blocks of 400 ms that reach into the tone, 6
     * hold only part of it, worth 3 whole ones: 10/13 of the tone's energy. */
    assert_true(fabs(l.integrated - (-23.0 + 10 * log10(10.0 / 13))) < 0.1);
    audio_meter_destroy(m);
    free(tone);
    free(x);
}

static void feed_meter(audio_meter *m, const float *x, size_t frames, size_t piece,
                       audio_loudness *out)
{
    nashra_error err = {0};
    for (size_t done = 0, k = 1; done < frames; done += k) {
        k = piece ? piece : 1 + (done * 7919) % 20000; /* 0: pieces of changing size */
        if (k > frames - done)
            k = frames - done;
        assert_int_equal(audio_meter_add(m, x + 2 * done, k, &err), NASHRA_OK);
    }
    assert_int_equal(audio_meter_report(m, out, &err), NASHRA_OK);
}

/* The meter measures on threads of its own, in slots: the figures do not depend on how the
 * frames are handed to it, nor on a report read halfway, and are the same bit for bit. */
static void meter_pieces_agree(void **state)
{
    (void)state;
    nashra_error err = {0};
    const int rate = 22050;
    const size_t frames = (size_t)rate * 40;
    float *x = malloc(2 * frames * sizeof *x);
    assert_non_null(x);
    uint32_t r = 12345;
    for (size_t i = 0; i < 2 * frames; i++) { /* noise whose level moves every few seconds */
        r = r * 1664525u + 1013904223u;
        double level = 0.05 + 0.3 * ((i / (2 * (size_t)rate * 3)) % 4) / 3.0;
        x[i] = (float)(level * ((double)(r >> 8) / 8388608.0 - 1.0));
    }
    audio_loudness want, got, half;
    const size_t pieces[] = {frames, 1000, 8192, 0};
    for (size_t p = 0; p < sizeof pieces / sizeof *pieces; p++) {
        audio_meter *m;
        assert_int_equal(audio_meter_create(rate, 2, &m, &err), NASHRA_OK);
        feed_meter(m, x, frames, pieces[p], p ? &got : &want);
        audio_meter_destroy(m);
        if (p)
            assert_memory_equal(&got, &want, sizeof want);
    }
    /* A report halfway is the report of the first half, and the run goes on unchanged. */
    audio_meter *m, *first;
    assert_int_equal(audio_meter_create(rate, 2, &m, &err), NASHRA_OK);
    assert_int_equal(audio_meter_create(rate, 2, &first, &err), NASHRA_OK);
    feed_meter(m, x, frames / 2, 3333, &half);
    feed_meter(first, x, frames / 2, 0, &got);
    assert_memory_equal(&got, &half, sizeof half);
    feed_meter(m, x + frames / 2 * 2, frames - frames / 2, 4444, &got);
    assert_memory_equal(&got, &want, sizeof want);
    assert_true(want.integrated > -40 && want.integrated < -5 && want.range > 1);
    audio_meter_destroy(m);
    audio_meter_destroy(first);
    free(x);
}

/* Speech-like bursts of noise between pauses of digital silence, so that the meter cuts the
 * signal into stretches for its two lanes: the figures are libebur128's own, read from one
 * state that filters every sample in order, to well within 1e-6 LU. */
static void lanes_agree_with_one_filter(void **state)
{
    (void)state;
    nashra_error err = {0};
    const int rate = 22050;
    const size_t burst = (size_t)rate * 23 / 10, gap = (size_t)rate * 4 / 10;
    const size_t frames = 15 * (burst + gap), block = (size_t)rate / 10;
    float *x = calloc(frames, sizeof *x);
    assert_non_null(x);
    uint32_t r = 4242;
    for (size_t b = 0; b < 15; b++) {
        double level = 0.03 + 0.25 * (double)((b * 7) % 5) / 4.0;
        for (size_t i = 0; i < burst; i++) {
            r = r * 1664525u + 1013904223u;
            x[b * (burst + gap) + i] = (float)(level * ((double)(r >> 8) / 8388608.0 - 1.0));
        }
    }
    audio_meter *m;
    audio_loudness got;
    assert_int_equal(audio_meter_create(rate, 1, &m, &err), NASHRA_OK);
    for (size_t at = 0; at < frames; at += 3000)
        assert_int_equal(audio_meter_add(m, x + at, frames - at < 3000 ? frames - at : 3000,
                                         &err), NASHRA_OK);
    assert_int_equal(audio_meter_report(m, &got, &err), NASHRA_OK);
    audio_meter_destroy(m);

    ebur128_state *st = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_I | EBUR128_MODE_S |
                                     EBUR128_MODE_LRA);
    assert_non_null(st);
    double max_momentary = -HUGE_VAL, max_short_term = -HUGE_VAL, v, range;
    for (size_t at = 0; at + block <= frames; at += block) {
        assert_int_equal(ebur128_add_frames_float(st, x + at, block), EBUR128_SUCCESS);
        assert_int_equal(ebur128_loudness_momentary(st, &v), EBUR128_SUCCESS);
        max_momentary = v > max_momentary ? v : max_momentary;
        assert_int_equal(ebur128_loudness_shortterm(st, &v), EBUR128_SUCCESS);
        max_short_term = v > max_short_term ? v : max_short_term;
    }
    assert_int_equal(ebur128_loudness_range(st, &range), EBUR128_SUCCESS);
    assert_int_equal(ebur128_loudness_global(st, &v), EBUR128_SUCCESS);
    ebur128_destroy(&st);
    assert_true(fabs(got.integrated - v) < 1e-6);
    assert_true(fabs(got.max_momentary - max_momentary) < 1e-6);
    assert_true(fabs(got.max_short_term - max_short_term) < 1e-6);
    assert_true(fabs(got.range - range) < 1e-6);
    assert_true(v > -40 && v < -10 && range > 1);
    free(x);
}

/* Clips measured on their own (audio_measure_clip) and put in by their measures give the
 * figures of the same stream measured sample by sample, where they start on a granule
 * boundary with enough silence around them; the others (a clip after too short a pause, one
 * off the granules, one with too little silence after it, the last one, cut short by the end)
 * are measured from their samples. A measure that is wrong shows in the figures: they are
 * what the meter uses. */
typedef struct stream_clip {
    size_t pause, len;
    bool fits;
} stream_clip;

static void feed_stream(audio_meter *m, const int16_t *s, const stream_clip *p, size_t clips,
                        const clip_measure *measures)
{
    nashra_error err = {0};
    static const int16_t zeros[1000];
    size_t at = 0;
    for (size_t c = 0; c < clips; c++) {
        for (size_t left = p[c].pause; left;) {
            size_t k = left < 1000 ? left : 1000;
            assert_int_equal(audio_meter_add_16(m, zeros, k, &err), NASHRA_OK);
            left -= k;
        }
        at += p[c].pause;
        if (measures)
            assert_int_equal(audio_meter_add_measured_16(m, s + at, p[c].len, &measures[c],
                                                         &err), NASHRA_OK);
        else
            assert_int_equal(audio_meter_add_16(m, s + at, p[c].len, &err), NASHRA_OK);
        at += p[c].len;
    }
}

static void measured_clips_agree(void **state)
{
    (void)state;
    nashra_error err = {0};
    const int rate = 22050;
    const size_t g = audio_measure_granule(rate), quiet = audio_measure_silence(rate);
    assert_int_equal(g, 441);
    assert_int_equal(quiet, 3307);
    assert_int_equal(audio_measure_granule(11025), 0);
    enum { CLIPS = 9 };
    /* Pauses: the first clip starts the stream; clip 3 follows a pause shorter than the
     * silence asked for; clip 5 starts off the granules; clip 6 has too little silence after
     * it, so too little before clip 7; clip 8 ends the stream. */
    stream_clip p[CLIPS] = {
        {0, 30001, true},         {20 * g, 51234, true},  {9 * g, 25000, false},
        {2 * g, 40000, false},    {16 * g, 33333, true},  {16 * g + 7, 28000, false},
        {12 * g, 45678, false},   {3 * g, 31000, false},  {15 * g, 27000, false},
    };
    /* Each pause runs on to the next granule boundary (but clip 5's). */
    size_t total = 0;
    for (size_t c = 0; c < CLIPS; c++) {
        size_t off = p[c].pause % g;
        if (c != 5)
            p[c].pause += (g - (total + p[c].pause) % g) % g;
        else
            p[c].pause += (g - (total + p[c].pause - off) % g) % g;
        total += p[c].pause + p[c].len;
    }
    int16_t *s = calloc(total, sizeof *s);
    assert_non_null(s);
    clip_measure measures[CLIPS];
    memset(measures, 0, sizeof measures);
    uint32_t r = 99;
    size_t at = 0, fitting = 0;
    for (size_t c = 0; c < CLIPS; c++) {
        at += p[c].pause;
        const double level = 0.05 + 0.3 * (double)((c * 5) % 7) / 6.0;
        for (size_t i = 0; i < p[c].len; i++) {
            r = r * 1664525u + 1013904223u;
            /* Bursts of noise within the clip, with quiet in between. */
            double env = (i / 4000) % 3 == 2 ? 0.02 : 1.0;
            s[at + i] = (int16_t)(level * env * ((double)(r >> 16) - 32768));
        }
        assert_true(audio_measure_clip(s + at, p[c].len, rate, &measures[c]));
        measures[c].start = 0;
        measures[c].end = p[c].len;
        assert_int_equal(measures[c].granule, g);
        assert_int_equal(measures[c].count, (p[c].len + quiet + g - 1) / g);
        fitting += p[c].fits ? p[c].len : 0;
        at += p[c].len;
    }

    audio_meter *live, *by_measure;
    audio_loudness want, got;
    assert_int_equal(audio_meter_create(rate, 1, &live, &err), NASHRA_OK);
    feed_stream(live, s, p, CLIPS, NULL);
    assert_int_equal(audio_meter_report(live, &want, &err), NASHRA_OK);
    assert_int_equal(audio_meter_measured_frames(live), 0);
    audio_meter_destroy(live);
    assert_int_equal(audio_meter_create(rate, 1, &by_measure, &err), NASHRA_OK);
    feed_stream(by_measure, s, p, CLIPS, measures);
    assert_int_equal(audio_meter_report(by_measure, &got, &err), NASHRA_OK);
    assert_int_equal(audio_meter_measured_frames(by_measure), fitting);
    audio_meter_destroy(by_measure);
    assert_true(want.integrated > -40 && want.integrated < -5);
    assert_true(fabs(got.integrated - want.integrated) < 1e-9);
    assert_true(fabs(got.range - want.range) < 1e-9);
    assert_true(fabs(got.max_momentary - want.max_momentary) < 1e-9);
    assert_true(fabs(got.max_short_term - want.max_short_term) < 1e-9);
    assert_true(got.true_peak == want.true_peak);

    /* Clip 1, the loudest that fits, measured four times too loud. */
    for (size_t i = 0; i < measures[1].count; i++)
        measures[1].energy[i] *= 4;
    assert_int_equal(audio_meter_create(rate, 1, &by_measure, &err), NASHRA_OK);
    feed_stream(by_measure, s, p, CLIPS, measures);
    assert_int_equal(audio_meter_report(by_measure, &got, &err), NASHRA_OK);
    audio_meter_destroy(by_measure);
    assert_true(got.max_momentary - want.max_momentary > 3);
    for (size_t c = 0; c < CLIPS; c++)
        free(measures[c].energy);
    free(s);
}

/* 16-bit samples given as they are measure as the floats they stand for, in any pieces, and a
 * 16-bit render written with them reads back the same. */
static void meter_and_render_take_16_bits(void **state)
{
    (void)state;
    nashra_error err = {0};
    const int rate = 22050;
    const size_t frames = (size_t)rate * 20;
    int16_t *s = malloc(frames * sizeof *s);
    float *x = malloc(frames * sizeof *x);
    assert_non_null(s);
    assert_non_null(x);
    uint32_t r = 777;
    for (size_t i = 0; i < frames; i++) {
        r = r * 1664525u + 1013904223u;
        double level = 0.02 + 0.4 * ((i / ((size_t)rate * 2)) % 3) / 2.0;
        s[i] = (int16_t)(level * ((double)(r >> 16) - 32768));
        x[i] = s[i] / 32768.0f;
    }
    audio_loudness want, got;
    audio_meter *m;
    assert_int_equal(audio_meter_create(rate, 1, &m, &err), NASHRA_OK);
    assert_int_equal(audio_meter_add(m, x, frames, &err), NASHRA_OK);
    assert_int_equal(audio_meter_report(m, &want, &err), NASHRA_OK);
    audio_meter_destroy(m);
    const size_t pieces[] = {frames, 777, 65536};
    for (size_t p = 0; p < sizeof pieces / sizeof *pieces; p++) {
        assert_int_equal(audio_meter_create(rate, 1, &m, &err), NASHRA_OK);
        for (size_t at = 0; at < frames; at += pieces[p])
            assert_int_equal(audio_meter_add_16(m, s + at, at + pieces[p] < frames ?
                                                pieces[p] : frames - at, &err), NASHRA_OK);
        assert_int_equal(audio_meter_report(m, &got, &err), NASHRA_OK);
        audio_meter_destroy(m);
        assert_memory_equal(&got, &want, sizeof want);
    }
    assert_true(want.integrated > -40 && want.integrated < -5);

    char dir[] = "/tmp/nashra-render16-XXXXXX";
    assert_non_null(mkdtemp(dir));
    audio_render *rd;
    assert_int_equal(audio_render_create(dir, 1, &rd, &err), NASHRA_OK);
    assert_int_equal(audio_render_write_16(rd, s, 10, &err), NASHRA_EINVAL); /* floats kept */
    audio_render_destroy(rd);
    assert_int_equal(audio_render_create(dir, 1, &rd, &err), NASHRA_OK);
    audio_render_keep_16_bits(rd);
    assert_int_equal(audio_render_write(rd, x, 1000, &err), NASHRA_OK);
    assert_int_equal(audio_render_write_16(rd, s + 1000, frames - 1000, &err), NASHRA_OK);
    assert_int_equal(audio_render_frames(rd), frames);
    assert_int_equal(audio_render_seek(rd, 0, &err), NASHRA_OK);
    float *back = malloc(frames * sizeof *back);
    assert_non_null(back);
    assert_int_equal(audio_render_read(rd, back, frames), frames);
    assert_memory_equal(back, x, frames * sizeof *x);
    audio_render_destroy(rd);
    assert_int_equal(rmdir(dir), 0);
    free(back);
    free(s);
    free(x);
}

/* The buffered writer under libsndfile: odd-sized writes, a seek back to rewrite the start
 * (as a header is), a read in between, all land where they were written; a failed write is
 * reported, at the latest when the buffer is closed. */
static void file_buffer(void **state)
{
    (void)state;
    char path[] = "/tmp/nashra-filebuf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    audio_filebuf *b = audio_filebuf_create(fd);
    assert_non_null(b);
    SF_VIRTUAL_IO *io = audio_filebuf_io();
    const size_t total = 3 * 1000 * 1000 + 17;
    unsigned char *want = malloc(total), *got = malloc(total);
    assert_non_null(want);
    assert_non_null(got);
    for (size_t i = 0; i < total; i++)
        want[i] = (unsigned char)(i * 131 + i / 7);
    memset(want, 'h', 44); /* the "header", written last */
    unsigned char zeros[44] = {0};
    assert_int_equal(io->write(zeros, 44, b), 44);
    for (size_t at = 44, k = 1; at < total; at += k, k = k * 3 % 12289 + 1) {
        if (k > total - at)
            k = total - at;
        assert_int_equal(io->write(want + at, (sf_count_t)k, b), (sf_count_t)k);
    }
    assert_int_equal(io->get_filelen(b), (sf_count_t)total);
    assert_int_equal(io->seek(1000, SEEK_SET, b), 1000);
    unsigned char back[10];
    assert_int_equal(io->read(back, 10, b), 10);
    assert_memory_equal(back, want + 1000, 10);
    assert_int_equal(io->seek(0, SEEK_SET, b), 0);
    assert_int_equal(io->write(want, 44, b), 44);
    assert_int_equal(io->tell(b), 44);
    assert_int_equal(audio_filebuf_close(b), 0);
    assert_int_equal(pread(fd, got, total, 0), (ssize_t)total);
    assert_memory_equal(got, want, total);
    close(fd);

    int full = open("/dev/full", O_WRONLY);
    if (full >= 0) {
        b = audio_filebuf_create(full);
        assert_non_null(b);
        assert_int_equal(io->write(want, 100, b), 100); /* held in the buffer */
        assert_int_equal(audio_filebuf_close(b), ENOSPC);
        close(full);
    }
    free(want);
    free(got);
}

/* A peak between samples: a quarter-rate sine at 45 degrees has its samples 3 dB below its
 * crests, which the true-peak meter finds again (EBU Tech 3341, true-peak cases), in each of
 * two channels and at the rates nashra writes. */
static void true_peak_between_samples(void **state)
{
    (void)state;
    static const int rates[] = {22050, 44100, 48000};
    for (size_t r = 0; r < sizeof rates / sizeof *rates; r++) {
        size_t n = (size_t)rates[r] * 3;
        float *x = malloc(n * 2 * sizeof *x);
        assert_non_null(x);
        for (size_t i = 0; i < n; i++) {
            x[2 * i] = (float)(0.5 * sin(M_PI / 2 * (double)i + M_PI / 4));
            x[2 * i + 1] = (float)(0.25 * sin(M_PI / 2 * (double)i + M_PI / 4));
        }
        nashra_error err = {0};
        audio_meter *m;
        assert_int_equal(audio_meter_create(rates[r], 2, &m, &err), NASHRA_OK);
        assert_int_equal(audio_meter_add(m, x, n, &err), NASHRA_OK);
        audio_loudness l;
        assert_int_equal(audio_meter_report(m, &l, &err), NASHRA_OK);
        if (fabs(l.true_peak - 20 * log10(0.5)) > 0.1)
            fail_msg("%d Hz: true peak %.3f dBTP, expected %.3f", rates[r], l.true_peak,
                     20 * log10(0.5));
        audio_meter_destroy(m);
        free(x);
    }
}

static void limiting(void **state)
{
    (void)state;
    nashra_error err = {0};
    int rate = 48000;
    /* Quiet speech-like tone with loud bursts whose peaks fall between samples. */
    size_t n = (size_t)rate * 4;
    float *x = sine(11000, 0.2, rate, n);
    for (size_t i = (size_t)rate; i < (size_t)rate + 4800; i++)
        x[i] *= 10; /* +6 dBFS burst, true peak above the samples */
    audio_limiter *l;
    assert_int_equal(audio_limiter_create(rate, 1, -1.0, 5, 200, &l, &err), NASHRA_OK);
    size_t lat = audio_limiter_latency(l);
    float *y = malloc((n + lat) * sizeof *y);
    assert_non_null(y);
    audio_limiter_process(l, x, y, n);
    float zeros[512] = {0};
    audio_limiter_process(l, zeros, y + n, lat);
    assert_true(audio_limiter_max_reduction(l) < -6);

    /* The output, measured for true peak, stays under the ceiling (+ a little for the meter's
     * own interpolation). */
    audio_meter *m;
    assert_int_equal(audio_meter_create(rate, 1, &m, &err), NASHRA_OK);
    assert_int_equal(audio_meter_add(m, y + lat, n, &err), NASHRA_OK);
    audio_loudness lo;
    assert_int_equal(audio_meter_report(m, &lo, &err), NASHRA_OK);
    assert_true(lo.true_peak <= -0.9);
    audio_meter_destroy(m);

    /* Away from the burst, the quiet part passes untouched (delayed by the latency). */
    for (size_t i = 1000; i < 2000; i++)
        assert_true(fabsf(y[i + lat] - x[i]) < 1e-6f);
    /* And it recovers within a second after the burst. */
    size_t after = (size_t)rate * 2 + (size_t)rate / 2;
    for (size_t i = after; i < after + 1000; i++)
        assert_true(fabsf(y[i + lat] - x[i]) < 0.002f);
    /* No step in the gain: consecutive gains across the attack differ by little. */
    audio_limiter_destroy(l);
    free(x);
    free(y);
}

/* On a steady signal with one loud burst the gain glides down before the burst and back up
 * after it: no step, and no fast recovery that would pump on speech. */
static void limiter_gain_is_smooth(void **state)
{
    (void)state;
    nashra_error err = {0};
    int rate = 48000;
    size_t n = (size_t)rate;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    for (size_t i = 0; i < n; i++)
        x[i] = i >= 24000 && i < 24100 ? 2.0f : 0.25f;
    audio_limiter *l;
    assert_int_equal(audio_limiter_create(rate, 1, -1.0, 5, 200, &l, &err), NASHRA_OK);
    size_t lat = audio_limiter_latency(l);
    audio_limiter_process(l, x, y, n);
    double prev = 1, lowest = 1;
    size_t lowest_at = 0;
    for (size_t i = lat + 1; i < n; i++) {
        double g = y[i] / x[i - lat];
        assert_true(fabs(g - prev) < 0.004); /* at most 0.4 % a sample */
        assert_true(y[i] <= 0.892f);         /* -1 dBFS */
        if (g < lowest) {
            lowest = g;
            lowest_at = i - lat;
        }
        prev = g;
    }
    /* 0.891 / 2, less the interpolated overshoot at the burst's edges. */
    if (!(lowest < 0.446 && lowest > 0.36))
        fail_msg("lowest gain %.3f", lowest);
    assert_true(lowest_at >= 24000 - 5 && lowest_at < 24100);
    /* 100 ms after the burst the gain has recovered less than 60 % of the way. */
    double g100 = y[24100 + 4800 + lat] / x[24100 + 4800];
    assert_true(g100 < lowest + 0.6 * (1 - lowest));
    assert_true(g100 > lowest + 0.2 * (1 - lowest));
    audio_limiter_destroy(l);
    free(x);
    free(y);
}

static uint32_t syncsafe(const unsigned char *p)
{
    return (uint32_t)p[0] << 21 | (uint32_t)p[1] << 14 | (uint32_t)p[2] << 7 | p[3];
}

/* Finds frame id in an ID3v2.4 tag's frames; returns its body and size. */
static const unsigned char *find_frame(const unsigned char *frames, size_t len, const char *id,
                                       size_t skip, uint32_t *size)
{
    size_t pos = 0;
    while (pos + 10 <= len) {
        uint32_t sz = syncsafe(frames + pos + 4);
        if (!memcmp(frames + pos, id, 4) && skip-- == 0) {
            *size = sz;
            return frames + pos + 10;
        }
        pos += 10 + sz;
    }
    return NULL;
}

static const char title_ar[] = "نشرة الثامنة";
static const char station_ar[] = "إذاعة الصباح";
static const char story1[] = "عنوان القصة الأولى";
static const char story2[] = "القصة الثانية";

static audio_tags test_tags(audio_chapter *ch)
{
    ch[0] = (audio_chapter){story1, 0, 48000};
    ch[1] = (audio_chapter){story2, 48000, 144000};
    return (audio_tags){.title = title_ar, .artist = station_ar, .cut_id = "NASHRA-20261124-0800",
                        .date = "2026-11-24", .time = "08:00:00", .has_slot = 1,
                        .made_date = "2026-11-23", .made_time = "21:15:00",
                        .software = "nashra 0.1.0", .description = "test bulletin",
                        .chapters = ch, .chapter_count = 2};
}

static void id3_tag(void **state)
{
    (void)state;
    audio_chapter ch[2];
    audio_tags t = test_tags(ch);
    buf b = BUF_INIT;
    nashra_error err = {0};
    assert_int_equal(audio_id3_build(&t, 48000, &b, &err), NASHRA_OK);
    const unsigned char *p = (const unsigned char *)b.data;
    assert_memory_equal(p, "ID3\x04\x00\x00", 6);
    uint32_t size = syncsafe(p + 6);
    assert_int_equal(size + 10, b.len);
    uint32_t fs;
    const unsigned char *f = find_frame(p + 10, size, "TIT2", 0, &fs);
    assert_non_null(f);
    assert_int_equal(f[0], 3); /* UTF-8 */
    assert_int_equal(fs - 1, strlen(title_ar));
    assert_memory_equal(f + 1, title_ar, fs - 1);
    f = find_frame(p + 10, size, "TPE1", 0, &fs);
    assert_non_null(f);
    assert_memory_equal(f + 1, station_ar, fs - 1);
    f = find_frame(p + 10, size, "TDRC", 0, &fs);
    assert_memory_equal(f + 1, "2026-11-24T08:00:00", fs - 1);
    f = find_frame(p + 10, size, "CTOC", 0, &fs);
    assert_non_null(f);
    assert_memory_equal(f, "toc\0\x03\x02" "chp1\0chp2\0", 16);
    /* The second chapter: 1000 ms to 3000 ms, titled in UTF-8. */
    f = find_frame(p + 10, size, "CHAP", 1, &fs);
    assert_non_null(f);
    assert_memory_equal(f, "chp2\0", 5);
    assert_memory_equal(f + 5, "\x00\x00\x03\xe8\x00\x00\x0b\xb8", 8);
    uint32_t sub;
    const unsigned char *t2 = find_frame(f + 21, fs - 21, "TIT2", 0, &sub);
    assert_non_null(t2);
    assert_memory_equal(t2 + 1, story2, sub - 1);
    buf_free(&b);
}

/* A render of speech-like audio: a tone gated on and off, 3 s at 48 kHz. */
static audio_render *test_render(const char *dir, unsigned channels, double amp)
{
    nashra_error err = {0};
    audio_render *r;
    assert_int_equal(audio_render_create(dir, channels, &r, &err), NASHRA_OK);
    float frame[2];
    for (int i = 0; i < 144000; i++) {
        double env = (i / 4800) % 3 == 2 ? 0 : 1;
        float v = (float)(amp * env * sin(2 * M_PI * 440 * i / 48000.0) *
                          (1 + 0.5 * sin(2 * M_PI * 3 * i / 48000.0)));
        frame[0] = frame[1] = v;
        assert_int_equal(audio_render_write(r, frame, 1, &err), NASHRA_OK);
    }
    assert_int_equal(audio_render_frames(r), 144000);
    return r;
}

/* A render kept in 16 bits gives back the floats it was given, in mono and stereo, across
 * its conversion blocks and from any frame, and a 16-bit WAV written from it as it is (as the
 * raw profile writes) holds the same samples; a float render keeps what 16 bits cannot. */
static void render_in_16_bits(void **state)
{
    (void)state;
    char dir[] = "/tmp/nashra-render-XXXXXX";
    assert_non_null(mkdtemp(dir));
    nashra_error err = {0};
    enum { FRAMES = 100000 };
    static float in[2 * FRAMES], back[2 * FRAMES];
    for (unsigned channels = 1; channels <= 2; channels++) {
        audio_render *r;
        assert_int_equal(audio_render_create(dir, channels, &r, &err), NASHRA_OK);
        audio_render_keep_16_bits(r);
        for (size_t i = 0; i < FRAMES * channels; i++) /* every 16-bit value, -32768 first */
            in[i] = (float)((int)(i * 7 % 65536) - 32768) / 32768.0f;
        assert_int_equal(audio_render_write(r, in, 3, &err), NASHRA_OK);
        assert_int_equal(audio_render_write(r, in + 3 * channels, FRAMES - 3, &err), NASHRA_OK);
        assert_int_equal(audio_render_frames(r), FRAMES);
        assert_int_equal(audio_render_seek(r, 0, &err), NASHRA_OK);
        assert_int_equal(audio_render_read(r, back, FRAMES), FRAMES);
        assert_memory_equal(back, in, FRAMES * channels * sizeof *in);
        assert_int_equal(audio_render_read(r, back, 10), 0); /* the end */
        assert_int_equal(audio_render_seek(r, 70001, &err), NASHRA_OK);
        assert_int_equal(audio_render_read(r, back, FRAMES), FRAMES - 70001);
        assert_memory_equal(back, in + 70001 * channels, (FRAMES - 70001) * channels * sizeof *in);

        char path[512];
        snprintf(path, sizeof path, "%s/raw.wav", dir);
        audio_spec spec = {AUDIO_WAV, 22050, channels, 16, false, false, -23, -1, 0};
        audio_chapter ch[2];
        audio_tags tags = test_tags(ch);
        audio_result res;
        assert_int_equal(audio_output_write(path, false, &spec, &tags, r, 5, FRAMES - 5, NULL,
                                            &res, &err), NASHRA_OK);
        SF_INFO info = {0};
        SNDFILE *sf = sf_open(path, SFM_READ, &info);
        assert_non_null(sf);
        assert_int_equal(info.frames, FRAMES - 10);
        static short got[2 * FRAMES];
        assert_int_equal(sf_readf_short(sf, got, FRAMES), FRAMES - 10);
        sf_close(sf);
        for (size_t i = 0; i < (FRAMES - 10) * channels; i++)
            if (got[i] != (short)(in[5 * channels + i] * 32768.0f))
                fail_msg("sample %zu: %d, not %d", i, got[i],
                         (short)(in[5 * channels + i] * 32768.0f));
        unlink(path);
        audio_render_destroy(r);
    }
    audio_render *r;
    assert_int_equal(audio_render_create(dir, 1, &r, &err), NASHRA_OK);
    const float fine[2] = {0.1f, -1e-7f};
    assert_int_equal(audio_render_write(r, fine, 2, &err), NASHRA_OK);
    assert_int_equal(audio_render_seek(r, 0, &err), NASHRA_OK);
    assert_int_equal(audio_render_read(r, back, 2), 2);
    assert_memory_equal(back, fine, sizeof fine);
    audio_render_destroy(r);
    assert_int_equal(rmdir(dir), 0);
}

static int count_files(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* A 16-bit render with room in front, written whole and unchanged into a 16-bit WAV file,
 * becomes that file: its samples where they lie after a header that ends with a JUNK chunk
 * and the data chunk's, with the file mode a new output gets and nothing else left behind.
 * With too little room for the header, or a part of the render, the samples are copied into
 * a file of their own; either way the file reads back with the same samples and metadata. */
static void render_becomes_the_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/nashra-room-XXXXXX";
    assert_non_null(mkdtemp(dir));
    nashra_error err = {0};
    enum { FRAMES = 50000 };
    static float in[FRAMES];
    for (size_t i = 0; i < FRAMES; i++)
        in[i] = (float)((int)(i * 13 % 65536) - 32768) / 32768.0f;
    mode_t mask = umask(0);
    umask(mask);
    const struct { size_t room; long long start, end; bool in_place; } rows[] = {
        {AUDIO_WAV_ROOM, 0, FRAMES, true},
        {64, 0, FRAMES, false},             /* the header does not fit */
        {AUDIO_WAV_ROOM, 7, FRAMES, false}, /* a part */
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        audio_render *r;
        assert_int_equal(audio_render_create(dir, 1, &r, &err), NASHRA_OK);
        audio_render_keep_16_bits(r);
        assert_true(audio_render_leave_room(r, rows[k].room));
        assert_int_equal(audio_render_room(r), rows[k].room);
        assert_int_equal(audio_render_write(r, in, FRAMES, &err), NASHRA_OK);
        char path[512];
        snprintf(path, sizeof path, "%s/raw.wav", dir);
        audio_spec spec = {AUDIO_WAV, 22050, 1, 16, false, false, -23, -1, 0};
        audio_chapter ch[2];
        audio_tags tags = test_tags(ch);
        const audio_loudness measured = {-19.5, 3.25, -1.5, -15.25, -17.5};
        audio_result res;
        assert_int_equal(audio_output_write(path, false, &spec, &tags, r, rows[k].start,
                                            rows[k].end, &measured, &res, &err), NASHRA_OK);
        audio_render_destroy(r);
        assert_int_equal(count_files(dir, "raw.wav"), 1); /* no temporary left */
        assert_true(res.loudness.integrated == measured.integrated);
        assert_true(res.gain_db == 0);

        long long frames = rows[k].end - rows[k].start;
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
        unsigned char head[8];
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        assert_int_equal(fseek(f, (long)AUDIO_WAV_ROOM - 8, SEEK_SET), 0);
        assert_int_equal(fread(head, 1, 8, f), 8);
        fclose(f);
        bool placed = !memcmp(head, "data", 4);
        assert_int_equal(placed, rows[k].in_place);
        if (placed)
            assert_int_equal(st.st_size, AUDIO_WAV_ROOM + 2 * frames);

        SF_INFO info = {0};
        SNDFILE *sf = sf_open(path, SFM_READ, &info);
        assert_non_null(sf);
        assert_int_equal(info.frames, frames);
        SF_BROADCAST_INFO bi;
        assert_int_equal(sf_command(sf, SFC_GET_BROADCAST_INFO, &bi, sizeof bi), SF_TRUE);
        assert_int_equal(bi.loudness_value, -1950);
        assert_int_equal(bi.max_true_peak_level, -150);
        uint32_t cues = 0;
        assert_int_equal(sf_command(sf, SFC_GET_CUE_COUNT, &cues, sizeof cues), SF_TRUE);
        assert_int_equal(cues, 2);
        static short got[FRAMES];
        assert_int_equal(sf_readf_short(sf, got, FRAMES), frames);
        sf_close(sf);
        for (long long i = 0; i < frames; i++)
            if (got[i] != (short)(in[rows[k].start + i] * 32768.0f))
                fail_msg("row %zu, sample %lld: %d", k, i, got[i]);
        unlink(path);
    }
    assert_int_equal(rmdir(dir), 0);
}

typedef struct case_row {
    const char *name;
    audio_container container;
    int rate;
    int depth;
    unsigned channels;
    double target, ceiling;
    int sf_major;
} case_row;

static void output_containers(void **state)
{
    (void)state;
    char dir[] = "/tmp/nashra-output-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const case_row rows[] = {
        {"b.wav", AUDIO_WAV, 48000, 24, 1, -23, -1, SF_FORMAT_WAV},
        {"a.flac", AUDIO_FLAC, 48000, 16, 1, -23, -1, SF_FORMAT_FLAC},
        {"p.mp3", AUDIO_MP3, 44100, 16, 2, -16, -1, SF_FORMAT_MPEG},
        {"o.opus", AUDIO_OPUS, 48000, 16, 1, -19, -1, SF_FORMAT_OGG},
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        const case_row *row = &rows[k];
        nashra_error err = {0};
        /* Loud enough that the gain needs the limiter for the podcast row. */
        audio_render *r = test_render(dir, row->channels, row->container == AUDIO_MP3 ? 0.5 : 0.05);
        audio_render *src = r;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, row->name);
        audio_spec spec = {row->container, 48000, row->channels, row->depth, true, true,
                           row->target, row->ceiling, 0};
        audio_chapter ch[2];
        audio_tags tags = test_tags(ch);
        audio_result res;
        if (row->rate != 48000) {
            /* The output stage writes at the render's rate: make one at 44.1 kHz. */
            audio_render *r2;
            assert_int_equal(audio_render_create(dir, row->channels, &r2, &err), NASHRA_OK);
            assert_int_equal(audio_render_seek(r, 0, &err), NASHRA_OK);
            size_t total = 144000 * row->channels;
            float *all = malloc(total * sizeof *all), *y;
            size_t m;
            assert_int_equal(audio_render_read(r, all, 144000), 144000);
            assert_int_equal(audio_resample_buffer(all, 144000, row->channels, 48000, row->rate,
                                                   &y, &m, &err), NASHRA_OK);
            assert_int_equal(audio_render_write(r2, y, m, &err), NASHRA_OK);
            free(all);
            free(y);
            src = r2;
            spec.rate = row->rate;
            ch[0].end = ch[1].start = 44100;
            ch[1].end = (long long)m;
        }
        long long frames = audio_render_frames(src);
        assert_int_equal(audio_output_write(path, false, &spec, &tags, src, 0, frames, NULL, &res,
                                            &err), NASHRA_OK);
        assert_int_equal(count_files(dir, row->name), 1); /* no temporary left */

        /* Loudness and true peak of the file as written. */
        audio_loudness l;
        assert_int_equal(audio_measure_file(path, &l, &err), NASHRA_OK);
        if (fabs(l.integrated - row->target) > 0.5 || l.true_peak > row->ceiling + 0.1)
            fail_msg("%s: %.2f LUFS, %.2f dBTP", row->name, l.integrated, l.true_peak);
        assert_true(fabs(res.loudness.integrated - l.integrated) < 0.01);
        if (row->container == AUDIO_WAV || row->container == AUDIO_FLAC) {
            /* Reported without a second pass (a gain, no limiter): the file's own figures, but
             * for the meter's histograms, whose bins of 0.01 LU the gain moves the blocks
             * across (integrated loudness and range). */
            assert_true(res.limited_db == 0);
            if (fabs(res.loudness.integrated - l.integrated) > 0.01 ||
                fabs(res.loudness.range - l.range) > 0.02 ||
                fabs(res.loudness.true_peak - l.true_peak) > 0.005 ||
                fabs(res.loudness.max_momentary - l.max_momentary) > 0.001 ||
                fabs(res.loudness.max_short_term - l.max_short_term) > 0.001)
                fail_msg("%s: reported %.4f LUFS %.4f LU %.4f dBTP %.4f %.4f, measured %.4f "
                         "LUFS %.4f LU %.4f dBTP %.4f %.4f", row->name, res.loudness.integrated,
                         res.loudness.range, res.loudness.true_peak, res.loudness.max_momentary,
                         res.loudness.max_short_term, l.integrated, l.range, l.true_peak,
                         l.max_momentary, l.max_short_term);
        }

        SF_INFO info = {0};
        SNDFILE *sf = sf_open(path, SFM_READ, &info);
        assert_non_null(sf);
        assert_int_equal(info.format & SF_FORMAT_TYPEMASK, row->sf_major);
        assert_int_equal(info.samplerate, spec.rate);
        assert_int_equal(info.channels, (int)row->channels);
        if (row->container == AUDIO_WAV || row->container == AUDIO_FLAC)
            assert_int_equal(info.frames, frames);
        else
            assert_true(llabs(info.frames - frames) < spec.rate / 10);
        if (row->container != AUDIO_MP3) {
            const char *title = sf_get_string(sf, SF_STR_TITLE);
            assert_non_null(title);
            assert_string_equal(title, title_ar);
            const char *artist = sf_get_string(sf, SF_STR_ARTIST);
            assert_non_null(artist);
            assert_string_equal(artist, station_ar);
        }
        if (row->container == AUDIO_WAV) {
            SF_BROADCAST_INFO bi;
            assert_int_equal(sf_command(sf, SFC_GET_BROADCAST_INFO, &bi, sizeof bi), SF_TRUE);
            assert_int_equal(bi.version, 2);
            assert_true(abs(bi.loudness_value - (int)lround(l.integrated * 100)) <= 5);
            assert_true(bi.max_true_peak_level <= (int)lround(row->ceiling * 100) + 10);
            assert_memory_equal(bi.originator_reference, "NASHRA-20261124-0800", 20);
            /* 08:00 in samples since midnight. */
            assert_int_equal(bi.time_reference_low, 8u * 3600u * 48000u);
            SF_CART_INFO ci;
            assert_int_equal(sf_command(sf, SFC_GET_CART_INFO, &ci, sizeof ci), SF_TRUE);
            assert_memory_equal(ci.category, "NEWS", 5);
            assert_memory_equal(ci.start_date, "2026-11-24", 10);
            assert_memory_equal(ci.end_date, "2026-11-25", 10);
            SF_CUES cues;
            assert_int_equal(sf_command(sf, SFC_GET_CUE, &cues, sizeof cues), SF_TRUE);
            assert_int_equal(cues.cue_count, 2);
            assert_int_equal(cues.cue_points[1].sample_offset, 48000);
            SF_CHUNK_ITERATOR *it = sf_get_chunk_iterator(sf, &(SF_CHUNK_INFO){.id = "id3 ",
                                                                                .id_size = 4});
            assert_non_null(it);
        }
        sf_close(sf);

        /* Never replaced without overwrite. */
        assert_int_equal(audio_output_write(path, false, &spec, &tags, src, 0, frames, NULL, &res,
                                            &err), NASHRA_EEXIST);
        if (src != r)
            audio_render_destroy(src);
        audio_render_destroy(r);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trimming),  cmocka_unit_test(resampling),
        cmocka_unit_test(loudness),  cmocka_unit_test(loudness_windows),
        cmocka_unit_test(loudness_gates),
        cmocka_unit_test(loudness_range_cases),
        cmocka_unit_test(meter_pieces_agree),
        cmocka_unit_test(meter_and_render_take_16_bits),
        cmocka_unit_test(lanes_agree_with_one_filter),
        cmocka_unit_test(measured_clips_agree),
        cmocka_unit_test(file_buffer),
        cmocka_unit_test(render_in_16_bits),
        cmocka_unit_test(render_becomes_the_file),
        cmocka_unit_test(true_peak_between_samples),
        cmocka_unit_test(limiting),
        cmocka_unit_test(limiter_gain_is_smooth),
        cmocka_unit_test(id3_tag),   cmocka_unit_test(output_containers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
