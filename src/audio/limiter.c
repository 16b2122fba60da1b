#include "audio/limiter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

/* Interpolation: 3 fractional phases, 12 taps each; the newest input is TAP_AHEAD samples
 * past the sample whose preceding interval is examined. */
#define PHASES 4
#define TAPS 12
#define TAP_AHEAD 5

struct audio_limiter {
    unsigned channels;
    float ceiling;
    float coef[PHASES][TAPS];
    /* The last TAPS input frames per channel, for interpolation: a ring of TAPS written twice
     * over, so that the window oldest-first is always the TAPS floats at hist_pos. */
    float *history;     /* channels * 2 * TAPS */
    size_t hist_pos;
    /* Look-ahead: the signal delay line, and the gain requirements in the hold window. */
    size_t window;      /* W frames */
    size_t delay;       /* TAP_AHEAD + W - 1 frames */
    float *delayed;     /* channels * delay, ring */
    size_t delay_pos;
    float *req;         /* W requirements, ring, for the running minimum */
    size_t *deque;      /* indices into a virtual stream for the running minimum */
    size_t dq_head, dq_len;
    float *held;        /* W held minima, ring, for the running average */
    double held_sum;
    size_t step;        /* frames taken so far */
    double gain;        /* after release smoothing */
    double release;     /* per-frame smoothing coefficient */
    double min_gain;
};

static double sinc(double x)
{
    return x == 0 ? 1 : sin(M_PI * x) / (M_PI * x);
}

nashra_status audio_limiter_create(int rate, unsigned channels, double ceiling_db,
                                   double attack_ms, double release_ms, audio_limiter **out,
                                   nashra_error *err)
{
    *out = NULL;
    if (rate <= 0 || channels == 0 || channels > 8 || attack_ms <= 0 || release_ms <= 0 ||
        ceiling_db > 0)
        return error_set(err, NASHRA_EINVAL, "bad limiter settings");
    audio_limiter *l = calloc(1, sizeof *l);
    if (!l)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    l->channels = channels;
    l->ceiling = (float)pow(10, ceiling_db / 20);
    l->window = (size_t)(attack_ms * rate / 1000);
    if (l->window < 1)
        l->window = 1;
    l->delay = TAP_AHEAD + l->window - 1;
    l->history = calloc((size_t)channels * 2 * TAPS, sizeof *l->history);
    l->delayed = calloc((size_t)channels * l->delay, sizeof *l->delayed);
    l->req = calloc(l->window, sizeof *l->req);
    l->deque = calloc(l->window + 1, sizeof *l->deque);
    l->held = calloc(l->window, sizeof *l->held);
    if (!l->history || !l->delayed || !l->req || !l->deque || !l->held) {
        audio_limiter_destroy(l);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < l->window; i++)
        l->held[i] = 1;
    l->held_sum = (double)l->window;
    l->gain = 1;
    l->min_gain = 1;
    l->release = 1 - exp(-1000.0 / (release_ms * rate));
    /* Phase p interpolates at t = p/4 between x[s-1] and x[s], from x[s-1-5 .. s-1+6]:
     * tap j (0..11) weighs x[s-1 + j - 5] by sinc(t - (j - 5)) under a Hann window. */
    for (int p = 1; p < PHASES; p++) {
        double t = (double)p / PHASES, sum = 0;
        for (int j = 0; j < TAPS; j++) {
            double u = t - (j - (TAPS / 2 - 1));
            double w = 0.5 * (1 + cos(M_PI * u / (TAPS / 2 + 0.5)));
            l->coef[p][j] = (float)(sinc(u) * w);
            sum += l->coef[p][j];
        }
        for (int j = 0; j < TAPS; j++)
            l->coef[p][j] = (float)(l->coef[p][j] / sum);
    }
    *out = l;
    return NASHRA_OK;
}

size_t audio_limiter_latency(const audio_limiter *l)
{
    return l->delay;
}

double audio_limiter_max_reduction(const audio_limiter *l)
{
    return 20 * log10(l->min_gain);
}

/* The largest magnitude in the interval ending at the sample TAP_AHEAD frames back, over every
 * channel, after the newest frame entered the history. */
static float interval_peak(const audio_limiter *l)
{
    float peak = 0;
    for (unsigned c = 0; c < l->channels; c++) {
        /* Oldest first; x[TAPS-1] is the newest. The interval examined lies between
         * x[TAPS-1-TAP_AHEAD-1] and x[TAPS-1-TAP_AHEAD]. */
        const float *x = l->history + (size_t)c * 2 * TAPS + l->hist_pos;
        float v = fabsf(x[TAPS - 1 - TAP_AHEAD]);
        if (v > peak)
            peak = v;
        for (int p = 1; p < PHASES; p++) {
            float y = 0;
            for (int j = 0; j < TAPS; j++)
                y += l->coef[p][j] * x[j];
            if (fabsf(y) > peak)
                peak = fabsf(y);
        }
    }
    return peak;
}

void audio_limiter_process(audio_limiter *l, const float *in, float *out, size_t n)
{
    const unsigned ch = l->channels;
    const size_t W = l->window, D = l->delay;
    for (size_t i = 0; i < n; i++) {
        const float *frame = in + i * ch;
        /* Interpolation history and delay line. */
        for (unsigned c = 0; c < ch; c++) {
            float *h = l->history + (size_t)c * 2 * TAPS;
            h[l->hist_pos] = h[l->hist_pos + TAPS] = frame[c];
        }
        l->hist_pos = (l->hist_pos + 1) % TAPS;
        float *slot = l->delayed + l->delay_pos * ch;
        float oldest[8];
        memcpy(oldest, slot, ch * sizeof *oldest);
        memcpy(slot, frame, ch * sizeof *slot);
        l->delay_pos = (l->delay_pos + 1) % D;

        /* The gain this interval needs, and the running minimum over the last W of them. */
        float peak = interval_peak(l);
        float need = peak > l->ceiling ? l->ceiling / peak : 1.0f;
        size_t t = l->step++;
        l->req[t % W] = need;
        while (l->dq_len && l->req[l->deque[(l->dq_head + l->dq_len - 1) % (W + 1)] % W] >= need)
            l->dq_len--;
        l->deque[(l->dq_head + l->dq_len) % (W + 1)] = t;
        l->dq_len++;
        if (l->deque[l->dq_head] + W <= t) {
            l->dq_head = (l->dq_head + 1) % (W + 1);
            l->dq_len--;
        }
        float held = l->req[l->deque[l->dq_head] % W];

        /* Average the held minima over W: a ramp that reaches each requirement in time. */
        l->held_sum += held - l->held[t % W];
        l->held[t % W] = held;
        double target = l->held_sum / (double)W;
        if (target > 1)
            target = 1;
        if (target < l->gain)
            l->gain = target;
        else
            l->gain += (target - l->gain) * l->release;
        if (l->gain < l->min_gain)
            l->min_gain = l->gain;

        /* The frame leaving the delay line (silence until the line has filled). */
        float g = (float)l->gain;
        for (unsigned c = 0; c < ch; c++)
            out[i * ch + c] = oldest[c] * g;
    }
}

void audio_limiter_destroy(audio_limiter *l)
{
    if (!l)
        return;
    free(l->history);
    free(l->delayed);
    free(l->req);
    free(l->deque);
    free(l->held);
    free(l);
}
