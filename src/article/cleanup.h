/*
 * Line-level cleanup of article text scraped from the web: spacing around punctuation and
 * quotes, and recognition of boilerplate lines (see boilerplate.tsv).
 */
#ifndef NASHRA_ARTICLE_CLEANUP_H
#define NASHRA_ARTICLE_CLEANUP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/*
 * Appends a cleaned copy of line[0..len) to out: runs of spaces collapsed, spaces trimmed,
 * no space before closing punctuation (، ؛ ؟ . , : ; ! ? » ) ]) or after an opening quote
 * or bracket (« ( [), and a conjunction و standing alone joined to the word after it.
 */
bool cleanup_line(const char *line, size_t len, buf *out);

/* True when a cleaned line is web boilerplate ("اقرأ أيضا: ...", "شارك", ...). */
bool cleanup_is_boilerplate(const char *line);

/* True when the cleaned line is short enough and unpunctuated like a photo caption. */
bool cleanup_is_caption_like(const char *line);

#endif
