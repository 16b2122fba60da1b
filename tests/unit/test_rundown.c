/* Tests of rundowns (valid ones, and each kind of error with its line:column), the clock and
 * the greeting for fixed times and time zones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nashra.h"
#include "table.h"

static nashra_status parse(const char *json, nashra_rundown **r, nashra_error *err)
{
    return nashra_rundown_parse("r.json", NASHRA_SAMPLES_DIR, json, strlen(json), r, err);
}

static void valid_rundowns(void **state)
{
    (void)state;
    nashra_rundown *r = NULL;
    nashra_error err = {0};
    assert_int_equal(nashra_rundown_read(NASHRA_SAMPLES_DIR "/evening.json", &r, &err),
                     NASHRA_OK);
    assert_int_equal(nashra_rundown_item_count(r), 9);
    assert_string_equal(nashra_rundown_item_kind(r, 0), "greeting");
    assert_string_equal(nashra_rundown_item_kind(r, 8), "outro");
    assert_null(nashra_rundown_item_kind(r, 9));
    assert_string_equal(nashra_rundown_timezone(r), "Asia/Riyadh");
    nashra_config cfg;
    nashra_config_init(&cfg);
    cfg.title = "من سطر الأوامر";
    nashra_rundown_configure(r, &cfg);
    assert_string_equal(cfg.title, "من سطر الأوامر"); /* the command line wins */
    assert_string_equal(cfg.station, "إذاعة نشرة");
    assert_string_equal(cfg.slot, "2026-11-24T20:00");
    assert_int_equal(cfg.profile, NASHRA_PROFILE_BROADCAST);
    nashra_rundown_destroy(r);

    assert_int_equal(nashra_rundown_read(NASHRA_SAMPLES_DIR "/hourly.json", &r, &err),
                     NASHRA_OK);
    nashra_rundown_destroy(r);

    /* Every kind, with an absolute path. */
    const char *all = "{\"items\": [{\"kind\": \"greeting\"}, {\"kind\": \"headlines\"},"
                      "{\"kind\": \"story\", \"file\": \"" NASHRA_SAMPLES_DIR "/01-politics.txt\","
                      " \"voice\": \"ar+f3\", \"pause_before\": 0, \"headline_pause\": 500,"
                      " \"sentence_pause\": 300, \"paragraph_pause\": 700},"
                      "{\"kind\": \"story\", \"feed\": \"feed.xml\", \"max\": 2},"
                      "{\"kind\": \"audio\", \"file\": \"01-politics.txt\"},"
                      "{\"kind\": \"pause\", \"ms\": 0}, {\"kind\": \"text\", \"text\": \"نص\"},"
                      "{\"kind\": \"outro\", \"text\": \"إلى اللقاء\"}]}";
    assert_int_equal(parse(all, &r, &err), NASHRA_OK);
    assert_int_equal(nashra_rundown_item_count(r), 8);
    nashra_rundown_destroy(r);
}

