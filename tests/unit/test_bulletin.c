/* Tests of the bulletin stage through the public API: stories, pauses, files, cancellation. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "bulletin/ahead.h"
#include "common/buf.h"
#include "nashra.h"
#include "pronounce/pronounce.h"
#include "table.h"
#include "wav.h"

static nashra_article *article(const char *text)
{
    nashra_article *a = NULL;
    nashra_error err = {0};
    assert_int_equal(nashra_article_parse("t", text, strlen(text), &a, &err), NASHRA_OK);
    return a;
}

static const char story1[] = "عُنْوَانُ الْخَبَرِ الْأَوَّلِ\n\n"
                             "قَالَ الْمُتَحَدِّثُ إِنَّ الِاجْتِمَاعَ انْتَهَى.\n\n"
                             "وَأَضَافَ أَنَّ الْوَفْدَ سَيَعُودُ غَدًا.";
static const char story2[] = "عُنْوَانُ الْخَبَرِ الثَّانِي\n\nوَصَلَ 25 زَائِرًا إِلَى الْمَعْرِضِ.";

static void pauses_where_configured(void **state)
{
    (void)state;
    char path[] = "/tmp/nashra-bulletin-XXXXXX.wav";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);

    nashra_config cfg;
    nashra_config_init(&cfg);
    cfg.headline_pause_ms = 1200;
    cfg.paragraph_pause_ms = 700;
    cfg.sentence_pause_ms = 300;
    cfg.story_pause_ms = 2500;
    cfg.profile = NASHRA_PROFILE_RAW; /* the synthesizer's samples, untouched */
    cfg.sidecars = 0;
    nashra_error err = {0};
    nashra_bulletin *b = NULL;
    assert_int_equal(nashra_bulletin_create(&cfg, path, &b, &err), NASHRA_OK);
    nashra_article *a1 = article(story1), *a2 = article(story2);
    assert_int_equal(nashra_bulletin_add(b, a1, &err), NASHRA_OK);
    assert_int_equal(nashra_bulletin_add(b, a2, &err), NASHRA_OK);
    nashra_bulletin_info info;
    assert_int_equal(nashra_bulletin_finish(b, &info, &err), NASHRA_OK);
    nashra_bulletin_destroy(b);
    assert_int_equal(info.stories, 2);
    assert_int_equal(info.sentences, 5);
    assert_int_equal(info.sample_rate, 22050);

    wav_facts f;
    wav_read_facts(path, 100, 250, &f);
    assert_int_equal(f.frames, info.frames);
    assert_true(f.seconds > 5 && f.seconds < 30);
    /* Trimmed clips keep 15 ms of their own edges, so a pause measures up to ~30 ms more. */
    assert_int_equal(wav_silences_at_least(&f, 2450), 1);     /* the story break */
    assert_int_equal(wav_silences_at_least(&f, 1150), 3);     /* + two headline pauses */
    assert_true(wav_silences_at_least(&f, 650) >= 4);         /* + the paragraph break */
    unlink(path);
    nashra_article_destroy(a1);
    nashra_article_destroy(a2);
}

static const char story3[] = "عُنْوَانُ الْخَبَرِ الثَّالِثِ\n\n"
                             "ارْتَفَعَتْ دَرَجَاتُ الْحَرَارَةِ الْيَوْمَ فِي مُعْظَمِ الْمُدُنِ، "
                             "وَتَوَقَّعَتِ الْأَرْصَادُ أَنْ تَسْتَمِرَّ الْمَوْجَةُ حَتَّى نِهَايَةِ "
                             "الْأُسْبُوعِ.";

/* Each sentence's length in samples, in order, from a bulletin's JSON sidecar; returns how
 * many (at most max). */
static size_t sentence_lengths(const char *json_path, long long *len, size_t max)
{
    json_error_t e;
    json_t *root = json_load_file(json_path, 0, &e);
    assert_non_null(root);
    size_t n = 0, i, k;
    json_t *story, *sentence;
    json_array_foreach(json_object_get(root, "stories"), i, story)
        json_array_foreach(json_object_get(story, "sentences"), k, sentence) {
            assert_true(n < max);
            len[n++] = json_integer_value(json_object_get(sentence, "end_sample")) -
                       json_integer_value(json_object_get(sentence, "start_sample"));
        }
    json_decref(root);
    return n;
}

