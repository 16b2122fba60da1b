/*
 * Throughput of the text front end, stage by stage, on one large article file:
 * normalize (ICU) over the whole text, segment each normalized line, expand each sentence.
 * Usage: bench_text FILE   (prints one line per stage: bytes in, seconds, MB/s)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/strlist.h"
#include "expand/expand.h"
#include "normalize/normalize.h"
#include "segment/segment.h"

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

    report("normalize", len, t1 - t0, norm.len, "bytes out");
    report("segment", norm.len, t2 - t1, sentences.count, "sentences");
    report("expand", sentence_bytes, t3 - t2, spoken_bytes, "bytes out");
    report("total", len, t3 - t0, lines, "lines");
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
