/*
 * A look-ahead true-peak limiter. Peaks between samples are found by 4x polyphase
 * interpolation (as in ITU-R BS.1770 Annex 2); the gain needed to keep them under the ceiling is
 * held over the look-ahead window and then averaged over it, so the gain reaches its value
 * smoothly before the peak arrives and never overshoots; it then recovers with an exponential
 * release. All channels share one gain so the image does not move.
 *
 * The output lags the input by audio_limiter_latency() frames.
 */
#ifndef NASHRA_AUDIO_LIMITER_H
#define NASHRA_AUDIO_LIMITER_H

#include <stddef.h>

#include "nashra.h"

typedef struct audio_limiter audio_limiter;

/* ceiling_db: the largest true peak let through, dBTP. attack_ms: the look-ahead. */
nashra_status audio_limiter_create(int rate, unsigned channels, double ceiling_db,
                                   double attack_ms, double release_ms, audio_limiter **out,
                                   nashra_error *err);

/* Limits n interleaved frames of in into out (which may be in). */
void audio_limiter_process(audio_limiter *l, const float *in, float *out, size_t n);

size_t audio_limiter_latency(const audio_limiter *l);

/* The deepest gain reduction so far, in dB (0 or negative). */
double audio_limiter_max_reduction(const audio_limiter *l);

void audio_limiter_destroy(audio_limiter *l);

#endif
