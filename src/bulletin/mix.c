#include "bulletin/mix.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio/sound.h"
#include "common/atomic.h"
#include "common/buf.h"
#include "common/error.h"

#define INTRO_GAP_MS 400     /* silence after the intro */
#define OUTRO_GAP_MS 700     /* silence before the outro */
#define FADE_IN_MS 10        /* jingle edges: enough to avoid clicks, short enough to keep */
#define FADE_OUT_MS 60       /* the attack */
#define BED_PREROLL_MS 1500  /* the bed starts this long before a headline */
#define BED_TAIL_MS 1200     /* and rings on this long after it, fading */
#define BED_FADE_MS 600
#define BED_OPEN_LU -12.0    /* bed loudness against the speech, between words */
#define BED_DUCK_LU -24.0    /* and under the voice */
#define DUCK_THRESHOLD 0.01f /* voice above about -40 dBFS ducks the bed */

typedef struct insertion {
    mix_kind kind;
    size_t sound;     /* MIX_INSERT: index into the plan's inserts */
    long long at;     /* frame of the speech render */
    long long length; /* frames it adds */
} insertion;

typedef struct region {
    long long start, end; /* speech frames the bed covers, before pre-roll and tail */
} region;

struct mix_plan {
    int rate;
    unsigned channels;
    audio_sound jingle[3]; /* by mix_kind; count 0 when not given */
    audio_sound bed;
    audio_sound *inserts;  /* a rundown's audio items */
    size_t insert_count, insert_cap;
    insertion *ins;
    size_t ins_count, ins_cap;
    region *regions;
    size_t region_count, region_cap;
    bool region_open;
};

static long long ms(const mix_plan *p, int v)
{
    return (long long)p->rate * v / 1000;
}

nashra_status mix_plan_create(const nashra_config *c, int rate, unsigned channels,
                              mix_plan **out, nashra_error *err)
{
    *out = NULL;
    mix_plan *p = calloc(1, sizeof *p);
    if (!p)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    p->rate = rate;
    p->channels = channels;
    const char *paths[3] = {c->intro, c->between, c->outro};
    static const char *const names[3] = {"intro", "between-stories jingle", "outro"};
    nashra_status rc = NASHRA_OK;
    for (int i = 0; !rc && i < 3; i++)
        if (paths[i])
            rc = audio_sound_load(paths[i], names[i], rate, channels, &p->jingle[i], err);
    if (!rc && c->bed)
        rc = audio_sound_load(c->bed, "bed", rate, channels, &p->bed, err);
    if (rc) {
        mix_plan_destroy(p);
        return rc;
    }
    *out = p;
    return NASHRA_OK;
}

nashra_status mix_plan_insert(mix_plan *p, mix_kind kind, long long at, nashra_error *err)
{
    const audio_sound *j = &p->jingle[kind];
    if (!j->count)
        return NASHRA_OK;
    insertion *n = array_grow(p->ins, &p->ins_cap, p->ins_count, sizeof *n, 8);
    if (!n)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    p->ins = n;
    long long gap = kind == MIX_INTRO ? ms(p, INTRO_GAP_MS) : kind == MIX_OUTRO ? ms(p, OUTRO_GAP_MS)
                                                                                : 0;
    p->ins[p->ins_count++] = (insertion){kind, 0, at, (long long)j->count + gap};
    return NASHRA_OK;
}

