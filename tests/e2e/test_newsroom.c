/* End-to-end tests of rundowns and feeds: nashra bulletin --rundown and --feed, with the clock
 * fixed through NASHRA_NOW. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sndfile.h>

#include "e2e.h"
#include "nashra.h"
#include "table.h"
#include "wav.h"

char workdir[] = "/tmp/nashra-newsroom-XXXXXX";

#define SAMPLES NASHRA_SAMPLES_DIR
#define FEEDS NASHRA_TEST_DATA "/feeds/"

/* The segments of NAME.json: their kinds joined with ',', and the text of the first sentence
 * of segment index (without diacritics) into first. */
static void segments(const char *json_path, char *kinds, size_t cap, size_t index, char *first,
                     size_t first_cap)
{
    json_error_t e;
    json_t *root = json_load_file(json_path, 0, &e);
    if (!root)
        fail_msg("%s: %s", json_path, e.text);
    json_t *stories = json_object_get(root, "stories");
    kinds[0] = '\0';
    for (size_t i = 0; i < json_array_size(stories); i++) {
        json_t *s = json_array_get(stories, i);
        if (i)
            strncat(kinds, ",", cap - strlen(kinds) - 1);
        strncat(kinds, json_string_value(json_object_get(s, "kind")), cap - strlen(kinds) - 1);
        if (i == index && first) {
            json_t *sent = json_array_get(json_object_get(s, "sentences"), 0);
            snprintf(first, first_cap, "%s", json_string_value(json_object_get(sent, "text")));
            nashra_strip_diacritics(first);
        }
    }
    json_decref(root);
}

static void rundown_bulletin(void **state)
{
    (void)state;
    WORK(out, "evening.wav");
    setenv("NASHRA_NOW", "2026-11-24T16:58:00Z", 1);
    run_result r = run(NULL, "bulletin", "--rundown", SAMPLES "/evening.json", "--profile", "raw",
                       "-o", out, NULL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "4 stories, 8 segments"));
    result_free(&r);
    WORK(json, "evening.json");
    char kinds[256], first[2048];
    segments(json, kinds, sizeof kinds, 0, first, sizeof first);
    assert_string_equal(kinds, "greeting,headlines,story,story,text,story,story,outro");
    assert_string_equal(first, "نشرة أخبار الساعة الثامنة مساء، الثلاثاء الرابع والعشرون من "
                               "نوفمبر، الموافق الرابع عشر من جمادى الآخرة عام ألف وأربعمئة "
                               "وثمانية وأربعين للهجرة.");
    /* The slot is the rundown's, in the metadata too. */
    char *text = table_read_file(json, NULL);
    assert_non_null(strstr(text, "\"slot\": \"2026-11-24T20:00\""));
    free(text);
    /* The 1.2 s pause item after the headlines. */
    wav_facts f;
    wav_read_facts(out, 0, 1150, &f);
    assert_true(wav_silences_at_least(&f, 1150) >= 1);
}

