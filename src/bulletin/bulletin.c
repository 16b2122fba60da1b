/*
 * A bulletin: stories -> sentences -> synthesized clips with pauses -> a render at the output's
 * rate (resampled as it is produced, so memory does not grow with the bulletin's length) ->
 * the output stage (loudness, limiter, container, metadata) -> the sidecars.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio/clip.h"
#include "audio/loudness.h"
#include "audio/output.h"
#include "audio/render.h"
#include "audio/resample.h"
#include "bulletin/ahead.h"
#include "bulletin/layout.h"
#include "bulletin/mix.h"
#include "bulletin/profile.h"
#include "bulletin/script.h"
#include "cache/cache.h"
#include "common/atomic.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/sha256.h"
#include "common/thread.h"
#include "common/utf8.h"
#include "diacritize/diacritize.h"
#include "jobs/jobs.h"
#include "synth/synth.h"
#include "voice/voice.h"

/* Samples quieter than this (about -50 dBFS) at a clip's ends count as silence. */
#define TRIM_THRESHOLD 100
/* Audio kept on each side of the audible part, so soft onsets and releases survive. */
#define TRIM_MARGIN_MS 15

#define DEFAULT_TITLE "نشرة الأخبار"

/* Where clips come from, in this process or in a worker: the cache, else the pronunciation
 * stage and the synthesizer. */
typedef struct clip_source {
    clip_cache *cache;  /* NULL: no cache */
    int rate;           /* the synthesizer's */
    pron_options pron;  /* for the spoken sentences the clips are asked for */
    bool measure;       /* clips are measured where they are made, in a worker, or before
                           they are stored in the cache (see speak_one) */
} clip_source;

/* A segment's sentences, read before any is synthesized, so that workers can start on all. */
typedef struct pending {
    nashra_part part;
    size_t paragraph;
    int forced_pause;   /* the pause before it when >= 0 */
    char *text;
} pending;

typedef struct pending_list {
    pending *items;
    size_t count, cap;
    bool headlines_only; /* stop at the first body sentence */
    int next_forced;     /* forced_pause of the next sentence collected */
    bool out_of_memory;
} pending_list;

struct nashra_bulletin {
    nashra_config config;
    char *owned[12];        /* copies of the configuration's strings */
    char *path;
    audio_spec spec;
    nashra_profile profile;
    int synth_rate;
    audio_resampler *resampler;
    audio_render *render;
    audio_meter *meter;
    mix_plan *mix;          /* jingles and bed; NULL without them */
    nashra_lexicon *lexicon; /* the user's, or NULL */
    long long stream_in;    /* synthesizer frames since the resampler's stream began */
    long long stream_out0;  /* the render frame where it began */
    bool as_made;           /* speech goes to the render as the synthesizer made it */
    size_t granule;         /* when clips can go to the meter by their measures: its granule */
    float *fbuf;            /* conversion buffers */
    size_t fcap;
    clip clip;
    layout layout;
    /* The synthesizer's settings for body and headline sentences, and the ones set last. */
    synth_params body, headline;
    char body_voice[80], headline_voice[80];
    /* Between segments: */
    bool begun;             /* something was added (the intro is in) */
    bool gap;               /* the last piece was spoken: a pause goes before the next */
    bool last_story;        /* and it was a story */
    int forced_pause;       /* the pause before the next sentence, or -1 */
    /* Within the segment being added: */
    bool story_started;
    nashra_part last_part;
    size_t last_paragraph;
    /* Where clips come from: */
    clip_source source;     /* source.cache: NULL without a cache */
    jobs_pool *pool;        /* NULL with one job */
    pthread_t loader;       /* loads the pronunciation stage's shipped data, while `loading` */
    bool loading;
    /* The story said to come next (nashra_bulletin_next), and the one whose sentences were
     * handed to the workers after the segment being read, ahead of its turn, known by the
     * digest of its text (the same text makes the same sentences): */
    const nashra_article *next;
    bool ahead;
    char ahead_sha256[65];
    pending_list ahead_list;
    bool own_voice;         /* a story's own voice is being read */
    bool pronounce_ahead;   /* one job, and another processor for the pronunciation stage */
    size_t spoken;          /* sentences rendered */
    struct timespec started;
    /* After finishing: */
    audio_result result;
    char made[32], made_date[11], made_time[9];
};

void nashra_config_init(nashra_config *c)
{
    memset(c, 0, sizeof *c);
    c->voice = "ar";
    voice_apply_numbers(&voice_defaults, c);
    c->overwrite = 0;
    c->sidecars = 1;
    c->jobs = 1;
    /* The default profile, compiled in; the values above stand if it ever failed to load. */
    nashra_config_voice(c, "anchor-male", NULL);
}