/* One bulletin of the three stories and a line of text, with two jobs, told which story comes
 * next (hints), or with one job and none: each sentence's length in samples. The hints are
 * right for the first two stories, wrong before the text (a story that never comes next) and
 * before the first story read again (another one), and absent for the last. */
static size_t build_with_hints(int jobs, const char *path, const char *json, long long *len,
                               size_t max)
{
    nashra_config cfg;
    nashra_config_init(&cfg);
    cfg.profile = NASHRA_PROFILE_RAW;
    cfg.jobs = jobs;
    cfg.no_cache = 1; /* every sentence synthesized, by the workers when there are two */
    nashra_error err = {0};
    nashra_bulletin *b = NULL;
    assert_int_equal(nashra_bulletin_create(&cfg, path, &b, &err), NASHRA_OK);
    nashra_article *a1 = article(story1), *a2 = article(story2), *a3 = article(story3);
    const bool hints = jobs > 1;
    if (hints)
        nashra_bulletin_next(b, a2, NULL);
    assert_int_equal(nashra_bulletin_add(b, a1, &err), NASHRA_OK);
    if (hints)
        nashra_bulletin_next(b, a3, NULL);
    assert_int_equal(nashra_bulletin_add(b, a2, &err), NASHRA_OK);
    if (hints)
        nashra_bulletin_next(b, a2, NULL);
    assert_int_equal(nashra_bulletin_say(b, "text", "وَإِلَى الْأَخْبَارِ الْأُخْرَى.", &err),
                     NASHRA_OK);
    assert_int_equal(nashra_bulletin_add(b, a1, &err), NASHRA_OK);
    assert_int_equal(nashra_bulletin_add(b, a3, &err), NASHRA_OK);
    nashra_bulletin_info info;
    assert_int_equal(nashra_bulletin_finish(b, &info, &err), NASHRA_OK);
    nashra_bulletin_destroy(b);
    nashra_article_destroy(a1);
    nashra_article_destroy(a2);
    nashra_article_destroy(a3);
    assert_int_equal(info.segments, 5);
    return sentence_lengths(json, len, max);
}

/* Stories read ahead of their turn by the workers, or dropped when something else comes: the
 * same sentences in the same order, each as long as with one job and no hints (within 1.5%
 * and a few milliseconds of trimming: espeak-ng's output drifts with what it said before). */
static void next_story_hints(void **state)
{
    (void)state;
    char dir[] = "/tmp/nashra-hints-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *names[] = {"one.wav", "one.json", "one.srt", "one.vtt", "two.wav", "two.json",
                           "two.srt", "two.vtt"};
    char paths[8][256];
    for (size_t i = 0; i < 8; i++)
        snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
    long long one[64], two[64];
    size_t n1 = build_with_hints(1, paths[0], paths[1], one, 64);
    size_t n2 = build_with_hints(2, paths[4], paths[5], two, 64);
    assert_int_equal(n1, 11);
    assert_int_equal(n1, n2);
    for (size_t i = 0; i < n1; i++)
        if (llabs(one[i] - two[i]) > 0.015 * (double)one[i] + 0.025 * 22050)
            fail_msg("sentence %zu: %lld samples with one job, %lld with two", i + 1, one[i],
                     two[i]);
    for (size_t i = 0; i < 8; i++)
        unlink(paths[i]);
    assert_int_equal(rmdir(dir), 0);
}

static int stop_after_first(void *user, nashra_part part, size_t paragraph, const char *text)
{
    (void)part;
    (void)paragraph;
    (void)text;
    ++*(int *)user;
    return 1;
}

static void sentences_callback(void **state)
{
    (void)state;
    nashra_article *a = article(story1);
    int calls = 0;
    nashra_error err = {0};
    assert_int_equal(nashra_article_sentences(a, stop_after_first, &calls, &err), NASHRA_OK);
    assert_int_equal(calls, 1);
    assert_int_equal(nashra_article_sentences(a, NULL, NULL, &err), NASHRA_EINVAL);
    nashra_article_destroy(a);
}

