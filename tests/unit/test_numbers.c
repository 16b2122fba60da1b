/* Table test of the number grammar: tests/data/numbers.tsv (number, gender, case, words). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "expand/numbers.h"
#include "table.h"

static void check_spelling_rules(const char *words, const char *where)
{
    /* No digit, and never a vowel written before a shadda (espeak-ng then drops it). */
    for (const char *p = words; *p; p++)
        if (*p >= '0' && *p <= '9')
            fail_msg("%s: digit left in '%s'", where, words);
    const unsigned char *u = (const unsigned char *)words;
    for (size_t i = 0; u[i] && u[i + 1] && u[i + 2] && u[i + 3]; i++)
        if (u[i] == 0xD9 && u[i + 1] >= 0x8B && u[i + 1] <= 0x90 && u[i + 2] == 0xD9 &&
            u[i + 3] == 0x91)
            fail_msg("%s: vowel before shadda in '%s'", where, words);
}

static void number_table(void **state)
{
    (void)state;
    table t;
    table_load(&t, "numbers.tsv");
    assert_true(t.count >= 150);
    size_t failures = 0;
    buf out = BUF_INIT;
    for (size_t i = 0; i < t.count; i++) {
        table_row *r = &t.rows[i];
        char where[64];
        snprintf(where, sizeof where, "numbers.tsv:%zu", r->line);
        assert_int_equal(r->nfields, 4);
        uint64_t n = strtoull(r->field[0], NULL, 10);
        num_gender g = strcmp(r->field[1], "f") == 0 ? NUM_FEM : NUM_MASC;
        num_case c = strcmp(r->field[2], "acc") == 0   ? NUM_ACC
                     : strcmp(r->field[2], "gen") == 0 ? NUM_GEN
                                                       : NUM_NOM;
        buf_clear(&out);
        assert_true(numbers_cardinal(&out, n, g, c));
        check_spelling_rules(out.data, where);
        char *expected = r->field[3];
        table_shadda_first(expected);
        if (strcmp(out.data, expected) != 0) {
            char *bare_out = strdup(out.data), *bare_exp = strdup(expected);
            table_strip_marks(bare_out);
            table_strip_marks(bare_exp);
            printf("%s: %s %s %s\n  expected %s\n  got      %s%s\n", where, r->field[0],
                   r->field[1], r->field[2], expected, out.data,
                   strcmp(bare_out, bare_exp) ? "" : "  (same letters, other marks)");
            free(bare_out);
            free(bare_exp);
            failures++;
        }
    }
    printf("numbers.tsv: %zu of %zu rows pass\n", t.count - failures, t.count);
    buf_free(&out);
    table_free(&t);
    assert_int_equal(failures, 0);
}

static void limits(void **state)
{
    (void)state;
    buf out = BUF_INIT;
    assert_true(numbers_cardinal(&out, NUMBERS_MAX, NUM_MASC, NUM_NOM));
    check_spelling_rules(out.data, "max");
    buf_clear(&out);
    assert_false(numbers_cardinal(&out, NUMBERS_MAX + 1, NUM_MASC, NUM_NOM));
    buf_clear(&out);
    assert_true(numbers_digits(&out, "0071", 4));
    /* four words: zero zero seven one */
    size_t spaces = 0;
    for (size_t i = 0; i < out.len; i++)
        spaces += out.data[i] == ' ';
    assert_int_equal(spaces, 3);
    buf_free(&out);
}

/* Every value up to 100000 and a spread of large ones spell without failure or digits. */
static void sweep(void **state)
{
    (void)state;
    buf out = BUF_INIT;
    for (uint64_t n = 0; n <= 100000; n += (n < 2000 ? 1 : 7)) {
        for (int g = 0; g < 2; g++)
            for (int c = 0; c < 3; c++) {
                buf_clear(&out);
                assert_true(numbers_cardinal(&out, n, (num_gender)g, (num_case)c));
                assert_true(out.len > 0);
                check_spelling_rules(out.data, "sweep");
            }
    }
    for (uint64_t n = 1; n < NUMBERS_MAX; n = n * 3 + 17) {
        buf_clear(&out);
        assert_true(numbers_cardinal(&out, n, NUM_MASC, NUM_GEN));
        check_spelling_rules(out.data, "sweep");
    }
    buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(number_table),
        cmocka_unit_test(limits),
        cmocka_unit_test(sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
