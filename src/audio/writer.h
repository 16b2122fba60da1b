/*
 * The bulletin file writer (libsndfile). Audio goes to a temporary file in the output's
 * directory as it is produced; audio_writer_commit renames it into place, and
 * audio_writer_discard removes it, so the output path never holds a half-written file.
 */
#ifndef NASHRA_AUDIO_WRITER_H
#define NASHRA_AUDIO_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nashra.h"

typedef struct audio_writer audio_writer;

/* Opens a 16-bit PCM mono WAV writer for path at rate Hz. Fails with NASHRA_EEXIST when path
 * exists and overwrite is false, and NASHRA_EINVAL when path is a directory. */
nashra_status audio_writer_open(const char *path, int rate, bool overwrite, audio_writer **out,
                                nashra_error *err);

nashra_status audio_writer_write(audio_writer *w, const int16_t *samples, size_t n,
                                 nashra_error *err);
nashra_status audio_writer_silence(audio_writer *w, size_t n, nashra_error *err);

/* Frames written so far. */
long long audio_writer_frames(const audio_writer *w);

/* Finishes the file and moves it to its path; the writer is freed either way. */
nashra_status audio_writer_commit(audio_writer *w, nashra_error *err);

/* Drops the temporary file and frees the writer. Accepts NULL. */
void audio_writer_discard(audio_writer *w);

#endif
