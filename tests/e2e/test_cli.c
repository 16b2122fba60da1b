/* End-to-end tests: run the nashra binary as a user would and check what it prints and writes. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "table.h"
#include "wav.h"
#include "e2e.h"

char workdir[] = "/tmp/nashra-e2e-XXXXXX";

/* No temporary bulletin left in the work folder. */
static void assert_no_temporaries(void)
{
    DIR *d = opendir(workdir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp-"))
            fail_msg("temporary file left behind: %s", e->d_name);
    closedir(d);
}

/* Whether text holds needle, whose shadda may be typed after its vowel. */
static void assert_spoken_contains(const char *text, const char *needle)
{
    char *n = strdup(needle);
    table_shadda_first(n);
    if (!strstr(text, n))
        fail_msg("'%s' not found in:\n%s", n, text);
    free(n);
}

static size_t count_words_in_file(const char *path)
{
    char *s = table_read_file(path, NULL);
    size_t n = 0;
    for (size_t i = 0; s[i]; i++)
        n += !strchr(" \n\t", s[i]) && (i == 0 || strchr(" \n\t", s[i - 1]));
    free(s);
    return n;
}

static void help_and_version(void **state)
{
    (void)state;
    run_result r = run(NULL, "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: nashra COMMAND"));
    result_free(&r);
    r = run(NULL, "--version", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "nashra "));
    result_free(&r);
    r = run(NULL, "bulletin", "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "--story-pause"));
    result_free(&r);
    r = run(NULL, "normalize", "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "--plain"));
    result_free(&r);
}

static void usage_errors(void **state)
{
    (void)state;
    WORK(a_wav, "a.wav");
    run_result r = run(NULL, NULL);
    assert_int_equal(r.status, 2);
    result_free(&r);
    expect_failure(run(NULL, "speak", NULL), 2, "unknown command 'speak'");
    expect_failure(run(NULL, "--frobnicate", NULL), 2, "unknown option");
    expect_failure(run(NULL, "bulletin", "x.txt", NULL), 2, "no output file");
    expect_failure(run(NULL, "bulletin", "-o", a_wav, NULL), 2, "no articles");
    expect_failure(run(NULL, "bulletin", "-o", a_wav, "--rate", "fast", "x", NULL), 2,
                   "--rate: 'fast' is not a whole number");
    expect_failure(run(NULL, "bulletin", "-o", a_wav, "--pitch", "101", "x", NULL), 2,
                   "--pitch: 101 is out of range");
    r = run(NULL, "bulletin", "--bogus", NULL);
    assert_int_equal(r.status, 2);
    result_free(&r);
}

static void normalize_seed_article(void **state)
{
    (void)state;
    const char *seed = NASHRA_SHARED_DIR "/seed-article.txt";
    /* The number and lexicon stages' words, with the diacritizer off to see them apart (the
     * diacritizer has tests of its own). */
    run_result r = run(NULL, "normalize", "--no-diacritize", seed, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    for (const char *p = r.out; *p; p++)
        if (*p >= '0' && *p <= '9')
            fail_msg("digit in normalize output:\n%s", r.out);
    /* The headline's names are vowelled from the shipped lexicon (الكرملين, أذربيجان). */
    const char *nl = strchr(r.out, '\n');
    assert_non_null(nl);
    assert_non_null(memmem(r.out, (size_t)(nl - r.out), "\xD9\x92", 2)); /* a sukun */
    assert_null(strstr(r.out, "اقرأ أيضا"));       /* web trailer dropped */
    assert_null(strstr(r.out, "\nدميتري بيسكوف\n")); /* repeated caption dropped */
    assert_spoken_contains(r.out, "وَأَعْلَنَتْ وزارة الدفاع"); /* "و أعلنت" joined */
    assert_spoken_contains(r.out, "سِتَّةِ آلَافٍ وَخَمْسِمِئَةِ قتيل"); /* أكثر من 6500 قتيل */
    assert_spoken_contains(r.out, "السَّابِعَ عَشَرَ مِنْ"); /* 17 نوفمبر */
    /* One sentence per line: 14 sentences. */
    size_t lines = 0;
    for (const char *p = r.out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 14);
    result_free(&r);

    r = run(NULL, "normalize", "--plain", seed, NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "\xD9\x8E")); /* no fatha */
    assert_non_null(strstr(r.out, "ستة آلاف وخمسمئة قتيل"));
    /* The headline, with its stray space before » removed, is the first line. */
    assert_memory_equal(r.out, "الكرملين: تجدد القتال بين أذربيجان وأرمينيا «مثير للقلق»\n",
                        strlen("الكرملين: تجدد القتال بين أذربيجان وأرمينيا «مثير للقلق»\n"));
    result_free(&r);

    /* Standard input gives the same text. */
    run_result s = run(seed, "normalize", "-", NULL);
    run_result t = run(seed, "normalize", NULL);
    r = run(NULL, "normalize", seed, NULL);
    assert_string_equal(s.out, r.out);
    assert_string_equal(t.out, r.out);
    result_free(&r);
    result_free(&s);
    result_free(&t);
}

/* Short vowels and tanween in s (U+064B..U+0650). */
static size_t vowel_marks(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; p[0] && p[1]; p++)
        n += p[0] == 0xD9 && p[1] >= 0x8B && p[1] <= 0x90;
    return n;
}

