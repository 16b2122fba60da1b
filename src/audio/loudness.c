#include "audio/loudness.h"

#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>

#include "common/error.h"

struct audio_meter {
    ebur128_state *st;
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
                         EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK |
                             EBUR128_MODE_M | EBUR128_MODE_S);
    if (!m->st) {
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
    double peak = 0;
    for (unsigned c = 0; c < m->channels; c++) {
        double p = 0;
        if (ebur128_true_peak(m->st, c, &p) == EBUR128_SUCCESS && p > peak)
            peak = p;
    }
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
