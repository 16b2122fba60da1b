#include "table.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifndef NASHRA_TEST_DATA
#error "NASHRA_TEST_DATA must name the tests/data folder"
#endif

const char *table_data_path(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", NASHRA_TEST_DATA, name);
    return path;
}

char *table_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t k;
    while ((k = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n < 2) {
            cap *= 2;
            s = realloc(s, cap);
            assert_non_null(s);
        }
    }
    fclose(f);
    s[n] = '\0';
    if (len)
        *len = n;
    return s;
}

static size_t put_utf8(unsigned cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Unescapes in place; the result is never longer than the input. */
static void unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r != '\\' || !r[1]) {
            *w++ = *r;
            continue;
        }
        r++;
        switch (*r) {
        case 'n': *w++ = '\n'; break;
        case 't': *w++ = '\t'; break;
        case 'r': *w++ = '\r'; break;
        case '\\': *w++ = '\\'; break;
        case 'x': {
            unsigned v;
            if (sscanf(r + 1, "%2x", &v) == 1) {
                *w++ = (char)v;
                r += 2;
            }
            break;
        }
        case 'u': {
            unsigned cp;
            if (sscanf(r + 1, "%4x", &cp) == 1) {
                w += put_utf8(cp, w);
                r += 4;
            }
            break;
        }
        default: *w++ = '\\'; *w++ = *r; break;
        }
    }
    *w = '\0';
}

void table_load(table *t, const char *name)
{
    memset(t, 0, sizeof *t);
    t->path = strdup(table_data_path(name));
    size_t len;
    char *text = table_read_file(t->path, &len);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    t->rows = calloc(lines, sizeof *t->rows);
    assert_non_null(t->rows);
    size_t lineno = 0;
    char *p = text;
    while (*p) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        lineno++;
        if (*p && *p != '#') {
            table_row *row = &t->rows[t->count++];
            row->line = lineno;
            char *field = p;
            while (field && row->nfields < TABLE_MAX_FIELDS) {
                char *tab = strchr(field, '\t');
                if (tab)
                    *tab = '\0';
                row->field[row->nfields] = strdup(field);
                unescape(row->field[row->nfields]);
                row->nfields++;
                field = tab ? tab + 1 : NULL;
            }
            for (size_t f = row->nfields; f < TABLE_MAX_FIELDS; f++)
                row->field[f] = strdup("");
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    free(text);
}

void table_free(table *t)
{
    for (size_t i = 0; i < t->count; i++)
        for (size_t f = 0; f < TABLE_MAX_FIELDS; f++)
            free(t->rows[i].field[f]);
    free(t->rows);
    free(t->path);
    memset(t, 0, sizeof *t);
}

static int is_mark(const unsigned char *p)
{
    /* U+064B..U+0652 are D9 8B..D9 92; U+0670 is D9 B0. */
    return p[0] == 0xD9 && ((p[1] >= 0x8B && p[1] <= 0x92) || p[1] == 0xB0);
}

void table_strip_marks(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (is_mark((unsigned char *)r) && r[1]) {
            r += 2;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

void table_shadda_first(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + 3 < n; i++) {
        unsigned char *p = (unsigned char *)s + i;
        int vowel = p[0] == 0xD9 && p[1] >= 0x8B && p[1] <= 0x90;
        if (vowel && p[2] == 0xD9 && p[3] == 0x91) {
            unsigned char v = p[1];
            p[1] = 0x91;
            p[3] = v;
            i += 3;
        }
    }
}

size_t table_count_marks(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += p[0] == 0xD9 && ((p[1] >= 0x8B && p[1] <= 0x9F) || p[1] == 0xB0);
    return n;
}