static void invalid_rundowns(void **state)
{
    (void)state;
    static const struct {
        const char *json, *message;
    } cases[] = {
        /* syntax, as Jansson places it */
        {"{\"items\": [\n  {\"kind\": \"text\" \"text\": \"x\"}]}", "r.json:2:"},
        {"", "r.json:1:1: "},
        /* unknown fields: at the key */
        {"{\"items\": [{\"kind\": \"outro\"}],\n  \"color\": \"red\"}",
         "r.json:2:3: unknown field \"color\" in the rundown"},
        {"{\"items\": [\n  {\"kind\": \"pause\", \"ms\": 10, \"extra\": 1}, {\"kind\": \"outro\"}]}",
         "r.json:2:31: unknown field \"extra\" in this kind of item"},
        {"{\"items\": [{\"kind\": \"greeting\", \"file\": \"x\"}]}",
         "r.json:1:33: unknown field \"file\""},
        /* wrong types: at the value */
        {"{\"title\": 5, \"items\": []}", "r.json:1:11: \"title\" must be a string, not an integer"},
        {"{\"items\": {}}", "r.json:1:11: \"items\" must be an array, not an object"},
        {"{\"items\": [\n\n    {\"kind\": \"pause\", \"ms\": \"10\"}]}",
         "r.json:3:29: \"ms\" must be a whole number, not a string"},
        {"{\"items\": [{\"kind\": \"greeting\", \"hijri\": \"yes\"}]}",
         "r.json:1:42: \"hijri\" must be true or false"},
        {"{\"items\": [7]}", "r.json:1:12: an item must be an object"},
        {"[1]", "r.json:1:1: a rundown is a JSON object"},
        /* missing required fields: at the object */
        {"{\"title\": \"t\"}", "r.json:1:1: the rundown has no \"items\""},
        {"{\"items\": [{\"kind\": \"outro\"},\n {\"file\": \"a.txt\"}]}",
         "r.json:2:2: item without \"kind\""},
        {"{\"items\": [{\"kind\": \"text\"}]}", "r.json:1:12: a text item needs \"text\""},
        {"{\"items\": [{\"kind\": \"pause\"}]}", "r.json:1:12: a pause item needs \"ms\""},
        {"{\"items\": [{\"kind\": \"story\"}]}", "needs either \"file\" (an article) or \"feed\""},
        {"{\"items\": []}", "r.json:1:11: \"items\" is empty"},
        /* unknown kinds, bad values */
        {"{\"items\": [{\"kind\": \"weather\"}]}",
         "r.json:1:21: unknown item kind \"weather\""},
        {"{\"profile\": \"loud\", \"items\": [{\"kind\": \"outro\"}]}",
         "r.json:1:13: unknown profile"},
        {"{\"timezone\": \"Mars/Base\", \"items\": [{\"kind\": \"outro\"}]}",
         "r.json:1:14: unknown time zone \"Mars/Base\""},
        {"{\"slot\": \"tomorrow\", \"items\": [{\"kind\": \"outro\"}]}", "r.json:1:10: bad slot"},
        {"{\"items\": [{\"kind\": \"pause\", \"ms\": 70000}]}",
         "\"ms\" must be between 0 and 60000"},
        {"{\"items\": [{\"kind\": \"pause\", \"ms\": 10}]}", "the rundown has nothing to speak"},
        {"{\"items\": [{\"kind\": \"story\", \"file\": \"01-politics.txt\", \"max\": 2}]}",
         "\"max\" applies to a feed story only"},
        {"{\"items\": [{\"kind\": \"story\", \"file\": \"a.txt\", \"voice\": \"a b\"}]}",
         "bad voice name"},
        {"{\"items\": [{\"kind\": \"text\", \"text\": \"\"}]}", "must be non-empty text"},
        /* files that are not there: at the path */
        {"{\"items\": [\n {\"kind\": \"story\", \"file\": \"missing.txt\"}]}",
         "r.json:2:28: " NASHRA_SAMPLES_DIR "/missing.txt: No such file or directory"},
        {"{\"items\": [{\"kind\": \"audio\", \"file\": \"/nonexistent/jingle.wav\"}]}",
         "r.json:1:38: /nonexistent/jingle.wav: No such file or directory"},
        {"{\"items\": [{\"kind\": \"story\", \"feed\": \".\"}]}", "not a regular file"},
        /* duplicate keys */
        {"{\"items\": [{\"kind\": \"outro\"}], \"items\": []}", "r.json:1:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nashra_rundown *r = NULL;
        nashra_error err = {0};
        nashra_status st = parse(cases[i].json, &r, &err);
        if (st != NASHRA_EINPUT || !strstr(err.message, cases[i].message))
            fail_msg("case %zu: status %d, '%s', want '%s'", i, st, err.message,
                     cases[i].message);
        assert_null(r);
    }
    nashra_rundown *r = NULL;
    nashra_error err = {0};
    assert_int_equal(nashra_rundown_read("/nonexistent/r.json", &r, &err), NASHRA_EINPUT);
}

static void times(void **state)
{
    (void)state;
    long long t;
    nashra_error err = {0};
    assert_int_equal(nashra_time_parse("2026-11-24T20:00:00Z", NULL, &t, &err), NASHRA_OK);
    assert_int_equal(t, 1795550400LL);
    assert_int_equal(nashra_time_parse("2026-11-24T20:00", "Asia/Riyadh", &t, &err), NASHRA_OK);
    assert_int_equal(t, 1795539600LL);
    assert_int_equal(nashra_time_parse("2026-11-24T23:30+03:30", NULL, &t, &err), NASHRA_OK);
    assert_int_equal(t, 1795550400LL);
    assert_int_equal(nashra_time_parse("2026-11-24 20:00", "Asia/Riyadh", &t, &err), NASHRA_OK);
    assert_int_equal(nashra_time_parse("2026-11-24", NULL, &t, &err), NASHRA_EINVAL);
    assert_int_equal(nashra_time_parse("2026-11-24T20:00+3", NULL, &t, &err), NASHRA_EINVAL);
    assert_int_equal(nashra_timezone_check("Europe/Paris", &err), NASHRA_OK);
    assert_int_equal(nashra_timezone_check("Nowhere/Town", &err), NASHRA_EINVAL);

    char local[20];
    assert_int_equal(nashra_time_local(1795550400LL, "Asia/Riyadh", local, &err), NASHRA_OK);
    assert_string_equal(local, "2026-11-24T23:00:00");
    /* The nearest hour, in the zone's own hours. */
    long long slot;
    assert_int_equal(nashra_slot_nearest_hour(1795550400LL - 20 * 60, "UTC", &slot, &err),
                     NASHRA_OK);
    assert_int_equal(slot, 1795550400LL);
    assert_int_equal(nashra_slot_nearest_hour(1795550400LL + 29 * 60, "UTC", &slot, &err),
                     NASHRA_OK);
    assert_int_equal(slot, 1795550400LL);
    assert_int_equal(nashra_slot_nearest_hour(1795550400LL + 30 * 60, "UTC", &slot, &err),
                     NASHRA_OK);
    assert_int_equal(slot, 1795550400LL + 3600);
    /* Kolkata is UTC+5:30: its top of the hour is half past in UTC. */
    assert_int_equal(nashra_slot_nearest_hour(1795550400LL, "Asia/Kolkata", &slot, &err),
                     NASHRA_OK);
    assert_int_equal(nashra_time_local(slot, "Asia/Kolkata", local, &err), NASHRA_OK);
    assert_string_equal(local, "2026-11-25T02:00:00");
}

/* The greeting at local time `when` in zone, without diacritics. */
static void expect_greeting(const char *when, const char *zone, int hijri, const char *want)
{
    long long t;
    nashra_error err = {0};
    char *text = NULL;
    assert_int_equal(nashra_time_parse(when, zone, &t, &err), NASHRA_OK);
    if (nashra_greeting_text(t, zone, hijri, &text, &err))
        fail_msg("%s: %s", when, err.message);
    nashra_strip_diacritics(text);
    if (strcmp(text, want) != 0)
        fail_msg("%s %s:\n got '%s'\nwant '%s'", when, zone ? zone : "", text, want);
    free(text);
}

static void greetings(void **state)
{
    (void)state;
    expect_greeting("2026-11-24T20:00", "Asia/Riyadh", 0,
                    "نشرة أخبار الساعة الثامنة مساء، الثلاثاء الرابع والعشرون من نوفمبر.");
    /* The same moment elsewhere. */
    expect_greeting("2026-11-24T17:00Z", "America/New_York", 0,
                    "نشرة أخبار الساعة الثانية عشرة ظهرا، الثلاثاء الرابع والعشرون من نوفمبر.");
    expect_greeting("2026-11-24T17:00Z", "Asia/Tokyo", 0,
                    "نشرة أخبار الساعة الثانية بعد منتصف الليل، الأربعاء الخامس والعشرون من "
                    "نوفمبر.");
    expect_greeting("2026-11-25T00:00", "Africa/Cairo", 0,
                    "نشرة أخبار منتصف الليل، الأربعاء الخامس والعشرون من نوفمبر.");
    expect_greeting("2026-11-24T12:00", "Asia/Riyadh", 0,
                    "نشرة أخبار الساعة الثانية عشرة ظهرا، الثلاثاء الرابع والعشرون من نوفمبر.");
    expect_greeting("2026-11-24T01:00", "Asia/Riyadh", 0,
                    "نشرة أخبار الساعة الواحدة بعد منتصف الليل، الثلاثاء الرابع والعشرون من "
                    "نوفمبر.");
    expect_greeting("2026-11-24T13:00", "Asia/Riyadh", 0,
                    "نشرة أخبار الساعة الواحدة بعد الظهر، الثلاثاء الرابع والعشرون من نوفمبر.");
    expect_greeting("2026-03-01T08:30", "Asia/Dubai", 0,
                    "نشرة أخبار الساعة الثامنة والنصف صباحا، الأحد الأول من مارس.");
    expect_greeting("2026-11-24T19:45", "Asia/Riyadh", 0,
                    "نشرة أخبار الساعة الثامنة إلا ربعا مساء، الثلاثاء الرابع والعشرون من "
                    "نوفمبر.");
    expect_greeting("2026-11-24T08:10", "Asia/Riyadh", 0,
                    "نشرة أخبار الساعة الثامنة وعشر دقائق صباحا، الثلاثاء الرابع والعشرون من "
                    "نوفمبر.");
    /* With the Hijri date (Umm al-Qura). */
    expect_greeting("2026-11-24T20:00", "Asia/Riyadh", 1,
                    "نشرة أخبار الساعة الثامنة مساء، الثلاثاء الرابع والعشرون من نوفمبر، "
                    "الموافق الرابع عشر من جمادى الآخرة عام ألف وأربعمئة وثمانية وأربعين "
                    "للهجرة.");
    expect_greeting("2026-03-01T10:00", "Asia/Riyadh", 1,
                    "نشرة أخبار الساعة العاشرة صباحا، الأحد الأول من مارس، الموافق الثاني عشر "
                    "من رمضان عام ألف وأربعمئة وسبعة وأربعين للهجرة.");

    /* Fully diacritized, shadda before its vowel. */
    long long t;
    nashra_error err = {0};
    char *text = NULL;
    assert_int_equal(nashra_time_parse("2026-11-24T20:00", "Asia/Riyadh", &t, &err), NASHRA_OK);
    assert_int_equal(nashra_greeting_text(t, "Asia/Riyadh", 0, &text, &err), NASHRA_OK);
    char want[] = "نَشْرَةُ أَخْبَارِ السَّاعَةِ الثَّامِنَةِ مَسَاءً، الثُّلَاثَاءْ "
                              "الرَّابِعُ وَالْعِشْرُونَ مِنْ نُوفَمْبَرْ.";
    table_shadda_first(want);
    assert_string_equal(text, want);
    free(text);
    assert_int_equal(nashra_greeting_text(t, "Nowhere/Town", 0, &text, &err), NASHRA_EINVAL);
    assert_null(text);
}

static int count_sentence(void *user, nashra_part part, size_t paragraph, const char *text)
{
    (void)part;
    (void)paragraph;
    size_t *n = user;
    ++*n;
    for (const char *p = text; *p; p++)
        if (*p >= '0' && *p <= '9')
            fail_msg("digit left in '%s'", text);
    return 0;
}

static void spoken_text(void **state)
{
    (void)state;
    size_t n = 0;
    nashra_error err = {0};
    assert_int_equal(nashra_text_sentences("t", "وصل 25 زائرا.\n\nوغادر 3 منهم. ثم عادوا.",
                                           count_sentence, &n, &err),
                     NASHRA_OK);
    assert_int_equal(n, 3);
    assert_int_equal(nashra_text_sentences("t", "bad \x01", count_sentence, &n, &err),
                     NASHRA_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_rundowns), cmocka_unit_test(invalid_rundowns),
        cmocka_unit_test(times),          cmocka_unit_test(greetings),
        cmocka_unit_test(spoken_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
