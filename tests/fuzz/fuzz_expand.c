/*
 * Fuzz target for spoken-form expansion: valid UTF-8 input is normalized and each line is
 * expanded. The spoken form must be valid UTF-8 with no digit and none of % $ / +, and a colon
 * between two digits (a time, a score) must never survive.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/utf8.h"
#include "expand/expand.h"
#include "fuzz.h"
#include "normalize/normalize.h"

static size_t count_colons(const char *s, size_t *between_digits)
{
    size_t n = 0;
    *between_digits = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] != ':')
            continue;
        n++;
        if (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '9')
            (*between_digits)++;
    }
    return n;
}

static void expand_line(const char *line)
{
    buf out = BUF_INIT;
    nashra_error err = {0};
    if (expand_sentence(line, &out, &err) == NASHRA_OK) {
        const char *spoken = out.data ? out.data : "";
        fuzz_check_spoken(spoken, out.len, line);
        size_t in_time, out_time;
        size_t in_colons = count_colons(line, &in_time);
        if (count_colons(spoken, &out_time) > in_colons - in_time)
            fuzz_fail("a colon between digits reached the spoken text", line, spoken);
    }
    buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    if (!utf8_valid(text, size, NULL))
        return 0;
    buf norm = BUF_INIT;
    nashra_error err = {0};
    if (normalize_text(text, size, &norm, &err) == NASHRA_OK && norm.data) {
        if (!utf8_valid(norm.data, norm.len, NULL))
            fuzz_fail("normalized text is not valid UTF-8", NULL, norm.data);
        /* Lines end at '\n' (and at a NUL, which a C string cannot hold). */
        size_t start = 0;
        for (size_t i = 0; i <= norm.len; i++) {
            if (i < norm.len && norm.data[i] != '\n' && norm.data[i] != '\0')
                continue;
            size_t n = i - start;
            char *line = malloc(n + 1);
            if (!line)
                abort();
            memcpy(line, norm.data + start, n);
            line[n] = '\0';
            expand_line(line);
            free(line);
            start = i + 1;
        }
    }
    buf_free(&norm);
    return 0;
}
