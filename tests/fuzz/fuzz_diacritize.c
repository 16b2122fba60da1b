/*
 * Fuzz target for the diacritizer: any valid UTF-8 sentence (with or without marks, inline
 * phonemes, Latin, digits, endless words) is diacritized with and without pausal endings. The
 * output must be valid UTF-8 and, marks removed, the input's text exactly: the stage only ever
 * adds marks, and keeps every mark it was given. Inputs stop at 2,700 bytes, room for four of
 * the diacritizer's pieces of 300 characters (regressions/diacritize/pieces-without-spaces
 * needs 2,602): longer ones only repeat them, and the forward pass is slow under the
 * sanitizers (about a millisecond a character).
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/utf8.h"
#include "diacritize/diacritize.h"
#include "fuzz.h"

/* s without its Arabic marks. */
static void strip(const char *s, size_t len, buf *out)
{
    for (size_t i = 0, n; i < len; i += n)
        if (!arabic_is_mark(utf8_decode(s + i, len - i, &n)))
            buf_append(out, s + i, n);
}

static size_t count_marks(const char *s, size_t len)
{
    size_t k = 0;
    for (size_t i = 0, n; i < len; i += n)
        k += arabic_is_mark(utf8_decode(s + i, len - i, &n));
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    if (size > 2700 || !utf8_valid(text, size, NULL) || memchr(text, '\0', size))
        return 0;
    const diac_model *m = diac_model_shipped(NULL);
    if (!m)
        abort();
    char *input = fuzz_copy(data, size);
    for (int pass = 0; pass < 2; pass++) {
        diac_options o = {.pausal_below = pass ? 0.9f : 0, .fill_endings = pass};
        buf out = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
        nashra_error err = {0};
        if (diacritize(m, text, size, &o, &out, &err) != NASHRA_OK)
            abort(); /* only memory can run out */
        const char *got = out.data ? out.data : "";
        if (!utf8_valid(got, out.len, NULL))
            fuzz_fail("diacritized text is not valid UTF-8", input, got);
        strip(text, size, &a);
        strip(got, out.len, &b);
        if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len)))
            fuzz_fail("the diacritizer changed more than marks", input, got);
        if (count_marks(got, out.len) < count_marks(text, size))
            fuzz_fail("the diacritizer dropped a given mark", input, got);
        buf_free(&out);
        buf_free(&a);
        buf_free(&b);
    }
    free(input);
    return 0;
}
