/* Reading a whole input file (an article, a feed, a rundown, a lexicon ...) with a size limit. */
#ifndef NASHRA_COMMON_READFILE_H
#define NASHRA_COMMON_READFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "nashra.h"

typedef struct file_kind {
    const char *noun; /* what the file is, for messages: "article", "voice profile" */
    size_t max_bytes; /* larger files fail with NASHRA_EINPUT */
    bool dash_stdin;  /* "-" reads standard input, named "<stdin>" in messages */
    bool missing_ok;  /* a file that does not exist reads as empty */
} file_kind;

/*
 * Appends the whole of path to out (empty: out->data may stay NULL). Every failure is one line
 * naming the file: "PATH: cannot open NOUN: REASON" (NASHRA_EINPUT when it does not exist,
 * NASHRA_EIO otherwise), "PATH: is a directory, not a(n) NOUN", "PATH: NOUN larger than N MiB"
 * (or KiB; NASHRA_EINPUT), "PATH: cannot read: REASON" (NASHRA_EIO). Pipes and character devices
 * are read as far as they go.
 */
nashra_status file_read(const char *path, const file_kind *kind, buf *out, nashra_error *err);

/* The name file_read's messages give path: "<stdin>" for "-" when kind reads it. */
const char *file_display_name(const char *path, const file_kind *kind);

#endif