static void config_checks(void **state)
{
    (void)state;
    nashra_config cfg;
    nashra_error err = {0};
    nashra_config_init(&cfg);
    assert_int_equal(nashra_config_check(&cfg, &err), NASHRA_OK);
    cfg.rate = 1000;
    assert_int_equal(nashra_config_check(&cfg, &err), NASHRA_EINVAL);
    assert_non_null(strstr(err.message, "rate"));
    nashra_config_init(&cfg);
    cfg.story_pause_ms = -1;
    assert_int_equal(nashra_config_check(&cfg, &err), NASHRA_EINVAL);
    assert_non_null(strstr(err.message, "story pause"));
    nashra_config_init(&cfg);
    cfg.voice = "ar;rm -rf";
    assert_int_equal(nashra_config_check(&cfg, &err), NASHRA_EINVAL);
}

static void cancel_leaves_nothing(void **state)
{
    (void)state;
    char path[] = "/tmp/nashra-cancel-XXXXXX";
    assert_non_null(mkdtemp(path));
    char out[256];
    snprintf(out, sizeof out, "%s/b.wav", path);
    static volatile sig_atomic_t flag = 1;
    nashra_config cfg;
    nashra_config_init(&cfg);
    cfg.cancel = &flag;
    nashra_error err = {0};
    nashra_bulletin *b = NULL;
    assert_int_equal(nashra_bulletin_create(&cfg, out, &b, &err), NASHRA_OK);
    nashra_article *a = article(story1);
    assert_int_equal(nashra_bulletin_add(b, a, &err), NASHRA_ECANCELED);
    /* Nothing was added: finishing refuses an empty bulletin. */
    assert_int_equal(nashra_bulletin_finish(b, NULL, &err), NASHRA_EINPUT);
    nashra_bulletin_destroy(b);
    nashra_article_destroy(a);
    assert_int_equal(rmdir(path), 0); /* empty: no output, no temporary file */
}

/* The pronunciation thread gives what pronouncing in line gives, sentence for sentence, skips
 * what it is told to skip, and stops cleanly with sentences not yet taken. */
static bool skip_every_third(void *ctx, size_t i)
{
    (void)ctx;
    return i % 3 == 2;
}

static void pronounced_ahead_as_in_line(void **state)
{
    (void)state;
    table t;
    table_load(&t, "pronounce.tsv");
    assert_true(t.count > 2 * AHEAD_SENTENCES); /* enough to wrap the ring */
    const char **texts = calloc(t.count, sizeof *texts);
    assert_non_null(texts);
    for (size_t i = 0; i < t.count; i++)
        texts[i] = t.rows[i].field[0];
    const pron_options opts = {0}; /* the diacritizer on, as bulletins have it */
    nashra_error err = {0};
    pron_ahead *a = NULL;
    assert_int_equal(pron_ahead_start(texts, t.count, &opts, skip_every_third, NULL, &a, &err),
                     NASHRA_OK);
    assert_non_null(a);
    buf got = BUF_INIT, want = BUF_INIT;
    for (size_t i = 0; i < t.count; i++) {
        bool skipped = false;
        assert_int_equal(pron_ahead_take(a, &got, &skipped, &err), NASHRA_OK);
        assert_int_equal(skipped, i % 3 == 2);
        if (skipped) {
            assert_int_equal(got.len, 0);
            continue;
        }
        buf_clear(&want);
        assert_int_equal(pronounce_sentence(texts[i], &opts, &want, &err), NASHRA_OK);
        assert_string_equal(got.data ? got.data : "", want.data ? want.data : "");
    }
    bool skipped;
    assert_int_equal(pron_ahead_take(a, &got, &skipped, &err), NASHRA_EINVAL);
    pron_ahead_stop(a);

    /* Stopped after three: the thread is waiting for room, or still on one. */
    assert_int_equal(pron_ahead_start(texts, t.count, &opts, NULL, NULL, &a, &err), NASHRA_OK);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(pron_ahead_take(a, &got, &skipped, &err), NASHRA_OK);
    pron_ahead_stop(a);
    pron_ahead_stop(NULL);
    buf_free(&got);
    buf_free(&want);
    free(texts);
    table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pauses_where_configured),
        cmocka_unit_test(sentences_callback),
        cmocka_unit_test(config_checks),
        cmocka_unit_test(cancel_leaves_nothing),
        cmocka_unit_test(pronounced_ahead_as_in_line),
        cmocka_unit_test(next_story_hints),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    nashra_shutdown();
    return rc;
}
