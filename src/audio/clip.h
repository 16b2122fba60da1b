/* A clip: the 16-bit mono samples of one synthesized sentence, and what the loudness meter
 * found in its audible part when it was measured apart (see audio_measure_clip). */
#ifndef NASHRA_AUDIO_CLIP_H
#define NASHRA_AUDIO_CLIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The loudness of samples [start, end) of a clip, measured on their own: the K-weighted mean
 * square of each granule of `granule` frames from start, over the span and the silence that
 * follows it until the filter has died down (audio_measure_silence frames), padded with
 * silence to whole granules; and the span's true peak (linear). granule is 0 when there is
 * none. */
typedef struct clip_measure {
    size_t start, end;
    size_t granule;
    double *energy;
    size_t count, cap;
    float peak;
} clip_measure;

typedef struct clip {
    int16_t *samples;
    size_t len;
    size_t cap;
    clip_measure measure;
} clip;

#define CLIP_INIT {NULL, 0, 0, {0, 0, 0, NULL, 0, 0, 0}}

bool clip_append(clip *c, const int16_t *samples, size_t n);
/* Lengthens a clip by n > 0 samples, left unset: where they start, or NULL when memory ran
 * out. */
int16_t *clip_extend(clip *c, size_t n);
/* Empties a clip, its measure with it. */
void clip_clear(clip *c);
void clip_free(clip *c);

/*
 * Finds the audible part of a clip: [*start, *end) runs from margin samples before the first
 * sample whose magnitude exceeds threshold to margin samples after the last one (clamped).
 * A silent clip gives *start == *end.
 */
void clip_audible(const clip *c, int threshold, size_t margin, size_t *start, size_t *end);

/* Sets the measure's length to count granules; false when memory ran out. */
bool clip_measure_resize(clip_measure *m, size_t count);

#endif
