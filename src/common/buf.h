/* A growable byte buffer that always keeps a terminating NUL. */
#ifndef NASHRA_COMMON_BUF_H
#define NASHRA_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct buf {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
} buf;

#define BUF_INIT {NULL, 0, 0}

/* Each returns false when memory runs out; the buffer then keeps its old content. */
bool buf_reserve(buf *b, size_t extra);
bool buf_append(buf *b, const char *s, size_t n);
bool buf_puts(buf *b, const char *s);
bool buf_putc(buf *b, char c);
/* Appends the UTF-8 encoding of code point cp. */
bool buf_put_cp(buf *b, unsigned cp);

void buf_clear(buf *b);

/* Makes room in an array of elem-byte items holding count of cap: returns items, or a larger
 * copy (cap updated, first_cap items at first), or NULL when memory runs out (items untouched). */
void *array_grow(void *items, size_t *cap, size_t count, size_t elem, size_t first_cap);
/* Hands the data to the caller (who frees it) and resets the buffer. Never NULL on success. */
char *buf_take(buf *b);
void buf_free(buf *b);

#endif
