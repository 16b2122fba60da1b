#include "audio/loudness.h"

#include <ebur128.h>
#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/clones.h"
#include "common/error.h"
#include "common/thread.h"

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
    float reach;     /* no phase's output exceeds its inputs' largest magnitude times this */
    float *x;        /* per channel: TP_TAPS - 1 samples of history, then a block */
    unsigned channels;
    double peak;
} true_peak;

static bool true_peak_init(true_peak *t, unsigned channels)
{
    const int taps = TP_PHASES * TP_TAPS + 1, centre = taps / 2;
    t->reach = 1; /* the first phase, the signal itself */
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
        double l1 = 0;
        for (int k = 0; k < TP_TAPS; k++) { /* each phase passes DC unchanged */
            t->h[p][k] = (float)(c[TP_PHASES * k + p] / sum);
            l1 += fabs(t->h[p][k]);
        }
        /* With room for the rounding of twelve float products and sums. */
        if (l1 * 1.0001 > t->reach)
            t->reach = (float)(l1 * 1.0001);
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

/* Adds n <= TP_BLOCK interleaved frames. Also built for AVX2, for the scan of every sample:
 * x86-64's baseline has no vector maximum of 32-bit integers. */
NASHRA_CLONES_AVX2
static void true_peak_block(true_peak *t, const float *frames, size_t n)
{
    const size_t stride = TP_TAPS - 1 + TP_BLOCK;
    uint32_t peak = magnitude_bits((float)t->peak);
    const size_t ch = t->channels;
    for (unsigned c = 0; c < ch; c++) {
        float *restrict x = t->x + c * stride;
        /* The first phase is the signal itself; each other phase a short filter, which cannot
         * reach the peak so far where the block and its history are quiet enough: speech is
         * mostly far below its peaks, and the filters are then skipped, with the same result,
         * and the block is not copied but for the history the next one needs. */
        uint32_t block = 0, history = 0;
        if (ch == 1) { /* a loop the compiler vectorizes */
            for (size_t i = 0; i < n; i++) {
                uint32_t a = magnitude_bits(frames[i]);
                block = a > block ? a : block;
            }
        } else {
            for (size_t i = 0; i < n; i++) {
                uint32_t a = magnitude_bits(frames[i * ch + c]);
                block = a > block ? a : block;
            }
        }
        for (size_t i = 0; i < TP_TAPS - 1; i++) {
            uint32_t a = magnitude_bits(x[i]);
            history = a > history ? a : history;
        }
        peak = block > peak ? block : peak;
        uint32_t window = block > history ? block : history;
        float loudest, so_far;
        memcpy(&loudest, &window, sizeof loudest);
        memcpy(&so_far, &peak, sizeof so_far);
        const bool quiet = loudest * t->reach < so_far; /* false for NaN */
        if (quiet) {
            /* The last TP_TAPS - 1 samples, of the block and what came before it. */
            const size_t keep = n < TP_TAPS - 1 ? TP_TAPS - 1 - n : 0;
            memmove(x, x + TP_TAPS - 1 - keep, keep * sizeof *x);
            for (size_t i = keep; i < TP_TAPS - 1; i++)
                x[i] = frames[(i + n - (TP_TAPS - 1)) * ch + c];
            continue;
        }
        for (size_t i = 0; i < n; i++)
            x[TP_TAPS - 1 + i] = frames[i * ch + c];
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

/* The gated figures are read from the same blocks: the integrated loudness (ITU-R BS.1770-4)
 * from every 400 ms window, ten a second, and the loudness range (EBU Tech 3342) from the
 * short-term values, one a second after the first 3 s, as libebur128 takes them. libebur128's
 * own modes for them summed each window again from its samples, up to seven additions a
 * sample on the meter's thread, the slowest part of a bulletin built from the cache (the
 * speech of 93 minutes: 1.2 s with both, 1.0 s with the range here, 0.72 s with both here);
 * libebur128 is left the K-weighting and the energies of 20 ms granules (summed five to a
 * block). The windows are kept, not binned: 29 KB an hour of short-term values and 290 KB of
 * 400 ms ones. */
#define RANGE_EVERY_BLOCKS 10

/* A growing list of mean squares. */
typedef struct series {
    double *v;
    size_t len, cap;
} series;

static bool series_add(series *s, double v)
{
    if (s->len == s->cap) {
        double *p = array_grow(s->v, &s->cap, s->len, sizeof *p, 1024);
        if (!p)
            return false;
        s->v = p;
    }
    s->v[s->len++] = v;
    return true;
}

/* The K-weighting, at some 6 ns a sample the meter's costliest part (and the whole of a
 * bulletin built from the cache, 0.74 s of CPU for 93 minutes, was waiting on it), is shared
 * by two lanes, each with a libebur128 state of its own. The signal is cut into stretches at
 * granule boundaries preceded by at least 150 ms of digital silence (the pauses between
 * sentences), at least 2 s apart; lane k measures the granules of stretches k, k + 2, k + 4...
 * and passes over the others. Both lanes read the whole signal and cut it in the same places,
 * as the cuts depend on the samples alone, not on how they were handed over. The filter's
 * state carried over a cut, after 150 ms of silence, has fallen below 1e-14 of what it was
 * (its slowest poles, the 38 Hz high-pass's, are a double pole with a 4.2 ms time constant),
 * so starting a stretch from a lane's older, as quiet state changes no figure; the energies
 * are put back in order for the report. */
#define LANES 2
#define QUIET_MS 150
#define STRETCH_MS 2000

/* The lanes keep the energy of each 20 ms granule (five to a block), where the rate is a
 * multiple of 50: the unit a clip measured on its own (audio_measure_clip) can be put in
 * with, in place of its samples. At other rates they keep whole blocks. */
#define GRANULE_MS 20

/* Mean squares of units (granules or blocks) in order, each with its unit number. */
typedef struct energies {
    double *energy;
    size_t *number;
    size_t len, cap;
} energies;

typedef struct lane {
    ebur128_state *st;
    unsigned index;
    size_t since_check;   /* frames since the last unit ended */
    size_t units;         /* units ended so far, in every stretch */
    size_t zeros;         /* silent frames just before this point */
    size_t stretch;       /* the stretch being read */
    size_t stretch_units; /* its units so far */
    energies own;         /* those of the lane's own units */
} lane;

/* The measuring is done on threads of the meter's own, one a lane and one for the true peak,
 * so that it overlaps with whatever produces the samples (synthesis, mixing, encoding):
 * audio_meter_add copies the frames into a ring of slots and returns; each thread takes every
 * slot in order, so the figures are the same as measuring in line. The threads
 * start with the first frames (a process that forks its workers before that never forks with
 * them running) and with every signal blocked, so that signals reach the threads that wait for
 * them. Where they cannot start, the meter measures in line.
 *
 * Sixteen slots of 262,144 samples (1 MB; about 12 s of mono audio at 22,050 Hz), 16 MB in
 * all: the threads wake about once a slot of frames (see hand_over), and the ring holds some
 * three minutes of mono speech, so that the producer seldom waits for the lanes, which take
 * turns at stretches of a few seconds, nor they for it. A bulletin of 93 minutes built from
 * the cache, where nothing but the meter slows the producer, took 0.77 s with eight slots of
 * 65,536 frames (2 MB), 0.66 s with eight of 262,144 (8 MB) and 0.63 s with these; slots of
 * 8,192 frames had cost a one-job bulletin 0.7 s of its 6.8 s in waits and wake-ups. */
#define SLOTS 16
#define SLOT_SAMPLES 262144

enum { PEAK = LANES, MEASURES };

typedef struct measurer {
    struct audio_meter *m;
    int which;
} measurer;

/* A clip with its measure, held until the meter knows whether enough silence follows it. */
typedef struct held_clip {
    bool on;
    int16_t *frames;
    size_t len, cap;
    size_t silence; /* silent frames added after it so far */
    clip_measure m;
} held_clip;

struct audio_meter {
    lane lanes[LANES];
    true_peak tp;
    unsigned channels;
    size_t unit;          /* frames a unit: a granule, or at some rates a block */
    unsigned unit_ms;
    size_t per_block;     /* units a block */
    size_t stretch_units; /* STRETCH_MS of units */
    size_t quiet_frames;  /* QUIET_MS of frames */

    /* On the adding thread: where the stream is, the silence just before that point, the
     * clips put in by their measures and a clip held back. */
    size_t pos;
    size_t zeros;
    energies known;
    float known_peak;
    size_t measured_frames;
    held_clip held;

    /* The threads and the ring; the fields below `lock` are shared under it. */
    enum { INLINE, NOT_STARTED, THREADED } mode;
    pthread_t thread[MEASURES];
    measurer arg[MEASURES];     /* each thread's */
    size_t started;             /* threads running */
    float *ring;                /* SLOTS * SLOT_SAMPLES samples */
    size_t slot_frames;         /* frames a slot */
    size_t fill;                /* frames so far in the slot being filled */
    pthread_mutex_t lock;
    pthread_cond_t work;        /* slots handed over, or stop */
    pthread_cond_t room;        /* slots finished, while the adding thread waits for them */
    bool waiting;               /* the adding thread waits on room */
    size_t handed;              /* slots handed over, ever: the next to fill is handed % SLOTS */
    size_t taken[MEASURES];     /* slots each thread has finished, ever */
    size_t frames[SLOTS];       /* each handed slot's frames */
    size_t skip[SLOTS];         /* then frames to pass over (a measured clip and silence), */
    size_t skip_zeros[SLOTS];   /* of which the last are silent */
    bool stop;
    nashra_status failed;       /* the first error a thread met */
    nashra_error failure;
};

nashra_status audio_meter_create(int rate, unsigned channels, audio_meter **out,
                                 nashra_error *err)
{
    *out = NULL;
    audio_meter *m = calloc(1, sizeof *m);
    if (!m)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    /* The momentary mode: the filter and a 400 ms window, of which 100 ms are read at a time. */
    bool ok = true;
    for (unsigned i = 0; i < LANES; i++) {
        m->lanes[i].index = i;
        ok = ok && (m->lanes[i].st = ebur128_init(channels, (unsigned long)rate,
                                                  EBUR128_MODE_M)) != NULL;
    }
    if (!ok || !true_peak_init(&m->tp, channels)) {
        audio_meter_destroy(m);
        return error_set(err, NASHRA_EAUDIO, "cannot set up loudness measurement (%d Hz, %u "
                         "channels)", rate, channels);
    }
    m->channels = channels;
    const bool granules = audio_measure_granule(rate) != 0;
    m->unit_ms = granules ? GRANULE_MS : 100;
    m->unit = (size_t)rate * m->unit_ms / 1000;
    m->per_block = granules ? 100 / GRANULE_MS : 1;
    m->stretch_units = STRETCH_MS / m->unit_ms;
    m->quiet_frames = audio_measure_silence(rate);
    m->zeros = m->quiet_frames; /* the filters start at rest */
    m->mode = NOT_STARTED;
    *out = m;
    return NASHRA_OK;
}

static double lufs(double mean_square)
{
    return mean_square > 0 ? 10 * log10(mean_square) - 0.691 : -HUGE_VAL;
}

/* The windows read from the blocks' energies, in order. */
typedef struct windows {
    double block_energy[SHORT_TERM_BLOCKS]; /* a ring of the last blocks' mean square */
    size_t next_block;
    size_t blocks;         /* blocks so far */
    double max_momentary;  /* the largest mean squares (-1 before any block): LUFS is */
    double max_short_term; /* monotonic, so it is taken of these once, in the report */
    series gating;         /* every 400 ms window's mean square, for the integrated loudness */
    series range;          /* the short-term ones the loudness range is read from */
} windows;

/* The next block's energy, and the windows that end with it. */
static bool add_block(windows *w, double energy)
{
    const size_t newest = w->next_block;
    w->block_energy[newest] = energy;
    w->next_block = (newest + 1) % SHORT_TERM_BLOCKS;
    double sum = 0, momentary = 0;
    for (size_t i = 0; i < SHORT_TERM_BLOCKS; i++) { /* newest first */
        sum += w->block_energy[i <= newest ? newest - i : newest + SHORT_TERM_BLOCKS - i];
        if (i + 1 == MOMENTARY_BLOCKS)
            momentary = sum / MOMENTARY_BLOCKS;
    }
    const double short_term = sum / SHORT_TERM_BLOCKS;
    if (momentary > w->max_momentary)
        w->max_momentary = momentary;
    if (short_term > w->max_short_term)
        w->max_short_term = short_term;
    w->blocks++;
    bool ok = w->blocks < MOMENTARY_BLOCKS || series_add(&w->gating, momentary);
    if (ok && w->blocks >= SHORT_TERM_BLOCKS &&
        (w->blocks - SHORT_TERM_BLOCKS) % RANGE_EVERY_BLOCKS == 0)
        ok = series_add(&w->range, short_term);
    return ok;
}

/* The granules of g frames a measure of a clip of n frames has: the clip and `quiet` frames
 * of silence after it, padded to whole granules. */
static size_t measure_granules(size_t n, size_t quiet, size_t g)
{
    return (n + quiet + g - 1) / g;
}

static bool energies_add(energies *e, size_t number, double energy)
{
    if (e->len == e->cap) {
        size_t cap = e->cap;
        double *v = array_grow(e->energy, &cap, e->len, sizeof *v, 1024);
        if (v)
            e->energy = v;
        size_t *n = v ? array_grow(e->number, &e->cap, e->len, sizeof *n, 1024) : NULL;
        if (!n)
            return false;
        e->number = n;
    }
    e->energy[e->len] = energy;
    e->number[e->len++] = number;
    return true;
}

/* The mean square of the last `ms` of what a libebur128 state has filtered. */
static bool window_energy(ebur128_state *st, unsigned ms, double *out)
{
    double v;
    if (ebur128_loudness_window(st, ms, &v) != EBUR128_SUCCESS)
        return false;
    *out = isfinite(v) ? pow(10, (v + 0.691) / 10) : 0;
    return true;
}

/* At the end of a unit of the lane's own: its energy, kept. */
static nashra_status lane_unit(const audio_meter *m, lane *l, nashra_error *err)
{
    double e;
    if (!window_energy(l->st, m->unit_ms, &e))
        return error_set(err, NASHRA_EAUDIO, "loudness measurement failed");
    if (!energies_add(&l->own, l->units, e))
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    return NASHRA_OK;
}

/* After `units` units and `zeros` silent frames, on a unit boundary: a new stretch? */
static void lane_advance(const audio_meter *m, lane *l, size_t units, size_t zeros)
{
    l->units += units;
    l->zeros = zeros;
    l->stretch_units += units;
    if (l->stretch_units >= m->stretch_units && l->zeros >= m->quiet_frames) {
        l->stretch++;
        l->stretch_units = 0;
    }
}

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The two gates of BS.1770-4 and Tech 3342: a window counts when it reaches -70 LUFS, and
 * `below` LU under the mean loudness of those that do. Returns the mean square a window must
 * reach (HUGE_VAL when none reaches -70 LUFS); *count and *sum: the windows that pass, and
 * their total. */
static double gate(const series *s, double below, size_t *count, double *sum)
{
    const double absolute = pow(10, (-70 + 0.691) / 10);
    double total = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->len; i++)
        if (s->v[i] >= absolute) {
            total += s->v[i];
            n++;
        }
    *count = 0;
    *sum = 0;
    if (!n)
        return HUGE_VAL;
    const double relative = total / (double)n * pow(10, -below / 10);
    const double threshold = relative > absolute ? relative : absolute;
    for (size_t i = 0; i < s->len; i++)
        if (s->v[i] >= threshold) {
            *sum += s->v[i];
            (*count)++;
        }
    return threshold;
}

/* The integrated loudness: the mean of the 400 ms windows that pass the gates (10 LU). */
static double integrated_loudness(const series *s)
{
    size_t n;
    double sum;
    gate(s, 10, &n, &sum);
    return n ? lufs(sum / (double)n) : -HUGE_VAL;
}

/* The loudness range: the spread between the 10th and 95th percentiles of the short-term
 * values that pass the gates (20 LU), each the value at that fraction of the way through them
 * in order, rounded to the nearest. 0 when none pass. */
static nashra_status loudness_range(const series *s, double *out, nashra_error *err)
{
    *out = 0;
    size_t n;
    double sum;
    const double threshold = gate(s, 20, &n, &sum);
    if (!n)
        return NASHRA_OK;
    double *v = malloc(n * sizeof *v);
    if (!v)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < s->len; i++)
        if (s->v[i] >= threshold)
            v[k++] = lufs(s->v[i]);
    qsort(v, k, sizeof *v, ascending);
    *out = v[(size_t)((double)(k - 1) * 0.95 + 0.5)] - v[(size_t)((double)(k - 1) * 0.10 + 0.5)];
    free(v);
    return NASHRA_OK;
}

/* n more frames through a lane: libebur128 filters those of the lane's stretches, and the
 * energy of each of their units is kept (momentary and short-term loudness are taken every
 * 100 ms, as EBU Tech 3341 asks); the silence before each unit's end decides the cuts. */
static nashra_status measure_lane(audio_meter *m, lane *l, const float *frames, size_t n,
                                  nashra_error *err)
{
    const size_t ch = m->channels;
    while (n) {
        size_t k = m->unit - l->since_check;
        if (k > n)
            k = n;
        const bool own = l->stretch % LANES == l->index;
        if (own && ebur128_add_frames_float(l->st, frames, k) != EBUR128_SUCCESS)
            return error_set(err, NASHRA_EAUDIO, "loudness measurement failed");
        size_t last = k * ch; /* the last sample that is not silent, from the end */
        while (last > 0 && frames[last - 1] == 0)
            last--;
        l->zeros = last ? k - 1 - (last - 1) / ch : l->zeros + k;
        frames += k * ch;
        n -= k;
        l->since_check += k;
        if (l->since_check == m->unit) {
            l->since_check = 0;
            nashra_status rc = own ? lane_unit(m, l, err) : NASHRA_OK;
            if (rc)
                return rc;
            lane_advance(m, l, 1, l->zeros);
        }
    }
    return NASHRA_OK;
}

static nashra_status measure_loudness(audio_meter *m, const float *frames, size_t n,
                                      nashra_error *err)
{
    nashra_status rc = NASHRA_OK;
    for (unsigned i = 0; !rc && i < LANES; i++)
        rc = measure_lane(m, &m->lanes[i], frames, n, err);
    return rc;
}

static void peak_frames(true_peak *t, const float *frames, size_t n)
{
    for (size_t done = 0; done < n; done += TP_BLOCK)
        true_peak_block(t, frames + done * t->channels, n - done < TP_BLOCK ? n - done : TP_BLOCK);
}

static void *measuring_thread(void *arg)
{
    audio_meter *m = ((measurer *)arg)->m;
    const int which = ((measurer *)arg)->which;
    pthread_mutex_lock(&m->lock);
    for (;;) {
        while (m->taken[which] == m->handed && !m->stop)
            pthread_cond_wait(&m->work, &m->lock);
        if (m->taken[which] == m->handed)
            break; /* stopped, and nothing left */
        const size_t slot = m->taken[which] % SLOTS, n = m->frames[slot];
        const size_t over = m->skip[slot], over_zeros = m->skip_zeros[slot];
        const bool skip = m->failed != NASHRA_OK;
        pthread_mutex_unlock(&m->lock);
        const float *frames = m->ring + slot * SLOT_SAMPLES;
        nashra_error e = {0};
        nashra_status rc = NASHRA_OK;
        if (!skip && which < LANES)
            rc = measure_lane(m, &m->lanes[which], frames, n, &e);
        else if (!skip)
            peak_frames(&m->tp, frames, n);
        if (!skip && !rc && over && which < LANES)
            lane_advance(m, &m->lanes[which], over / m->unit, over_zeros);
        pthread_mutex_lock(&m->lock);
        if (rc && !m->failed) {
            m->failed = rc;
            m->failure = e;
        }
        m->taken[which]++;
        if (m->waiting)
            pthread_cond_signal(&m->room);
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

static void stop_threads(audio_meter *m)
{
    pthread_mutex_lock(&m->lock);
    m->stop = true;
    pthread_cond_broadcast(&m->work);
    pthread_mutex_unlock(&m->lock);
    for (size_t i = 0; i < m->started; i++)
        pthread_join(m->thread[i], NULL);
    pthread_cond_destroy(&m->work);
    pthread_cond_destroy(&m->room);
    pthread_mutex_destroy(&m->lock);
}

static void start_threads(audio_meter *m)
{
    m->mode = INLINE;
    m->slot_frames = SLOT_SAMPLES / m->channels;
    m->ring = m->slot_frames ? malloc((size_t)SLOTS * SLOT_SAMPLES * sizeof *m->ring) : NULL;
    if (!m->ring)
        return;
    if (pthread_mutex_init(&m->lock, NULL)) {
        free(m->ring);
        m->ring = NULL;
        return;
    }
    if (pthread_cond_init(&m->work, NULL)) {
        pthread_mutex_destroy(&m->lock);
        free(m->ring);
        m->ring = NULL;
        return;
    }
    if (pthread_cond_init(&m->room, NULL)) {
        pthread_cond_destroy(&m->work);
        pthread_mutex_destroy(&m->lock);
        free(m->ring);
        m->ring = NULL;
        return;
    }
    for (int i = 0; i < MEASURES; i++) {
        m->arg[i] = (measurer){m, i};
        if (thread_start_blocked(&m->thread[i], measuring_thread, &m->arg[i]))
            break;
        m->started++;
    }
    if (m->started < MEASURES) { /* nothing was handed over yet: measure in line */
        stop_threads(m);
        m->started = 0;
        free(m->ring);
        m->ring = NULL;
        return;
    }
    m->mode = THREADED;
}

/* The slots not yet finished by every thread. Under the lock. */
static size_t in_use(const audio_meter *m)
{
    size_t oldest = m->handed;
    for (int i = 0; i < MEASURES; i++)
        oldest = m->taken[i] < oldest ? m->taken[i] : oldest;
    return m->handed - oldest;
}

/* Waits, under the lock, until the threads are using at most `most` slots. */
static void wait_for_room(audio_meter *m, size_t most)
{
    m->waiting = true;
    while (in_use(m) > most)
        pthread_cond_wait(&m->room, &m->lock);
    m->waiting = false;
}

/* Hands the slot being filled to the threads, followed by `over` frames to pass over (ending
 * with `zeros` silent ones), after waiting for a free one to fill next.
 *
 * The threads are woken for frames to measure, or once half the ring waits for them: slots
 * that only pass over frames (a clip put in by its measure, the silence after it) are a few
 * instructions' work each, and waking three threads for each one, two slots a sentence when
 * every clip comes with its measure, had cost a two-job bulletin some 8,000 context
 * switches. Half the ring: the ring cannot fill up without the threads awake. */
static nashra_status hand_over(audio_meter *m, size_t over, size_t zeros, nashra_error *err)
{
    pthread_mutex_lock(&m->lock);
    m->frames[m->handed % SLOTS] = m->fill;
    m->skip[m->handed % SLOTS] = over;
    m->skip_zeros[m->handed % SLOTS] = zeros;
    m->handed++;
    if (m->fill || in_use(m) >= SLOTS / 2)
        pthread_cond_broadcast(&m->work);
    wait_for_room(m, SLOTS - 1);
    nashra_status rc = m->failed;
    if (rc && err)
        *err = m->failure;
    pthread_mutex_unlock(&m->lock);
    m->fill = 0;
    return rc;
}

/* Copies n samples to floats: from floats, or from 16-bit values when pcm16. */
static void to_floats(float *restrict to, const void *from, size_t n, bool pcm16)
{
    if (!pcm16) {
        memcpy(to, from, n * sizeof *to);
        return;
    }
    const int16_t *restrict s = from;
    for (size_t i = 0; i < n; i++)
        to[i] = s[i] / 32768.0f;
}

/* Adds n frames of floats, or of 16-bit values when pcm16. */
static nashra_status add_frames(audio_meter *m, const void *frames, size_t n, bool pcm16,
                                nashra_error *err)
{
    if (m->mode == NOT_STARTED && n)
        start_threads(m);
    const size_t ch = m->channels, size = pcm16 ? sizeof(int16_t) : sizeof(float);
    const char *from = frames;
    if (m->mode == INLINE && !pcm16) {
        peak_frames(&m->tp, frames, n);
        return measure_loudness(m, frames, n, err);
    }
    if (m->mode == INLINE) {
        float block[4096];
        const size_t per = sizeof block / sizeof *block / ch;
        if (!per)
            return error_set(err, NASHRA_EINVAL, "%zu channels are too many to measure", ch);
        for (size_t done = 0; done < n; done += per) {
            size_t k = n - done < per ? n - done : per;
            to_floats(block, from + done * ch * size, k * ch, true);
            peak_frames(&m->tp, block, k);
            nashra_status rc = measure_loudness(m, block, k, err);
            if (rc)
                return rc;
        }
        return NASHRA_OK;
    }
    while (n) {
        size_t k = m->slot_frames - m->fill;
        if (k > n)
            k = n;
        /* m->handed changes only here, on this thread: reading it needs no lock. */
        to_floats(m->ring + (m->handed % SLOTS) * SLOT_SAMPLES + m->fill * ch, from, k * ch,
                  pcm16);
        m->fill += k;
        from += k * ch * size;
        n -= k;
        if (m->fill == m->slot_frames) {
            nashra_status rc = hand_over(m, 0, 0, err);
            if (rc)
                return rc;
        }
    }
    return NASHRA_OK;
}

/* The silent frames (every channel 0) at the start, and at the end, of n frames. */
static size_t leading_silence(const void *frames, size_t n, size_t ch, bool pcm16)
{
    const size_t samples = n * ch;
    size_t i = 0;
    if (pcm16)
        while (i < samples && ((const int16_t *)frames)[i] == 0)
            i++;
    else
        while (i < samples && ((const float *)frames)[i] == 0)
            i++;
    return i / ch;
}

static size_t trailing_silence(const void *frames, size_t n, size_t ch, bool pcm16)
{
    size_t i = n * ch;
    if (pcm16)
        while (i > 0 && ((const int16_t *)frames)[i - 1] == 0)
            i--;
    else
        while (i > 0 && ((const float *)frames)[i - 1] == 0)
            i--;
    return n - (i + ch - 1) / ch;
}

/* Adds frames to the stream that the threads measure, keeping count of where it is and of
 * the silence before that point. */
static nashra_status stream_add(audio_meter *m, const void *frames, size_t n, bool pcm16,
                                nashra_error *err)
{
    nashra_status rc = add_frames(m, frames, n, pcm16, err);
    const size_t quiet = trailing_silence(frames, n, m->channels, pcm16);
    m->zeros = quiet == n ? m->zeros + n : quiet;
    m->pos += n;
    return rc;
}

/* Passes over `frames` frames of the stream (whole units, on a unit boundary) that end with
 * `zeros` silent ones: the threads measure none of them. The lanes count them. The true peak
 * needs nothing: frames are passed over only after QUIET_MS of silence, so its history is
 * silent before them, as it is after them. */
static nashra_status pass_over(audio_meter *m, size_t frames, size_t zeros, nashra_error *err)
{
    if (m->mode == NOT_STARTED)
        start_threads(m);
    if (m->mode == THREADED)
        return hand_over(m, frames, zeros, err);
    for (unsigned i = 0; i < LANES; i++)
        lane_advance(m, &m->lanes[i], frames / m->unit, zeros);
    return NASHRA_OK;
}

/* The held clip and the silence after it, put in by its measure. */
static nashra_status put_held(audio_meter *m, nashra_error *err)
{
    held_clip *h = &m->held;
    h->on = false;
    const size_t region = h->m.count * m->unit, first = m->pos / m->unit;
    for (size_t i = 0; i < h->m.count; i++)
        if (!energies_add(&m->known, first + i, h->m.energy[i]))
            return error_set(err, NASHRA_ENOMEM, "out of memory");
    if (h->m.peak > m->known_peak)
        m->known_peak = h->m.peak;
    nashra_status rc = pass_over(m, region, region - h->len, err);
    m->pos += region;
    m->zeros = region - h->len;
    m->measured_frames += h->len;
    return rc;
}

/* The held clip and the silence after it, measured as any other frames. */
static nashra_status release_held(audio_meter *m, nashra_error *err)
{
    static const int16_t silence[4096];
    held_clip *h = &m->held;
    h->on = false;
    nashra_status rc = stream_add(m, h->frames, h->len, true, err);
    for (size_t left = h->silence; !rc && left;) {
        const size_t k = left < 4096 ? left : 4096;
        rc = stream_add(m, silence, k, true, err);
        left -= k;
    }
    return rc;
}

/* Adds n frames, after settling a held clip: the silence its measure covers goes with it;
 * anything else before that silence is complete means it is measured after all. */
static nashra_status take(audio_meter *m, const void *frames, size_t n, bool pcm16,
                          nashra_error *err)
{
    held_clip *h = &m->held;
    const size_t size = m->channels * (pcm16 ? sizeof(int16_t) : sizeof(float));
    if (h->on && n) {
        const size_t need = h->m.count * m->unit - h->len - h->silence;
        const size_t quiet = leading_silence(frames, n, m->channels, pcm16);
        nashra_status rc = NASHRA_OK;
        if (quiet >= need) {
            rc = put_held(m, err);
            frames = (const char *)frames + need * size;
            n -= need;
        } else if (quiet == n) {
            h->silence += n;
            return NASHRA_OK;
        } else {
            rc = release_held(m, err);
        }
        if (rc)
            return rc;
    }
    /* Silence, once the filters have come to rest (their state below 1e-14 of itself after
     * QUIET_MS of it) and from a unit boundary on, has no energy to measure: its whole units
     * are passed over. What comes before that point is measured. */
    const size_t quiet = n ? leading_silence(frames, n, m->channels, pcm16) : 0;
    if (quiet) {
        size_t live = m->zeros < m->quiet_frames ? m->quiet_frames - m->zeros : 0;
        live += (m->unit - (m->pos + live) % m->unit) % m->unit;
        const size_t whole = quiet > live ? (quiet - live) / m->unit * m->unit : 0;
        if (whole) {
            nashra_status rc = live ? stream_add(m, frames, live, pcm16, err) : NASHRA_OK;
            if (!rc)
                rc = pass_over(m, whole, m->zeros + whole, err);
            if (rc)
                return rc;
            m->pos += whole;
            m->zeros += whole;
            frames = (const char *)frames + (live + whole) * size;
            n -= live + whole;
        }
    }
    return n ? stream_add(m, frames, n, pcm16, err) : NASHRA_OK;
}

nashra_status audio_meter_add(audio_meter *m, const float *frames, size_t n, nashra_error *err)
{
    return take(m, frames, n, false, err);
}

nashra_status audio_meter_add_16(audio_meter *m, const int16_t *frames, size_t n,
                                 nashra_error *err)
{
    return take(m, frames, n, true, err);
}

nashra_status audio_meter_add_measured_16(audio_meter *m, const int16_t *frames, size_t n,
                                          const clip_measure *measure, nashra_error *err)
{
    held_clip *h = &m->held;
    nashra_status rc = h->on ? release_held(m, err) : NASHRA_OK;
    if (rc)
        return rc;
    /* It goes in by its measure when it is what was measured, starts on a granule boundary
     * after silence long enough for the filters to have come to rest, and is mono. */
    const size_t g = m->unit;
    const bool fits = measure && m->unit_ms == GRANULE_MS && measure->granule == g &&
                      m->channels == 1 && n && measure->end - measure->start == n &&
                      measure->count == measure_granules(n, m->quiet_frames, g) &&
                      m->pos % g == 0 &&
                      m->zeros >= m->quiet_frames;
    if (!fits)
        return stream_add(m, frames, n, true, err);
    if (n > h->cap) {
        int16_t *p = realloc(h->frames, n * sizeof *p);
        if (!p)
            return error_set(err, NASHRA_ENOMEM, "out of memory");
        h->frames = p;
        h->cap = n;
    }
    if (!clip_measure_resize(&h->m, measure->count))
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    memcpy(h->frames, frames, n * sizeof *frames);
    memcpy(h->m.energy, measure->energy, measure->count * sizeof *measure->energy);
    h->m.peak = measure->peak;
    h->len = n;
    h->silence = 0;
    h->on = true;
    return NASHRA_OK;
}

size_t audio_meter_measured_frames(const audio_meter *m)
{
    return m->measured_frames;
}

/* Waits until the threads have measured every frame added so far. */
static nashra_status drain(audio_meter *m, nashra_error *err)
{
    if (m->mode != THREADED)
        return NASHRA_OK;
    if (m->fill) {
        nashra_status rc = hand_over(m, 0, 0, err);
        if (rc)
            return rc;
    }
    pthread_mutex_lock(&m->lock);
    pthread_cond_broadcast(&m->work);
    wait_for_room(m, 0);
    nashra_status rc = m->failed;
    if (rc && err)
        *err = m->failure;
    pthread_mutex_unlock(&m->lock);
    return rc;
}

nashra_status audio_meter_report(audio_meter *m, audio_loudness *out, nashra_error *err)
{
    nashra_status rc = m->held.on ? release_held(m, err) : NASHRA_OK;
    if (!rc)
        rc = drain(m, err);
    if (rc)
        return rc;
    /* The units back in order, each one a lane's or a measured clip's, and the blocks from
     * them. */
    windows w = {.max_momentary = -1, .max_short_term = -1};
    const energies *from[LANES + 1];
    size_t at[LANES + 1] = {0};
    for (unsigned i = 0; i < LANES; i++)
        from[i] = &m->lanes[i].own;
    from[LANES] = &m->known;
    bool ok = true;
    const size_t blocks = m->lanes[0].units / m->per_block;
    for (size_t b = 0, u = 0; ok && b < blocks; b++) {
        double sum = 0;
        for (size_t end = u + m->per_block; u < end; u++)
            for (unsigned i = 0; i <= LANES; i++)
                if (at[i] < from[i]->len && from[i]->number[at[i]] == u)
                    sum += from[i]->energy[at[i]++];
        ok = add_block(&w, sum / (double)m->per_block);
    }
    if (!ok)
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
    if (!rc) {
        out->integrated = integrated_loudness(&w.gating);
        rc = loudness_range(&w.range, &out->range, err);
    }
    free(w.gating.v);
    free(w.range.v);
    if (rc)
        return rc;
    double peak = m->tp.peak > m->known_peak ? m->tp.peak : m->known_peak;
    out->true_peak = peak > 0 ? 20 * log10(peak) : -HUGE_VAL;
    out->max_momentary = lufs(w.max_momentary);
    out->max_short_term = lufs(w.max_short_term);
    return NASHRA_OK;
}

void audio_meter_destroy(audio_meter *m)
{
    if (!m)
        return;
    if (m->mode == THREADED)
        stop_threads(m);
    free(m->ring);
    for (unsigned i = 0; i < LANES; i++) {
        if (m->lanes[i].st)
            ebur128_destroy(&m->lanes[i].st);
        free(m->lanes[i].own.energy);
        free(m->lanes[i].own.number);
    }
    free(m->known.energy);
    free(m->known.number);
    free(m->held.frames);
    free(m->held.m.energy);
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

size_t audio_measure_granule(int rate)
{
    return rate > 0 && rate % (1000 / GRANULE_MS) == 0 ? (size_t)rate * GRANULE_MS / 1000 : 0;
}

size_t audio_measure_silence(int rate)
{
    return rate > 0 ? (size_t)rate * QUIET_MS / 1000 : 0;
}

bool audio_measure_clip(const int16_t *samples, size_t n, int rate, clip_measure *out)
{
    out->granule = out->count = 0;
    const size_t g = audio_measure_granule(rate);
    if (!g || !n)
        return true;
    const size_t count = measure_granules(n, audio_measure_silence(rate), g);
    ebur128_state *st = ebur128_init(1, (unsigned long)rate, EBUR128_MODE_M);
    true_peak tp = {0};
    float *x = malloc(g * sizeof *x);
    bool ok = st && x && true_peak_init(&tp, 1) && clip_measure_resize(out, count);
    for (size_t i = 0; ok && i < count; i++) {
        const size_t from = i * g, k = from < n ? (n - from < g ? n - from : g) : 0;
        to_floats(x, samples + from, k, true);
        memset(x + k, 0, (g - k) * sizeof *x);
        ok = ebur128_add_frames_float(st, x, g) == EBUR128_SUCCESS &&
             window_energy(st, GRANULE_MS, &out->energy[i]);
        peak_frames(&tp, x, g);
    }
    if (ok) {
        out->granule = g;
        out->peak = (float)tp.peak;
    } else {
        out->count = 0;
    }
    if (st)
        ebur128_destroy(&st);
    free(tp.x);
    free(x);
    return ok;
}
