/* Loudness measurement after ITU-R BS.1770 / EBU R128: libebur128's K-weighting and 100 ms
 * energies, nashra's gating, loudness range and maxima from them, and its own true peak. */
#ifndef NASHRA_AUDIO_LOUDNESS_H
#define NASHRA_AUDIO_LOUDNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nashra.h"

typedef struct audio_loudness {
    double integrated;     /* LUFS; -HUGE_VAL for silence */
    double range;          /* LU */
    double true_peak;      /* dBTP, the largest over the channels */
    double max_momentary;  /* LUFS */
    double max_short_term; /* LUFS */
} audio_loudness;

typedef struct audio_meter audio_meter;

nashra_status audio_meter_create(int rate, unsigned channels, audio_meter **out,
                                 nashra_error *err);
/* Adds n interleaved frames. */
nashra_status audio_meter_add(audio_meter *m, const float *frames, size_t n, nashra_error *err);
/* Adds n interleaved frames of 16-bit samples (each value v read as v / 32768). */
nashra_status audio_meter_add_16(audio_meter *m, const int16_t *frames, size_t n,
                                 nashra_error *err);
/* The figures so far. */
nashra_status audio_meter_report(audio_meter *m, audio_loudness *out, nashra_error *err);
void audio_meter_destroy(audio_meter *m);

/* Measures a sound file as written (any format libsndfile reads). */
nashra_status audio_measure_file(const char *path, audio_loudness *out, nashra_error *err);

#endif
