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
/* Hands the data to the caller (who frees it) and resets the buffer. Never NULL on success. */
char *buf_take(buf *b);
void buf_free(buf *b);

#endif
