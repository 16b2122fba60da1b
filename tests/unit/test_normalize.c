/* Table test of Unicode normalization: tests/data/normalize.tsv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "normalize/normalize.h"
#include "table.h"

static void normalize_table(void **state)
{
    (void)state;
    table t;
    table_load(&t, "normalize.tsv");
    size_t failures = 0;
    for (size_t i = 0; i < t.count; i++) {
        table_row *r = &t.rows[i];
        buf out = BUF_INIT;
        nashra_error err = {0};
        assert_int_equal(normalize_text(r->field[0], strlen(r->field[0]), &out, &err), NASHRA_OK);
        const char *got = out.data ? out.data : "";
        if (strcmp(got, r->field[1]) != 0) {
            printf("normalize.tsv:%zu: expected '%s', got '%s'\n", r->line, r->field[1], got);
            failures++;
        }
        buf_free(&out);
    }
    table_free(&t);
    assert_int_equal(failures, 0);
}

static void strip_diacritics(void **state)
{
    (void)state;
    char s[] = "\xD8\xAB\xD9\x8E\xD9\x84\xD9\x8E\xD8\xA7\xD8\xAB\xD9\x8E\xD8\xA9\xD9\x8C"; /* ثَلَاثَةٌ */
    nashra_strip_diacritics(s);
    assert_string_equal(s, "\xD8\xAB\xD9\x84\xD8\xA7\xD8\xAB\xD8\xA9"); /* ثلاثة */
    char ascii[] = "abc 123";
    nashra_strip_diacritics(ascii);
    assert_string_equal(ascii, "abc 123");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalize_table),
        cmocka_unit_test(strip_diacritics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
