#include "audio/loudness.h"

#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

/* True peak after ITU-R BS.1770-4 Annex 2: the signal oversampled four times and its largest
 * absolute value taken. Computed here rather than by libebur128, whose interpolator took most
 * of a bulletin's writing time: the same 49-tap windowed-sinc interpolation, split into its
 * four phases (the first is the signal itself) and run over blocks a tap at a time, which the
 * compiler vectorizes. */
#define TP_PHASES 4
#define TP_TAPS 12 /* per phase */
#define TP_BLOCK 1024

typedef struct true_peak {
    float h[TP_PHASES][TP_TAPS];
    float *x;        /* per channel: TP_TAPS - 1 samples of history, then a block */
    float y[TP_BLOCK];
    unsigned channels;
    double peak;
} true_peak;

static bool true_peak_init(true_peak *t, unsigned channels)
{
    const int taps = TP_PHASES * TP_TAPS + 1, centre = taps / 2;
    double c[TP_PHASES * TP_TAPS + 1];
    for (int n = 0; n < taps; n++) {
        double x = (double)(n - centre) / TP_PHASES;
        double sinc = n == centre ? 1 : sin(M_PI * x) / (M_PI * x);
        c[n] = sinc * (0.5 - 0.5 * cos(2 * M_PI * n / (taps - 1)));
    }
    for (int p = 1; p < TP_PHASES; p++) {
        double sum = 0;
        for (int k = 0; k < TP_TAPS; k++)
            sum += c[TP_PHASES * k + p];
        for (int k = 0; k < TP_TAPS; k++) /* each phase passes DC unchanged */
            t->h[p][k] = (float)(c[TP_PHASES * k + p] / sum);
    }
    t->channels = channels;
    t->peak = 0;
    t->x = calloc((size_t)channels * (TP_TAPS - 1 + TP_BLOCK), sizeof *t->x);
    return t->x != NULL;
}

/* Adds n <= TP_BLOCK interleaved frames. */
static void true_peak_block(true_peak *t, const float *frames, size_t n)
{
    const size_t stride = TP_TAPS - 1 + TP_BLOCK;
    float peak = (float)t->peak;
    for (unsigned c = 0; c < t->channels; c++) {
        float *x = t->x + c * stride;
        for (size_t i = 0; i < n; i++) {
            x[TP_TAPS - 1 + i] = frames[i * t->channels + c];
            float a = fabsf(x[TP_TAPS - 1 + i]);
            peak = a > peak ? a : peak;
        }
        for (int p = 1; p < TP_PHASES; p++) {
            float *y = t->y;
            for (size_t i = 0; i < n; i++)
                y[i] = 0;
            for (int k = 0; k < TP_TAPS; k++) {
                const float h = t->h[p][k];
                const float *src = x + TP_TAPS - 1 - k;
                for (size_t i = 0; i < n; i++)
                    y[i] += h * src[i];
            }
            for (size_t i = 0; i < n; i++) {
                float a = fabsf(y[i]);
                peak = a > peak ? a : peak;
            }
        }
        memmove(x, x + n, (TP_TAPS - 1) * sizeof *x); /* the history for the next block */
    }
    t->peak = peak;
}

struct audio_meter {
    ebur128_state *st;
    true_peak tp;
    unsigned channels;
    double max_momentary;
    double max_short_term;
    size_t since_check; /* frames since momentary and short-term were last read */
    size_t check_every; /* 100 ms of frames */
};

nashra_status audio_meter_create(int rate, unsigned channels, audio_meter **out,
                                 nashra_error *err)
{
    *out = NULL;
    audio_meter *m = calloc(1, sizeof *m);
    if (!m)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    m->st = ebur128_init(channels, (unsigned long)rate,
                         EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_M | EBUR128_MODE_S);
    if (!m->st || !true_peak_init(&m->tp, channels)) {
        if (m->st)
            ebur128_destroy(&m->st);
        free(m);
        return error_set(err, NASHRA_EAUDIO, "cannot set up loudness measurement (%d Hz, %u "
                         "channels)", rate, channels);
    }
    m->channels = channels;
    m->max_momentary = m->max_short_term = -HUGE_VAL;
    m->check_every = (size_t)rate / 10;
    *out = m;
    return NASHRA_OK;
}

static void track_maxima(audio_meter *m)
{
    double v;
    if (ebur128_loudness_momentary(m->st, &v) == EBUR128_SUCCESS && v > m->max_momentary)
        m->max_momentary = v;
    if (ebur128_loudness_shortterm(m->st, &v) == EBUR128_SUCCESS && v > m->max_short_term)
        m->max_short_term = v;
}

nashra_status audio_meter_add(audio_meter *m, const float *frames, size_t n, nashra_error *err)
{
    /* Momentary and short-term maxima are sampled every 100 ms, as EBU Tech 3341 asks. */
    while (n) {
        size_t k = m->check_every - m->since_check;
        if (k > n)
            k = n;
        if (ebur128_add_frames_float(m->st, frames, k) != EBUR128_SUCCESS)
            return error_set(err, NASHRA_EAUDIO, "loudness measurement failed");
        for (size_t done = 0; done < k; done += TP_BLOCK)
            true_peak_block(&m->tp, frames + done * m->channels,
                            k - done < TP_BLOCK ? k - done : TP_BLOCK);
        frames += k * m->channels;
        n -= k;
        m->since_check += k;
        if (m->since_check == m->check_every) {
            m->since_check = 0;
            track_maxima(m);
        }
    }
    return NASHRA_OK;
}

nashra_status audio_meter_report(audio_meter *m, audio_loudness *out, nashra_error *err)
{
    double v = -HUGE_VAL;
    if (ebur128_loudness_global(m->st, &v) != EBUR128_SUCCESS)
        return error_set(err, NASHRA_EAUDIO, "loudness measurement failed");
    out->integrated = v;
    if (ebur128_loudness_range(m->st, &v) != EBUR128_SUCCESS)
        v = 0;
    out->range = v;
    double peak = m->tp.peak;
    out->true_peak = peak > 0 ? 20 * log10(peak) : -HUGE_VAL;
    out->max_momentary = m->max_momentary;
    out->max_short_term = m->max_short_term;
    return NASHRA_OK;
}

void audio_meter_destroy(audio_meter *m)
{
    if (!m)
        return;
    if (m->st)
        ebur128_destroy(&m->st);
    free(m->tp.x);
    free(m);
}

nashra_status audio_measure_file(const char *path, audio_loudness *out, nashra_error *err)
{
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf)
        return error_set(err, NASHRA_EAUDIO, "%s: cannot read back: %s", path, sf_strerror(NULL));
    audio_meter *m;
    nashra_status rc = audio_meter_create(info.samplerate, (unsigned)info.channels, &m, err);
    float *frames = rc ? NULL : malloc(4096 * (size_t)info.channels * sizeof *frames);
    if (!rc && !frames)
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
    sf_count_t got;
    while (!rc && (got = sf_readf_float(sf, frames, 4096)) > 0)
        rc = audio_meter_add(m, frames, (size_t)got, err);
    if (!rc)
        rc = audio_meter_report(m, out, err);
    free(frames);
    audio_meter_destroy(m);
    sf_close(sf);
    return rc;
}
