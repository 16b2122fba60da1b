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
#include "common/data.h"
#include "common/utf8.h"
#include "expand/expand.h"
#include "pronounce/pronounce.h"
#include "synth/synth.h"
#include "table.h"

/* Expands column 1 of every row of a table and compares with column 2: exactly, or with
 * diacritics removed from both (plain). Returns how many rows failed. */
static size_t run_table(const char *name, bool plain, size_t *rows)
{
    table t;
    table_load(&t, name);
    size_t failures = 0;
    for (size_t i = 0; i < t.count; i++) {
        table_row *r = &t.rows[i];
        buf out = BUF_INIT;
        nashra_error err = {0};
        assert_int_equal(expand_sentence(r->field[0], &out, &err), NASHRA_OK);
        char *got = out.data ? out.data : (char *)"";
        if (plain) {
            table_strip_marks(got);
            table_strip_marks(r->field[1]);
        } else {
            table_shadda_first(r->field[1]);
        }
        if (strcmp(got, r->field[1]) != 0) {
            printf("%s:%zu: %s\n  expected '%s'\n  got      '%s'\n", name, r->line,
                   r->field[0], r->field[1], got);
            failures++;
        }
        buf_free(&out);
    }
    *rows = t.count;
    table_free(&t);
    return failures;
}

/* tests/data/expand.tsv: exact output, with the diacritics of the generated words. */
static void expand_table(void **state)
{
    (void)state;
    size_t rows;
    assert_int_equal(run_table("expand.tsv", false, &rows), 0);
}

/* tests/data/spoken.tsv: news sentences and what an anchor reads, compared without
 * diacritics, with a count of passing rows. */
static void spoken_table(void **state)
{
    (void)state;
    size_t rows;
    size_t failures = run_table("spoken.tsv", true, &rows);
    printf("spoken.tsv: %zu of %zu rows read as expected\n", rows - failures, rows);
    assert_true(rows >= 400);
    assert_int_equal(failures, 0);
}

/* tests/data/phonemes.tsv: the diacritized words the stage generates are what espeak-ng
 * reads correctly. Each row: input, expected phonemes of its spoken form as the pronunciation
 * stage hands it to the synthesizer. */
static void phonemes_table(void **state)
{
    (void)state;
    nashra_error err = {0};
    synth_params params = {"ar", 165, 45, 50, 0};
    assert_int_equal(synth_setup(&params, &err), NASHRA_OK);
    table t;
    table_load(&t, "phonemes.tsv");
    size_t failures = 0;
    for (size_t i = 0; i < t.count; i++) {
        table_row *r = &t.rows[i];
        buf spoken = BUF_INIT, ph = BUF_INIT;
        buf ready = BUF_INIT;
        assert_int_equal(expand_sentence(r->field[0], &spoken, &err), NASHRA_OK);
        /* The number stage's words as espeak-ng reads them; the counted noun is left bare. */
        pron_options o = {.no_diacritize = true};
        assert_int_equal(pronounce_sentence(spoken.data ? spoken.data : "", &o, &ready, &err),
                         NASHRA_OK);
        assert_int_equal(synth_phonemes(ready.data ? ready.data : "", 0, &ph, &err), NASHRA_OK);
        buf_free(&ready);
        const char *got = ph.data ? ph.data : "";
        if (strcmp(got, r->field[1]) != 0) {
            printf("phonemes.tsv:%zu: %s -> %s\n  expected '%s'\n  got      '%s'\n", r->line,
                   r->field[0], spoken.data, r->field[1], got);
            failures++;
        }
        buf_free(&spoken);
        buf_free(&ph);
    }
    assert_true(t.count >= 40);
    table_free(&t);
    synth_shutdown();
    assert_int_equal(failures, 0);
}

extern const data_blob nashra_data_number_words, nashra_data_expand_context,
    nashra_data_expand_nouns, nashra_data_expand_units, nashra_data_expand_months,
    nashra_data_expand_abbreviations;

/* Every word table writes shadda before its vowel (espeak-ng drops the vowel otherwise) and
 * is valid UTF-8 with no stray spaces around its fields. */
static void tables_are_espeak_ready(void **state)
{
    (void)state;
    const data_blob *blobs[] = {&nashra_data_number_words, &nashra_data_expand_context,
                                &nashra_data_expand_nouns, &nashra_data_expand_units,
                                &nashra_data_expand_months, &nashra_data_expand_abbreviations};
    for (size_t b = 0; b < sizeof blobs / sizeof blobs[0]; b++) {
        const char *s = (const char *)blobs[b]->bytes;
        size_t len = blobs[b]->len, line = 1;
        assert_true(utf8_valid(s, len, NULL));
        for (size_t i = 0; i + 3 < len; i++) {
            line += s[i] == '\n';
            /* U+064B..U+0650 then U+0651: D9 8B..D9 90, D9 91 */
            if ((unsigned char)s[i] == 0xD9 && (unsigned char)s[i + 1] >= 0x8B &&
                (unsigned char)s[i + 1] <= 0x90 && (unsigned char)s[i + 2] == 0xD9 &&
                (unsigned char)s[i + 3] == 0x91)
                fail_msg("table %zu line %zu: a vowel before its shadda", b, line);
            if ((s[i] == '\t' && s[i + 1] == ' ') || (s[i] == ' ' && s[i + 1] == '\t'))
                fail_msg("table %zu line %zu: a space around a tab", b, line);
        }
    }
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
        cmocka_unit_test(tables_are_espeak_ready),
        cmocka_unit_test(spoken_table),
        cmocka_unit_test(phonemes_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
