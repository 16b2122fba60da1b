/*
 * Throughput of the text front end, stage by stage, on one large article file:
 * normalize (ICU) over the whole text, segment each normalized line, expand each sentence,
 * then the pronunciation stage without the diacritizer; and the diacritizer's own cost, as the
 * pronunciation stage's time with it less without it, over the first sentences (up to
 * DIAC_CHARS characters), in milliseconds per character.
 * Usage: bench_text FILE   (prints one line per stage: bytes in, seconds, MB/s)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/strlist.h"
#include "expand/expand.h"
#include "common/utf8.h"
#include "normalize/normalize.h"
#include "pronounce/pronounce.h"
#include "segment/segment.h"

#define DIAC_CHARS 1000000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    buf b = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (!buf_append(&b, chunk, n)) {
            fclose(f);
            buf_free(&b);
            return NULL;
        }
    fclose(f);
    *len = b.len;
    return b.data ? buf_take(&b) : NULL;
}

/* Seconds for the pronunciation stage over the first n sentences of l, or -1 on failure. */
static double time_pronounce(const strlist *l, size_t n, const pron_options *o, buf *ready,
                             nashra_error *err)
{
    double t = now();
    for (size_t i = 0; i < n; i++) {
        buf_clear(ready);
        if (pronounce_sentence(l->items[i], o, ready, err) != NASHRA_OK)
            return -1;
    }
    return now() - t;
}

static void report(const char *stage, size_t bytes, double seconds, size_t items,
                   const char *unit)
{
    if (seconds <= 0)
        seconds = 1e-9;
    printf("%-10s %10.2f MB in %8.3f s %9.2f MB/s  (%zu %s)\n", stage, (double)bytes / 1e6,
           seconds, (double)bytes / 1e6 / seconds, items, unit);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    size_t len = 0;
    char *text = read_file(argv[1], &len);
    if (!text) {
        fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 1;
    }
    nashra_error err = {0};
    int rc = 1;
    buf norm = BUF_INIT, spoken = BUF_INIT;
    strlist sentences = STRLIST_INIT;

    double t0 = now();
    if (normalize_text(text, len, &norm, &err) != NASHRA_OK || !norm.data)
        goto fail;
    double t1 = now();

    /* One segment call per non-empty line, as the article reader hands out paragraphs. */
    size_t lines = 0;
    for (char *line = norm.data, *eol; *line; line = eol ? eol + 1 : line + strlen(line)) {
        eol = strchr(line, '\n');
        if (eol)
            *eol = '\0';
        if (*line) {
            lines++;
            if (segment_text(line, &sentences, &err) != NASHRA_OK)
                goto fail;
        }
        if (!eol)
            break;
    }
    double t2 = now();

    size_t sentence_bytes = 0, spoken_bytes = 0;
    for (size_t i = 0; i < sentences.count; i++) {
        buf_clear(&spoken);
        sentence_bytes += strlen(sentences.items[i]);
        if (expand_sentence(sentences.items[i], &spoken, &err) != NASHRA_OK)
            goto fail;
        spoken_bytes += spoken.len;
    }
    double t3 = now();

    /* The pronunciation stage over every spoken sentence, without the diacritizer. */
    strlist spoken_all = STRLIST_INIT;
    for (size_t i = 0; i < sentences.count; i++) {
        buf_clear(&spoken);
        if (expand_sentence(sentences.items[i], &spoken, &err) != NASHRA_OK)
            goto fail;
        if (spoken.len && !strlist_push(&spoken_all, spoken.data, spoken.len))
            goto fail;
    }
    buf ready = BUF_INIT;
    pron_options plain = {.no_diacritize = true}, full = {0};
    double pron = time_pronounce(&spoken_all, spoken_all.count, &plain, &ready, &err);
    if (pron < 0)
        goto fail;
    /* The diacritizer's cost over the first sentences: with it less without it. */
    size_t n = 0, chars = 0;
    while (n < spoken_all.count && chars < DIAC_CHARS) {
        const char *s = spoken_all.items[n++];
        for (size_t k = 0, m, l = strlen(s); k < l; k += m)
            chars += !arabic_is_mark(utf8_decode(s + k, l - k, &m));
    }
    double without = n == spoken_all.count
                         ? pron
                         : time_pronounce(&spoken_all, n, &plain, &ready, &err);
    double with = without < 0 ? -1 : time_pronounce(&spoken_all, n, &full, &ready, &err);
    if (with < 0)
        goto fail;
    size_t spoken_count = spoken_all.count;
    buf_free(&ready);
    strlist_free(&spoken_all);

    report("normalize", len, t1 - t0, norm.len, "bytes out");
    report("segment", norm.len, t2 - t1, sentences.count, "sentences");
    report("expand", sentence_bytes, t3 - t2, spoken_bytes, "bytes out");
    report("pronounce", spoken_bytes, pron, spoken_count, "sentences, no diacritizer");
    report("total", len, t3 - t0 + pron, lines, "lines");
    double diac = with - without;
    printf("diacritize %zu characters of %zu sentences: %.3f s, %.4f ms per character, "
           "%.0f characters/s\n",
           chars, n, diac, diac * 1e3 / (double)(chars ? chars : 1),
           (double)chars / (diac > 0 ? diac : 1e-9));
    rc = 0;
fail:
    if (rc)
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
    strlist_free(&sentences);
    buf_free(&spoken);
    buf_free(&norm);
    free(text);
    return rc;
}
