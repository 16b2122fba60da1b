/* End-to-end tests of pronunciation from the command line: --lexicon, --latin,
 * --no-diacritize and normalize --phonemes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e2e.h"
#include "table.h"

char workdir[] = "/tmp/nashra-speech-XXXXXX";

static const char article[] = "زيارة إلى ناغورني قره باغ\n\n"
                              "وصل الوفد إلى ناغورني قره باغ ثم عاد إلى Springfield.\n";

/* A user's lexicon changes what is spoken, also behind a preposition, and wins over the
 * shipped one; without it the Latin word is spelled with Arabic letter names. */
static void user_lexicon(void **state)
{
    (void)state;
    WORK(in, "visit.txt");
    WORK(lex, "mine.tsv");
    write_file(in, article, strlen(article));
    static const char mine[] = "# my names\n"
                               "ناغورني قره باغ\tنَاغُورْنُو قَرَهْ بَاغْ\n"
                               "Springfield\tسْبْرِينْغْفِيلْدْ\n";
    write_file(lex, mine, strlen(mine));
    run_result r = run(NULL, "normalize", in, NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "Springfield"));
    assert_non_null(strstr(r.out, "إِسْ")); /* the letter S */
    result_free(&r);

    r = run(NULL, "normalize", "--no-diacritize", "--lexicon", lex, in, NULL);
    if (r.status != 0)
        fail_msg("%s", r.err);
    /* The user's names, also after a preposition; the words between are the shipped
     * lexicon's business. */
    static const char *const wanted[] = {"إلى نَاغُورْنُو قَرَهْ بَاغْ", "إلى سْبْرِينْغْفِيلْدْ."};
    for (size_t i = 0; i < 2; i++) {
        char *expected = strdup(wanted[i]);
        table_shadda_first(expected);
        if (!strstr(r.out, expected))
            fail_msg("'%s' not in:\n%s", expected, r.out);
        free(expected);
    }
    result_free(&r);

    r = run(NULL, "normalize", "--latin", "english", in, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Springfield"));
    result_free(&r);
}

/* Bad lexicons and options: one line naming the file and line, exit 2. */
static void bad_lexicons(void **state)
{
    (void)state;
    WORK(in, "visit.txt");
    WORK(lex, "bad.tsv");
    write_file(in, article, strlen(article));
    static const char bad[] = "# fine\nلبنان\tلُبْنَانُ\nسوريا\tسوريا\n";
    write_file(lex, bad, strlen(bad));
    char needle[600];
    snprintf(needle, sizeof needle, "%s:3: 'سوريا' has no diacritics", lex);
    expect_failure(run(NULL, "normalize", "--lexicon", lex, in, NULL), 2, needle);
    WORK(out, "visit.wav");
    expect_failure(run(NULL, "bulletin", "-q", "--lexicon", lex, "-o", out, in, NULL), 2,
                   needle);
    expect_failure(run(NULL, "normalize", "--lexicon", "/nonexistent.tsv", in, NULL), 2,
                   "/nonexistent.tsv: cannot open lexicon");
    expect_failure(run(NULL, "normalize", "--latin", "french", in, NULL), 2,
                   "--latin: give arabic or english");
    static const char binary[] = "\x7f" "ELF\x01\x02\x00\x00junk";
    write_file(lex, binary, sizeof binary - 1);
    expect_failure(run(NULL, "normalize", "--lexicon", lex, in, NULL), 2, "bad.tsv");
}

/* --phonemes: each sentence, a tab, espeak-ng's phonemes; a lexicon's [[phonemes]] arrive. */
static void phonemes(void **state)
{
    (void)state;
    WORK(in, "short.txt");
    WORK(lex, "ph.tsv");
    static const char text[] = "قالت غوغل إن 3 وزراء وصلوا\n";
    write_file(in, text, strlen(text));
    static const char mine[] = "غوغل\t[[gu:gl]]\n";
    write_file(lex, mine, strlen(mine));
    run_result r = run(NULL, "normalize", "--phonemes", "--lexicon", lex, in, NULL);
    if (r.status != 0)
        fail_msg("%s", r.err);
    char *tab = strchr(r.out, '\t');
    assert_non_null(tab);
    assert_non_null(strstr(tab, "gu:gl"));
    assert_non_null(strstr(tab, "T"));    /* ثلاثة: espeak's th */
    assert_null(strchr(r.out, '3'));
    assert_int_equal(r.out[strlen(r.out) - 1], '\n');
    result_free(&r);
    expect_failure(run(NULL, "normalize", "--phonemes", "--voice", "xx+nonesuch", in, NULL), 2,
                   "nonesuch");
}

/* The diacritizer vowels the words the text left bare; --no-diacritize leaves them to
 * espeak-ng, and --plain still prints no marks. */
static void diacritizer(void **state)
{
    (void)state;
    WORK(in, "plan.txt");
    WORK(out, "plan.wav");
    static const char text[] = "خطة جديدة\n\nأعلنت الحكومة عن خطة جديدة لدعم الاقتصاد.\n";
    write_file(in, text, strlen(text));
    run_result r = run(NULL, "normalize", in, NULL);
    assert_int_equal(r.status, 0);
    printf("%s", r.out);
    assert_true(table_count_marks(r.out) >= 25);
    assert_null(strstr(r.out, "الحكومة"));
    assert_null(strstr(r.out, "لدعم الاقتصاد"));
    result_free(&r);

    r = run(NULL, "normalize", "--no-diacritize", in, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "الحكومة"));
    assert_non_null(strstr(r.out, "لدعم الاقتصاد"));
    result_free(&r);

    r = run(NULL, "normalize", "--plain", in, NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(table_count_marks(r.out), 0);
    result_free(&r);

    expect_success(run(NULL, "bulletin", "-q", "--no-cache", "--no-diacritize", "-o", out, in,
                       NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(user_lexicon),
        cmocka_unit_test(bad_lexicons),
        cmocka_unit_test(phonemes),
        cmocka_unit_test(diacritizer),
    };
    return cmocka_run_group_tests(tests, workdir_setup, workdir_teardown);
}
