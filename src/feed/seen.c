/*
 * The items already read, kept across runs in a small text file:
 *
 *   # nashra seen feed items
 *   SHA256-OF-ID<SPACE>UNIX-TIME-FIRST-SEEN
 *
 * Ids are stored hashed, so the file's lines have one shape and size whatever a feed puts in
 * its ids. The file keeps the NASHRA_SEEN_MAX most recently seen ids and is replaced
 * atomically.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/readfile.h"
#include "common/sha256.h"

#define SEEN_HEADER "# nashra seen feed items: SHA-256 of the item's id, Unix time first seen\n"
/* A state file larger than this is not ours. */
#define SEEN_MAX_BYTES (4u * 1024u * 1024u)

typedef struct seen_entry {
    char hash[65];
    long long when;
} seen_entry;

struct nashra_seen {
    char *path;
    seen_entry *entries;
    size_t count, cap;
};

static bool add_hash(nashra_seen *s, const char *hash, long long when)
{
    seen_entry *p = array_grow(s->entries, &s->cap, s->count, sizeof *p, 64);
    if (!p)
        return false;
    s->entries = p;
    memcpy(s->entries[s->count].hash, hash, 65);
    s->entries[s->count++].when = when;
    return true;
}

static bool is_hex64(const char *s)
{
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static nashra_status parse_seen(nashra_seen *s, const char *text, size_t len, nashra_error *err)
{
    size_t line = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        char row[128];
        line++;
        if (n && text[i] != '#') {
            long long when;
            int used = 0;
            if (n >= sizeof row)
                return error_set(err, NASHRA_EINPUT, "%s:%zu: not a seen-items line", s->path,
                                 line);
            memcpy(row, text + i, n);
            row[n] = '\0';
            if (n < 66 || row[64] != ' ' || !is_hex64(row) ||
                sscanf(row + 65, "%lld%n", &when, &used) != 1 || row[65 + used] != '\0')
                return error_set(err, NASHRA_EINPUT, "%s:%zu: not a seen-items line", s->path,
                                 line);
            row[64] = '\0';
            if (!add_hash(s, row, when))
                return error_set(err, NASHRA_ENOMEM, "out of memory");
        }
        i += n + 1;
    }
    return NASHRA_OK;
}

nashra_status nashra_seen_open(const char *path, nashra_seen **out, nashra_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return error_set(err, NASHRA_EINVAL, "no seen-items file given");
    nashra_seen *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    /* A file not made yet is an empty set. */
    static const file_kind seen = {
        .noun = "seen-items file", .max_bytes = SEEN_MAX_BYTES, .missing_ok = true};
    buf b = BUF_INIT;
    nashra_status rc = file_read(path, &seen, &b, err);
    if (!rc)
        rc = parse_seen(s, b.data ? b.data : "", b.len, err);
    buf_free(&b);
    if (rc) {
        nashra_seen_destroy(s);
        return rc;
    }
    *out = s;
    return NASHRA_OK;
}

static bool has_hash(const nashra_seen *s, const char *hash)
{
    for (size_t i = 0; i < s->count; i++)
        if (memcmp(s->entries[i].hash, hash, 64) == 0)
            return true;
    return false;
}

int nashra_seen_has(const nashra_seen *s, const char *id)
{
    if (!s || !id)
        return 0;
    char hash[65];
    sha256_hex(id, strlen(id), hash);
    return has_hash(s, hash);
}

nashra_status nashra_seen_add(nashra_seen *s, const char *id, long long when, nashra_error *err)
{
    if (!s || !id)
        return error_set(err, NASHRA_EINVAL, "no seen-items state or id given");
    char hash[65];
    sha256_hex(id, strlen(id), hash);
    if (!has_hash(s, hash) && !add_hash(s, hash, when))
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    return NASHRA_OK;
}

size_t nashra_seen_count(const nashra_seen *s)
{
    return s ? s->count : 0;
}

/* Newest first; equal times by id, so which ids a trim keeps never depends on qsort. */
static int by_time_desc(const void *a, const void *b)
{
    const seen_entry *x = a, *y = b;
    if (x->when != y->when)
        return x->when > y->when ? -1 : 1;
    return memcmp(x->hash, y->hash, sizeof x->hash);
}

nashra_status nashra_seen_save(nashra_seen *s, nashra_error *err)
{
    if (!s)
        return error_set(err, NASHRA_EINVAL, "no seen-items state given");
    /* Keep the most recent ids; the file stays the same order otherwise. */
    if (s->count > NASHRA_SEEN_MAX) {
        qsort(s->entries, s->count, sizeof *s->entries, by_time_desc);
        s->count = NASHRA_SEEN_MAX;
    }
    buf b = BUF_INIT;
    bool ok = buf_puts(&b, SEEN_HEADER);
    for (size_t i = 0; ok && i < s->count; i++) {
        char line[96];
        snprintf(line, sizeof line, "%s %lld\n", s->entries[i].hash, s->entries[i].when);
        ok = buf_puts(&b, line);
    }
    nashra_status rc = ok ? atomic_write_file(s->path, b.data, b.len, true, err)
                          : error_set(err, NASHRA_ENOMEM, "out of memory");
    buf_free(&b);
    return rc;
}

void nashra_seen_destroy(nashra_seen *s)
{
    if (!s)
        return;
    free(s->entries);
    free(s->path);
    free(s);
}
