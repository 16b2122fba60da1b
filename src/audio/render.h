/*
 * A render: the bulletin's audio as 32-bit float frames in an anonymous temporary file, so a
 * long bulletin costs disk, not memory. It is written once, front to back, then read back as
 * many times as the output stage needs.
 *
 * A render of samples that are all 16-bit values (the synthesizer's, when nothing resamples
 * them) can keep them in 16 bits: half the bytes to write and read back, and the same floats
 * read back as were written. Such a render, going unchanged into a 16-bit WAV file, can also
 * leave room for the file's header in front and then become the file itself: the speech is
 * written once, where the output will have it, and not copied at the end.
 */
#ifndef NASHRA_AUDIO_RENDER_H
#define NASHRA_AUDIO_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nashra.h"

typedef struct audio_render audio_render;

/* Creates an empty render in directory dir (the output's, so it shares its file system). */
nashra_status audio_render_create(const char *dir, unsigned channels, audio_render **out,
                                  nashra_error *err);

/* Makes a new, empty render keep 16-bit samples: every sample written must then be a multiple
 * of 1/32768 in [-1, 1), and reads back exactly. */
void audio_render_keep_16_bits(audio_render *r);

nashra_status audio_render_write(audio_render *r, const float *frames, size_t n,
                                 nashra_error *err);

/* Writes n frames of 16-bit samples, as kept, to a render that keeps them. */
nashra_status audio_render_write_16(audio_render *r, const int16_t *frames, size_t n,
                                    nashra_error *err);
long long audio_render_frames(const audio_render *r);

/* Positions the next read at frame (after any writing). */
nashra_status audio_render_seek(audio_render *r, long long frame, nashra_error *err);
/* Reads up to max frames; returns how many (0 at the end). */
size_t audio_render_read(audio_render *r, float *frames, size_t max);

/* Whether the render keeps 16-bit samples (audio_render_keep_16_bits); then they can also be
 * read as they are kept. */
bool audio_render_is_16_bits(const audio_render *r);
size_t audio_render_read_16(audio_render *r, short *frames, size_t max);

/* Leaves room bytes in front of a new, empty render's samples for a file header, in a file
 * that can be linked into its directory: a 16-bit render then written unchanged into a file
 * whose header fits the room becomes that file itself (audio_render_place), without a copy.
 * Returns false, and leaves the render as it was, where that cannot be (no O_TMPFILE). */
bool audio_render_leave_room(audio_render *r, size_t room);
/* The room left in front of the samples (0: none). */
size_t audio_render_room(const audio_render *r);
/* Writes head (the room's size) in front of the samples, syncs the file and links it under a
 * temporary name beside path, which *tmp (malloc'd) receives, for atomic_place; the samples
 * must be the file's as they are. *tmp is NULL where the file cannot be linked: then nothing
 * else has changed, and the samples can still be read and copied. */
nashra_status audio_render_place(audio_render *r, const void *head, const char *path,
                                 char **tmp, nashra_error *err);
/* Frees the render; its file vanishes with it. Accepts NULL. */
void audio_render_destroy(audio_render *r);

#endif
