/* End-to-end tests of voice profiles: 'nashra voices', --voice with a profile, a file of the
 * user's and an espeak-ng voice, --headline-voice, and the errors of each. */
#include <dirent.h>
#include <glob.h>
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

#include "e2e.h"
#include "pitch.h"
#include "wav.h"

char workdir[] = "/tmp/nashra-e2e-voices-XXXXXX";

static const char article[] = "الحكومة تعلن خطة جديدة للنقل العام\n\n"
                              "أعلنت الحكومة اليوم عن خطة جديدة لتطوير النقل العام في المدن "
                              "الكبرى.\nوقال الوزير إن الخطة تبدأ في الشهر المقبل.\n";

/* Writes the bulletin of the test article spoken by voice to NAME.wav (raw profile, no
 * sidecars unless json) and returns its facts. */
static void bulletin(const char *name, wav_facts *facts, const char *first, ...)
{
    WORK(in, "article.txt");
    if (access(in, F_OK) != 0)
        write_file(in, article, sizeof article - 1);
    char file[64];
    snprintf(file, sizeof file, "%s.wav", name);
    WORK(out, file);
    const char *args[32] = {"bulletin", "-q", "-f", "--profile", "raw", "-o", out};
    size_t n = 7;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && n < 15; a = va_arg(ap, const char *))
        args[n++] = a;
    va_end(ap);
    args[n++] = in;
    args[n] = NULL;
    run_result r = run(NULL, args[0], args[1], args[2], args[3], args[4], args[5], args[6],
                       n > 7 ? args[7] : NULL, n > 8 ? args[8] : NULL, n > 9 ? args[9] : NULL,
                       n > 10 ? args[10] : NULL, n > 11 ? args[11] : NULL,
                       n > 12 ? args[12] : NULL, n > 13 ? args[13] : NULL,
                       n > 14 ? args[14] : NULL, n > 15 ? args[15] : NULL, NULL);
    expect_success(r);
    wav_read_facts(out, 100, 150, facts);
}

static void lists_profiles(void **state)
{
    (void)state;
    run_result r = run(NULL, "voices", NULL);
    assert_int_equal(r.status, 0);
    const char *names[] = {"anchor-female ", "anchor-male ", "briefing "};
    const char *line = r.out;
    for (size_t i = 0; i < 3; i++) {
        if (strncmp(line, names[i], strlen(names[i])) != 0)
            fail_msg("line %zu: '%.60s'", i + 1, line);
        line = strchr(line, '\n');
        assert_non_null(line);
        line++;
    }
    assert_non_null(strstr(r.out, "ar+nashra-m"));
    assert_non_null(strstr(r.out, "ar+nashra-f"));
    assert_non_null(strstr(r.out, "rate 150"));
    assert_non_null(strstr(r.out, "Calm female news anchor"));
    result_free(&r);

    r = run(NULL, "voices", "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: nashra voices"));
    result_free(&r);
    r = run(NULL, "--help", NULL);
    assert_non_null(strstr(r.out, "voices"));
    result_free(&r);
    r = run(NULL, "bulletin", "--help", NULL);
    assert_non_null(strstr(r.out, "--headline-voice"));
    result_free(&r);
    r = run(NULL, "voices", "--bogus", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "try 'nashra voices --help'"));
    result_free(&r);
}

static void profiles_speak(void **state)
{
    (void)state;
    wav_facts *male = malloc(sizeof *male), *female = malloc(sizeof *female),
              *briefing = malloc(sizeof *briefing), *slow = malloc(sizeof *slow);
    assert_non_null(male);
    assert_non_null(female);
    assert_non_null(briefing);
    assert_non_null(slow);
    bulletin("default", male, NULL);
    bulletin("female", female, "--voice", "anchor-female", NULL);
    bulletin("briefing", briefing, "--voice", "briefing", NULL);
    bulletin("slow", slow, "--voice", "briefing", "--rate", "100", "--sentence-pause", "2000",
             NULL);
    WORK(male_wav, "default.wav");
    WORK(female_wav, "female.wav");
    double male_hz = pitch_of_file(male_wav, 0, -1), female_hz = pitch_of_file(female_wav, 0, -1);
    print_message("anchor-male %.2f s %.1f Hz, anchor-female %.2f s %.1f Hz, briefing %.2f s\n",
                  male->seconds, male_hz, female->seconds, female_hz, briefing->seconds);
    assert_true(female_hz > male_hz * 1.4);
    assert_true(briefing->seconds < male->seconds * 0.85);
    /* Options on the command line win over the profile's rate and pauses. */
    assert_true(slow->seconds > briefing->seconds * 1.4);
    assert_true(wav_silences_at_least(slow, 1900) >= 1);
    assert_true(wav_silences_at_least(briefing, 1900) == 0);
    free(male);
    free(female);
    free(briefing);
    free(slow);

    /* The private data directory went under this test's cache. */
    char pattern[600];
    snprintf(pattern, sizeof pattern, "%s/cache/nashra/espeak-ng-data-*/voices/!v/nashra-f",
             workdir);
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    assert_int_equal(g.gl_pathc, 1);
    globfree(&g);
}

