/* Reading sound files (jingles, beds) whole into memory at a given rate and channel count. */
#ifndef NASHRA_AUDIO_SOUND_H
#define NASHRA_AUDIO_SOUND_H

#include <stddef.h>

#include "audio/loudness.h"
#include "nashra.h"

typedef struct audio_sound {
    float *frames;    /* interleaved */
    size_t count;     /* frames */
    unsigned channels;
    int rate;
    audio_loudness loudness;
} audio_sound;

/* Longest sound read, in seconds; longer files are refused. */
#define AUDIO_SOUND_MAX_SECONDS 600

/*
 * Reads path (any format libsndfile reads), mixes it down (or up) to channels, converts it to
 * rate with libsoxr, and measures its loudness. what names the role in errors ("intro").
 */
nashra_status audio_sound_load(const char *path, const char *what, int rate, unsigned channels,
                               audio_sound *out, nashra_error *err);
void audio_sound_free(audio_sound *s);

#endif
