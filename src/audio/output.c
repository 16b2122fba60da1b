#include "audio/output.h"

#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "audio/filebuf.h"
#include "audio/id3.h"
#include "audio/limiter.h"
#include "common/atomic.h"
#include "common/buf.h"
#include "common/clones.h"
#include "common/error.h"
#include "common/le.h"

#define CHUNK 4096          /* frames per step */
#define ATTACK_MS 5.0       /* limiter look-ahead */
#define RELEASE_MS 200.0    /* limiter recovery: slow enough not to pump on speech */
#define ATTEMPTS 4          /* encodings tried before giving up on a lossy target */

audio_container audio_container_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return 0;
    if (!strcasecmp(dot, ".wav") || !strcasecmp(dot, ".bwf"))
        return AUDIO_WAV;
    if (!strcasecmp(dot, ".flac"))
        return AUDIO_FLAC;
    if (!strcasecmp(dot, ".mp3"))
        return AUDIO_MP3;
    if (!strcasecmp(dot, ".opus") || !strcasecmp(dot, ".ogg") || !strcasecmp(dot, ".oga"))
        return AUDIO_OPUS;
    return 0;
}

static bool is_lossy(const audio_spec *s)
{
    return s->container == AUDIO_MP3 || s->container == AUDIO_OPUS;
}

/* ---------------------------------------------------------------------------------------- */
/* One pass over the span: gain, limiter, measurement, and (when sf is set) encoding.        */

typedef struct pass {
    const char *path;     /* the file being written, for messages */
    const audio_spec *spec;
    audio_render *src;
    long long start, end;
    double gain;          /* linear */
    double ceiling_db;    /* for the limiter; ignored when limit is false */
    bool limit;
    bool measure;         /* measure what is written (lossless) or passed (sf NULL) */
    SNDFILE *sf;          /* NULL: measure only */
    audio_filebuf *out;   /* sf's buffered file */
    audio_loudness measured;
    double limited_db;
    uint32_t rng;
    const volatile sig_atomic_t *cancel; /* stop when it becomes non-zero; may be NULL */
} pass;

