/* Article reading: bytes -> validated, normalized, cleaned headline and paragraphs. */
#ifndef NASHRA_ARTICLE_H
#define NASHRA_ARTICLE_H

#include "common/strlist.h"
#include "nashra.h"

struct nashra_article {
    char *name;          /* file name, or "<stdin>" */
    char *headline;      /* one line */
    strlist paragraphs;  /* lines of a paragraph are joined with '\n' */
    char sha256[65];     /* of the bytes as read, hex */
};

/*
 * Checks raw input bytes: well-formed UTF-8, no NUL or other control bytes (binary data).
 * On failure fills err with "NAME: ... at byte offset N".
 */
nashra_status article_check_bytes(const char *name, const char *text, size_t len,
                                  nashra_error *err);

#endif