/* "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a space instead of T too). */
static bool parse_slot(const char *s, struct tm *tm)
{
    int y, mo, d, h, mi, sec = 0, n = 0;
    memset(tm, 0, sizeof *tm);
    size_t len = strlen(s);
    if (len == 16) {
        if (sscanf(s, "%4d-%2d-%2d%*[T ]%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16)
            return false;
    } else if (len == 19) {
        if (sscanf(s, "%4d-%2d-%2d%*[T ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
            n != 19)
            return false;
    } else {
        return false;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 || h < 0 ||
        mi < 0 || sec < 0)
        return false;
    tm->tm_year = y - 1900;
    tm->tm_mon = mo - 1;
    tm->tm_mday = d;
    tm->tm_hour = h;
    tm->tm_min = mi;
    tm->tm_sec = sec;
    return true;
}

/* Text for one line of metadata: valid UTF-8 without control characters (tabs aside). */
static bool one_line_text(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t')
            return false;
    return utf8_valid(s, strlen(s), NULL);
}

nashra_status nashra_config_check(const nashra_config *c, nashra_error *err)
{
    nashra_status rc;
    const char *voices[] = {c->voice, c->headline_voice};
    for (int i = 0; i < 2; i++) {
        const char *v = voices[i];
        if (i == 1 && !v)
            continue;
        /* A profile's name or file is checked when it is loaded. */
        if (!v || !*v || (!voice_is_path(v) && !voice_is_builtin(v) && !synth_voice_name_ok(v)))
            return error_set(err, NASHRA_EINVAL,
                             "bad voice name '%s' (up to 32 letters, digits, '_', '-', '/', with "
                             "an optional +variant)", v ? v : "");
    }
    if ((rc = voice_check_numbers(c, err)))
        return rc;
    if (c->jobs < 0 || c->jobs > JOBS_MAX)
        return error_set(err, NASHRA_EINVAL, "jobs must be between 0 (one per processor) and %d "
                         "(got %d)", JOBS_MAX, c->jobs);
    if (c->cache_max_bytes < 0)
        return error_set(err, NASHRA_EINVAL, "the cache size must not be negative");
    struct tm tm;
    if (c->slot && !parse_slot(c->slot, &tm))
        return error_set(err, NASHRA_EINVAL, "bad slot time '%s' (give YYYY-MM-DDTHH:MM or "
                         "YYYY-MM-DDTHH:MM:SS)", c->slot);
    if ((c->title && (!*c->title || !one_line_text(c->title))) ||
        (c->station && (!*c->station || !one_line_text(c->station))))
        return error_set(err, NASHRA_EINVAL, "title and station must be non-empty UTF-8 text "
                         "on one line");
    if (c->title && strlen(c->title) > 1000)
        return error_set(err, NASHRA_EINVAL, "title is longer than 1000 bytes");
    if (c->station && strlen(c->station) > 1000)
        return error_set(err, NASHRA_EINVAL, "station is longer than 1000 bytes");
    return NASHRA_OK;
}

static size_t ms_to_frames(int rate, int ms)
{
    return (size_t)((long long)rate * ms / 1000);
}

/* ---------------------------------------------------------------------------------------- */
/* The speech stream: synthesizer samples -> resampler -> render and meter.                 */

static nashra_status to_render(void *user, const float *frames, size_t n, nashra_error *err)
{
    nashra_bulletin *b = user;
    const float *out = frames;
    if (b->spec.channels == 2) {
        /* Mono speech in both channels. */
        if (b->fcap < 2 * n) {
            float *p = realloc(b->fbuf, 2 * n * sizeof *p);
            if (!p)
                return error_set(err, NASHRA_ENOMEM, "out of memory");
            b->fbuf = p;
            b->fcap = 2 * n;
        }
        for (size_t i = n; i-- > 0;) {
            b->fbuf[2 * i] = b->fbuf[2 * i + 1] = frames[i];
        }
        out = b->fbuf;
    }
    nashra_status rc = audio_render_write(b->render, out, n, err);
    if (!rc && b->meter)
        rc = audio_meter_add(b->meter, out, n, err);
    return rc;
}

/* Speech as the synthesizer made it, to a mono render kept in 16 bits at its rate; a clip's
 * samples with their measure when it has one. */
static nashra_status feed_16(nashra_bulletin *b, const int16_t *samples, size_t n,
                             const clip_measure *measure, nashra_error *err)
{
    static const int16_t silence[4096];
    nashra_status rc = NASHRA_OK;
    while (!rc && n) {
        size_t k = samples || n < 4096 ? n : 4096;
        const int16_t *s = samples ? samples : silence;
        rc = audio_render_write_16(b->render, s, k, err);
        if (!rc && b->meter)
            rc = measure ? audio_meter_add_measured_16(b->meter, s, k, measure, err)
                         : audio_meter_add_16(b->meter, s, k, err);
        b->stream_in += (long long)k;
        n -= k;
    }
    return rc;
}

/* Feeds n synthesizer samples (NULL: silence), with their measure when they are a clip's
 * measured span (else NULL; only the 16-bit path uses it). */
static nashra_status feed_measured(nashra_bulletin *b, const int16_t *samples, size_t n,
                                  const clip_measure *measure, nashra_error *err)
{
    if (b->as_made)
        return feed_16(b, samples, n, measure, err);
    float in[4096];
    while (n) {
        size_t k = n < 4096 ? n : 4096;
        for (size_t i = 0; i < k; i++)
            in[i] = samples ? samples[i] / 32768.0f : 0.0f;
        nashra_status rc = audio_resampler_push(b->resampler, in, k, to_render, b, err);
        if (rc)
            return rc;
        b->stream_in += (long long)k;
        if (samples)
            samples += k;
        n -= k;
    }
    return NASHRA_OK;
}

static nashra_status feed(nashra_bulletin *b, const int16_t *samples, size_t n, nashra_error *err)
{
    return feed_measured(b, samples, n, NULL, err);
}

/* Where the next synthesizer sample lands in the render. */
static long long position(const nashra_bulletin *b)
{
    return b->stream_out0 +
           llround((double)b->stream_in * b->spec.rate / (double)b->synth_rate);
}

/* ---------------------------------------------------------------------------------------- */

/* The synthesizer's settings for the voice name: a profile's espeak-ng voice and variant, and
 * its rate, pitch, range and word gap when own_numbers; otherwise name is an espeak-ng voice
 * spoken with the config's numbers. espeak (cap bytes) receives the espeak-ng voice. */
static nashra_status resolve_voice(const nashra_config *c, const char *name, bool own_numbers,
                                   synth_params *out, char *espeak, size_t cap,
                                   nashra_error *err)
{
    *out = (synth_params){espeak, c->rate, c->pitch, c->range, c->word_gap};
    if (!voice_is_path(name) && !voice_is_builtin(name)) {
        snprintf(espeak, cap, "%s", name);
        return NASHRA_OK;
    }
    nashra_voice v;
    nashra_status rc = nashra_voice_load(name, &v, err);
    if (rc)
        return rc;
    voice_espeak_name(&v, espeak, cap);
    if (own_numbers) {
        out->rate = v.rate;
        out->pitch = v.pitch;
        out->range = v.range;
        out->word_gap = v.word_gap;
    }
    return NASHRA_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Clips: from the cache, else from the synthesizer; in this process or in workers.          */

static void note(const nashra_bulletin *b, int level, const char *fmt, ...) NASHRA_PRINTF(3, 4);

static void note(const nashra_bulletin *b, int level, const char *fmt, ...)
{
    if (!b->config.log)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    b->config.log(b->config.log_user, level, line);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The cache key of a sentence's clip: its spoken form with the voice settings it is read with. */
static void clip_key(const clip_cache *cache, const char *text, const synth_params *p,
                     unsigned char key[CACHE_KEY_BYTES])
{
    cache_key(cache, text, p->voice, p->rate, p->pitch, p->range, p->word_gap, key);
}

/* One sentence's raw synthesizer output into out from the cache: false when it has none (a
 * damaged entry is removed). text is the sentence's spoken form; the cache's identity covers
 * what the pronunciation stage adds. Runs in this process only, so that its counts are here. */
static bool lookup_clip(void *ctx, const char *text, const synth_params *p, clip *out)
{
    clip_source *src = ctx;
    if (!src->cache)
        return false;
    unsigned char key[CACHE_KEY_BYTES];
    clip_key(src->cache, text, p, key);
    return cache_get(src->cache, key, src->rate, out) == CACHE_HIT;
}

/* The part of a clip made at `rate` that goes into the bulletin: its audible part with a
 * margin either side. */
static void clip_span(const clip *c, int rate, size_t *start, size_t *end)
{
    clip_audible(c, TRIM_THRESHOLD, ms_to_frames(rate, TRIM_MARGIN_MS), start, end);
}

/* Measures the part of a clip that goes into the bulletin (on failure, the clip is left
 * without a measure and is measured in the bulletin). */
static void measure_clip(const clip_source *src, clip *c)
{
    size_t start, end;
    clip_span(c, src->rate, &start, &end);
    if (start < end &&
        audio_measure_clip(c->samples + start, end - start, src->rate, &c->measure)) {
        c->measure.start = start;
        c->measure.end = end;
    }
}

/* The clip of a sentence (text, its spoken form) from its pronounced form (ready, what the
 * synthesizer reads), into out (cleared first); stored in the cache when there is one, with
 * its measure when the bulletin takes measures. */
static nashra_status synth_clip(clip_source *src, const char *text, const buf *ready,
                                const synth_params *p, clip *out, unsigned *flags,
                                nashra_error *err)
{
    *flags = 0;
    clip_clear(out);
    nashra_status rc = synth_setup(p, err);
    if (!rc && ready->len)
        rc = synth_say(ready->data, out, err);
    if (!rc && src->cache) {
        unsigned char key[CACHE_KEY_BYTES];
        clip_key(src->cache, text, p, key);
        if (src->measure)
            measure_clip(src, out);
        if (cache_put(src->cache, key, src->rate, out))
            *flags |= JOBS_CACHE_STORED;
    }
    return rc;
}

/* One sentence's raw synthesizer output into out (cleared first), made anew: the
 * pronunciation stage, then the synthesizer (synth_clip). Runs in workers as well as in this
 * process, after lookup_clip has missed. */
static nashra_status make_clip(void *ctx, const char *text, const synth_params *p, clip *out,
                               unsigned *flags, nashra_error *err)
{
    clip_source *src = ctx;
    *flags = 0;
    clip_clear(out);
    buf ready = BUF_INIT;
    nashra_status rc = pronounce_sentence(text, &src->pron, &ready, err);
    if (!rc)
        rc = synth_clip(src, text, &ready, p, out, flags, err);
    buf_free(&ready);
    return rc;
}

/* make_clip in a worker: the clip also comes with its measure when the bulletin takes
 * measures, so that this process does not meter its samples. */
static nashra_status worker_clip(void *ctx, const char *text, const synth_params *p, clip *out,
                                 unsigned *flags, nashra_error *err)
{
    const clip_source *src = ctx;
    nashra_status rc = make_clip(ctx, text, p, out, flags, err);
    if (!rc && src->measure && !out->measure.granule)
        measure_clip(src, out);
    return rc;
}

/* Opens the sentence cache; a default folder that cannot be used only costs speed. */
static nashra_status open_cache(nashra_bulletin *b, nashra_error *err)
{
    const nashra_config *c = &b->config;
    if (c->no_cache)
        return NASHRA_OK;
    char *dir = c->cache_dir ? strdup(c->cache_dir) : cache_default_dir();
    if (!dir) {
        if (c->cache_dir)
            return error_set(err, NASHRA_ENOMEM, "out of memory");
        note(b, NASHRA_LOG_INFO, "no sentence cache: neither XDG_CACHE_HOME nor HOME is set");
        return NASHRA_OK;
    }
    /* Everything a clip depends on besides its spoken sentence and voice settings: the
     * pronunciation stage's settings and data, and the synthesizer's. The data directory's
     * name changes with nashra's variant files and the system's espeak-ng data. */
    const char *data = synth_data_path(), *slash = strrchr(data, '/');
    char pron[65], identity[512];
    pronounce_identity(&b->source.pron, pron);
    snprintf(identity, sizeof identity, "nashra %s; pronunciation %s; espeak-ng %s; %s; %d Hz",
             nashra_version(), pron, synth_version(), slash ? slash + 1 : data, b->synth_rate);
    long long cap = c->cache_max_bytes ? c->cache_max_bytes : NASHRA_CACHE_DEFAULT_BYTES;
    nashra_error why = {0};
    nashra_status rc = cache_open(dir, cap, identity, &b->source.cache, &why);
    if (rc && c->cache_dir) {
        free(dir);
        return error_set(err, rc, "%s", why.message);
    }
    if (rc)
        note(b, NASHRA_LOG_INFO, "no sentence cache: %s", why.message);
    else
        note(b, NASHRA_LOG_INFO, "sentence cache %s (up to %lld MB)", dir, cap / 1000000);
    free(dir);
    return NASHRA_OK;
}

/* Starts the workers when more than one job is asked for; with one, decides whether the
 * pronunciation stage gets a thread of its own. */
static nashra_status start_jobs(nashra_bulletin *b, nashra_error *err)
{
    int jobs = b->config.jobs ? b->config.jobs : jobs_available_cores();
    if (jobs > JOBS_MAX)
        jobs = JOBS_MAX;
    if (jobs <= 1) {
        b->pronounce_ahead = jobs_available_cores() > 1;
        note(b, NASHRA_LOG_INFO, "synthesis in this process (1 job)%s",
             b->pronounce_ahead ? ", pronunciation on a thread ahead of it" : "");
        return NASHRA_OK;
    }
    nashra_status rc = jobs_create(jobs, worker_clip, lookup_clip, &b->source, b->config.cancel,
                                   &b->pool, err);
    if (rc)
        return rc;
    char pids[512];
    size_t n = 0;
    pids[0] = '\0';
    for (size_t i = 0; i < jobs_worker_count(b->pool) && n < sizeof pids - 16; i++)
        n += (size_t)snprintf(pids + n, sizeof pids - n, "%s%ld", i ? " " : "",
                              (long)jobs_worker_pid(b->pool, i));
    note(b, NASHRA_LOG_INFO, "%d synthesis workers started (pids %s)", jobs, pids);
    return NASHRA_OK;
}

/* Loads the pronunciation stage's shipped data that the speech flags (*arg) leave in use: the
 * lexicon and the diacritizer's model. Each is loaded once in the process. */
static void *load_pron_data(void *arg)
{
    const pron_options p = script_pron_options(&(nashra_speech){NULL, *(const unsigned *)arg});
    if (!p.no_lexicon)
        pron_lexicon_shipped(p.no_diacritize);
    if (!p.no_diacritize)
        diac_model_shipped(NULL);
    return NULL;
}

/* Waits for the loading thread, if there is one. */
static void join_loader(nashra_bulletin *b)
{
    if (b->loading)
        pthread_join(b->loader, NULL);
    b->loading = false;
}

/* Waits for the loading thread and loads whatever it did not (it may not have started). */
static void finish_loading(nashra_bulletin *b)
{
    join_loader(b);
    load_pron_data(&b->config.speech_flags);
}

static char *keep(nashra_bulletin *b, size_t slot, const char *s)
{
    if (!s)
        return NULL;
    return b->owned[slot] = strdup(s);
}

nashra_status nashra_bulletin_create(const nashra_config *config, const char *path,
                                     nashra_bulletin **out, nashra_error *err)
{
    *out = NULL;
    nashra_status rc = nashra_config_check(config, err);
    if (rc)
        return rc;
    if (!path || !*path)
        return error_set(err, NASHRA_EINVAL, "no output file given");
    bool mixing = config->intro || config->outro || config->between || config->bed ||
                  config->audio_items;
    nashra_bulletin *b = calloc(1, sizeof *b);
    if (!b)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    b->config = *config;
    /* The pronunciation stage's data (about 8 ms of work) loads on a thread of its own while
     * espeak-ng starts, the voices are set up and the output is prepared; the workers, forked
     * last, share it. */
    b->loading = thread_start_blocked(&b->loader, load_pron_data, &b->config.speech_flags) == 0;
    /* Both voices are set up now, so that a bad one fails before any work; the body's last,
     * as most sentences are the body's. */
    if ((rc = resolve_voice(config, config->voice, false, &b->body, b->body_voice,
                            sizeof b->body_voice, err)))
        goto fail;
    b->headline = b->body;
    if (config->headline_voice &&
        ((rc = resolve_voice(config, config->headline_voice, true, &b->headline,
                             b->headline_voice, sizeof b->headline_voice, err)) ||
         (rc = synth_setup(&b->headline, err))))
        goto fail;
    if ((rc = synth_setup(&b->body, err)))
        goto fail;
    b->forced_pause = -1;
    b->synth_rate = synth_sample_rate();
    b->source.rate = b->synth_rate;
    clock_gettime(CLOCK_MONOTONIC, &b->started);
    if ((rc = atomic_check(path, config->overwrite != 0, err)))
        goto fail;
    rc = profile_resolve(config, path, b->synth_rate, mixing, &b->spec, &b->profile, err);
    if (rc)
        goto fail;
    /* Copies of the strings this bulletin keeps using. */
    const char **fields[] = {&b->config.voice,   &b->config.title,  &b->config.station,
                             &b->config.slot,    &b->config.intro,  &b->config.outro,
                             &b->config.between, &b->config.bed,    &b->config.split_dir,
                             &b->config.headline_voice};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (*fields[i] && !(*fields[i] = keep(b, i, *fields[i]))) {
            rc = error_set(err, NASHRA_ENOMEM, "out of memory");
            goto fail;
        }
    if (!(b->path = strdup(path))) {
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
        goto fail;
    }
    /* Every file this run will write must be free (or replaceable) before any work: path was
     * checked above, now its sidecars. */
    if (config->sidecars) {
        for (int i = 0; !rc && i < META_SIDECAR_COUNT; i++) {
            char *side = meta_sidecar_path(path, meta_sidecar_exts[i]);
            if (!side)
                rc = error_set(err, NASHRA_ENOMEM, "out of memory");
            else if (!strcmp(side, path))
                rc = error_set(err, NASHRA_EINVAL, "%s: the output would be its own %s sidecar",
                               path, meta_sidecar_exts[i]);
            else
                rc = atomic_check(side, config->overwrite != 0, err);
            free(side);
        }
        if (rc)
            goto fail;
    }
    if (config->split_dir) {
        struct stat st;
        if (stat(config->split_dir, &st) != 0 && mkdir(config->split_dir, 0777) != 0) {
            rc = error_set(err, NASHRA_EIO, "%s: cannot create the split directory: %s",
                           config->split_dir, strerror(errno));
            goto fail;
        }
        if (stat(config->split_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            rc = error_set(err, NASHRA_EINVAL, "%s: not a directory", config->split_dir);
            goto fail;
        }
    }
    char *dir = atomic_dirname(path);
    if (!dir) {
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
        goto fail;
    }
    rc = audio_render_create(dir, b->spec.channels, &b->render, err);
    free(dir);
    /* Speech that is not resampled is the synthesizer's 16-bit samples (and silence). */
    if (!rc && b->synth_rate == b->spec.rate) {
        audio_render_keep_16_bits(b->render);
        b->as_made = b->spec.channels == 1 && audio_render_is_16_bits(b->render);
    }
    /* Such a render, going unchanged into a 16-bit WAV file, can become that file. */
    if (!rc && audio_render_is_16_bits(b->render) && !mixing &&
        audio_output_takes_render_as_is(&b->spec))
        audio_render_leave_room(b->render, AUDIO_WAV_ROOM);
    if (!rc)
        rc = audio_resampler_create(b->synth_rate, b->spec.rate, 1, &b->resampler, err);
    /* The render is measured when its loudness decides something: the gain, the jingles',
     * or the bext chunk's loudness fields. */
    if (!rc && (b->spec.normalize || mixing || b->spec.container == AUDIO_WAV))
        rc = audio_meter_create(b->spec.rate, b->spec.channels, &b->meter, err);
    /* Speech going to the meter as the synthesizer made it can go by the clips' measures. */
    if (!rc && b->meter && b->as_made)
        b->granule = audio_measure_granule(b->synth_rate);
    b->source.measure = b->granule != 0;
    if (!rc && mixing)
        rc = mix_plan_create(&b->config, b->spec.rate, b->spec.channels, &b->mix, err);
    if (!rc && config->lexicon)
        rc = nashra_lexicon_read(config->lexicon, &b->lexicon, err);
    b->config.lexicon = NULL; /* read; the path is not kept */
    b->source.pron = script_pron_options(&(nashra_speech){b->lexicon, b->config.speech_flags});
    if (!rc)
        rc = open_cache(b, err);
    b->config.cache_dir = NULL; /* used; not kept */
    /* Last: the workers are forks of this process as it now is (with no other thread), and
     * share the pronunciation stage's data loaded here. */
    if (!rc) {
        finish_loading(b);
        rc = start_jobs(b, err);
    }
    if (rc)
        goto fail;
    *out = b;
    return NASHRA_OK;
fail:
    nashra_bulletin_destroy(b);
    return rc;
}

/* The pause before a sentence, from where it stands in the story. */
static int pause_before(const nashra_bulletin *b, nashra_part part, size_t paragraph)
{
    if (!b->story_started)
        return 0;
    if (b->forced_pause >= 0)
        return b->forced_pause;
    if (b->last_part == NASHRA_PART_HEADLINE && part == NASHRA_PART_BODY)
        return b->config.headline_pause_ms;
    if (part == NASHRA_PART_BODY && paragraph != b->last_paragraph)
        return b->config.paragraph_pause_ms;
    return b->config.sentence_pause_ms;
}

/* The synthesizer's settings for a sentence of this part. */
static const synth_params *params_for(const nashra_bulletin *b, nashra_part part)
{
    return part == NASHRA_PART_HEADLINE ? &b->headline : &b->body;
}

/* The clip of a sentence spoken in this process: the cache's, or made here, from the
 * pronunciation thread's work when there is one (it is asked for every sentence, in order). */
static nashra_status clip_here(nashra_bulletin *b, const pending *s, pron_ahead *ahead,
                               nashra_error *err)
{
    const synth_params *p = params_for(b, s->part);
    buf ready = BUF_INIT;
    bool skipped = true;
    nashra_status rc = ahead ? pron_ahead_take(ahead, &ready, &skipped, err) : NASHRA_OK;
    unsigned flags;
    if (!rc && !lookup_clip(&b->source, s->text, p, &b->clip))
        rc = skipped ? make_clip(&b->source, s->text, p, &b->clip, &flags, err)
                     : synth_clip(&b->source, s->text, &ready, p, &b->clip, &flags, err);
    buf_free(&ready);
    return rc;
}

/* Renders one sentence: the pause before it, then its clip, trimmed. The clip is the next one
 * of the workers (which were given this segment's sentences in order), or is made here. */
static nashra_status speak_one(nashra_bulletin *b, const pending *s, pron_ahead *ahead,
                               nashra_error *err)
{
    if (b->config.cancel && *b->config.cancel)
        return error_set(err, NASHRA_ECANCELED, "interrupted");
    if (s->forced_pause >= 0)
        b->forced_pause = s->forced_pause;
    /* Where clips can go to the meter by their measures, the pause runs on to the meter's next
     * granule (at most 20 ms more), so that the clip starts where its measure's granules fall. */
    size_t pause = ms_to_frames(b->synth_rate, pause_before(b, s->part, s->paragraph));
    if (b->granule)
        pause += (b->granule - ((size_t)b->stream_in + pause) % b->granule) % b->granule;
    nashra_status rc = feed(b, NULL, pause, err);
    unsigned flags = 0;
    if (!rc && b->pool) {
        rc = jobs_take(b->pool, &b->clip, &flags, err);
        if (!rc && (flags & JOBS_CACHE_STORED))
            cache_count_stored(b->source.cache);
    } else if (!rc) {
        rc = clip_here(b, s, ahead, err);
    }
    if (rc)
        return rc;
    size_t start, end;
    clip_span(&b->clip, b->synth_rate, &start, &end);
    long long at = position(b);
    const clip_measure *cm = &b->clip.measure;
    const bool measured = cm->granule && cm->start == start && cm->end == end;
    rc = feed_measured(b, b->clip.samples + start, end - start, measured ? cm : NULL, err);
    if (!rc && !layout_add_sentence(&b->layout, s->part, at, position(b), s->text))
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
    if (!rc && b->mix && s->part == NASHRA_PART_HEADLINE)
        rc = mix_plan_headline(b->mix, at, position(b), err);
    if (rc)
        return rc;
    b->story_started = true;
    b->forced_pause = -1;
    b->last_part = s->part;
    b->last_paragraph = s->paragraph;
    b->spoken++;
    return NASHRA_OK;
}

/* Collects a segment's sentences from the text stages. */
static int collect(void *user, nashra_part part, size_t paragraph, const char *text)
{
    pending_list *l = user;
    if (l->headlines_only && part != NASHRA_PART_HEADLINE)
        return 1;
    if (l->count == l->cap) {
        pending *p = array_grow(l->items, &l->cap, l->count, sizeof *p, 32);
        if (!p) {
            l->out_of_memory = true;
            return 1;
        }
        l->items = p;
    }
    pending *s = &l->items[l->count];
    if (!(s->text = strdup(text))) {
        l->out_of_memory = true;
        return 1;
    }
    s->part = part;
    s->paragraph = paragraph;
    s->forced_pause = l->next_forced;
    l->next_forced = -1;
    l->count++;
    return 0;
}

static void pending_free(pending_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].text);
    free(l->items);
    memset(l, 0, sizeof *l);
    l->next_forced = -1;
}

/* For the pronunciation thread: whether sentence i of the list is in the cache already, so
 * that pronouncing it can be skipped. Reads the cache's folder and nothing that changes. */
typedef struct ahead_ctx {
    const nashra_bulletin *b;
    const pending_list *l;
} ahead_ctx;

static bool clip_cached(void *ctx, size_t i)
{
    const ahead_ctx *c = ctx;
    const clip_cache *cache = c->b->source.cache;
    if (!cache)
        return false;
    const pending *s = &c->l->items[i];
    unsigned char key[CACHE_KEY_BYTES];
    clip_key(cache, s->text, params_for(c->b, s->part), key);
    return cache_has(cache, key);
}

/* The text stages' options for this bulletin. They run up to the spoken forms only
 * (script_article and script_text with pronounce false): make_clip runs the pronunciation
 * stage. */
static nashra_speech speech_of(const nashra_bulletin *b)
{
    return (nashra_speech){b->lexicon, b->config.speech_flags};
}

static nashra_status submit_all(nashra_bulletin *b, const pending_list *l, nashra_error *err)
{
    nashra_status rc = NASHRA_OK;
    for (size_t i = 0; !rc && i < l->count; i++)
        rc = jobs_submit(b->pool, l->items[i].text, params_for(b, l->items[i].part), err);
    return rc;
}

/* Forgets the story handed to the workers ahead of its turn, and what they were given. */
static void drop_ahead(nashra_bulletin *b)
{
    if (b->pool)
        jobs_discard(b->pool);
    pending_free(&b->ahead_list);
    b->ahead = false;
}

/* Hands the sentences of the story said to come next to the workers, after those of the
 * segment being read, so that they are not left idle at the end of each story: read in the
 * bulletin's own voice, as a story that has none of its own is. Only a hint, so a story that
 * cannot be read ahead is left for its turn. */
static nashra_status read_ahead(nashra_bulletin *b, nashra_error *err)
{
    const nashra_article *next = b->next;
    b->next = NULL;
    if (!next || !b->pool || b->own_voice)
        return NASHRA_OK;
    nashra_speech speech = speech_of(b);
    pending_list l = {.next_forced = -1};
    nashra_error ignored = {0};
    if (script_article(next, &speech, false, collect, &l, &ignored) || l.out_of_memory) {
        pending_free(&l);
        return NASHRA_OK;
    }
    b->ahead_list = l;
    b->ahead = true;
    snprintf(b->ahead_sha256, sizeof b->ahead_sha256, "%s", nashra_article_sha256(next));
    return submit_all(b, &b->ahead_list, err);
}

void nashra_bulletin_next(nashra_bulletin *b, const nashra_article *article,
                          const nashra_story_options *options)
{
    if (b)
        b->next = options && options->voice && strcmp(options->voice, b->config.voice) != 0
                      ? NULL
                      : article;
}

/* Speaks the collected sentences of the open segment: all are handed to the workers first
 * (unless they were, ahead of their turn: handed), then those of the story said to come next,
 * and they are rendered in order as their clips come back; with one job, the pronunciation
 * thread starts on them instead. */
static nashra_status speak_pending(nashra_bulletin *b, const pending_list *l, bool handed,
                                   nashra_error *err)
{
    if (l->out_of_memory)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    if (!handed && b->ahead)
        drop_ahead(b); /* what was read ahead is not what comes */
    nashra_status rc = b->pool && !handed ? submit_all(b, l, err) : NASHRA_OK;
    if (!rc)
        rc = read_ahead(b, err);
    pron_ahead *ahead = NULL;
    const char **texts = NULL;
    ahead_ctx actx = {b, l};
    if (!b->pool && b->pronounce_ahead && l->count && (texts = malloc(l->count * sizeof *texts))) {
        for (size_t i = 0; i < l->count; i++)
            texts[i] = l->items[i].text;
        rc = pron_ahead_start(texts, l->count, &b->source.pron, clip_cached, &actx, &ahead, err);
    }
    size_t segment = b->layout.story_count ? b->layout.story_count - 1 : 0;
    for (size_t i = 0; !rc && i < l->count; i++) {
        rc = speak_one(b, &l->items[i], ahead, err);
        if (!rc && b->config.progress)
            b->config.progress(b->config.log_user, segment, i + 1, l->count);
    }
    pron_ahead_stop(ahead);
    free(texts);
    if (rc)
        drop_ahead(b);
    return rc;
}

/* Puts in the intro before the first piece of the bulletin. */
static nashra_status begin(nashra_bulletin *b, nashra_error *err)
{
    if (b->begun)
        return NASHRA_OK;
    b->begun = true;
    if (b->mix && b->config.intro)
        return mix_plan_insert(b->mix, MIX_INTRO, position(b), err);
    return NASHRA_OK;
}

/* The pause before a spoken segment (pause_ms, or the story pause when negative), with the
 * stinger in its middle between two stories. */
static nashra_status segment_pause(nashra_bulletin *b, bool story, int pause_ms,
                                   nashra_error *err)
{
    nashra_status rc = begin(b, err);
    if (rc || !b->gap)
        return rc;
    int pause = pause_ms >= 0 ? pause_ms : b->config.story_pause_ms;
    if (b->mix && b->config.between && story && b->last_story) {
        /* The stinger sits in the middle of the story pause. */
        rc = feed(b, NULL, ms_to_frames(b->synth_rate, pause / 2), err);
        if (!rc)
            rc = mix_plan_insert(b->mix, MIX_BETWEEN, position(b), err);
        pause -= pause / 2;
    }
    if (!rc)
        rc = feed(b, NULL, ms_to_frames(b->synth_rate, pause), err);
    return rc;
}

/* Opens a segment in the layout at the current position. */
static nashra_status open_segment(nashra_bulletin *b, const char *kind, const char *title,
                                  const char *source, const char *sha256, nashra_error *err)
{
    if (!layout_add_story(&b->layout, kind, title, source, sha256, position(b)))
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    b->story_started = false;
    b->forced_pause = -1;
    return NASHRA_OK;
}

/* Closes the segment opened last: kept when rc is NASHRA_OK, removed otherwise. */
static nashra_status close_segment(nashra_bulletin *b, bool story, nashra_status rc)
{
    if (!rc && b->mix)
        mix_plan_story_end(b->mix);
    if (rc) {
        layout_pop_story(&b->layout);
        return rc;
    }
    b->gap = true;
    b->last_story = story;
    return NASHRA_OK;
}

void nashra_story_options_init(nashra_story_options *o)
{
    o->voice = NULL;
    o->pause_before_ms = o->headline_pause_ms = o->sentence_pause_ms = o->paragraph_pause_ms = -1;
}

nashra_status nashra_bulletin_add_story(nashra_bulletin *b, const nashra_article *article,
                                        const nashra_story_options *o, nashra_error *err)
{
    if (!b || !b->render || !article)
        return error_set(err, NASHRA_EINVAL, "no open bulletin or no article given");
    nashra_story_options none;
    if (!o) {
        nashra_story_options_init(&none);
        o = &none;
    }
    if ((o->pause_before_ms > 60000 || o->headline_pause_ms > 60000 ||
         o->sentence_pause_ms > 60000 || o->paragraph_pause_ms > 60000))
        return error_set(err, NASHRA_EINVAL, "pauses must be at most 60000 ms");
    /* A story's own voice takes the body's place (and the headline's, when the bulletin has
     * no headline voice) while it is read; it is checked before anything is added. */
    bool own_voice = o->voice && strcmp(o->voice, b->config.voice) != 0;
    synth_params saved_body = b->body, saved_headline = b->headline, story;
    char story_voice[80];
    nashra_status rc = NASHRA_OK;
    if (own_voice &&
        !(rc = resolve_voice(&b->config, o->voice, true, &story, story_voice, sizeof story_voice,
                             err)) &&
        !(rc = synth_setup(&story, err))) {
        story.voice = story_voice;
        b->body = story;
        if (!b->config.headline_voice)
            b->headline = story;
        b->own_voice = true;
    }
    if (!rc)
        rc = segment_pause(b, true, o->pause_before_ms, err);
    if (!rc)
        rc = open_segment(b, "story", nashra_article_headline(article),
                          nashra_article_name(article), nashra_article_sha256(article), err);
    if (rc) {
        b->body = saved_body;
        b->headline = saved_headline;
        b->own_voice = false;
        return rc;
    }
    /* The story's pauses stand in for the bulletin's while it is read. */
    nashra_config saved = b->config;
    if (o->headline_pause_ms >= 0)
        b->config.headline_pause_ms = o->headline_pause_ms;
    if (o->sentence_pause_ms >= 0)
        b->config.sentence_pause_ms = o->sentence_pause_ms;
    if (o->paragraph_pause_ms >= 0)
        b->config.paragraph_pause_ms = o->paragraph_pause_ms;
    nashra_speech speech = speech_of(b);
    pending_list l = {.next_forced = -1};
    /* Read ahead, in the voice it is read in now: its sentences are with the workers. */
    const bool handed = b->ahead && !own_voice &&
                        strcmp(b->ahead_sha256, nashra_article_sha256(article)) == 0;
    if (handed) {
        l = b->ahead_list;
        b->ahead_list = (pending_list){.next_forced = -1};
        b->ahead = false;
    } else {
        rc = script_article(article, &speech, false, collect, &l, err);
    }
    if (!rc) {
        note(b, NASHRA_LOG_INFO, "story %zu: %s (%s): %zu sentences", b->layout.story_count,
             nashra_article_name(article), nashra_article_headline(article), l.count);
        rc = speak_pending(b, &l, handed, err);
    }
    pending_free(&l);
    b->config.headline_pause_ms = saved.headline_pause_ms;
    b->config.sentence_pause_ms = saved.sentence_pause_ms;
    b->config.paragraph_pause_ms = saved.paragraph_pause_ms;
    if (own_voice) {
        b->body = saved_body;
        b->headline = saved_headline;
        b->own_voice = false;
    }
    return close_segment(b, true, rc);
}

nashra_status nashra_bulletin_add(nashra_bulletin *b, const nashra_article *article,
                                  nashra_error *err)
{
    return nashra_bulletin_add_story(b, article, NULL, err);
}

static const char *segment_kind(const char *kind)
{
    static const char *const kinds[] = {"greeting", "text", "outro", "headlines", "story"};
    for (size_t i = 0; kind && i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kind, kinds[i]))
            return kinds[i];
    return NULL;
}

nashra_status nashra_bulletin_say(nashra_bulletin *b, const char *kind, const char *text,
                                  nashra_error *err)
{
    if (!b || !b->render || !text)
        return error_set(err, NASHRA_EINVAL, "no open bulletin or no text given");
    const char *k = segment_kind(kind);
    if (!k)
        return error_set(err, NASHRA_EINVAL, "unknown segment kind '%s' (greeting, text, outro)",
                         kind ? kind : "");
    char sha[65];
    sha256_hex(text, strlen(text), sha);
    /* The title is the text's first line. */
    size_t line = strcspn(text, "\n");
    char *title = strndup(text, line);
    if (!title)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    nashra_status rc = segment_pause(b, false, -1, err);
    if (!rc)
        rc = open_segment(b, k, title, k, sha, err);
    free(title);
    if (rc)
        return rc;
    nashra_speech speech = speech_of(b);
    pending_list l = {.next_forced = -1};
    rc = script_text(k, text, &speech, false, collect, &l, err);
    if (!rc) {
        note(b, NASHRA_LOG_INFO, "%s: %zu sentences", k, l.count);
        rc = speak_pending(b, &l, false, err);
    }
    pending_free(&l);
    return close_segment(b, false, rc);
}

nashra_status nashra_bulletin_headlines(nashra_bulletin *b, const nashra_article *const *articles,
                                        size_t count, nashra_error *err)
{
    if (!b || !b->render || (count && !articles))
        return error_set(err, NASHRA_EINVAL, "no open bulletin or no articles given");
    if (!count)
        return NASHRA_OK;
    nashra_status rc = segment_pause(b, false, -1, err);
    if (!rc)
        rc = open_segment(b, "headlines", nashra_article_headline(articles[0]), "headlines", "",
                          err);
    /* A headline's sentences only, the headline pause between two articles'. */
    pending_list l = {.next_forced = -1, .headlines_only = true};
    nashra_speech speech = speech_of(b);
    for (size_t i = 0; !rc && i < count; i++) {
        if (i)
            l.next_forced = b->config.headline_pause_ms;
        rc = script_article(articles[i], &speech, false, collect, &l, err);
    }
    if (!rc) {
        note(b, NASHRA_LOG_INFO, "headlines of %zu stories: %zu sentences", count, l.count);
        rc = speak_pending(b, &l, false, err);
    }
    pending_free(&l);
    return close_segment(b, false, rc);
}

nashra_status nashra_bulletin_pause(nashra_bulletin *b, int ms, nashra_error *err)
{
    if (!b || !b->render)
        return error_set(err, NASHRA_EINVAL, "no open bulletin");
    if (ms < 0 || ms > 60000)
        return error_set(err, NASHRA_EINVAL, "a pause must be between 0 and 60000 ms (got %d)",
                         ms);
    nashra_status rc = begin(b, err);
    if (!rc)
        rc = feed(b, NULL, ms_to_frames(b->synth_rate, ms), err);
    if (!rc)
        b->gap = false;
    return rc;
}

nashra_status nashra_bulletin_audio(nashra_bulletin *b, const char *path, nashra_error *err)
{
    if (!b || !b->render || !path)
        return error_set(err, NASHRA_EINVAL, "no open bulletin or no audio file given");
    if (!b->mix)
        return error_set(err, NASHRA_EINVAL, "%s: audio items need the bulletin's audio_items "
                         "setting", path);
    nashra_status rc = begin(b, err);
    if (!rc)
        rc = mix_plan_insert_file(b->mix, path, position(b), err);
    if (!rc)
        b->gap = false;
    return rc;
}

/* ---------------------------------------------------------------------------------------- */

static void stamp_times(nashra_bulletin *b)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(b->made, sizeof b->made, "%Y-%m-%dT%H:%M:%S%z", &tm);
    strftime(b->made_date, sizeof b->made_date, "%Y-%m-%d", &tm);
    strftime(b->made_time, sizeof b->made_time, "%H:%M:%S", &tm);
}

typedef struct tag_store {
    audio_tags tags;
    audio_chapter *chapters;
    char date[11], time[9], cut_id[64], description[256], software[64];
} tag_store;

/* Tags for stories [first, first + count), positions relative to offset, total frames. */
static nashra_status make_tags(const nashra_bulletin *b, size_t first, size_t count,
                               long long offset, long long total, tag_store *t,
                               nashra_error *err)
{
    memset(t, 0, sizeof *t);
    struct tm slot;
    bool has_slot = b->config.slot && parse_slot(b->config.slot, &slot);
    if (has_slot) {
        strftime(t->date, sizeof t->date, "%Y-%m-%d", &slot);
        strftime(t->time, sizeof t->time, "%H:%M:%S", &slot);
    } else {
        snprintf(t->date, sizeof t->date, "%s", b->made_date);
        snprintf(t->time, sizeof t->time, "%s", b->made_time);
    }
    char compact[32];
    snprintf(compact, sizeof compact, "%.4s%.2s%.2s-%.2s%.2s", t->date, t->date + 5, t->date + 8,
             t->time, t->time + 3);
    if (count == b->layout.story_count)
        snprintf(t->cut_id, sizeof t->cut_id, "NASHRA-%s", compact);
    else
        snprintf(t->cut_id, sizeof t->cut_id, "NASHRA-%s-S%02zu", compact, first + 1);
    snprintf(t->description, sizeof t->description,
             "Arabic news bulletin, %zu %s, %s profile", count, count == 1 ? "story" : "stories",
             nashra_profile_name(b->profile));
    snprintf(t->software, sizeof t->software, "nashra %s", nashra_version());
    t->chapters = calloc(count ? count : 1, sizeof *t->chapters);
    if (!t->chapters)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        const layout_story *s = &b->layout.stories[first + i];
        t->chapters[i].title = s->title;
        t->chapters[i].start = s->start - offset;
        t->chapters[i].end =
            i + 1 < count ? b->layout.stories[first + i + 1].start - offset : total;
    }
    t->tags = (audio_tags){
        .title = count == 1 && b->layout.story_count > 1
                     ? b->layout.stories[first].title
                     : b->config.title ? b->config.title : DEFAULT_TITLE,
        .artist = b->config.station,
        .cut_id = t->cut_id,
        .date = t->date,
        .time = t->time,
        .has_slot = has_slot,
        .made_date = b->made_date,
        .made_time = b->made_time,
        .software = t->software,
        .description = t->description,
        .chapters = t->chapters,
        .chapter_count = count,
    };
    return NASHRA_OK;
}

/* Writes one file and its sidecars. All of them are written and synced under temporary names
 * first and then renamed into place one right after the other, so that a run killed midway
 * leaves the previous set whole; a cancel (a signal) is looked at last before the renames. The
 * audio goes last: renaming it over a large old file frees the old one's blocks, which takes
 * milliseconds, and when it appears its sidecars are already there. */
static nashra_status write_one(nashra_bulletin *b, const char *path, size_t first, size_t count,
                               long long start, long long end, const audio_loudness *measured,
                               audio_result *result, nashra_error *err)
{
    const bool overwrite = b->config.overwrite != 0;
    tag_store t;
    char *tmp = NULL;
    meta_staged sidecars = {{NULL}, {NULL}};
    nashra_status rc = make_tags(b, first, count, start, end - start, &t, err);
    if (!rc)
        rc = audio_output_stage(path, overwrite, &b->spec, &t.tags, b->render, start, end,
                                measured, b->config.cancel, result, &tmp, err);
    if (!rc && b->config.sidecars) {
        meta_facts f = {
            .audio_path = path,
            .profile = nashra_profile_name(b->profile),
            .container = profile_container_name(b->spec.container),
            .spec = &b->spec,
            .result = result,
            .title = t.tags.title,
            .station = b->config.station,
            .slot = b->config.slot,
            .made = b->made,
            .espeak_version = synth_version(),
            .voice = b->config.voice,
            .frames = end - start,
            .offset = start,
            .first_story = first,
            .story_count = count,
        };
        rc = meta_stage_sidecars(&b->layout, &f, &sidecars, err);
    }
    if (!rc && b->config.cancel && *b->config.cancel)
        rc = error_set(err, NASHRA_ECANCELED, "interrupted");
    if (!rc && b->config.sidecars)
        rc = meta_place_sidecars(&sidecars, overwrite, err);
    meta_unstage(&sidecars);
    if (!rc) {
        rc = atomic_place(tmp, path, overwrite, err);
        free(tmp);
        tmp = NULL; /* placed, or removed by atomic_place */
    }
    if (tmp)
        unlink(tmp);
    free(tmp);
    free(t.chapters);
    return rc;
}

static size_t count_stories(const layout *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->story_count; i++)
        n += strcmp(l->stories[i].kind, "story") == 0;
    return n;
}