static uint32_t next_random(uint32_t *s)
{
    /* xorshift32: fast, and deterministic so that runs are reproducible. */
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* y = floor(x * scale + noise + 0.5) held to [lo, hi], times shift: a loop the compiler
 * vectorizes with AVX2 (x86-64's baseline has no vector conversion from float to double), built
 * for it too and picked at load time; each lane does the same operations as the plain build. */
NASHRA_CLONES_AVX2
static void round_block(const float *restrict x, const double *restrict noise, int *restrict y,
                        size_t n, double scale, double lo, double hi, int shift)
{
    for (size_t i = 0; i < n; i++) {
        double w = x[i] * scale + noise[i] + 0.5;
        w = w < hi + 0.5 ? w : hi + 0.5; /* floor(w) <= hi, and NaN to hi */
        w = w >= lo ? w : lo;            /* floor(w) >= lo */
        int v = (int)w;                  /* toward zero; one less below zero */
        v -= w < (double)v;
        y[i] = v * shift;
    }
}

/* Quantizes to depth bits (TPDF dither when asked) and left-justifies in 32 bits: each sample
 * is floor(v + 0.5) of its scaled value, held to the depth's range. The random values are
 * drawn first, in order, so that the rest is one vectorized loop. */
#define QUANTIZE_BLOCK 1024
static void quantize(pass *p, const float *in, int *out, size_t n)
{
    const int depth = p->spec->depth;
    const double scale = (double)(1 << (depth - 1));
    const bool dither = p->spec->dither && depth == 16;
    double noise[QUANTIZE_BLOCK];
    for (size_t at = 0; at < n; at += QUANTIZE_BLOCK) {
        const size_t m = n - at < QUANTIZE_BLOCK ? n - at : QUANTIZE_BLOCK;
        for (size_t i = 0; i < m; i++) /* two uniform values in [0, 1): triangular, ±1 LSB */
            noise[i] = dither ? (next_random(&p->rng) - (double)next_random(&p->rng)) /
                                    4294967296.0
                              : 0;
        round_block(in + at, noise, out + at, m, scale, -scale, scale - 1, 1 << (32 - depth));
    }
}

static nashra_status write_failed(const pass *p, nashra_error *err)
{
    int e = audio_filebuf_error(p->out);
    return error_set(err, NASHRA_EIO, "%s: write failed: %s", p->path,
                     e ? strerror(e) : sf_strerror(p->sf));
}

static nashra_status emit(pass *p, audio_meter *m, float *frames, int *ints, size_t n,
                          nashra_error *err)
{
    const size_t ch = p->spec->channels;
    for (size_t i = 0; i < n * ch; i++) {
        if (frames[i] > 1.0f)
            frames[i] = 1.0f;
        else if (frames[i] < -1.0f)
            frames[i] = -1.0f;
    }
    if (!p->sf)
        return m ? audio_meter_add(m, frames, n, err) : NASHRA_OK;
    if (is_lossy(p->spec)) {
        if (sf_writef_float(p->sf, frames, (sf_count_t)n) != (sf_count_t)n)
            return write_failed(p, err);
        return NASHRA_OK;
    }
    quantize(p, frames, ints, n * ch);
    if (sf_writef_int(p->sf, ints, (sf_count_t)n) != (sf_count_t)n)
        return write_failed(p, err);
    if (!m)
        return NASHRA_OK;
    /* What a reader of the file gets back: the quantized samples, measured as written. */
    for (size_t i = 0; i < n * ch; i++)
        frames[i] = (float)(ints[i] / 2147483648.0);
    return audio_meter_add(m, frames, n, err);
}

/* Whether the pass writes the render's samples unchanged into a 16-bit file (no gain, limiter
 * or dither, nothing measured) from a render that keeps them in 16 bits: then they are copied,
 * where the float path would round each back to itself. */
static bool copies_16_bits(const pass *p)
{
    return p->sf && !p->measure && !p->limit && p->gain == 1 && !is_lossy(p->spec) &&
           p->spec->depth == 16 && !p->spec->dither && audio_render_is_16_bits(p->src);
}

static nashra_status copy_pass(pass *p, nashra_error *err)
{
    short *shorts = malloc((size_t)CHUNK * p->spec->channels * sizeof *shorts);
    nashra_status rc = shorts ? audio_render_seek(p->src, p->start, err)
                              : error_set(err, NASHRA_ENOMEM, "out of memory");
    for (long long left = p->end - p->start; !rc && left > 0;) {
        size_t want = left < CHUNK ? (size_t)left : CHUNK;
        if (p->cancel && *p->cancel)
            rc = error_set(err, NASHRA_ECANCELED, "interrupted");
        else if (audio_render_read_16(p->src, shorts, want) != want)
            rc = error_set(err, NASHRA_EIO, "a temporary file ended early");
        else if (sf_writef_short(p->sf, shorts, (sf_count_t)want) != (sf_count_t)want)
            rc = write_failed(p, err);
        left -= (long long)want;
    }
    free(shorts);
    p->limited_db = 0;
    return rc;
}

static nashra_status run_pass(pass *p, nashra_error *err)
{
    if (copies_16_bits(p))
        return copy_pass(p, err);
    const unsigned ch = p->spec->channels;
    audio_meter *m = NULL;
    audio_limiter *lim = NULL;
    float *frames = malloc((size_t)CHUNK * ch * sizeof *frames);
    int *ints = malloc((size_t)CHUNK * ch * sizeof *ints);
    nashra_status rc = NASHRA_OK;
    if (!frames || !ints)
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
    if (!rc && p->measure && (!p->sf || !is_lossy(p->spec)))
        rc = audio_meter_create(p->spec->rate, ch, &m, err);
    if (!rc && p->limit)
        rc = audio_limiter_create(p->spec->rate, ch, p->ceiling_db, ATTACK_MS, RELEASE_MS, &lim,
                                  err);
    if (!rc)
        rc = audio_render_seek(p->src, p->start, err);
    size_t skip = lim ? audio_limiter_latency(lim) : 0; /* the limiter's delay, dropped */
    size_t tail = skip;                                  /* and flushed at the end */
    long long left = p->end - p->start;
    const float g = (float)p->gain;
    while (!rc && (left > 0 || tail > 0)) {
        if (p->cancel && *p->cancel) {
            rc = error_set(err, NASHRA_ECANCELED, "interrupted");
            break;
        }
        size_t n;
        if (left > 0) {
            size_t want = left < CHUNK ? (size_t)left : CHUNK;
            n = audio_render_read(p->src, frames, want);
            if (n != want) {
                rc = error_set(err, NASHRA_EIO, "a temporary file ended early");
                break;
            }
            left -= (long long)n;
            for (size_t i = 0; i < n * ch; i++)
                frames[i] *= g;
        } else {
            n = tail < CHUNK ? tail : CHUNK;
            memset(frames, 0, n * ch * sizeof *frames);
            tail -= n;
        }
        float *out = frames;
        if (lim) {
            audio_limiter_process(lim, frames, frames, n);
            size_t drop = skip < n ? skip : n;
            skip -= drop;
            out += drop * ch;
            n -= drop;
        }
        if (n)
            rc = emit(p, m, out, ints, n, err);
    }
    if (!rc && m)
        rc = audio_meter_report(m, &p->measured, err);
    p->limited_db = lim ? audio_limiter_max_reduction(lim) : 0;
    audio_limiter_destroy(lim);
    audio_meter_destroy(m);
    free(frames);
    free(ints);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Metadata set before the first sample.                                                    */

static void copy_ascii(char *dst, size_t cap, const char *src)
{
    /* bext and cart are ASCII by specification: anything else becomes '_'. The fields are
     * fixed-size and need no terminator when full. */
    size_t i = 0;
    for (; src && src[i] && i < cap; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '_';
    }
    if (i < cap)
        memset(dst + i, 0, cap - i);
}

static int16_t centi(double v)
{
    if (!isfinite(v))
        return v > 0 ? INT16_MAX : INT16_MIN + 1;
    double c = round(v * 100);
    return (int16_t)(c > 32767 ? 32767 : c < -32767 ? -32767 : c);
}

static long long seconds_of_day(const char *hms)
{
    int h = 0, m = 0, s = 0;
    if (!hms || sscanf(hms, "%d:%d:%d", &h, &m, &s) < 2)
        return 0;
    return h * 3600LL + m * 60LL + s;
}

static nashra_status set_bext(SNDFILE *sf, const audio_spec *spec, const audio_tags *t,
                              const audio_loudness *l, nashra_error *err)
{
    SF_BROADCAST_INFO bi;
    memset(&bi, 0, sizeof bi);
    copy_ascii(bi.description, sizeof bi.description, t->description);
    copy_ascii(bi.originator, sizeof bi.originator, t->software);
    copy_ascii(bi.originator_reference, sizeof bi.originator_reference, t->cut_id);
    copy_ascii(bi.origination_date, sizeof bi.origination_date, t->made_date);
    copy_ascii(bi.origination_time, sizeof bi.origination_time, t->made_time);
    if (t->has_slot) {
        /* Samples since midnight of the scheduled slot. */
        unsigned long long ref = (unsigned long long)seconds_of_day(t->time) *
                                 (unsigned long long)spec->rate;
        bi.time_reference_low = (uint32_t)ref;
        bi.time_reference_high = (uint32_t)(ref >> 32);
    }
    bi.version = 2;
    bi.loudness_value = centi(l->integrated);
    bi.loudness_range = centi(l->range);
    bi.max_true_peak_level = centi(l->true_peak);
    bi.max_momentary_loudness = centi(l->max_momentary);
    bi.max_shortterm_loudness = centi(l->max_short_term);
    char history[200];
    snprintf(history, sizeof history, "A=PCM,F=%d,W=%d,M=%s,T=%s\r\n", spec->rate, spec->depth,
             spec->channels == 1 ? "mono" : "stereo", t->software ? t->software : "nashra");
    /* Built here from ASCII (CR LF ends the line, as the specification asks). */
    memcpy(bi.coding_history, history, strlen(history) + 1);
    bi.coding_history_size = (uint32_t)strlen(history);
    if (sf_command(sf, SFC_SET_BROADCAST_INFO, &bi, sizeof bi) != SF_TRUE)
        return error_set(err, NASHRA_EAUDIO, "cannot set the bext chunk: %s", sf_strerror(sf));
    return NASHRA_OK;
}

/* Adds hours to a date and time given as "YYYY-MM-DD" and "HH:MM:SS". */
static void shift_time(const char *date, const char *hms, int hours, char out_date[11],
                       char out_time[9])
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!date || sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
        tm.tm_year = 2000;
        tm.tm_mon = tm.tm_mday = 1;
    }
    long long s = seconds_of_day(hms) + hours * 3600LL;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_sec = (int)s;
    time_t when = timegm(&tm);
    gmtime_r(&when, &tm);
    strftime(out_date, 11, "%Y-%m-%d", &tm);
    strftime(out_time, 9, "%H:%M:%S", &tm);
}

static nashra_status set_cart(SNDFILE *sf, const audio_tags *t, long long frames,
                              nashra_error *err)
{
    SF_CART_INFO ci;
    memset(&ci, 0, sizeof ci);
    memcpy(ci.version, "0101", 4);
    copy_ascii(ci.title, sizeof ci.title, t->cut_id);
    copy_ascii(ci.artist, sizeof ci.artist, "nashra");
    copy_ascii(ci.cut_id, sizeof ci.cut_id, t->cut_id);
    copy_ascii(ci.category, sizeof ci.category, "NEWS");
    copy_ascii(ci.classification, sizeof ci.classification, "Arabic news bulletin");
    copy_ascii(ci.out_cue, sizeof ci.out_cue, "end of bulletin");
    /* Valid from the slot (or when it was made) for a day. */
    char d[11], tm[9];
    shift_time(t->date, t->time, 0, d, tm);
    copy_ascii(ci.start_date, sizeof ci.start_date, d);
    copy_ascii(ci.start_time, sizeof ci.start_time, tm);
    shift_time(t->date, t->time, 24, d, tm);
    copy_ascii(ci.end_date, sizeof ci.end_date, d);
    copy_ascii(ci.end_time, sizeof ci.end_time, tm);
    copy_ascii(ci.producer_app_id, sizeof ci.producer_app_id, "nashra");
    copy_ascii(ci.producer_app_version, sizeof ci.producer_app_version,
               t->software && strchr(t->software, ' ') ? strchr(t->software, ' ') + 1 : "");
    ci.level_reference = 32768;
    /* Timers in samples: where the audio starts and ends. */
    memcpy(ci.post_timers[0].usage, "AUDs", 4);
    ci.post_timers[0].value = 0;
    memcpy(ci.post_timers[1].usage, "AUDe", 4);
    ci.post_timers[1].value = (int32_t)(frames > INT32_MAX ? INT32_MAX : frames);
    ci.tag_text_size = 0;
    if (sf_command(sf, SFC_SET_CART_INFO, &ci, sizeof ci) != SF_TRUE)
        return error_set(err, NASHRA_EAUDIO, "cannot set the cart chunk: %s", sf_strerror(sf));
    return NASHRA_OK;
}

static bool put_le32(buf *b, uint32_t v)
{
    char c[4];
    le_put32(c, v);
    return buf_append(b, c, 4);
}

/* The cue points, one a story, and their names in LIST/adtl/labl. */
static nashra_status set_cues(SNDFILE *sf, const audio_tags *t, buf *adtl, nashra_error *err)
{
    size_t n = t->chapter_count;
    if (!n)
        return NASHRA_OK;
    size_t size = sizeof(uint32_t) + n * sizeof(SF_CUE_POINT);
    SF_CUES *cues = calloc(1, size < sizeof(SF_CUES) ? sizeof(SF_CUES) : size);
    if (!cues)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    cues->cue_count = (uint32_t)n;
    bool ok = buf_append(adtl, "adtl", 4);
    size_t last_size_pos = 0, last_padded = 0;
    for (size_t i = 0; i < n; i++) {
        SF_CUE_POINT *c = &cues->cue_points[i];
        c->indx = (int32_t)(i + 1);
        c->position = (uint32_t)t->chapters[i].start;
        c->fcc_chunk = 0x61746164; /* "data" */
        c->sample_offset = (uint32_t)t->chapters[i].start;
        const char *name = t->chapters[i].title ? t->chapters[i].title : "";
        size_t len = strlen(name) + 1, padded = (len + 1) & ~(size_t)1;
        last_size_pos = adtl->len + 4;
        last_padded = padded;
        ok = ok && buf_append(adtl, "labl", 4) && put_le32(adtl, (uint32_t)(4 + padded)) &&
             put_le32(adtl, (uint32_t)(i + 1)) && buf_append(adtl, name, len) &&
             (padded == len || buf_putc(adtl, 0));
    }
    /* libsndfile pads custom chunks to 4 bytes: make the last label absorb the padding. */
    if (ok && adtl->len % 4) {
        size_t pad = 4 - adtl->len % 4; /* 2, as every label is even */
        le_put32(adtl->data + last_size_pos, (uint32_t)(4 + last_padded + pad));
        for (size_t i = 0; ok && i < pad; i++)
            ok = buf_putc(adtl, 0);
    }
    nashra_status rc = NASHRA_OK;
    if (!ok)
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
    else if (sf_command(sf, SFC_SET_CUE, cues, (int)size) != SF_TRUE)
        rc = error_set(err, NASHRA_EAUDIO, "cannot set cue points: %s", sf_strerror(sf));
    free(cues);
    return rc;
}

static nashra_status set_chunk(SNDFILE *sf, const char *id, const buf *data, nashra_error *err)
{
    SF_CHUNK_INFO ci;
    memset(&ci, 0, sizeof ci);
    snprintf(ci.id, sizeof ci.id, "%s", id);
    ci.id_size = 4;
    ci.datalen = (unsigned)data->len;
    ci.data = data->data;
    int e = sf_set_chunk(sf, &ci);
    if (e != SF_ERR_NO_ERROR)
        return error_set(err, NASHRA_EAUDIO, "cannot add the '%s' chunk: %s", id,
                         sf_error_number(e));
    return NASHRA_OK;
}

static void set_strings(SNDFILE *sf, const audio_tags *t)
{
    if (t->title && *t->title)
        sf_set_string(sf, SF_STR_TITLE, t->title);
    if (t->artist && *t->artist)
        sf_set_string(sf, SF_STR_ARTIST, t->artist);
    if (t->date && *t->date)
        sf_set_string(sf, SF_STR_DATE, t->date);
    if (t->software)
        sf_set_string(sf, SF_STR_SOFTWARE, t->software);
    sf_set_string(sf, SF_STR_GENRE, "News");
}

static nashra_status set_metadata(SNDFILE *sf, const audio_spec *spec, const audio_tags *t,
                                  const audio_loudness *planned, long long frames,
                                  nashra_error *err)
{
    if (spec->container == AUDIO_MP3)
        return NASHRA_OK; /* our own ID3v2.4 tag goes in front instead */
    set_strings(sf, t);
    if (spec->container != AUDIO_WAV)
        return NASHRA_OK;
    buf adtl = BUF_INIT, id3 = BUF_INIT;
    nashra_status rc = set_bext(sf, spec, t, planned, err);
    if (!rc)
        rc = set_cart(sf, t, frames, err);
    if (!rc)
        rc = set_cues(sf, t, &adtl, err);
    if (!rc && adtl.len)
        rc = set_chunk(sf, "LIST", &adtl, err);
    /* The id3 chunk carries the UTF-8 strings for software that reads only it; the stories
     * are already chapters through the cue points, so they are not repeated there. */
    audio_tags plain = *t;
    plain.chapter_count = 0;
    if (!rc)
        rc = audio_id3_build(&plain, spec->rate, &id3, err);
    if (!rc)
        rc = set_chunk(sf, "id3 ", &id3, err);
    buf_free(&adtl);
    buf_free(&id3);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */

static int sf_format(const audio_spec *s)
{
    int sub = s->depth == 16 ? SF_FORMAT_PCM_16 : SF_FORMAT_PCM_24;
    switch (s->container) {
    case AUDIO_WAV: return SF_FORMAT_WAV | sub;
    case AUDIO_FLAC: return SF_FORMAT_FLAC | sub;
    case AUDIO_MP3: return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
    case AUDIO_OPUS: return SF_FORMAT_OGG | SF_FORMAT_OPUS;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* The render as the file.                                                                  */

/* A WAV header made in memory: libsndfile's virtual I/O over a buffer. */
typedef struct memfile {
    buf b;
    sf_count_t pos;
    bool failed;
} memfile;

static sf_count_t mem_filelen(void *user)
{
    return (sf_count_t)((memfile *)user)->b.len;
}

static sf_count_t mem_seek(sf_count_t offset, int whence, void *user)
{
    memfile *m = user;
    sf_count_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? (sf_count_t)m->b.len : 0;
    if (base + offset < 0)
        return -1;
    return m->pos = base + offset;
}

static sf_count_t mem_read(void *ptr, sf_count_t count, void *user)
{
    memfile *m = user;
    sf_count_t left = (sf_count_t)m->b.len - m->pos;
    sf_count_t n = count < left ? count : left > 0 ? left : 0;
    if (n > 0)
        memcpy(ptr, m->b.data + m->pos, (size_t)n);
    m->pos += n;
    return n;
}

static sf_count_t mem_write(const void *ptr, sf_count_t count, void *user)
{
    memfile *m = user;
    if (count <= 0)
        return 0;
    size_t end = (size_t)(m->pos + count);
    if (end > m->b.len) {
        size_t grow = end - m->b.len;
        if (!buf_reserve(&m->b, grow)) {
            m->failed = true;
            return 0;
        }
        memset(m->b.data + m->b.len, 0, grow + 1);
        m->b.len = end;
    }
    memcpy(m->b.data + m->pos, ptr, (size_t)count);
    m->pos += count;
    return count;
}

static sf_count_t mem_tell(void *user)
{
    return ((memfile *)user)->pos;
}

/* The head of the WAV file for a render with room in front of its samples, and *fits: whether
 * the header fits the room. libsndfile writes the header of a file with no samples; what it
 * puts before the data chunk is kept, then a JUNK chunk (the RIFF filler every reader skips)
 * fills the room up to the data chunk, which holds the render's samples where they lie. */
static nashra_status wav_head(const audio_spec *spec, const audio_tags *tags,
                              const audio_loudness *planned, long long frames, size_t room,
                              buf *head, bool *fits, nashra_error *err)
{
    static SF_VIRTUAL_IO io = {mem_filelen, mem_seek, mem_read, mem_write, mem_tell};
    *fits = false;
    memfile m = {BUF_INIT, 0, false};
    SF_INFO info = {.samplerate = spec->rate, .channels = (int)spec->channels,
                    .format = sf_format(spec)};
    SNDFILE *sf = sf_open_virtual(&io, SFM_WRITE, &info, &m);
    if (!sf)
        return error_set(err, NASHRA_EAUDIO, "cannot start a WAV header: %s", sf_strerror(NULL));
    nashra_status rc = set_metadata(sf, spec, tags, planned, frames, err);
    int e = sf_close(sf);
    if (!rc && (e || m.failed))
        rc = m.failed ? error_set(err, NASHRA_ENOMEM, "out of memory")
                      : error_set(err, NASHRA_EAUDIO, "cannot make a WAV header: %s",
                                  sf_error_number(e));
    const char *h = m.b.data;
    const size_t n = m.b.len; /* the header, ending with the empty data chunk's 8 bytes */
    const unsigned long long bytes = (unsigned long long)frames * spec->channels * 2;
    if (!rc && n >= 20 && n + 8 <= room && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WAVE", 4) &&
        !memcmp(h + n - 8, "data\0\0\0\0", 8) && room + bytes - 8 <= UINT32_MAX) {
        buf_clear(head);
        if (!buf_reserve(head, room)) {
            rc = error_set(err, NASHRA_ENOMEM, "out of memory");
        } else {
            char *d = head->data;
            memset(d, 0, room);
            memcpy(d, h, n - 8);
            memcpy(d + n - 8, "JUNK", 4);
            le_put32(d + n - 4, (uint32_t)(room - n - 8));
            memcpy(d + room - 8, "data", 4);
            le_put32(d + room - 4, (uint32_t)bytes);
            le_put32(d + 4, (uint32_t)(room + bytes - 8));
            head->len = room;
            *fits = true;
        }
    }
    buf_free(&m.b);
    return rc;
}

bool audio_output_takes_render_as_is(const audio_spec *spec)
{
    return spec->container == AUDIO_WAV && spec->depth == 16 && !spec->normalize &&
           !spec->dither;
}

/* Whether the span is the whole of a 16-bit render with room in front, going unchanged into a
 * 16-bit WAV file (no gain, limiter or dither) with its loudness known: then the render's file
 * can become the output. */
static bool whole_render_as_is(const audio_spec *spec, audio_render *src, long long start,
                               long long end, const audio_loudness *measured)
{
    return measured && audio_output_takes_render_as_is(spec) && audio_render_is_16_bits(src) &&
           audio_render_room(src) && start == 0 && end == audio_render_frames(src);
}

/* Makes the render's file the output, staged under *tmp; *tmp stays NULL where the header does
 * not fit the room or the file cannot be linked, and the samples are then copied. */
static nashra_status stage_render(const char *path, const audio_spec *spec,
                                  const audio_tags *tags, audio_render *src,
                                  const audio_loudness *measured, char **tmp, nashra_error *err)
{
    buf head = BUF_INIT;
    bool fits = false;
    nashra_status rc = wav_head(spec, tags, measured, audio_render_frames(src),
                                audio_render_room(src), &head, &fits, err);
    if (!rc && fits)
        rc = audio_render_place(src, head.data, path, tmp, err);
    buf_free(&head);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */

/* Writes data to fd, the temporary file behind path. */
static nashra_status write_all(int fd, const void *data, size_t len, const char *path,
                               nashra_error *err)
{
    if (atomic_write_all(fd, data, len) != 0)
        return error_set(err, NASHRA_EIO, "%s: write failed: %s", path, strerror(errno));
    return NASHRA_OK;
}

/* Encodes the span into fd (the temporary file behind path). */
static nashra_status encode(const char *path, int fd, pass *p, const audio_tags *tags,
                            const audio_loudness *planned, nashra_error *err)
{
    const audio_spec *spec = p->spec;
    int target_fd = fd;
    if (spec->container == AUDIO_MP3) {
        /* The MPEG stream goes to a scratch file first: our tag has to come before it. */
        char *dir = atomic_dirname(path);
        target_fd = dir ? atomic_scratch(dir) : -1;
        free(dir);
        if (target_fd < 0)
            return error_set(err, NASHRA_EIO, "%s: cannot create a temporary file: %s", path,
                             strerror(errno));
    }
    SF_INFO info = {.samplerate = spec->rate, .channels = (int)spec->channels,
                    .format = sf_format(spec)};
    nashra_status rc = NASHRA_OK;
    if (!(p->out = audio_filebuf_create(target_fd)))
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
    else if (!(p->sf = sf_open_virtual(audio_filebuf_io(), SFM_WRITE, &info, p->out)))
        rc = error_set(err, NASHRA_EAUDIO, "%s: cannot start the file: %s", path,
                       sf_strerror(NULL));
    if (!rc) {
        sf_command(p->sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
        if (is_lossy(spec)) {
            int mode = SF_BITRATE_MODE_CONSTANT;
            sf_command(p->sf, SFC_SET_BITRATE_MODE, &mode, sizeof mode);
            int kbps = spec->bitrate ? spec->bitrate : spec->channels == 1 ? 128 : 192;
            double level = spec->container == AUDIO_MP3 ? (320.0 - kbps) / (320.0 - 32.0)
                                                        : (256.0 - kbps) / (256.0 - 6.0);
            level = level < 0 ? 0 : level > 1 ? 1 : level;
            sf_command(p->sf, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
        }
        rc = set_metadata(p->sf, spec, tags, planned, p->end - p->start, err);
    }
    if (!rc)
        rc = run_pass(p, err);
    if (p->sf) {
        int e = sf_close(p->sf);
        p->sf = NULL;
        if (!rc && e)
            rc = error_set(err, NASHRA_EIO, "%s: cannot finish the file: %s", path,
                           sf_error_number(e));
    }
    int e = audio_filebuf_close(p->out);
    p->out = NULL;
    if (!rc && e)
        rc = error_set(err, NASHRA_EIO, "%s: cannot write: %s", path, strerror(e));
    if (!rc && spec->container == AUDIO_MP3) {
        /* Our UTF-8 ID3v2.4 tag, then the MPEG stream. */
        buf tag = BUF_INIT;
        rc = audio_id3_build(tags, spec->rate, &tag, err);
        if (!rc)
            rc = write_all(fd, tag.data, tag.len, path, err);
        buf_free(&tag);
        if (!rc && lseek(target_fd, 0, SEEK_SET) != 0)
            rc = error_set(err, NASHRA_EIO, "%s: %s", path, strerror(errno));
        char block[65536];
        ssize_t n;
        while (!rc && (n = read(target_fd, block, sizeof block)) != 0) {
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                rc = error_set(err, NASHRA_EIO, "%s: %s", path, strerror(errno));
            else
                rc = write_all(fd, block, (size_t)n, path, err);
        }
    }
    if (target_fd != fd)
        close(target_fd);
    return rc;
}

nashra_status audio_output_write(const char *path, bool overwrite, const audio_spec *spec,
                                 const audio_tags *tags, audio_render *src, long long start,
                                 long long end, const audio_loudness *measured,
                                 audio_result *result, nashra_error *err)
{
    char *tmp = NULL;
    nashra_status rc = audio_output_stage(path, overwrite, spec, tags, src, start, end, measured,
                                          NULL, result, &tmp, err);
    if (!rc)
        rc = atomic_place(tmp, path, overwrite, err);
    free(tmp);
    return rc;
}

nashra_status audio_output_stage(const char *path, bool overwrite, const audio_spec *spec,
                                 const audio_tags *tags, audio_render *src, long long start,
                                 long long end, const audio_loudness *measured,
                                 const volatile sig_atomic_t *cancel, audio_result *result,
                                 char **tmp_out, nashra_error *err)
{
    *tmp_out = NULL;
    nashra_status rc = atomic_check(path, overwrite, err);
    if (rc)
        return rc;
    if (spec->container == AUDIO_OPUS && spec->rate != 8000 && spec->rate != 12000 &&
        spec->rate != 16000 && spec->rate != 24000 && spec->rate != 48000)
        return error_set(err, NASHRA_EINVAL,
                         "%s: Opus takes 8000, 12000, 16000, 24000 or 48000 Hz, not %d", path,
                         spec->rate);
    if (!is_lossy(spec) && spec->depth != 16 && spec->depth != 24)
        return error_set(err, NASHRA_EINVAL, "%s: bit depth must be 16 or 24", path);
    if (whole_render_as_is(spec, src, start, end, measured)) {
        if (cancel && *cancel)
            return error_set(err, NASHRA_ECANCELED, "interrupted");
        char *tmp = NULL;
        if ((rc = stage_render(path, spec, tags, src, measured, &tmp, err)))
            return rc;
        if (tmp) {
            if (result)
                *result = (audio_result){.loudness = *measured};
            *tmp_out = tmp;
            return NASHRA_OK;
        }
    }
    pass p = {.path = path, .spec = spec, .src = src, .start = start, .end = end, .gain = 1,
              .rng = 0x9e3779b9u, .measure = true, .cancel = cancel};

    /* The loudness of the span as rendered: for the gain, and for the bext chunk. */
    audio_loudness in = {-HUGE_VAL, 0, -HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    bool known = measured != NULL;
    if (measured) {
        in = *measured;
    } else if (spec->normalize || spec->container == AUDIO_WAV) {
        if ((rc = run_pass(&p, err)))
            return rc;
        in = p.measured;
        known = true;
    }
    /* The gain to the target; the limiter where that gain would push peaks over the ceiling.
     * Lossless files keep 0.2 dB of headroom for dither and rounding, lossy ones 1 dB for the
     * encoder's overshoot, widened below if the written file shows more. */
    double gain_db = 0, margin = is_lossy(spec) ? 1.0 : 0.2;
    audio_loudness planned = in;
    bool limit = false;
    if (spec->normalize && isfinite(in.integrated))
        gain_db = spec->target - in.integrated;

    /* What the signal is aimed at before encoding: the target, moved by what the encoder was
     * seen to change on an earlier attempt. */
    double aim = spec->target;
    char *tmp = NULL;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        double ceiling = spec->ceiling - margin;
        limit = spec->normalize && in.true_peak + gain_db > ceiling;
        planned = in;
        planned.integrated += gain_db;
        planned.true_peak += gain_db;
        planned.max_momentary += gain_db;
        planned.max_short_term += gain_db;
        p.limited_db = 0;
        if (limit) {
            /* The limiter lowers the loudness a little: measure, correct, measure again. */
            for (int i = 0; i < 3; i++) {
                p.gain = pow(10, gain_db / 20);
                p.limit = true;
                p.ceiling_db = ceiling;
                if ((rc = run_pass(&p, err)))
                    return rc;
                planned = p.measured;
                double miss = aim - planned.integrated;
                if (fabs(miss) < 0.05)
                    break;
                gain_db += miss;
            }
        }
        p.gain = pow(10, gain_db / 20);
        p.limit = limit;
        p.ceiling_db = ceiling;
        p.rng = 0x9e3779b9u;
        /* A lossless file written without the limiter holds the measured samples times a
         * constant gain, rounded to its depth: K-weighting, gating and the true-peak filter are
         * linear, so its figures are the render's moved by the gain (the rounding, and dither at
         * 16 bits, move them by well under 0.01 dB), and it is not measured a second time. */
        p.measure = !known || is_lossy(spec) || limit;

        int fd = atomic_temp(path, &tmp);
        if (fd < 0)
            return error_set(err, NASHRA_EIO, "%s: cannot create output: %s", path,
                             strerror(errno));
        rc = encode(path, fd, &p, tags, &planned, err);
        audio_result r = {.gain_db = gain_db, .limited_db = p.limited_db};
        /* Lossless files were measured sample for sample as written; lossy ones are decoded. */
        if (!rc && is_lossy(spec))
            rc = audio_measure_file(tmp, &r.loudness, err);
        else if (!rc)
            r.loudness = p.measure ? p.measured : planned;
        bool again = false;
        if (!rc && spec->normalize && is_lossy(spec) && attempt + 1 < ATTEMPTS) {
            double over = r.loudness.true_peak - (spec->ceiling - 0.05);
            double miss = spec->target - r.loudness.integrated;
            if (over > 0) {
                margin += over + 0.2;
                again = true;
            }
            if (fabs(miss) > 0.2) {
                gain_db += miss;
                aim += miss;
                again = true;
            }
        }
        if (rc || again) {
            close(fd);
            unlink(tmp);
            free(tmp);
            tmp = NULL;
            if (rc)
                return rc;
            continue;
        }
        if ((rc = atomic_finish(fd, path, err))) {
            unlink(tmp);
            free(tmp);
            return rc;
        }
        if (result)
            *result = r;
        *tmp_out = tmp;
        return NASHRA_OK;
    }
    return error_set(err, NASHRA_EAUDIO, "%s: the encoder could not meet the loudness target",
                     path);
}
