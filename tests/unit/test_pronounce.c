/* The pronunciation stage: the diacritic rewrite, lexicon files (format, errors, matching
 * behind clitics), Latin words, and espeak-ng's reading of every shipped lexicon entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "pronounce/files.h"
#include "pronounce/pronounce.h"
#include "synth/synth.h"
#include "table.h"

static pron_lexicon *user_lexicon(void)
{
    pron_lexicon *lx = pron_lexicon_create();
    nashra_error err = {0};
    assert_non_null(lx);
    if (pron_lexicon_add_file(lx, table_data_path("lexicon-user.tsv"), &err))
        fail_msg("%s", err.message);
    return lx;
}

static void pronounce_table(void **state)
{
    (void)state;
    table t;
    table_load(&t, "pronounce.tsv");
    pron_lexicon *user = user_lexicon();
    size_t failures = 0;
    for (size_t i = 0; i < t.count; i++) {
        table_row *r = &t.rows[i];
        pron_options o = {.no_diacritize = true};
        if (!strcmp(r->field[2], "strip"))
            o.partial = PRON_PARTIAL_STRIP;
        if (!strcmp(r->field[2], "user"))
            o.user = user;
        buf out = BUF_INIT, espeak = BUF_INIT;
        nashra_error err = {0};
        assert_int_equal(pronounce_sentence(r->field[0], &o, &out, &err), NASHRA_OK);
        if (!strcmp(r->field[2], "espeak")) {
            assert_true(pronounce_espeak(out.data ? out.data : "", out.len, &espeak));
            buf_free(&out);
            out = espeak;
        }
        table_shadda_first(r->field[1]);
        const char *got = out.data ? out.data : "";
        if (strcmp(got, r->field[1]) != 0) {
            printf("pronounce.tsv:%zu: expected '%s', got '%s'\n", r->line, r->field[1], got);
            failures++;
        }
        buf_free(&out);
    }
    pron_lexicon_destroy(user);
    table_free(&t);
    assert_int_equal(failures, 0);
}

/* Each bad lexicon gives its line number and reason. */
static void lexicon_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"# names\n\nلبنان\n", "x.tsv:3: expected SURFACE<TAB>SPELLING"},
        {"لبنان\tلبنان\n", "x.tsv:1: 'لبنان' has no diacritics"},
        {"لبنان\tلبنانُ\n", "x.tsv:1: 'لبنانُ' leaves a letter without a vowel"},
        {"لبنان\tلُبْنَانُ\nلبنان\tلُبْنَانُ\n", "x.tsv:2: 'لبنان' is already given on line 1"},
        {"لبنان\tلُبْنَانُ\tx\n", "x.tsv:1: more than two fields"},
        {"غوغل\t[[gu:gl\n", "x.tsv:1: phonemes must be written [[...]]"},
        {"غوغل\t[[]]\n", "x.tsv:1: phonemes must be written [[...]]"},
        {"غوغل\tgoogle\n", "x.tsv:1: the spelling has a character (U+0067)"},
        {"غو$غل\tغُوغِلْ\n", "x.tsv:1: the surface form has a character (U+0024)"},
        {"غوغل\t   \n", "x.tsv:1: the spelling is empty"},
        {"غوغل\t\xd9\xb0\n", "x.tsv:1: the spelling is empty"},
        {"ok\tأُوكِي\n\xff\xfe\n", "x.tsv:2: invalid UTF-8"},
        {"\xd9\x8e\tأُوكِي\n", "x.tsv:1: the surface form is empty"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pron_lexicon *lx = pron_lexicon_create();
        nashra_error err = {0};
        nashra_status rc = pron_lexicon_add(lx, "x.tsv", cases[i].text, strlen(cases[i].text),
                                            &err);
        if (rc != NASHRA_EINPUT || strncmp(err.message, cases[i].message,
                                           strlen(cases[i].message)))
            fail_msg("case %zu: got %d '%s', expected '%s'", i, rc, err.message,
                     cases[i].message);
        assert_int_equal(pron_lexicon_count(lx), 0);
        pron_lexicon_destroy(lx);
    }
}

/* Comments, blank lines, CRLF, a byte-order mark, marks in the surface, later files winning. */
static void lexicon_format(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBF# a comment\r\n\r\n  # indented comment\r\n"
                               "لُبنان\tلُبْنَانُ\r\n"
                               "ناغورني  قره باغ\tنَاغُورْنِي قَرَهْ بَاغْ   \r\n";
    pron_lexicon *lx = pron_lexicon_create();
    nashra_error err = {0};
    assert_int_equal(pron_lexicon_add(lx, "a.tsv", text, strlen(text), &err), NASHRA_OK);
    assert_int_equal(pron_lexicon_count(lx), 2);
    assert_string_equal(pron_lexicon_lookup(lx, "لبنان"), "لُبْنَانُ");
    assert_string_equal(pron_lexicon_lookup(lx, "ناغورني قره باغ"), "نَاغُورْنِي قَرَهْ بَاغْ");
    assert_null(pron_lexicon_lookup(lx, "ناغورني"));
    /* a second file wins */
    static const char later[] = "لبنان\tلِبْنَانُ\n";
    assert_int_equal(pron_lexicon_add(lx, "b.tsv", later, strlen(later), &err), NASHRA_OK);
    assert_string_equal(pron_lexicon_lookup(lx, "لبنان"), "لِبْنَانُ");
    /* hamza seats of alif are folded */
    static const char hamza[] = "إسرائيل\tإِسْرَائِيلُ\n";
    assert_int_equal(pron_lexicon_add(lx, "c.tsv", hamza, strlen(hamza), &err), NASHRA_OK);
    assert_string_equal(pron_lexicon_lookup(lx, "اسرائيل"), "إِسْرَائِيلُ");
    pron_lexicon_destroy(lx);
    /* a missing file */
    lx = pron_lexicon_create();
    assert_int_equal(pron_lexicon_add_file(lx, "/nonexistent/lexicon.tsv", &err), NASHRA_EINPUT);
    assert_non_null(strstr(err.message, "/nonexistent/lexicon.tsv: cannot open lexicon"));
    pron_lexicon_destroy(lx);
}

