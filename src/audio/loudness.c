#include "audio/loudness.h"

#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

/* True peak after ITU-R BS.1770-4 Annex 2: the signal oversampled four times and its largest
 * absolute value taken. Computed here rather than by libebur128, whose interpolator took most
 * of a bulletin's writing time: the same 49-tap windowed-sinc interpolation, split into its
 * four phases (the first is the signal itself), each a 12-tap filter the compiler unrolls and
 * vectorizes across a block of samples. */
#define TP_PHASES 4
#define TP_TAPS 12 /* per phase */
#define TP_BLOCK 1024

typedef struct true_peak {
    float h[TP_PHASES][TP_TAPS];
    float *x;        /* per channel: TP_TAPS - 1 samples of history, then a block */
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

/* The magnitude of a float as an ordered integer: for values without sign, the bit patterns
 * sort as the numbers do, and an integer maximum is one the compiler vectorizes. */
static inline uint32_t magnitude_bits(float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u & 0x7fffffffu;
}

/* Adds n <= TP_BLOCK interleaved frames. */
static void true_peak_block(true_peak *t, const float *frames, size_t n)
{
    const size_t stride = TP_TAPS - 1 + TP_BLOCK;
    uint32_t peak = magnitude_bits((float)t->peak);
    for (unsigned c = 0; c < t->channels; c++) {
        float *restrict x = t->x + c * stride;
        for (size_t i = 0; i < n; i++)
            x[TP_TAPS - 1 + i] = frames[i * t->channels + c];
        /* The first phase is the signal itself; each other phase a short filter. */
        for (size_t i = 0; i < n; i++) {
            uint32_t a = magnitude_bits(x[TP_TAPS - 1 + i]);
            peak = a > peak ? a : peak;
        }
        for (int p = 1; p < TP_PHASES; p++) {
            const float *restrict h = t->h[p];
            for (size_t i = 0; i < n; i++) {
                const float *src = x + TP_TAPS - 1 + i;
                float y = 0;
                for (int k = 0; k < TP_TAPS; k++)
                    y += h[k] * src[-k];
                uint32_t a = magnitude_bits(y);
                peak = a > peak ? a : peak;
            }
        }
        memmove(x, x + n, (TP_TAPS - 1) * sizeof *x); /* the history for the next block */
    }
    float f;
    memcpy(&f, &peak, sizeof f);
    t->peak = f;
}

/* Momentary (400 ms) and short-term (3 s) loudness are means over the last 4 and 30 blocks of
 * 100 ms. libebur128 sums every sample of the window again each time they are read, ten times a
 * second: 34 additions a sample, which was most of a bulletin's writing time. Instead, the
 * energy of each 100 ms block is read once (ebur128_loudness_window) and the windows are summed
 * from those blocks here; the figures are the same, as both windows end on block boundaries. */
#define SHORT_TERM_BLOCKS 30
#define MOMENTARY_BLOCKS 4

struct audio_meter {
    ebur128_state *st;
    true_peak tp;
    unsigned channels;
    double block_energy[SHORT_TERM_BLOCKS]; /* a ring of the last blocks' mean square */
    size_t next_block;
    double max_momentary;
    double max_short_term;
    size_t since_check; /* frames since the last block ended */
    size_t check_every; /* 100 ms of frames */
};

nashra_status audio_meter_create(int rate, unsigned channels, audio_meter **out,
                                 nashra_error *err)
{
    *out = NULL;
    audio_meter *m = calloc(1, sizeof *m);
    if (!m)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    /* Gating blocks counted in histograms rather than kept in lists (ten a second, about 5 MB
     * for three hours), so that memory does not grow with the bulletin; the figures move by
     * about 0.01 LU. */
    m->st = ebur128_init(channels, (unsigned long)rate,
                         EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_HISTOGRAM);
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

static double lufs(double mean_square)
{
    return mean_square > 0 ? 10 * log10(mean_square) - 0.691 : -HUGE_VAL;
}

/* At the end of a 100 ms block: its energy, and the windows that end with it. */
static nashra_status end_block(audio_meter *m, nashra_error *err)
{
    double v;
    if (ebur128_loudness_window(m->st, 100, &v) != EBUR128_SUCCESS)
        return error_set(err, NASHRA_EAUDIO, "loudness measurement failed");
    m->block_energy[m->next_block] = isfinite(v) ? pow(10, (v + 0.691) / 10) : 0;
    m->next_block = (m->next_block + 1) % SHORT_TERM_BLOCKS;
    double sum = 0, momentary = 0;
    for (size_t i = 1; i <= SHORT_TERM_BLOCKS; i++) { /* newest first */
        sum += m->block_energy[(m->next_block + SHORT_TERM_BLOCKS - i) % SHORT_TERM_BLOCKS];
        if (i == MOMENTARY_BLOCKS)
            momentary = sum / MOMENTARY_BLOCKS;
    }
    double ml = lufs(momentary), sl = lufs(sum / SHORT_TERM_BLOCKS);
    if (ml > m->max_momentary)
        m->max_momentary = ml;
    if (sl > m->max_short_term)
        m->max_short_term = sl;
    return NASHRA_OK;
}

nashra_status audio_meter_add(audio_meter *m, const float *frames, size_t n, nashra_error *err)
{
    /* Momentary and short-term maxima are taken every 100 ms, as EBU Tech 3341 asks. */
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
            nashra_status rc = end_block(m, err);
            if (rc)
                return rc;
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
