#include "wav.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sndfile.h>

#include <cmocka.h>

void wav_read_facts(const char *path, int threshold, double min_silence_ms, wav_facts *out)
{
    memset(out, 0, sizeof *out);
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf)
        fail_msg("%s: not a readable sound file: %s", path, sf_strerror(NULL));
    out->rate = info.samplerate;
    out->channels = info.channels;
    out->format = info.format;
    out->frames = info.frames;
    out->seconds = (double)info.frames / info.samplerate;
    short chunk[8192];
    sf_count_t n;
    long long run = 0;
    long long min_run = (long long)(min_silence_ms * info.samplerate / 1000);
    while ((n = sf_read_short(sf, chunk, 8192)) > 0) {
        for (sf_count_t i = 0; i < n; i++) {
            int v = chunk[i] < 0 ? -chunk[i] : chunk[i];
            if (v <= threshold) {
                run++;
                continue;
            }
            if (run >= min_run && out->silence_count < 4096)
                out->silences_ms[out->silence_count++] = run * 1000.0 / info.samplerate;
            run = 0;
        }
    }
    if (run >= min_run && out->silence_count < 4096)
        out->silences_ms[out->silence_count++] = run * 1000.0 / info.samplerate;
    sf_close(sf);
}

size_t wav_silences_at_least(const wav_facts *f, double ms)
{
    size_t n = 0;
    for (size_t i = 0; i < f->silence_count; i++)
        n += f->silences_ms[i] >= ms;
    return n;
}
