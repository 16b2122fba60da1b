#include "expand/lexicon.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

extern const data_blob nashra_data_expand_context;
extern const data_blob nashra_data_expand_nouns;
extern const data_blob nashra_data_expand_units;
extern const data_blob nashra_data_expand_months;
extern const data_blob nashra_data_expand_abbreviations;

/* One indexed row: its two leading fields normalized, and the row itself. */
typedef struct lex_entry {
    const char *k0;
    const char *k1;
    const data_row *row;
} lex_entry;

typedef struct lex_index {
    data_table table;
    lex_entry *entries; /* sorted by (k0, k1), ties in file order */
    size_t count;
    char *keys;         /* storage of the normalized keys */
    bool ok;
} lex_index;

static lex_index indexes[LEX_TABLES];
static pthread_once_t indexes_once = PTHREAD_ONCE_INIT;

size_t lex_key(const char *s, size_t len, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned cp = utf8_decode(s + i, len - i, &n);
        if (!arabic_is_mark(cp) && cp != 0x0640) { /* tatweel */
            if (k + n >= cap)
                break;
            memcpy(out + k, s + i, n);
            k += n;
        }
        i += n;
    }
    if (cap)
        out[k] = '\0';
    return k;
}

static int entry_cmp(const void *a, const void *b)
{
    const lex_entry *x = a, *y = b;
    int c = strcmp(x->k0, y->k0);
    if (c)
        return c;
    c = strcmp(x->k1, y->k1);
    if (c)
        return c;
    return x->row < y->row ? -1 : x->row > y->row;
}

static bool build(lex_index *ix, const data_blob *blob)
{
    if (!data_table_load(&ix->table, blob))
        return false;
    size_t total = 0;
    for (size_t i = 0; i < ix->table.count; i++)
        total += strlen(ix->table.rows[i].field[0]) + strlen(ix->table.rows[i].field[1]) + 2;
    ix->keys = malloc(total + 1);
    ix->entries = calloc(ix->table.count + 1, sizeof *ix->entries);
    if (!ix->keys || !ix->entries)
        return false;
    char *p = ix->keys;
    for (size_t i = 0; i < ix->table.count; i++) {
        const data_row *r = &ix->table.rows[i];
        lex_entry *e = &ix->entries[ix->count++];
        e->row = r;
        for (int f = 0; f < 2; f++) {
            size_t n = strlen(r->field[f]);
            size_t k = lex_key(r->field[f], n, p, n + 1);
            if (f == 0)
                e->k0 = p;
            else
                e->k1 = p;
            p += k + 1;
        }
    }
    qsort(ix->entries, ix->count, sizeof *ix->entries, entry_cmp);
    return true;
}

static void build_all(void)
{
    const data_blob *blobs[LEX_TABLES] = {
        [LEX_CONTEXT] = &nashra_data_expand_context,
        [LEX_NOUNS] = &nashra_data_expand_nouns,
        [LEX_UNITS] = &nashra_data_expand_units,
        [LEX_MONTHS] = &nashra_data_expand_months,
        [LEX_ABBREVIATIONS] = &nashra_data_expand_abbreviations,
    };
    for (int t = 0; t < LEX_TABLES; t++)
        indexes[t].ok = build(&indexes[t], blobs[t]);
}

static const lex_index *get(lex_table table)
{
    pthread_once(&indexes_once, build_all);
    return indexes[table].ok ? &indexes[table] : NULL;
}

/* First entry whose k0 equals key0 and (if key1) k1 equals key1. Both keys normalized. */
static const data_row *search(const lex_index *ix, const char *key0, const char *key1)
{
    size_t lo = 0, hi = ix->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const lex_entry *e = &ix->entries[mid];
        int c = strcmp(e->k0, key0);
        if (c == 0 && key1)
            c = strcmp(e->k1, key1);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == ix->count)
        return NULL;
    const lex_entry *e = &ix->entries[lo];
    if (strcmp(e->k0, key0) != 0 || (key1 && strcmp(e->k1, key1) != 0))
        return NULL;
    if (!key1) { /* ties on k0 alone: the first row of the file */
        const data_row *best = e->row;
        for (size_t i = lo + 1; i < ix->count && strcmp(ix->entries[i].k0, key0) == 0; i++)
            if (ix->entries[i].row < best)
                best = ix->entries[i].row;
        return best;
    }
    return e->row;
}

const data_row *lex_find(lex_table table, const char *key0, const char *key1)
{
    const lex_index *ix = get(table);
    return ix ? search(ix, key0, key1) : NULL;
}

const data_row *lex_find_text(lex_table table, const char *key0, const char *text, size_t len)
{
    char key[256];
    lex_key(text, len, key, sizeof key);
    return lex_find(table, key0, key);
}

const data_table *lex_rows(lex_table table)
{
    const lex_index *ix = get(table);
    return ix ? &ix->table : NULL;
}