/* --pausal-endings: the same words, some of their case endings read with sukun in place of a
 * vowel, so fewer vowels in all. */
static void pausal_endings_option(void **state)
{
    (void)state;
    const char *seed = NASHRA_SHARED_DIR "/seed-article.txt";
    run_result a = run(NULL, "normalize", seed, NULL);
    run_result b = run(NULL, "normalize", "--pausal-endings", seed, NULL);
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    char *bare_a = strdup(a.out), *bare_b = strdup(b.out);
    assert_non_null(bare_a);
    assert_non_null(bare_b);
    table_strip_marks(bare_a);
    table_strip_marks(bare_b);
    assert_string_equal(bare_a, bare_b);
    assert_true(vowel_marks(b.out) < vowel_marks(a.out));
    assert_true(vowel_marks(b.out) > vowel_marks(a.out) * 3 / 4); /* endings only */
    free(bare_a);
    free(bare_b);
    result_free(&a);
    result_free(&b);
}

static void bulletin_of_seed_article(void **state)
{
    (void)state;
    const char *seed = NASHRA_SHARED_DIR "/seed-article.txt";
    WORK(out, "seed.wav");
    run_result r = run(NULL, "bulletin", "--profile", "raw", "-o", out, seed, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, out));
    assert_non_null(strstr(r.out, "1 story"));
    result_free(&r);
    wav_facts f;
    wav_read_facts(out, 100, 300, &f);
    assert_int_equal(f.rate, 22050);
    assert_int_equal(f.channels, 1);
    assert_int_equal(f.format, 0x010002); /* WAV, 16-bit PCM */
    size_t words = count_words_in_file(seed);
    double per_word = f.seconds / (double)words;
    if (per_word < 0.3 || per_word > 1.2)
        fail_msg("%.1f s for %zu words", f.seconds, words);
    /* The headline pause (800 ms by default) is there. */
    assert_true(wav_silences_at_least(&f, 780) >= 1);
    assert_no_temporaries();
    unlink(out);
}

static void bulletin_of_samples(void **state)
{
    (void)state;
    WORK(out, "samples.wav");
    run_result r = run(NULL, "bulletin", "--profile", "raw", "--story-pause", "3000",
                       "--headline-pause", "1000", "-o", out, NASHRA_SAMPLES_DIR, NULL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    result_free(&r);

    size_t articles = 0, words = 0;
    DIR *d = opendir(NASHRA_SAMPLES_DIR);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", NASHRA_SAMPLES_DIR, e->d_name);
            words += count_words_in_file(path);
            articles++;
        }
    }
    closedir(d);
    assert_true(articles >= 6);

    wav_facts f;
    wav_read_facts(out, 100, 300, &f);
    assert_int_equal(f.rate, 22050);
    double per_word = f.seconds / (double)words;
    if (per_word < 0.3 || per_word > 1.5)
        fail_msg("%.1f s for %zu words", f.seconds, words);
    /* One story pause between each pair of stories, and a headline pause in each story. */
    assert_int_equal(wav_silences_at_least(&f, 2950), articles - 1);
    assert_true(wav_silences_at_least(&f, 980) >= 2 * articles - 1);
    unlink(out);
}

