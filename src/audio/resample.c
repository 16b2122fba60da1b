#include "audio/resample.h"

#include <soxr.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"

#define OUT_CHUNK 8192 /* frames produced per soxr_process call */

struct audio_resampler {
    soxr_t soxr; /* NULL when the rates are equal */
    unsigned channels;
    float *out;
};

nashra_status audio_resampler_create(int in_rate, int out_rate, unsigned channels,
                                     audio_resampler **out, nashra_error *err)
{
    *out = NULL;
    if (in_rate <= 0 || out_rate <= 0 || channels == 0 || channels > 8)
        return error_set(err, NASHRA_EINVAL, "bad resampler settings (%d Hz to %d Hz, %u channels)",
                         in_rate, out_rate, channels);
    audio_resampler *r = calloc(1, sizeof *r);
    if (!r)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    r->channels = channels;
    if (in_rate != out_rate) {
        soxr_error_t e = NULL;
        soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
        soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
        r->soxr = soxr_create(in_rate, out_rate, channels, &e, &io, &q, NULL);
        r->out = malloc((size_t)OUT_CHUNK * channels * sizeof *r->out);
        if (e || !r->soxr || !r->out) {
            nashra_status rc = error_set(err, NASHRA_EAUDIO, "cannot set up resampling: %s",
                                         e ? e : "out of memory");
            audio_resampler_destroy(r);
            return rc;
        }
    }
    *out = r;
    return NASHRA_OK;
}

/* Runs soxr until it has taken all n input frames (in == NULL: until it is drained). */
static nashra_status run(audio_resampler *r, const float *in, size_t n, audio_sink_fn sink,
                         void *user, nashra_error *err)
{
    for (;;) {
        size_t used = 0, made = 0;
        soxr_error_t e = soxr_process(r->soxr, in, n, &used, r->out, OUT_CHUNK, &made);
        if (e)
            return error_set(err, NASHRA_EAUDIO, "resampling failed: %s", e);
        if (made) {
            nashra_status rc = sink(user, r->out, made, err);
            if (rc)
                return rc;
        }
        if (in) {
            in += used * r->channels;
            n -= used;
            if (!n && made < OUT_CHUNK)
                return NASHRA_OK;
        } else if (!made) {
            return NASHRA_OK;
        }
    }
}

nashra_status audio_resampler_push(audio_resampler *r, const float *in, size_t n,
                                   audio_sink_fn sink, void *user, nashra_error *err)
{
    if (!n)
        return NASHRA_OK;
    if (!r->soxr)
        return sink(user, in, n, err);
    return run(r, in, n, sink, user, err);
}

nashra_status audio_resampler_flush(audio_resampler *r, audio_sink_fn sink, void *user,
                                    nashra_error *err)
{
    if (!r->soxr)
        return NASHRA_OK;
    nashra_status rc = run(r, NULL, 0, sink, user, err);
    soxr_error_t e = soxr_clear(r->soxr);
    if (!rc && e)
        rc = error_set(err, NASHRA_EAUDIO, "resampling failed: %s", e);
    return rc;
}

void audio_resampler_destroy(audio_resampler *r)
{
    if (!r)
        return;
    soxr_delete(r->soxr);
    free(r->out);
    free(r);
}

typedef struct collect {
    float *data;
    size_t frames, cap;
    unsigned channels;
} collect;

static nashra_status collect_sink(void *user, const float *frames, size_t n, nashra_error *err)
{
    collect *c = user;
    const size_t frame = c->channels * sizeof *frames;
    while (c->frames + n > c->cap) {
        float *p = array_grow(c->data, &c->cap, c->cap, frame, 65536);
        if (!p)
            return error_set(err, NASHRA_ENOMEM, "out of memory");
        c->data = p;
    }
    memcpy(c->data + c->frames * c->channels, frames, n * frame);
    c->frames += n;
    return NASHRA_OK;
}

nashra_status audio_resample_buffer(const float *in, size_t frames, unsigned channels,
                                    int in_rate, int out_rate, float **out, size_t *out_frames,
                                    nashra_error *err)
{
    *out = NULL;
    *out_frames = 0;
    audio_resampler *r;
    nashra_status rc = audio_resampler_create(in_rate, out_rate, channels, &r, err);
    if (rc)
        return rc;
    collect c = {NULL, 0, 0, channels};
    rc = audio_resampler_push(r, in, frames, collect_sink, &c, err);
    if (!rc)
        rc = audio_resampler_flush(r, collect_sink, &c, err);
    audio_resampler_destroy(r);
    if (rc) {
        free(c.data);
        return rc;
    }
    *out = c.data;
    *out_frames = c.frames;
    return NASHRA_OK;
}
