/* A growable list of owned NUL-terminated strings. */
#ifndef NASHRA_COMMON_STRLIST_H
#define NASHRA_COMMON_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strlist {
    char **items;
    size_t count;
    size_t cap;
} strlist;

#define STRLIST_INIT {NULL, 0, 0}

/* Copies s[0..len) into the list. Returns false when memory runs out. */
bool strlist_push(strlist *l, const char *s, size_t len);
/* Takes ownership of s (freed on failure too). */
bool strlist_push_owned(strlist *l, char *s);
void strlist_free(strlist *l);

#endif