/* A second of a 440 Hz tone. */
static void write_tone(const char *path)
{
    SF_INFO info = {.samplerate = 44100, .channels = 2, .format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    assert_non_null(sf);
    static float frames[44100 * 2];
    for (int i = 0; i < 44100; i++)
        frames[2 * i] = frames[2 * i + 1] = 0.3f * (float)__builtin_sin(2 * 3.14159265 * 440 * i / 44100.0);
    assert_int_equal(sf_writef_float(sf, frames, 44100), 44100);
    sf_close(sf);
}

static void rundown_with_audio_and_feed(void **state)
{
    (void)state;
    WORK(tone, "sting.flac");
    write_tone(tone);
    WORK(rundown, "rundown-hourly.json");
    char json[2048];
    snprintf(json, sizeof json,
             "{\"title\": \"موجز\", \"timezone\": \"Asia/Riyadh\", \"items\": [\n"
             "  {\"kind\": \"audio\", \"file\": \"sting.flac\"},\n"
             "  {\"kind\": \"greeting\"},\n"
             "  {\"kind\": \"story\", \"feed\": \"%s/feed.xml\", \"max\": 2},\n"
             "  {\"kind\": \"text\", \"text\": \"والآن إلى النشرة الجوية.\"},\n"
             "  {\"kind\": \"outro\"}]}\n",
             SAMPLES);
    write_file(rundown, json, strlen(json));
    WORK(out, "hourly.wav");
    WORK(seen, "seen.txt");
    setenv("NASHRA_NOW", "2026-11-24T17:10:00Z", 1);
    run_result r = run(NULL, "bulletin", "--rundown", rundown, "--seen", seen, "--profile",
                       "raw", "-o", out, NULL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    result_free(&r);
    WORK(side, "hourly.json");
    char kinds[256], first[2048];
    segments(side, kinds, sizeof kinds, 0, first, sizeof first);
    assert_string_equal(kinds, "greeting,story,story,text,outro");
    /* 17:10 UTC is 20:10 in Riyadh: the slot is the nearest hour. */
    assert_string_equal(first, "نشرة أخبار الساعة الثامنة مساء، الثلاثاء الرابع والعشرون من "
                               "نوفمبر.");
    segments(side, kinds, sizeof kinds, 1, first, sizeof first);
    assert_string_equal(first, "افتتاح معرض الكتاب بمشاركة أربعين دولة");
    /* The greeting starts after the second of the insert. */
    json_error_t e;
    json_t *root = json_load_file(side, 0, &e);
    assert_non_null(root);
    double start = json_real_value(
        json_object_get(json_array_get(json_object_get(root, "stories"), 0), "start_seconds"));
    json_decref(root);
    assert_true(start >= 0.99);

    /* The next hour: the two items read are not read again. */
    setenv("NASHRA_NOW", "2026-11-24T18:00:00Z", 1);
    r = run(NULL, "bulletin", "--rundown", rundown, "--seen", seen, "--profile", "raw", "-f",
            "-o", out, NULL);
    expect_success(r);
    segments(side, kinds, sizeof kinds, 1, first, sizeof first);
    assert_string_equal(kinds, "greeting,story,story,text,outro");
    assert_string_equal(first, "أمطار غزيرة على المناطق الشمالية");
    /* And then nothing is new: a clean failure, the file left as it was. */
    r = run(NULL, "bulletin", "--rundown", rundown, "--seen", seen, "--profile", "raw", "-f",
            "-o", out, NULL);
    expect_failure(r, 2, "no stories to read");
}

static void feed_bulletin(void **state)
{
    (void)state;
    WORK(out, "feed.wav");
    setenv("NASHRA_NOW", "2026-11-24T17:00:00Z", 1);
    /* From standard input, the last four hours, in the feed's order. */
    run_result r = run(SAMPLES "/feed.xml", "bulletin", "--feed", "-", "--since", "4h",
                       "--order", "feed", "--profile", "raw", "-o", out, NULL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "3 stories"));
    result_free(&r);
    WORK(side, "feed.json");
    char kinds[256], first[2048];
    segments(side, kinds, sizeof kinds, 2, first, sizeof first);
    assert_string_equal(kinds, "story,story,story");
    assert_string_equal(first, "أمطار غزيرة على المناطق الشمالية");
    /* An article before the feed's items, and --max-stories. */
    r = run(NULL, "bulletin", "--feed", SAMPLES "/feed.xml", "--max-stories", "1", "--profile",
            "raw", "-f", "-o", out, SAMPLES "/04-weather.txt", NULL);
    expect_success(r);
    segments(side, kinds, sizeof kinds, 1, first, sizeof first);
    assert_string_equal(kinds, "story,story");
    assert_string_equal(first, "افتتاح معرض الكتاب بمشاركة أربعين دولة");
}

static void bad_rundowns_and_feeds(void **state)
{
    (void)state;
    WORK(out, "bad.wav");
    WORK(rundown, "bad.json");
    const char *bad = "{\"items\": [\n  {\"kind\": \"story\", \"file\": \"nowhere.txt\"}]}\n";
    write_file(rundown, bad, strlen(bad));
    expect_failure(run(NULL, "bulletin", "--rundown", rundown, "-o", out, NULL), 2,
                   "bad.json:2:29: ");
    const char *unknown = "{\"items\": [{\"kind\": \"outro\"}],\n \"colour\": 1}";
    write_file(rundown, unknown, strlen(unknown));
    expect_failure(run(NULL, "bulletin", "--rundown", rundown, "-o", out, NULL), 2,
                   "bad.json:2:2: unknown field \"colour\"");
    expect_failure(run(NULL, "bulletin", "--rundown", SAMPLES "/evening.json", "-o", out,
                       SAMPLES "/01-politics.txt", NULL),
                   2, "--rundown names the stories itself");
    expect_failure(run(NULL, "bulletin", "--feed", FEEDS "billion-laughs.xml", "-o", out, NULL),
                   2, "billion-laughs.xml:3:");
    expect_failure(run(NULL, "bulletin", "--feed", FEEDS "xxe-file.xml", "-o", out, NULL), 2,
                   "entity declarations are not accepted");
    expect_failure(run(NULL, "bulletin", "--feed", SAMPLES "/feed.xml", "--since", "2 hours",
                       "-o", out, NULL),
                   2, "--since: '2 hours' is not a duration");
    expect_failure(run(NULL, "bulletin", "--feed", SAMPLES "/feed.xml", "--order", "random",
                       "-o", out, NULL),
                   2, "--order");
    expect_failure(run(NULL, "bulletin", "--rundown", SAMPLES "/evening.json", "--timezone",
                       "Mars/Base", "-o", out, NULL),
                   2, "unknown time zone");
    expect_failure(run(NULL, "bulletin", "--since", "2h", "-o", out, SAMPLES "/01-politics.txt",
                       NULL),
                   2, "apply to --feed and --rundown");
    setenv("NASHRA_NOW", "yesterday", 1);
    expect_failure(run(NULL, "bulletin", "--rundown", SAMPLES "/evening.json", "-o", out, NULL),
                   2, "NASHRA_NOW: bad time");
    unsetenv("NASHRA_NOW");
    assert_int_equal(access(out, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rundown_bulletin),
        cmocka_unit_test(rundown_with_audio_and_feed),
        cmocka_unit_test(feed_bulletin),
        cmocka_unit_test(bad_rundowns_and_feeds),
    };
    return cmocka_run_group_tests(tests, workdir_setup, workdir_teardown);
}
