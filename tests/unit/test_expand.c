/* Tests of spoken-form expansion: tests/data/expand.tsv, and the no-digit guarantee. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "expand/expand.h"
#include "table.h"

static void expand_table(void **state)
{
    (void)state;
    table t;
    table_load(&t, "expand.tsv");
    size_t failures = 0;
    for (size_t i = 0; i < t.count; i++) {
        table_row *r = &t.rows[i];
        buf out = BUF_INIT;
        nashra_error err = {0};
        assert_int_equal(expand_sentence(r->field[0], &out, &err), NASHRA_OK);
        table_shadda_first(r->field[1]);
        const char *got = out.data ? out.data : "";
        if (strcmp(got, r->field[1]) != 0) {
            printf("expand.tsv:%zu:\n  expected '%s'\n  got      '%s'\n", r->line, r->field[1],
                   got);
            failures++;
        }
        buf_free(&out);
    }
    table_free(&t);
    assert_int_equal(failures, 0);
}

static void assert_spoken(const char *in)
{
    buf out = BUF_INIT;
    nashra_error err = {0};
    assert_int_equal(expand_sentence(in, &out, &err), NASHRA_OK);
    const char *s = out.data ? out.data : "";
    for (const char *p = s; *p; p++)
        if ((*p >= '0' && *p <= '9') || strchr("%/\\+$", *p))
            fail_msg("'%s' left '%c' in '%s'", in, *p, s);
    buf_free(&out);
}

/* Whatever the input, no digit or symbol that espeak-ng misreads reaches it. */
static void nothing_unspoken(void **state)
{
    (void)state;
    const char *inputs[] = {
        "2-1", "الساعة 10:30", "17/11/2021", "1+1=2", "%", "100%%", "3.14.15", "1,2,3,4",
        "1,000,000,000,000,000,000", "99999999999999999999999999999999999999999999999999999999999",
        "-", "--5", "5-", "$100", "٪", ",5", ".5", "5.", "1.2.3", "12,34", "0.000", "a1b2c3",
        "2020-2021", "1/2", "+5",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        assert_spoken(inputs[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(expand_table),
        cmocka_unit_test(nothing_unspoken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