static void bad_input(void **state)
{
    (void)state;
    WORK(out, "bad.wav");
    WORK(missing, "missing.txt");
    WORK(latin1, "latin1.txt");
    WORK(junk, "junk.bin");
    WORK(nul, "nul.txt");
    WORK(empty, "empty.txt");
    WORK(emptydir, "emptydir");
    expect_failure(run(NULL, "bulletin", "-o", out, missing, NULL), 2,
                   "missing.txt: cannot open");
    write_file(latin1, "caf\xE9\n", 5);
    expect_failure(run(NULL, "bulletin", "-o", out, latin1, NULL), 2,
                   "latin1.txt: invalid UTF-8 at byte offset 3");
    write_file(junk, "\x7F" "ELF\x02\x01\x01\0\0\0", 10);
    expect_failure(run(NULL, "normalize", junk, NULL), 2, "junk.bin: control byte");
    write_file(nul, "abc\0def", 7);
    expect_failure(run(NULL, "normalize", nul, NULL), 2, "NUL byte at byte offset 3");
    write_file(empty, "", 0);
    expect_failure(run(NULL, "bulletin", "-o", out, empty, NULL), 2,
                   "empty.txt: article is empty");
    mkdir(emptydir, 0700);
    expect_failure(run(NULL, "bulletin", "-o", out, emptydir, NULL), 2,
                   "no .txt articles in directory");
    expect_failure(run(NULL, "bulletin", "-o", out, "-", "-", NULL), 2, "only once");
    expect_failure(run(NULL, "bulletin", "-v", "nosuchvoice", "-o", out,
                       NASHRA_SHARED_DIR "/seed-article.txt", NULL),
                   2, "unknown voice 'nosuchvoice': neither a voice profile");
    expect_failure(run(NULL, "bulletin", "-v", "ar+zz9", "-o", out,
                       NASHRA_SHARED_DIR "/seed-article.txt", NULL),
                   2, "variant 'zz9'");
    assert_int_equal(access(out, F_OK), -1);
    /* A bad article among good ones fails before anything is written. */
    expect_failure(run(NULL, "bulletin", "-o", out, NASHRA_SHARED_DIR "/seed-article.txt",
                       latin1, NULL),
                   2, "latin1.txt");
    assert_int_equal(access(out, F_OK), -1);
    assert_no_temporaries();
}

static void outputs(void **state)
{
    (void)state;
    WORK(article, "short.txt");
    const char text[] = "عنوان قصير\n\nوصل 3 وزراء إلى القمة.\n";
    write_file(article, text, sizeof text - 1);

    /* An existing file is kept unless --force is given. */
    WORK(out, "exists.wav");
    WORK(nodir, "no/such/dir/out.wav");
    write_file(out, "keep me", 7);
    expect_failure(run(NULL, "bulletin", "-o", out, article, NULL), 2, "exists");
    char *kept = table_read_file(out, NULL);
    assert_string_equal(kept, "keep me");
    free(kept);
    run_result r = run(NULL, "bulletin", "-q", "-f", "-o", out, article, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, ""); /* quiet */
    result_free(&r);
    wav_facts f;
    wav_read_facts(out, 100, 300, &f);
    assert_true(f.seconds > 1);

    expect_failure(run(NULL, "bulletin", "-o", workdir, article, NULL), 2, "is a directory");
    expect_failure(run(NULL, "bulletin", "-o", nodir, article, NULL), 1,
                   "cannot create output");

    /* Standard input as an article. */
    WORK(from_stdin, "stdin.wav");
    r = run(article, "bulletin", "-o", from_stdin, "-", NULL);
    assert_int_equal(r.status, 0);
    result_free(&r);
    wav_read_facts(from_stdin, 100, 300, &f);
    assert_true(f.seconds > 1);
    assert_no_temporaries();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(usage_errors),
        cmocka_unit_test(normalize_seed_article), cmocka_unit_test(pausal_endings_option),
        cmocka_unit_test(bulletin_of_seed_article),
        cmocka_unit_test(bulletin_of_samples),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(outputs),
    };
    return cmocka_run_group_tests(tests, workdir_setup, workdir_teardown);
}