static void vowelled_words(void **state)
{
    (void)state;
    static const char *const good[] = {"مُحَمَّدٌ", "الْقَمَرُ", "الشَّمْسُ", "سَطا", "لُصوصٌ",
                                       "وَزيرَةِ", "قَالُوا", "بُوتِين", "مُحَمَّد"};
    static const char *const bad[] = {"الوزيرُ", "مدرّسة", "التِّشيليَّةِ", "وزيرُ"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (!pron_word_vowelled(good[i], strlen(good[i]), NULL))
            fail_msg("'%s' should count as vowelled", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (pron_word_vowelled(bad[i], strlen(bad[i]), NULL))
            fail_msg("'%s' should count as partly vowelled", bad[i]);
}

/* ------------------------------------------------------------------------------------------ */

typedef struct entry_check {
    size_t entries, failures;
    buf ready, phonemes;
} entry_check;

static bool is_vowel_phoneme(const char *p)
{
    while (*p == '\'' || *p == ',')
        p++;
    return *p == 'a' || *p == 'i' || *p == 'u' || *p == 'e' || *p == 'o';
}

/* The short vowels and tanween the spelling writes: espeak must speak at least as many. */
static size_t written_vowels(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (p[0] == 0xD9 && p[1] >= 0x8B && p[1] <= 0x90)
            n++;
        else if (p[0] == 0xD8 && p[1] == 0xA2) /* آ */
            n++;
    return n;
}

static bool check_entry(void *user, const char *words, const char *spelling, const char *file,
                        size_t line)
{
    entry_check *c = user;
    nashra_error err = {0};
    c->entries++;
    buf_clear(&c->ready);
    buf_clear(&c->phonemes);
    if (!strncmp(spelling, "[[", 2)) {
        /* an unknown mnemonic silently drops the rest: all of it must come back */
        assert_int_equal(synth_phonemes(spelling, 0, &c->phonemes, &err), NASHRA_OK);
        size_t len = strlen(spelling) - 4, got = 0;
        for (size_t i = 0; c->phonemes.data && c->phonemes.data[i]; i++)
            got += c->phonemes.data[i] != '\'' && c->phonemes.data[i] != ',';
        if (got < len) {
            printf("%s:%zu: %s: espeak-ng read only '%s' of %s\n", file, line, words,
                   c->phonemes.data ? c->phonemes.data : "", spelling);
            c->failures++;
        }
        return true;
    }
    assert_true(pronounce_rewrite(spelling, strlen(spelling), PRON_PARTIAL_STRIP, &c->ready));
    assert_int_equal(synth_phonemes(c->ready.data, '_', &c->phonemes, &err), NASHRA_OK);
    size_t spoken = 0, words_without = 0;
    const char *p = c->phonemes.data ? c->phonemes.data : "";
    bool word_vowel = false;
    for (const char *q = p;; q++) {
        if (*q == ' ' || !*q) {
            words_without += !word_vowel;
            word_vowel = false;
            if (!*q)
                break;
            continue;
        }
        if ((q == p || q[-1] == '_' || q[-1] == ' ') && is_vowel_phoneme(q)) {
            spoken++;
            word_vowel = true;
        }
    }
    size_t written = written_vowels(c->ready.data);
    if (spoken < written || words_without) {
        printf("%s:%zu: %s: espeak-ng speaks %zu vowels of %zu in '%s': %s\n", file, line, words,
               spoken, written, spelling, p);
        c->failures++;
    }
    return true;
}

/* Every shipped entry is read with a vowel in every syllable: espeak-ng speaks at least the
 * vowels its spelling writes. */
static void shipped_lexicon_spoken(void **state)
{
    (void)state;
    pron_lexicon *lx = pron_lexicon_create();
    for (const lexicon_file *f = nashra_lexicon_files; f->name; f++) {
        nashra_error err = {0};
        if (pron_lexicon_add(lx, f->name, (const char *)f->blob->bytes, f->blob->len, &err))
            fail_msg("%s", err.message);
    }
    assert_non_null(pron_lexicon_shipped(true));
    assert_int_equal(pron_lexicon_count(pron_lexicon_shipped(true)), pron_lexicon_count(lx));
    printf("shipped lexicon: %zu entries\n", pron_lexicon_count(lx));
    synth_params params = {.voice = "ar", .rate = 165, .pitch = 45, .range = 50};
    nashra_error err = {0};
    assert_int_equal(synth_setup(&params, &err), NASHRA_OK);
    entry_check c = {0, 0, BUF_INIT, BUF_INIT};
    pron_lexicon_each(lx, check_entry, &c);
    buf_free(&c.ready);
    buf_free(&c.phonemes);
    pron_lexicon_destroy(lx);
    assert_int_equal(c.entries, pron_lexicon_count(pron_lexicon_shipped(true)));
    assert_int_equal(c.failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pronounce_table),
        cmocka_unit_test(lexicon_errors),
        cmocka_unit_test(lexicon_format),
        cmocka_unit_test(vowelled_words),
        cmocka_unit_test(shipped_lexicon_spoken),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    synth_shutdown();
    return rc;
}
