/* A clip: the 16-bit mono samples of one synthesized sentence. */
#ifndef NASHRA_AUDIO_CLIP_H
#define NASHRA_AUDIO_CLIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct clip {
    int16_t *samples;
    size_t len;
    size_t cap;
} clip;

#define CLIP_INIT {NULL, 0, 0}

bool clip_append(clip *c, const int16_t *samples, size_t n);
void clip_clear(clip *c);
void clip_free(clip *c);

/*
 * Finds the audible part of a clip: [*start, *end) runs from margin samples before the first
 * sample whose magnitude exceeds threshold to margin samples after the last one (clamped).
 * A silent clip gives *start == *end.
 */
void clip_audible(const clip *c, int threshold, size_t margin, size_t *start, size_t *end);

#endif
