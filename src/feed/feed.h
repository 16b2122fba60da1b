/*
 * News feeds: RSS 2.0 (and RSS 0.9x/1.0) and Atom documents read with libxml2, never from the
 * network and without entities; each item's HTML reduced to plain paragraphs. Items become
 * articles through nashra_article_parse. Also the state file that remembers which items were
 * already read (nashra_seen), and the dates feeds write.
 */
#ifndef NASHRA_FEED_H
#define NASHRA_FEED_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "nashra.h"

typedef struct feed_item {
    char *title;      /* one line of plain text (may be empty) */
    char *body;       /* plain paragraphs separated by blank lines (may be empty) */
    char *id;         /* what identifies the item across runs: guid or id, else link, else "" */
    long long date;   /* seconds since the epoch, when dated */
    bool dated;
    size_t index;     /* 1-based position in the document */
} feed_item;

struct nashra_feed {
    char *name;
    feed_item *items;
    size_t count, cap;
};

/* Largest feed document accepted, in bytes. */
#define FEED_MAX_BYTES (32u * 1024u * 1024u)

/*
 * Appends the text of an HTML fragment to out: tags dropped (script and style with their
 * content), entities decoded, white space collapsed, and a blank line where a block element
 * (p, div, li, h1..h6, ...) or <br> breaks the text. Control characters are dropped.
 */
nashra_status feed_html_text(const char *html, size_t len, buf *out, nashra_error *err);

/* Parses an RFC 822 date (RSS: "Tue, 24 Nov 2026 20:00:00 +0300") or an RFC 3339 one
 * (Atom: "2026-11-24T20:00:00Z"; a date alone is midnight UTC). */
bool feed_parse_date(const char *s, long long *out);

#endif
