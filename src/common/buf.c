#include "common/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

bool buf_reserve(buf *b, size_t extra)
{
    if (extra > (size_t)-1 / 2 - b->len)
        return false;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return false;
    b->data = p;
    b->cap = cap;
    return true;
}

bool buf_append(buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool buf_puts(buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

bool buf_putc(buf *b, char c)
{
    return buf_append(b, &c, 1);
}

bool buf_put_cp(buf *b, unsigned cp)
{
    char tmp[4];
    size_t n = utf8_encode(cp, tmp);
    return n > 0 && buf_append(b, tmp, n);
}

void buf_clear(buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *buf_take(buf *b)
{
    if (!b->data && !buf_reserve(b, 0))
        return NULL;
    if (!b->len)
        b->data[0] = '\0';
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void buf_free(buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void *array_grow(void *items, size_t *cap, size_t count, size_t elem, size_t first_cap)
{
    if (count < *cap)
        return items;
    size_t n = *cap ? *cap * 2 : first_cap;
    if (n < *cap || n > SIZE_MAX / elem)
        return NULL;
    void *p = realloc(items, n * elem);
    if (p)
        *cap = n;
    return p;
}
