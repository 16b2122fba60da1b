#include "common/data.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

bool data_table_load(data_table *t, const data_blob *blob)
{
    memset(t, 0, sizeof *t);
    t->storage = malloc(blob->len + 1);
    if (!t->storage)
        return false;
    memcpy(t->storage, blob->bytes, blob->len);
    t->storage[blob->len] = '\0';

    size_t lines = 1;
    for (size_t i = 0; i < blob->len; i++)
        lines += t->storage[i] == '\n';
    t->rows = calloc(lines, sizeof *t->rows);
    if (!t->rows) {
        data_table_free(t);
        return false;
    }

    char *p = t->storage;
    while (*p) {
        char *eol = strchr(p, '\n');
        char *next = eol ? eol + 1 : p + strlen(p);
        if (eol)
            *eol = '\0';
        size_t n = strlen(p);
        if (n && p[n - 1] == '\r')
            p[--n] = '\0';
        if (n && p[0] != '#') {
            data_row *row = &t->rows[t->count++];
            for (size_t f = 0; f < DATA_MAX_FIELDS; f++)
                row->field[f] = "";
            char *field = p;
            while (field && row->nfields < DATA_MAX_FIELDS) {
                char *tab = strchr(field, '\t');
                if (tab)
                    *tab = '\0';
                row->field[row->nfields++] = field;
                field = tab ? tab + 1 : NULL;
            }
        }
        p = next;
    }
    return true;
}

void data_table_free(data_table *t)
{
    free(t->rows);
    free(t->storage);
    memset(t, 0, sizeof *t);
}

const char *data_table_get(const data_table *t, const char *key)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->rows[i].field[0], key) == 0)
            return t->rows[i].field[1];
    return NULL;
}

static pthread_mutex_t data_lock = PTHREAD_MUTEX_INITIALIZER;

const data_table *data_once_get(data_once *once, const data_blob *blob)
{
    pthread_mutex_lock(&data_lock);
    if (once->state == 0)
        once->state = data_table_load(&once->table, blob) ? 1 : 2;
    const data_table *t = once->state == 1 ? &once->table : NULL;
    pthread_mutex_unlock(&data_lock);
    return t;
}
