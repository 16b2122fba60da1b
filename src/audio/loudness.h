/* Loudness measurement after ITU-R BS.1770 / EBU R128: libebur128's K-weighting and the
 * energies of 20 ms granules, nashra's gating, loudness range and maxima from them, and its own
 * true peak. A clip can also be measured on its own, once, and put in a stream later by that
 * measure, the figures the same as measuring its samples there (the sentence cache keeps such
 * measures, so that a bulletin built from it is not measured again). */
#ifndef NASHRA_AUDIO_LOUDNESS_H
#define NASHRA_AUDIO_LOUDNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audio/clip.h"
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
/* Adds a mono clip of n 16-bit frames with its measure (audio_measure_clip; may be NULL):
 * the meter takes the measure in place of measuring the frames when it fits (the clip starts
 * on a granule boundary after at least audio_measure_silence frames of silence, and as much
 * follows it), which is decided by the frames added next; otherwise they are measured. The
 * figures agree either way, but for the last bits of the mean squares. */
nashra_status audio_meter_add_measured_16(audio_meter *m, const int16_t *frames, size_t n,
                                          const clip_measure *measure, nashra_error *err);
/* Frames of clips taken by their measures so far. */
size_t audio_meter_measured_frames(const audio_meter *m);
/* The figures so far. */
nashra_status audio_meter_report(audio_meter *m, audio_loudness *out, nashra_error *err);
void audio_meter_destroy(audio_meter *m);

/* The frames of a granule at this rate (20 ms), 0 when the rate is not a multiple of 50 Hz
 * (no clip is then measured apart); and the silence after which the K-weighting filter is
 * taken to be at rest (150 ms). */
size_t audio_measure_granule(int rate);
size_t audio_measure_silence(int rate);

/* Measures n frames of a mono clip on their own, as the meter would measure them in a stream
 * after silence: fills out's granule, energy and peak (granule 0 when the rate has no
 * granules or n is 0); out's start and end are left to the caller. False when memory ran
 * out. */
bool audio_measure_clip(const int16_t *samples, size_t n, int rate, clip_measure *out);

/* Measures a sound file as written (any format libsndfile reads). */
nashra_status audio_measure_file(const char *path, audio_loudness *out, nashra_error *err);

#endif