/* One file a story in dir, named NN.EXT (NN counts stories, not other segments), from the
 * start of its story pause's second half to the end of its last sentence (plus the half pause
 * after it). */
static nashra_status write_split(nashra_bulletin *b, long long total, nashra_error *err)
{
    const char *dir = b->config.split_dir;
    size_t n = b->layout.story_count, number = 0;
    nashra_status rc = NASHRA_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        const layout_story *s = &b->layout.stories[i];
        if (strcmp(s->kind, "story") != 0)
            continue;
        long long lead = ms_to_frames(b->spec.rate, 300);
        long long start = s->start > lead ? s->start - lead : 0;
        long long end = s->end + lead < total ? s->end + lead : total;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%02zu%s", dir, ++number,
                     profile_extension(b->spec.container)) >= (int)sizeof path)
            return error_set(err, NASHRA_EINVAL, "%s: directory name too long", dir);
        audio_result r;
        rc = write_one(b, path, i, 1, start, end, NULL, &r, err);
    }
    return rc;
}

nashra_status nashra_bulletin_finish(nashra_bulletin *b, nashra_bulletin_info *info,
                                     nashra_error *err)
{
    if (!b || !b->render)
        return error_set(err, NASHRA_EINVAL, "no open bulletin");
    if (!b->layout.story_count)
        return error_set(err, NASHRA_EINPUT, "the bulletin has no stories");
    /* Every sentence is in: the workers can go. */
    jobs_destroy(b->pool);
    b->pool = NULL;
    double speech_seconds = seconds_since(&b->started);
    nashra_status rc = audio_resampler_flush(b->resampler, to_render, b, err);
    if (rc)
        return rc;
    if (b->source.cache) {
        const cache_stats *st = cache_get_stats(b->source.cache);
        note(b, NASHRA_LOG_INFO, "sentence cache: %zu hits, %zu misses, %zu stored, %zu damaged "
             "entries made again", st->hits, st->misses, st->stored, st->corrupt);
    }
    note(b, NASHRA_LOG_INFO, "speech: %zu sentences, %.1f s of audio in %.2f s",
         b->spoken, (double)audio_render_frames(b->render) / b->spec.rate, speech_seconds);
    b->stream_out0 = audio_render_frames(b->render);
    b->stream_in = 0;
    audio_loudness measured;
    if (b->meter && (rc = audio_meter_report(b->meter, &measured, err)))
        return rc;
    if (b->meter && audio_meter_measured_frames(b->meter))
        note(b, NASHRA_LOG_INFO, "loudness: %.1f s of speech metered by the clips' measures",
             (double)audio_meter_measured_frames(b->meter) / b->spec.rate);
    if (b->mix) {
        /* Jingles and bed go in now that the speech's loudness is known. */
        if (b->config.outro)
            rc = mix_plan_insert(b->mix, MIX_OUTRO, audio_render_frames(b->render), err);
        audio_render *mixed = NULL;
        char *dir = rc ? NULL : atomic_dirname(b->path);
        if (!rc && !dir)
            rc = error_set(err, NASHRA_ENOMEM, "out of memory");
        if (!rc)
            rc = mix_render(b->mix, b->render, &b->layout, measured.integrated, dir, &mixed,
                            &measured, err);
        free(dir);
        if (rc)
            return rc;
        audio_render_destroy(b->render);
        b->render = mixed;
    }
    long long total = audio_render_frames(b->render);
    stamp_times(b);
    if (b->config.split_dir && (rc = write_split(b, total, err)))
        return rc;
    rc = write_one(b, b->path, 0, b->layout.story_count, 0, total, b->meter ? &measured : NULL,
                   &b->result, err);
    if (rc)
        return rc;
    note(b, NASHRA_LOG_INFO, "%s written: %.1f s of audio, %.2f s in all", b->path,
         (double)total / b->spec.rate, seconds_since(&b->started));
    /* Only a run that added entries can have pushed the cache over its cap. */
    if (b->source.cache && cache_get_stats(b->source.cache)->stored) {
        size_t removed = cache_trim(b->source.cache);
        const cache_stats *st = cache_get_stats(b->source.cache);
        note(b, NASHRA_LOG_INFO, "sentence cache: %lld MB after removing %zu least recently "
             "used entries", st->bytes / 1000000, removed);
    }
    if (info) {
        info->frames = total;
        info->sample_rate = b->spec.rate;
        info->seconds = (double)total / b->spec.rate;
        info->stories = count_stories(&b->layout);
        info->segments = b->layout.story_count;
        info->sentences = b->layout.sentence_count;
        info->channels = (int)b->spec.channels;
        info->container = profile_container_name(b->spec.container);
        info->loudness = b->result.loudness.integrated;
        info->loudness_range = b->result.loudness.range;
        info->true_peak = b->result.loudness.true_peak;
        info->gain = b->result.gain_db;
        info->limited = b->result.limited_db;
    }
    audio_render_destroy(b->render);
    b->render = NULL;
    return NASHRA_OK;
}

