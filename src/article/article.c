#include "article/article.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article/cleanup.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/readfile.h"
#include "common/sha256.h"
#include "common/utf8.h"
#include "normalize/normalize.h"

nashra_status article_check_bytes(const char *name, const char *text, size_t len,
                                  nashra_error *err)
{
    size_t bad;
    if (!utf8_valid(text, len, &bad))
        return error_set(err, NASHRA_EINPUT, "%s: invalid UTF-8 at byte offset %zu", name, bad);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == 0)
            return error_set(err, NASHRA_EINPUT,
                             "%s: NUL byte at byte offset %zu (binary data, not text)", name, i);
        if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v') ||
            c == 0x7F)
            return error_set(err, NASHRA_EINPUT,
                             "%s: control byte 0x%02X at byte offset %zu (binary data, not text)",
                             name, c, i);
    }
    return NASHRA_OK;
}

/* Reads all of fd into b, refusing more than NASHRA_ARTICLE_MAX_BYTES. */
nashra_status nashra_article_read(const char *path, nashra_article **out, nashra_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return error_set(err, NASHRA_EINVAL, "no article path given");
    static const file_kind article = {
        .noun = "article", .max_bytes = NASHRA_ARTICLE_MAX_BYTES, .dash_stdin = true};
    buf b = BUF_INIT;
    nashra_status rc = file_read(path, &article, &b, err);
    if (rc == NASHRA_OK)
        rc = nashra_article_parse(file_display_name(path, &article), b.data ? b.data : "", b.len,
                                  out, err);
    buf_free(&b);
    return rc;
}

/* Splits normalized text into cleaned lines; blank lines become empty strings. */
static nashra_status clean_lines(const char *text, size_t len, strlist *lines)
{
    buf line = BUF_INIT;
    size_t i = 0;
    while (i <= len) {
        const char *eol = memchr(text + i, '\n', len - i);
        size_t n = eol ? (size_t)(eol - (text + i)) : len - i;
        buf_clear(&line);
        if (!cleanup_line(text + i, n, &line) ||
            !strlist_push(lines, line.data ? line.data : "", line.len)) {
            buf_free(&line);
            return NASHRA_ENOMEM;
        }
        i += n + 1;
    }
    buf_free(&line);
    return NASHRA_OK;
}

/* Blanks boilerplate lines, and every copy of a photo caption repeated on consecutive lines
 * (scraped pages print the caption twice; it is not part of the story). */
static void drop_debris(strlist *lines)
{
    char **items = lines->items;
    for (size_t i = 0; i < lines->count; i++) {
        if (!*items[i])
            continue;
        size_t j = i + 1;
        while (j < lines->count && !*items[j])
            j++;
        if (j < lines->count && strcmp(items[i], items[j]) == 0 &&
            cleanup_is_caption_like(items[i])) {
            for (size_t k = j; k < lines->count; k++) {
                if (!*items[k])
                    continue;
                if (strcmp(items[k], items[i]) != 0)
                    break;
                items[k][0] = '\0';
            }
            items[i][0] = '\0';
        } else if (cleanup_is_boilerplate(items[i])) {
            items[i][0] = '\0';
        }
    }
}

/* The first non-empty line is the headline; the rest are paragraphs split at blank lines. */
static bool build_article(nashra_article *a, const strlist *lines)
{
    buf para = BUF_INIT;
    bool ok = true;
    for (size_t i = 0; ok && i < lines->count; i++) {
        const char *l = lines->items[i];
        if (!*l) {
            if (para.len)
                ok = strlist_push(&a->paragraphs, para.data, para.len);
            buf_clear(&para);
        } else if (!a->headline) {
            ok = (a->headline = strdup(l)) != NULL;
        } else {
            ok = (!para.len || buf_putc(&para, '\n')) && buf_puts(&para, l);
        }
    }
    if (ok && para.len)
        ok = strlist_push(&a->paragraphs, para.data, para.len);
    buf_free(&para);
    return ok;
}

void nashra_article_destroy(nashra_article *a)
{
    if (!a)
        return;
    free(a->name);
    free(a->headline);
    strlist_free(&a->paragraphs);
    free(a);
}

nashra_status nashra_article_parse(const char *name, const char *text, size_t len,
                                   nashra_article **out, nashra_error *err)
{
    *out = NULL;
    if (!name)
        name = "<text>";
    if (len > NASHRA_ARTICLE_MAX_BYTES)
        return error_set(err, NASHRA_EINPUT, "%s: article larger than %u MiB", name,
                         NASHRA_ARTICLE_MAX_BYTES / (1024u * 1024u));
    if (len == 0)
        return error_set(err, NASHRA_EINPUT, "%s: article is empty", name);
    nashra_status rc = article_check_bytes(name, text, len, err);
    if (rc)
        return rc;
    /* A UTF-8 byte order mark is not text. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }

    buf norm = BUF_INIT;
    strlist lines = STRLIST_INIT;
    nashra_article *a = calloc(1, sizeof *a);
    if (!a || !(a->name = strdup(name))) {
        rc = error_set(err, NASHRA_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    sha256_hex(text, len, a->sha256);
    rc = normalize_text(text, len, &norm, err);
    if (rc)
        goto done;
    if (clean_lines(norm.data ? norm.data : "", norm.len, &lines)) {
        rc = error_set(err, NASHRA_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    drop_debris(&lines);
    if (!build_article(a, &lines))
        rc = error_set(err, NASHRA_ENOMEM, "%s: out of memory", name);
    else if (!a->headline)
        rc = error_set(err, NASHRA_EINPUT, "%s: article has no text", name);
done:
    buf_free(&norm);
    strlist_free(&lines);
    if (rc) {
        nashra_article_destroy(a);
        return rc;
    }
    *out = a;
    return NASHRA_OK;
}

const char *nashra_article_sha256(const nashra_article *a)
{
    return a->sha256;
}

const char *nashra_article_name(const nashra_article *a)
{
    return a->name;
}

const char *nashra_article_headline(const nashra_article *a)
{
    return a->headline;
}

size_t nashra_article_paragraph_count(const nashra_article *a)
{
    return a->paragraphs.count;
}

const char *nashra_article_paragraph(const nashra_article *a, size_t index)
{
    return index < a->paragraphs.count ? a->paragraphs.items[index] : NULL;
}
