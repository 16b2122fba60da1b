/* Tests of sentence segmentation: tests/data/segment.tsv, and breath splitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/strlist.h"
#include "segment/segment.h"
#include "table.h"

static void segment_table(void **state)
{
    (void)state;
    table t;
    table_load(&t, "segment.tsv");
    size_t failures = 0;
    for (size_t i = 0; i < t.count; i++) {
        table_row *r = &t.rows[i];
        strlist out = STRLIST_INIT;
        nashra_error err = {0};
        assert_int_equal(segment_text(r->field[0], &out, &err), NASHRA_OK);
        buf got = BUF_INIT;
        buf_puts(&got, "");
        for (size_t k = 0; k < out.count; k++) {
            if (k)
                buf_puts(&got, " || ");
            buf_puts(&got, out.items[k]);
        }
        if (strcmp(got.data, r->field[1]) != 0) {
            printf("segment.tsv:%zu:\n  expected '%s'\n  got      '%s'\n", r->line, r->field[1],
                   got.data);
            failures++;
        }
        buf_free(&got);
        strlist_free(&out);
    }
    table_free(&t);
    assert_int_equal(failures, 0);
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    for (size_t i = 0; s[i]; i++)
        n += s[i] != ' ' && (i == 0 || s[i - 1] == ' ');
    return n;
}

/* A 100,000-word run without punctuation comes out in pieces of at most 40 words, in order,
 * with no word lost. */
static void huge_run_on(void **state)
{
    (void)state;
    buf text = BUF_INIT;
    for (int i = 0; i < 100000; i++)
        buf_puts(&text, i ? " كلمة" : "كلمة");
    strlist out = STRLIST_INIT;
    nashra_error err = {0};
    assert_int_equal(segment_text(text.data, &out, &err), NASHRA_OK);
    size_t words = 0;
    for (size_t k = 0; k < out.count; k++) {
        size_t n = count_words(out.items[k]);
        assert_true(n >= 1 && n <= SEGMENT_MAX_WORDS);
        words += n;
    }
    assert_int_equal(words, 100000);
    strlist_free(&out);
    buf_free(&text);
}

static void empty_and_blank(void **state)
{
    (void)state;
    strlist out = STRLIST_INIT;
    nashra_error err = {0};
    assert_int_equal(segment_text("", &out, &err), NASHRA_OK);
    assert_int_equal(segment_text("   \n  ", &out, &err), NASHRA_OK);
    assert_int_equal(out.count, 0);
    assert_int_equal(segment_split_long("a b c", 4, &out, &err), NASHRA_EINVAL);
    strlist_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(segment_table),
        cmocka_unit_test(huge_run_on),
        cmocka_unit_test(empty_and_blank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
