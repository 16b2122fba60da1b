/*
 * Sample-rate conversion with libsoxr at high quality, for the speech stream and for jingles.
 * Output is aligned with input: output frame k stands for input time k / out_rate, so positions
 * map by the ratio of the rates.
 */
#ifndef NASHRA_AUDIO_RESAMPLE_H
#define NASHRA_AUDIO_RESAMPLE_H

#include <stddef.h>

#include "nashra.h"

/* Receives frames as they are produced (interleaved float). */
typedef nashra_status (*audio_sink_fn)(void *user, const float *frames, size_t n,
                                       nashra_error *err);

typedef struct audio_resampler audio_resampler;

/* A streaming converter from in_rate to out_rate for channels interleaved channels. Equal rates
 * pass frames through unchanged. */
nashra_status audio_resampler_create(int in_rate, int out_rate, unsigned channels,
                                     audio_resampler **out, nashra_error *err);

/* Converts n frames and hands what is ready to sink. */
nashra_status audio_resampler_push(audio_resampler *r, const float *in, size_t n,
                                   audio_sink_fn sink, void *user, nashra_error *err);

/* Ends the stream, hands the rest to sink, and makes the converter ready for a new stream. */
nashra_status audio_resampler_flush(audio_resampler *r, audio_sink_fn sink, void *user,
                                    nashra_error *err);

void audio_resampler_destroy(audio_resampler *r);

/* Converts a whole buffer; *out (malloc'd, owned by the caller) receives *out_frames frames. */
nashra_status audio_resample_buffer(const float *in, size_t frames, unsigned channels,
                                    int in_rate, int out_rate, float **out, size_t *out_frames,
                                    nashra_error *err);

#endif