nashra_status mix_plan_insert_file(mix_plan *p, const char *path, long long at,
                                   nashra_error *err)
{
    audio_sound *s = array_grow(p->inserts, &p->insert_cap, p->insert_count, sizeof *s, 4);
    if (!s)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    p->inserts = s;
    audio_sound loaded;
    memset(&loaded, 0, sizeof loaded);
    nashra_status rc = audio_sound_load(path, "audio item", p->rate, p->channels, &loaded, err);
    if (rc)
        return rc;
    insertion *n = array_grow(p->ins, &p->ins_cap, p->ins_count, sizeof *n, 8);
    if (!n) {
        audio_sound_free(&loaded);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    p->ins = n;
    p->inserts[p->insert_count] = loaded;
    p->ins[p->ins_count++] = (insertion){MIX_INSERT, p->insert_count, at, (long long)loaded.count};
    p->insert_count++;
    return NASHRA_OK;
}

nashra_status mix_plan_headline(mix_plan *p, long long start, long long end, nashra_error *err)
{
    if (!p->bed.count)
        return NASHRA_OK;
    if (p->region_open) {
        p->regions[p->region_count - 1].end = end;
        return NASHRA_OK;
    }
    region *n = array_grow(p->regions, &p->region_cap, p->region_count, sizeof *n, 8);
    if (!n)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    p->regions = n;
    p->regions[p->region_count++] = (region){start, end};
    p->region_open = true;
    return NASHRA_OK;
}

void mix_plan_story_end(mix_plan *p)
{
    p->region_open = false;
}

/* Where speech frame q lands once the insertions before it are in. A start at an insertion
 * point follows the jingle; an end there precedes it. */
static long long shifted(const mix_plan *p, long long q, bool is_end)
{
    long long s = q;
    for (size_t i = 0; i < p->ins_count; i++)
        if (p->ins[i].at < q || (!is_end && p->ins[i].at == q))
            s += p->ins[i].length;
    return s;
}

/* ---------------------------------------------------------------------------------------- */

typedef struct mixer {
    mix_plan *p;
    audio_render *out;
    audio_meter *meter;
    double bed_open, bed_duck; /* linear gains */
    double duck;               /* current bed gain, smoothed */
    double env;                /* voice envelope */
    double env_release, duck_attack, duck_release;
    long long pos;             /* output frames so far */
} mixer;

static nashra_status put(mixer *m, const float *frames, size_t n, nashra_error *err)
{
    nashra_status rc = audio_render_write(m->out, frames, n, err);
    if (!rc)
        rc = audio_meter_add(m->meter, frames, n, err);
    m->pos += (long long)n;
    return rc;
}

static nashra_status put_silence(mixer *m, long long n, nashra_error *err)
{
    static const float zeros[4096 * 2];
    nashra_status rc = NASHRA_OK;
    while (!rc && n > 0) {
        size_t k = n < 4096 ? (size_t)n : 4096;
        rc = put(m, zeros, k, err);
        n -= (long long)k;
    }
    return rc;
}

static nashra_status put_jingle(mixer *m, const audio_sound *j, double gain, long long gap_before,
                                long long gap_after, nashra_error *err)
{
    const unsigned ch = m->p->channels;
    nashra_status rc = put_silence(m, gap_before, err);
    float block[4096 * 2];
    size_t fade_in = (size_t)ms(m->p, FADE_IN_MS), fade_out = (size_t)ms(m->p, FADE_OUT_MS);
    for (size_t i = 0; !rc && i < j->count;) {
        size_t k = j->count - i < 4096 ? j->count - i : 4096;
        for (size_t f = 0; f < k; f++) {
            size_t at = i + f;
            double g = gain;
            if (at < fade_in)
                g *= (double)at / (double)fade_in;
            if (j->count - at <= fade_out)
                g *= (double)(j->count - at - 1) / (double)fade_out;
            for (unsigned c = 0; c < ch; c++)
                block[f * ch + c] = (float)(j->frames[at * ch + c] * g);
        }
        rc = put(m, block, k, err);
        i += k;
    }
    if (!rc)
        rc = put_silence(m, gap_after, err);
    return rc;
}

/* The speech frames [*from, *to) where region r's bed sounds: pre-roll before, tail after. */
static void bed_span(const mix_plan *p, const region *r, long long *from, long long *to)
{
    *from = r->start - ms(p, BED_PREROLL_MS);
    if (*from < 0)
        *from = 0;
    *to = r->end + ms(p, BED_TAIL_MS);
}

/* The bed's gain envelope at speech frame q for the span [from, to): fades at its ends. */
static double bed_shape(const mix_plan *p, long long from, long long to, long long q)
{
    if (q < from || q >= to)
        return 0;
    double fade = (double)ms(p, BED_FADE_MS);
    double in = (double)(q - from) / fade, out = (double)(to - q) / fade;
    double g = in < out ? in : out;
    return g > 1 ? 1 : g;
}

/* Mixes the bed into n frames of speech starting at speech frame q. */
static void mix_bed(mixer *m, float *frames, size_t n, long long q)
{
    const mix_plan *p = m->p;
    const unsigned ch = p->channels;
    /* Only the regions whose bed sounds somewhere in this block are visited per frame. */
    size_t lo = p->region_count, hi = 0;
    for (size_t r = 0; r < p->region_count; r++) {
        long long from, to;
        bed_span(p, &p->regions[r], &from, &to);
        if (from < q + (long long)n && to > q) {
            lo = r < lo ? r : lo;
            hi = r + 1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        /* Voice envelope (instant attack) and the ducking gain that follows it. */
        float v = 0;
        for (unsigned c = 0; c < ch; c++)
            v = fabsf(frames[i * ch + c]) > v ? fabsf(frames[i * ch + c]) : v;
        m->env = v > m->env ? v : m->env * m->env_release;
        double want = m->env > DUCK_THRESHOLD ? m->bed_duck : m->bed_open;
        m->duck += (want - m->duck) * (want < m->duck ? m->duck_attack : m->duck_release);
        for (size_t r = lo; r < hi; r++) {
            long long from, to;
            bed_span(p, &p->regions[r], &from, &to);
            double shape = bed_shape(p, from, to, q + (long long)i);
            if (shape <= 0)
                continue;
            size_t at = (size_t)((q + (long long)i - from) % (long long)p->bed.count);
            for (unsigned c = 0; c < ch; c++)
                frames[i * ch + c] += (float)(p->bed.frames[at * ch + c] * shape * m->duck);
        }
    }
}

nashra_status mix_render(mix_plan *p, audio_render *speech, layout *l, double speech_lufs,
                         const char *dir, audio_render **out, audio_loudness *measured,
                         nashra_error *err)
{
    *out = NULL;
    mixer m = {.p = p};
    nashra_status rc = audio_render_seek(speech, 0, err);
    if (!rc)
        rc = audio_render_create(dir, p->channels, &m.out, err);
    if (!rc)
        rc = audio_meter_create(p->rate, p->channels, &m.meter, err);
    if (rc) {
        audio_render_destroy(m.out);
        return rc;
    }
    double level = isfinite(speech_lufs) ? speech_lufs : -23;
    double bed_lufs = isfinite(p->bed.loudness.integrated) ? p->bed.loudness.integrated : level;
    m.bed_open = pow(10, (level + BED_OPEN_LU - bed_lufs) / 20);
    m.bed_duck = pow(10, (level + BED_DUCK_LU - bed_lufs) / 20);
    m.duck = m.bed_open;
    m.env_release = exp(-1.0 / (0.25 * p->rate));
    m.duck_attack = 1 - exp(-1.0 / (0.03 * p->rate));
    m.duck_release = 1 - exp(-1.0 / (0.4 * p->rate));

    float block[4096 * 2];
    long long q = 0; /* speech frames consumed */
    size_t next = 0;
    const long long total = audio_render_frames(speech);
    while (!rc && (q < total || next < p->ins_count)) {
        /* Jingles due here. */
        while (!rc && next < p->ins_count && p->ins[next].at <= q) {
            const insertion *in = &p->ins[next++];
            const audio_sound *j =
                in->kind == MIX_INSERT ? &p->inserts[in->sound] : &p->jingle[in->kind];
            double gain = isfinite(j->loudness.integrated)
                              ? pow(10, (level - j->loudness.integrated) / 20)
                              : 1;
            long long gap = in->length - (long long)j->count;
            rc = put_jingle(&m, j, gain, in->kind == MIX_OUTRO ? gap : 0,
                            in->kind == MIX_INTRO ? gap : 0, err);
        }
        if (rc || q >= total)
            continue;
        long long until = next < p->ins_count && p->ins[next].at < total ? p->ins[next].at : total;
        size_t k = until - q < 4096 ? (size_t)(until - q) : 4096;
        if (k == 0)
            continue;
        if (audio_render_read(speech, block, k) != k) {
            rc = error_set(err, NASHRA_EIO, "a temporary file ended early");
            break;
        }
        if (p->region_count)
            mix_bed(&m, block, k, q);
        rc = put(&m, block, k, err);
        q += (long long)k;
    }
    if (!rc)
        rc = audio_meter_report(m.meter, measured, err);
    audio_meter_destroy(m.meter);
    if (rc) {
        audio_render_destroy(m.out);
        return rc;
    }
    for (size_t i = 0; i < l->story_count; i++) {
        l->stories[i].start = shifted(p, l->stories[i].start, false);
        l->stories[i].end = shifted(p, l->stories[i].end, true);
    }
    for (size_t i = 0; i < l->sentence_count; i++) {
        l->sentences[i].start = shifted(p, l->sentences[i].start, false);
        l->sentences[i].end = shifted(p, l->sentences[i].end, true);
    }
    *out = m.out;
    return NASHRA_OK;
}

void mix_plan_destroy(mix_plan *p)
{
    if (!p)
        return;
    for (int i = 0; i < 3; i++)
        audio_sound_free(&p->jingle[i]);
    audio_sound_free(&p->bed);
    for (size_t i = 0; i < p->insert_count; i++)
        audio_sound_free(&p->inserts[i]);
    free(p->inserts);
    free(p->ins);
    free(p->regions);
    free(p);
}
