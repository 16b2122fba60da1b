#include "audio/sound.h"

#include <errno.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audio/resample.h"
#include "common/error.h"

nashra_status audio_sound_load(const char *path, const char *what, int rate, unsigned channels,
                               audio_sound *out, nashra_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st) != 0)
        return error_set(err, NASHRA_EINPUT, "%s: cannot open %s: %s", path, what,
                         strerror(errno));
    if (S_ISDIR(st.st_mode))
        return error_set(err, NASHRA_EINPUT, "%s: %s is a directory, not a sound file", path,
                         what);
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf)
        return error_set(err, NASHRA_EINPUT, "%s: %s is not a sound file nashra can read (%s)",
                         path, what, sf_strerror(NULL));
    if (info.frames <= 0 || info.channels <= 0 || info.samplerate <= 0) {
        sf_close(sf);
        return error_set(err, NASHRA_EINPUT, "%s: %s has no audio", path, what);
    }
    if (info.frames > (sf_count_t)info.samplerate * AUDIO_SOUND_MAX_SECONDS) {
        sf_close(sf);
        return error_set(err, NASHRA_EINPUT, "%s: %s is longer than %d seconds", path, what,
                         AUDIO_SOUND_MAX_SECONDS);
    }
    size_t n = (size_t)info.frames, in_ch = (size_t)info.channels;
    float *raw = malloc(n * in_ch * sizeof *raw);
    float *mixed = malloc(n * channels * sizeof *mixed);
    nashra_status rc = NASHRA_OK;
    if (!raw || !mixed)
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
    sf_count_t got = rc ? 0 : sf_readf_float(sf, raw, (sf_count_t)n);
    sf_close(sf);
    if (!rc && got <= 0)
        rc = error_set(err, NASHRA_EINPUT, "%s: cannot read %s", path, what);
    if (!rc) {
        n = (size_t)got;
        /* Mono: the mean of the channels. Stereo from mono: the same in both; from more
         * channels: the first two. */
        for (size_t i = 0; i < n; i++) {
            const float *f = raw + i * in_ch;
            if (channels == 1) {
                float sum = 0;
                for (size_t c = 0; c < in_ch; c++)
                    sum += f[c];
                mixed[i] = sum / (float)in_ch;
            } else {
                mixed[2 * i] = f[0];
                mixed[2 * i + 1] = in_ch > 1 ? f[1] : f[0];
            }
        }
        rc = audio_resample_buffer(mixed, n, channels, info.samplerate, rate, &out->frames,
                                   &out->count, err);
    }
    free(raw);
    free(mixed);
    out->channels = channels;
    out->rate = rate;
    audio_meter *m = NULL;
    if (!rc)
        rc = audio_meter_create(rate, channels, &m, err);
    if (!rc)
        rc = audio_meter_add(m, out->frames, out->count, err);
    if (!rc)
        rc = audio_meter_report(m, &out->loudness, err);
    audio_meter_destroy(m);
    if (rc)
        audio_sound_free(out);
    return rc;
}

void audio_sound_free(audio_sound *s)
{
    free(s->frames);
    memset(s, 0, sizeof *s);
}
