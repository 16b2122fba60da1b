/*
 * ID3v2.4 tags with UTF-8 text frames: title, artist, date, software, and a chapter (CHAP) per
 * story under one ordered table of contents (CTOC). Used in front of MP3 files and as the
 * `id3 ` chunk of WAV files.
 */
#ifndef NASHRA_AUDIO_ID3_H
#define NASHRA_AUDIO_ID3_H

#include "audio/tags.h"
#include "common/buf.h"
#include "nashra.h"

/* Appends a complete tag to out; chapter positions are frames at rate. */
nashra_status audio_id3_build(const audio_tags *tags, int rate, buf *out, nashra_error *err);

#endif