static void own_profile_file(void **state)
{
    (void)state;
    WORK(custom, "custom.voice");
    const char text[] = "# my own voice\ndescription = Fast and high\nvoice = ar\n"
                        "variant = f3\nrate = 300\npitch = 70\n";
    write_file(custom, text, sizeof text - 1);
    run_result r = run(NULL, "voices", custom, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "ar+f3"));
    assert_non_null(strstr(r.out, "rate 300"));
    result_free(&r);

    /* As ./custom.voice, from the work folder. */
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(workdir), 0);
    wav_facts *mine = malloc(sizeof *mine), *male = malloc(sizeof *male);
    assert_non_null(mine);
    assert_non_null(male);
    bulletin("custom", mine, "--voice", "./custom.voice", NULL);
    bulletin("male", male, "--voice", "anchor-male", NULL);
    assert_int_equal(chdir(cwd), 0);
    assert_true(mine->seconds < male->seconds * 0.75);
    free(mine);
    free(male);

    /* A plain espeak-ng voice keeps working. */
    wav_facts *plain = malloc(sizeof *plain);
    assert_non_null(plain);
    bulletin("plain", plain, "--voice", "ar+m3", NULL);
    assert_true(plain->seconds > 2);
    free(plain);
}

static void headline_voice(void **state)
{
    (void)state;
    WORK(out, "headline.wav");
    WORK(in, "article.txt");
    if (access(in, F_OK) != 0)
        write_file(in, article, sizeof article - 1);
    expect_success(run(NULL, "bulletin", "-q", "-f", "--profile", "raw", "--voice",
                       "anchor-male", "--headline-voice", "anchor-female", "-o", out, in, NULL));
    WORK(json_path, "headline.json");
    json_error_t e;
    json_t *j = json_load_file(json_path, 0, &e);
    if (!j)
        fail_msg("%s: %s", json_path, e.text);
    json_t *sentences = json_object_get(json_array_get(json_object_get(j, "stories"), 0),
                                        "sentences");
    assert_true(json_array_size(sentences) >= 3);
    json_t *h = json_array_get(sentences, 0), *b = json_array_get(sentences, 1);
    assert_string_equal(json_string_value(json_object_get(h, "part")), "headline");
    double head_hz = pitch_of_file(out, json_integer_value(json_object_get(h, "start_sample")),
                                   json_integer_value(json_object_get(h, "end_sample")));
    double body_hz = pitch_of_file(out, json_integer_value(json_object_get(b, "start_sample")),
                                   json_integer_value(json_object_get(b, "end_sample")));
    print_message("headline %.1f Hz, body %.1f Hz\n", head_hz, body_hz);
    assert_true(head_hz > body_hz * 1.4);
    json_decref(j);
}

static void voice_errors(void **state)
{
    (void)state;
    WORK(out, "never.wav");
    WORK(in, "article.txt");
    if (access(in, F_OK) != 0)
        write_file(in, article, sizeof article - 1);
    expect_failure(run(NULL, "bulletin", "--voice", "anchor-nobody", "-o", out, in, NULL), 2,
                   "unknown voice 'anchor-nobody': neither a voice profile (anchor-female, "
                   "anchor-male, briefing) nor an espeak-ng voice");
    expect_failure(run(NULL, "bulletin", "--headline-voice", "nobody", "-o", out, in, NULL), 2,
                   "unknown voice 'nobody'");
    expect_failure(run(NULL, "voices", "anchor-nobody", NULL), 2,
                   "unknown voice profile 'anchor-nobody' (known: anchor-female, anchor-male, "
                   "briefing");
    WORK(missing, "missing.voice");
    expect_failure(run(NULL, "bulletin", "--voice", missing, "-o", out, in, NULL), 2,
                   "missing.voice: cannot open voice profile");

    WORK(bad, "bad.voice");
    const char unknown_key[] = "voice = ar\n# speed is not a key\nspeed = 150\n";
    write_file(bad, unknown_key, sizeof unknown_key - 1);
    expect_failure(run(NULL, "bulletin", "--voice", bad, "-o", out, in, NULL), 2,
                   "bad.voice:3: unknown key 'speed'");
    expect_failure(run(NULL, "voices", bad, NULL), 2, "bad.voice:3: unknown key 'speed'");
    const char bad_number[] = "voice = ar\nrate = quick\n";
    write_file(bad, bad_number, sizeof bad_number - 1);
    expect_failure(run(NULL, "bulletin", "--voice", bad, "-o", out, in, NULL), 2,
                   "bad.voice:2: rate: 'quick' is not a whole number");
    const char out_of_range[] = "voice = ar\n\n\npitch = 140\n";
    write_file(bad, out_of_range, sizeof out_of_range - 1);
    expect_failure(run(NULL, "bulletin", "--headline-voice", bad, "-o", out, in, NULL), 2,
                   "bad.voice:4: pitch: 140 is out of range (0 to 100)");
    const char no_voice[] = "description = nothing to say\nrate = 150\n";
    write_file(bad, no_voice, sizeof no_voice - 1);
    expect_failure(run(NULL, "bulletin", "--voice", bad, "-o", out, in, NULL), 2,
                   "bad.voice:2: no 'voice' line");
    const char bad_variant[] = "voice = ar\nvariant = nosuchvariant\n";
    write_file(bad, bad_variant, sizeof bad_variant - 1);
    expect_failure(run(NULL, "bulletin", "--voice", bad, "-o", out, in, NULL), 2,
                   "unknown espeak-ng voice variant 'nosuchvariant'");
    expect_failure(run(NULL, "bulletin", "--range", "101", "-o", out, in, NULL), 2,
                   "--range: 101 is out of range");
    assert_int_equal(access(out, F_OK), -1);
}

static int setup(void **state)
{
    if (workdir_setup(state))
        return -1;
    char cache[600];
    snprintf(cache, sizeof cache, "%s/cache", workdir);
    return setenv("XDG_CACHE_HOME", cache, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_profiles),
        cmocka_unit_test(profiles_speak),
        cmocka_unit_test(own_profile_file),
        cmocka_unit_test(headline_voice),
        cmocka_unit_test(voice_errors),
    };
    return cmocka_run_group_tests(tests, setup, workdir_teardown);
}
