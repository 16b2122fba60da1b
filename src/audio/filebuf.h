/*
 * Buffered writing of a sound file through libsndfile's virtual I/O. libsndfile writes a few
 * kilobytes at a time from wherever its header left off, so nearly every write began inside a
 * page the file system had to zero first; here the bytes are gathered and written in runs
 * that start and end on 64 KiB boundaries of the file.
 */
#ifndef NASHRA_AUDIO_FILEBUF_H
#define NASHRA_AUDIO_FILEBUF_H

#include <sndfile.h>

typedef struct audio_filebuf audio_filebuf;

/* A buffer over fd, an empty file open for reading and writing; NULL when out of memory. */
audio_filebuf *audio_filebuf_create(int fd);

/* The callbacks for sf_open_virtual, with the buffer as their user data. */
SF_VIRTUAL_IO *audio_filebuf_io(void);

/* The errno of the first failed write or read, or 0. */
int audio_filebuf_error(const audio_filebuf *b);

/* Writes what is left, frees the buffer (not the descriptor); returns 0, or the errno of the
 * first failure (then or before). Accepts NULL. */
int audio_filebuf_close(audio_filebuf *b);

#endif
