/*
 * The output stage: a render (float frames) -> gain to the loudness target -> true-peak
 * limiter where needed -> TPDF dither when reducing to 16 bits -> one file in its container
 * (WAV, FLAC, MP3, Ogg Opus) with its metadata, written in one go under a temporary name and
 * renamed into place. The figures are those of the file as written: a lossless file through
 * the limiter is measured sample for sample as written, one written with a gain alone carries
 * the render's figures moved by that gain, and a lossy file is decoded and measured; lossy
 * encoders move peaks and loudness, so a file whose measured true peak or loudness misses is
 * encoded again, corrected, before it is put in place.
 */
#ifndef NASHRA_AUDIO_OUTPUT_H
#define NASHRA_AUDIO_OUTPUT_H

#include <signal.h>
#include <stdbool.h>

#include "audio/loudness.h"
#include "audio/render.h"
#include "audio/tags.h"
#include "nashra.h"

typedef enum audio_container { AUDIO_WAV = 1, AUDIO_FLAC, AUDIO_MP3, AUDIO_OPUS } audio_container;

typedef struct audio_spec {
    audio_container container;
    int rate;         /* the render's rate; Opus takes 8, 12, 16, 24 or 48 kHz */
    unsigned channels;
    int depth;        /* 16 or 24 for WAV and FLAC; ignored for MP3 and Opus */
    bool normalize;   /* false: written as rendered, no gain and no limiter */
    bool dither;      /* TPDF dither when quantizing to 16 bits */
    double target;    /* integrated loudness, LUFS */
    double ceiling;   /* true-peak ceiling, dBTP */
    int bitrate;      /* kbit/s for MP3 and Opus; 0 for the default */
} audio_spec;

typedef struct audio_result {
    audio_loudness loudness; /* measured on the file as written */
    double gain_db;          /* gain applied before the limiter */
    double limited_db;       /* deepest limiter gain reduction (0: it never acted) */
} audio_result;

/*
 * Writes frames [start, end) of src to path. measured is the loudness of that span as rendered,
 * or NULL to have it measured here. Fails with NASHRA_EEXIST if path exists and overwrite is
 * false; nothing is left at path on failure.
 */
nashra_status audio_output_write(const char *path, bool overwrite, const audio_spec *spec,
                                 const audio_tags *tags, audio_render *src, long long start,
                                 long long end, const audio_loudness *measured,
                                 audio_result *result, nashra_error *err);

/* The same up to the rename: the file is written and synced under a temporary name beside
 * path, which *tmp (malloc'd) receives, for atomic_place. Gives up with NASHRA_ECANCELED once
 * *cancel is non-zero (cancel may be NULL). Nothing is left on failure. */
nashra_status audio_output_stage(const char *path, bool overwrite, const audio_spec *spec,
                                 const audio_tags *tags, audio_render *src, long long start,
                                 long long end, const audio_loudness *measured,
                                 const volatile sig_atomic_t *cancel, audio_result *result,
                                 char **tmp, nashra_error *err);

/* Whether a file written to spec holds a 16-bit render's samples as they are: a 16-bit WAV
 * file, with no gain, limiter or dither. Such a render can then become the file itself (with
 * room left in front, audio_render_leave_room) when it is written whole. */
bool audio_output_takes_render_as_is(const audio_spec *spec);

/* The room a render leaves in front of its samples (audio_render_leave_room) when it may become
 * a 16-bit WAV file as it is: for the header, some 4 KB with a few dozen stories' cue points and
 * names, and a JUNK chunk that fills the rest. A header that does not fit is no error: the
 * samples are then copied into a file of their own, as for any other output. */
#define AUDIO_WAV_ROOM 32768

/* The container a file name's extension asks for (.wav .flac .mp3 .opus .ogg); 0 if none. */
audio_container audio_container_from_path(const char *path);

#endif
