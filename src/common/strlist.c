#include "common/strlist.h"

#include <stdlib.h>
#include <string.h>

bool strlist_push_owned(strlist *l, char *s)
{
    if (!s)
        return false;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            free(s);
            return false;
        }
        l->items = items;
        l->cap = cap;
    }
    l->items[l->count++] = s;
    return true;
}

bool strlist_push(strlist *l, const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return false;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return strlist_push_owned(l, copy);
}

void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = l->cap = 0;
}