void nashra_bulletin_destroy(nashra_bulletin *b)
{
    if (!b)
        return;
    join_loader(b);
    jobs_destroy(b->pool);
    cache_close(b->source.cache);
    audio_render_destroy(b->render);
    audio_resampler_destroy(b->resampler);
    audio_meter_destroy(b->meter);
    mix_plan_destroy(b->mix);
    nashra_lexicon_destroy(b->lexicon);
    layout_free(&b->layout);
    clip_free(&b->clip);
    pending_free(&b->ahead_list);
    free(b->fbuf);
    free(b->path);
    for (size_t i = 0; i < sizeof b->owned / sizeof *b->owned; i++)
        free(b->owned[i]);
    free(b);
}

nashra_status nashra_voice_check(const nashra_config *config, const char *name,
                                nashra_error *err)
{
    synth_params params;
    char voice[80];
    nashra_status rc = resolve_voice(config, name, true, &params, voice, sizeof voice, err);
    return rc ? rc : synth_setup(&params, err);
}

nashra_status nashra_phonemes(const nashra_config *config, const char *spoken, char **out,
                              nashra_error *err)
{
    *out = NULL;
    nashra_status rc = nashra_config_check(config, err);
    if (rc)
        return rc;
    synth_params params;
    char voice[80];
    if ((rc = resolve_voice(config, config->voice, false, &params, voice, sizeof voice, err)) ||
        (rc = synth_setup(&params, err)))
        return rc;
    buf ph = BUF_INIT;
    if ((rc = synth_phonemes(spoken, 0, &ph, err))) {
        buf_free(&ph);
        return rc;
    }
    if (!ph.data && !buf_puts(&ph, ""))
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    *out = buf_take(&ph);
    return NASHRA_OK;
}

void nashra_shutdown(void)
{
    synth_shutdown();
}
