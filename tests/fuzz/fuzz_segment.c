/*
 * Fuzz target for normalization and sentence segmentation: valid UTF-8 is normalized, then each
 * line segmented. Every sentence must be valid UTF-8, one line, trimmed and not empty, no
 * longer than SEGMENT_MAX_WORDS words after breath splitting, and no letter may be lost: the
 * sentences hold the line's letters and digits in order.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/strlist.h"
#include "common/utf8.h"
#include "fuzz.h"
#include "normalize/normalize.h"
#include "segment/segment.h"

/* Appends the letters and digits of s (anything that is not space, punctuation or a mark). */
static void alnum(const char *s, buf *out)
{
    size_t len = strlen(s);
    for (size_t i = 0, n; i < len; i += n) {
        unsigned cp = utf8_decode(s + i, len - i, &n);
        if (arabic_is_letter(cp) || (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
            (cp >= 'A' && cp <= 'Z'))
            buf_append(out, s + i, n);
    }
}

static size_t words(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p != ' ' && (p == s || p[-1] == ' ');
    return n;
}

static void check_line(const char *line, const char *input)
{
    strlist sentences = STRLIST_INIT;
    nashra_error err = {0};
    if (segment_text(line, &sentences, &err) != NASHRA_OK) {
        strlist_free(&sentences);
        return;
    }
    buf want = BUF_INIT, got = BUF_INIT;
    alnum(line, &want);
    for (size_t i = 0; i < sentences.count; i++) {
        const char *s = sentences.items[i];
        size_t len = strlen(s);
        if (!utf8_valid(s, len, NULL))
            fuzz_fail("a sentence is not valid UTF-8", input, s);
        if (!len || strchr(s, '\n') || s[0] == ' ' || s[len - 1] == ' ')
            fuzz_fail("a sentence is empty, untrimmed or on two lines", input, s);
        if (words(s) > SEGMENT_MAX_WORDS)
            fuzz_fail("a sentence is longer than a breath", input, s);
        alnum(s, &got);
    }
    if (want.len != got.len || (want.len && memcmp(want.data, got.data, want.len)))
        fuzz_fail("segmentation lost or reordered text", input, got.data ? got.data : "");
    buf_free(&want);
    buf_free(&got);
    strlist_free(&sentences);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    if (size > 8192 || !utf8_valid(text, size, NULL) || memchr(text, '\0', size))
        return 0;
    buf norm = BUF_INIT;
    nashra_error err = {0};
    char *input = fuzz_copy(data, size);
    if (normalize_text(text, size, &norm, &err) == NASHRA_OK && norm.data) {
        if (!utf8_valid(norm.data, norm.len, NULL))
            fuzz_fail("normalized text is not valid UTF-8", input, norm.data);
        for (char *line = norm.data, *eol; line && *line; line = eol ? eol + 1 : NULL) {
            eol = strchr(line, '\n');
            if (eol)
                *eol = '\0';
            if (*line)
                check_line(line, input);
        }
    }
    buf_free(&norm);
    free(input);
    return 0;
}
