/* Tests of voice profiles, nashra's private espeak-ng data directory, and the shipped
 * profiles as espeak-ng speaks them. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "audio/clip.h"
#include "pitch.h"
#include "synth/datadir.h"
#include "synth/synth.h"
#include "voice/voice.h"

static char scratch[] = "/tmp/nashra-voice-XXXXXX";

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", scratch, name);
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static nashra_status parse(const char *text, nashra_voice *v, nashra_error *err)
{
    return voice_profile_parse("test.voice", "test", text, strlen(text), v, err);
}

/* ---------------------------------------------------------------------------------------- */

static void parses_a_profile(void **state)
{
    (void)state;
    nashra_voice v;
    nashra_error err = {0};
    const char *text = "# a comment\r\n"
                       "\n"
                       "  description =  A voice for tests  \r\n"
                       "voice=ar\n"
                       "variant = nashra-f\n"
                       "\trate\t= 120\n"
                       "pitch = 0\n"
                       "range = 100\n"
                       "word-gap = 3\n"
                       "headline-pause = 1000\n"
                       "story-pause = 0"; /* no newline at the end */
    assert_int_equal(parse(text, &v, &err), NASHRA_OK);
    assert_string_equal(v.name, "test");
    assert_string_equal(v.description, "A voice for tests");
    assert_string_equal(v.voice, "ar");
    assert_string_equal(v.variant, "nashra-f");
    assert_int_equal(v.rate, 120);
    assert_int_equal(v.pitch, 0);
    assert_int_equal(v.range, 100);
    assert_int_equal(v.word_gap, 3);
    assert_int_equal(v.headline_pause_ms, 1000);
    assert_int_equal(v.story_pause_ms, 0);
    /* Keys left out take the base values. */
    assert_int_equal(v.sentence_pause_ms, 350);
    assert_int_equal(v.paragraph_pause_ms, 650);

    assert_int_equal(parse("voice = sem/ar\n", &v, &err), NASHRA_OK);
    assert_string_equal(v.voice, "sem/ar");
    assert_string_equal(v.variant, "");
    assert_string_equal(v.description, "");
    assert_int_equal(v.rate, 165);
    assert_int_equal(v.pitch, 45);
    assert_int_equal(v.range, 50);
    char name[64];
    voice_espeak_name(&v, name, sizeof name);
    assert_string_equal(name, "sem/ar");
}

static void rejects_bad_profiles(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"voice = ar\n# fine\nspeed = 150\n", "test.voice:3: unknown key 'speed'"},
        {"voice = ar\nrate = fast\n", "test.voice:2: rate: 'fast' is not a whole number"},
        {"voice = ar\nrate = 150wpm\n", "test.voice:2: rate: '150wpm' is not a whole number"},
        {"voice = ar\nrate = 500\n", "test.voice:2: rate: 500 is out of range (80 to 450)"},
        {"voice = ar\npitch = -1\n", "test.voice:2: pitch: -1 is out of range (0 to 100)"},
        {"voice = ar\nrange = 101\n", "test.voice:2: range: 101 is out of range"},
        {"voice = ar\nword-gap = 51\n", "test.voice:2: word-gap: 51 is out of range"},
        {"voice = ar\nstory-pause = 60001\n", "test.voice:2: story-pause: 60001 is out of range"},
        {"voice = ar\nstory-pause = 99999999999999999999\n",
         "test.voice:2: story-pause: '99999999999999999999' is not a whole number"},
        {"description = x\nrate = 150\n", "test.voice:2: no 'voice' line"},
        {"", "test.voice:1: no 'voice' line"},
        {"voice = ar\nvoice = ar\n", "test.voice:2: 'voice' is given twice"},
        {"voice = ar\nrate 150\n", "test.voice:2: expected 'key = value'"},
        {"voice = ar\n= 150\n", "test.voice:2: no key before '='"},
        {"voice = ar\nrate =\n", "test.voice:2: 'rate' has no value"},
        {"voice = ar+f3\n", "test.voice:1: voice 'ar+f3': give the variant on a line of its own"},
        {"voice = a r\n", "test.voice:1: bad voice name 'a r'"},
        {"voice = ar\nvariant = ../../etc\n", "test.voice:2: bad variant name '../../etc'"},
        {"voice = ar\nvariant = abcdefghijklmnopqrstuvwxyz0123456789\n",
         "test.voice:2: bad variant name"},
        {"voice = ar\ndescription = caf\xE9\n", "test.voice: invalid UTF-8 at byte offset 28"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nashra_voice v;
        nashra_error err = {0};
        nashra_status rc = parse(cases[i].text, &v, &err);
        if (rc != NASHRA_EINPUT || !strstr(err.message, cases[i].message) ||
            strchr(err.message, '\n'))
            fail_msg("case %zu: expected '%s', got %d '%s'", i, cases[i].message, rc,
                     err.message);
    }
    /* A NUL byte in the middle of the file. */
    nashra_voice v;
    nashra_error err = {0};
    assert_int_equal(voice_profile_parse("test.voice", "t", "voice = ar\0x", 12, &v, &err),
                     NASHRA_EINPUT);
    assert_non_null(strstr(err.message, "NUL byte"));
}

static void builtin_profiles(void **state)
{
    (void)state;
    nashra_error err = {0};
    nashra_voice v;
    assert_true(nashra_voice_count() >= 3);
    const char *want[] = {"anchor-female", "anchor-male", "briefing"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(nashra_voice_get(i, &v, &err), NASHRA_OK);
        assert_string_equal(v.name, want[i]);
        assert_true(v.description[0] != '\0');
        assert_string_equal(v.voice, "ar");
        assert_true(voice_is_builtin(want[i]));
    }
    assert_int_equal(nashra_voice_get(99, &v, &err), NASHRA_EINVAL);

    char names[256];
    voice_builtin_names(names, sizeof names);
    assert_string_equal(names, "anchor-female, anchor-male, briefing");
    assert_int_equal(nashra_voice_load("anchor-nobody", &v, &err), NASHRA_EINVAL);
    assert_non_null(strstr(err.message, "unknown voice profile 'anchor-nobody' (known: "
                                        "anchor-female, anchor-male, briefing"));

    /* Calm anchors speak slower than espeak-ng's 175 and than the briefing. */
    nashra_voice male, female, briefing;
    assert_int_equal(nashra_voice_load("anchor-male", &male, &err), NASHRA_OK);
    assert_int_equal(nashra_voice_load("anchor-female", &female, &err), NASHRA_OK);
    assert_int_equal(nashra_voice_load("briefing", &briefing, &err), NASHRA_OK);
    assert_true(male.rate < 175 && female.rate < 175 && briefing.rate > male.rate);
    assert_true(briefing.story_pause_ms < male.story_pause_ms);
    assert_string_equal(male.variant, "nashra-m");
    assert_string_equal(female.variant, "nashra-f");

    /* Every variant a built-in profile names is shipped. */
    for (size_t i = 0; i < nashra_voice_count(); i++) {
        assert_int_equal(nashra_voice_get(i, &v, &err), NASHRA_OK);
        bool found = false;
        for (size_t k = 0; k < voice_variant_file_count; k++)
            found |= !strcmp(voice_variant_files[k].name, v.variant);
        if (!found)
            fail_msg("%s: variant '%s' is not in voices/variants", v.name, v.variant);
    }
}

static void profile_files_and_config(void **state)
{
    (void)state;
    char path[256];
    path_in(path, sizeof path, "mine.voice");
    put_file(path, "description = Mine\nvoice = ar\nvariant = f3\nrate = 200\n"
                   "sentence-pause = 123\n");
    nashra_config cfg;
    nashra_config_init(&cfg);
    assert_string_equal(cfg.voice, "anchor-male");
    nashra_error err = {0};
    assert_int_equal(nashra_config_voice(&cfg, path, &err), NASHRA_OK);
    assert_string_equal(cfg.voice, path);
    assert_int_equal(cfg.rate, 200);
    assert_int_equal(cfg.sentence_pause_ms, 123);
    assert_int_equal(cfg.pitch, 45);
    assert_int_equal(nashra_config_check(&cfg, &err), NASHRA_OK);

    assert_int_equal(nashra_config_voice(&cfg, "briefing", &err), NASHRA_OK);
    assert_string_equal(cfg.voice, "briefing");
    assert_int_equal(cfg.rate, 185);

    /* A bad file names itself and the line; the config is left alone. */
    put_file(path, "voice = ar\n\nrate = 9\n");
    assert_int_equal(nashra_config_voice(&cfg, path, &err), NASHRA_EINPUT);
    char want[300];
    snprintf(want, sizeof want, "%s:3: rate: 9 is out of range", path);
    assert_non_null(strstr(err.message, want));
    assert_string_equal(cfg.voice, "briefing");
    assert_int_equal(cfg.rate, 185);

    path_in(path, sizeof path, "missing.voice");
    assert_int_equal(nashra_config_voice(&cfg, path, &err), NASHRA_EINPUT);
    assert_non_null(strstr(err.message, "cannot open voice profile"));
    assert_true(voice_is_path("x.voice"));
    assert_true(voice_is_path("dir/x"));
    assert_false(voice_is_path("ar+f3"));
    assert_false(voice_is_path(".voice"));

    /* A configuration's numbers are held to the bounds a profile's keys have, each named. */
    struct { int *field; int value; const char *message; } bad[] = {
        {&cfg.rate, 79, "rate must be between 80 and 450 (got 79)"},
        {&cfg.rate, 451, "rate must be between 80 and 450 (got 451)"},
        {&cfg.pitch, -1, "pitch must be between 0 and 100"},
        {&cfg.range, 101, "range must be between 0 and 100"},
        {&cfg.word_gap, 51, "word gap must be between 0 and 50"},
        {&cfg.headline_pause_ms, 60001, "headline pause must be between 0 and 60000"},
        {&cfg.sentence_pause_ms, -5, "sentence pause must be between 0 and 60000"},
        {&cfg.paragraph_pause_ms, 70000, "paragraph pause must be between 0 and 60000"},
        {&cfg.story_pause_ms, -1, "story pause must be between 0 and 60000"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nashra_config_init(&cfg);
        assert_int_equal(nashra_config_check(&cfg, &err), NASHRA_OK);
        *bad[i].field = bad[i].value;
        assert_int_equal(nashra_config_check(&cfg, &err), NASHRA_EINVAL);
        if (strncmp(err.message, bad[i].message, strlen(bad[i].message)) != 0)
            fail_msg("got \"%s\", want \"%s\"", err.message, bad[i].message);
    }
    /* The defaults before any profile are those a profile starts from. */
    assert_int_equal(voice_defaults.rate, 165);
    assert_int_equal(voice_defaults.story_pause_ms, 1600);
}

/* ---------------------------------------------------------------------------------------- */
/* The private data directory, on a made-up system directory.                              */

static const unsigned char variant_a[] = "language variant\nname a\npitch 80 120\n";
static const unsigned char variant_b[] = "language variant\nname a\npitch 90 130\n";
static const data_blob blob_a = {variant_a, sizeof variant_a - 1};
static const data_blob blob_b = {variant_b, sizeof variant_b - 1};

static void make_system(const char *sys)
{
    char p[512];
    assert_int_equal(mkdir(sys, 0700), 0);
    snprintf(p, sizeof p, "%s/phontab", sys);
    put_file(p, "phonemes");
    snprintf(p, sizeof p, "%s/ar_dict", sys);
    put_file(p, "dictionary");
    snprintf(p, sizeof p, "%s/lang", sys);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/voices", sys);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/voices/mb", sys);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/voices/!v", sys);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/voices/!v/f3", sys);
    put_file(p, "language variant\n");
    /* A system variant of our name is replaced by ours. */
    snprintf(p, sizeof p, "%s/voices/!v/nashra-t", sys);
    put_file(p, "theirs\n");
}

static void assert_link(const char *dir, const char *name, const char *target)
{
    char p[512], t[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    ssize_t n = readlink(p, t, sizeof t - 1);
    if (n < 0)
        fail_msg("%s is not a link: %s", p, strerror(errno));
    t[n] = '\0';
    assert_string_equal(t, target);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

static size_t count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += !strncmp(e->d_name, prefix, strlen(prefix));
    closedir(d);
    return n;
}

static void private_data_directory(void **state)
{
    (void)state;
    char sys[256], root[256], real_sys[512], p[512];
    path_in(sys, sizeof sys, "system-data");
    path_in(root, sizeof root, "cache/deeper/nashra");
    make_system(sys);
    assert_non_null(realpath(sys, real_sys));
    voice_file variants[] = {{"nashra-t", &blob_a}};
    nashra_error err = {0};
    char dir[256], again[256], changed[256];

    /* Built. */
    assert_int_equal(datadir_build(sys, root, variants, 1, dir, sizeof dir, &err), NASHRA_OK);
    assert_true(strncmp(dir, root, strlen(root)) == 0);
    assert_non_null(strstr(dir, "/espeak-ng-data-"));
    char target[600];
    snprintf(target, sizeof target, "%s/phontab", real_sys);
    assert_link(dir, "phontab", target);
    snprintf(target, sizeof target, "%s/lang", real_sys);
    assert_link(dir, "lang", target);
    snprintf(target, sizeof target, "%s/voices/mb", real_sys);
    assert_link(dir, "voices/mb", target);
    snprintf(target, sizeof target, "%s/voices/!v/f3", real_sys);
    assert_link(dir, "voices/!v/f3", target);
    struct stat st;
    snprintf(p, sizeof p, "%s/voices/!v/nashra-t", dir);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_string_equal(read_all(p), (const char *)variant_a);
    snprintf(p, sizeof p, "%s/voices/!v", dir);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISDIR(st.st_mode));

    /* Reused: the same directory, not built again. */
    snprintf(p, sizeof p, "%s/voices/!v/nashra-t", dir);
    struct stat before;
    assert_int_equal(stat(p, &before), 0);
    assert_int_equal(datadir_build(sys, root, variants, 1, again, sizeof again, &err),
                     NASHRA_OK);
    assert_string_equal(again, dir);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_ino, before.st_ino);
    assert_int_equal(count_entries(root, "espeak-ng-data-"), 1);

    /* Rebuilt when a variant file changes... */
    voice_file changed_variants[] = {{"nashra-t", &blob_b}};
    assert_int_equal(datadir_build(sys, root, changed_variants, 1, changed, sizeof changed,
                                   &err), NASHRA_OK);
    assert_string_not_equal(changed, dir);
    snprintf(p, sizeof p, "%s/voices/!v/nashra-t", changed);
    assert_string_equal(read_all(p), (const char *)variant_b);

    /* ...and when the system data changes. */
    snprintf(p, sizeof p, "%s/en_dict", sys);
    put_file(p, "more");
    assert_int_equal(datadir_build(sys, root, variants, 1, again, sizeof again, &err),
                     NASHRA_OK);
    assert_string_not_equal(again, dir);
    assert_string_not_equal(again, changed);
    snprintf(target, sizeof target, "%s/en_dict", real_sys);
    assert_link(again, "en_dict", target);
    assert_int_equal(count_entries(root, "espeak-ng-data-"), 3);
    assert_int_equal(count_entries(root, ".tmp-"), 0);

    /* A path too long for espeak-ng is refused. */
    char deep[400];
    snprintf(deep, sizeof deep, "%s/%0150d", scratch, 0);
    assert_int_equal(datadir_build(sys, deep, variants, 1, again, sizeof again, &err),
                     NASHRA_ESYNTH);
    assert_non_null(strstr(err.message, "too long"));
}

static void racing_builds(void **state)
{
    (void)state;
    char sys[256], root[256];
    path_in(sys, sizeof sys, "race-system");
    path_in(root, sizeof root, "race-cache");
    make_system(sys);
    voice_file variants[] = {{"nashra-t", &blob_a}};
    enum { RACERS = 4 };
    int fds[RACERS][2];
    pid_t pids[RACERS];
    for (int i = 0; i < RACERS; i++) {
        assert_int_equal(pipe(fds[i]), 0);
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            char dir[256];
            nashra_error err = {0};
            nashra_status rc = datadir_build(sys, root, variants, 1, dir, sizeof dir, &err);
            if (rc == NASHRA_OK && write(fds[i][1], dir, strlen(dir)) < 0)
                rc = NASHRA_EIO;
            _exit(rc == NASHRA_OK ? 0 : 1);
        }
        close(fds[i][1]);
    }
    char first[256] = "";
    for (int i = 0; i < RACERS; i++) {
        int status;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        char dir[256];
        ssize_t n = read(fds[i][0], dir, sizeof dir - 1);
        close(fds[i][0]);
        assert_true(n > 0);
        dir[n] = '\0';
        if (!first[0])
            snprintf(first, sizeof first, "%s", dir);
        assert_string_equal(dir, first);
    }
    assert_int_equal(count_entries(root, "espeak-ng-data-"), 1);
    assert_int_equal(count_entries(root, ".tmp-"), 0);
    char p[512];
    snprintf(p, sizeof p, "%s/voices/!v/nashra-t", first);
    assert_string_equal(read_all(p), (const char *)variant_a);
}

/* ---------------------------------------------------------------------------------------- */
/* The shipped profiles through espeak-ng.                                                  */

/* "The minister announced new measures at the start of the session today", diacritized. */
static const char sentence[] =
    "أَعْلَنَ الْوَزِيرُ عَنْ إِجْرَاءَاتٍ جَدِيدَةٍ فِي بِدَايَةِ الْجَلْسَةِ الْيَوْمَ";

typedef struct spoken {
    size_t samples;
    double pitch_hz;
} spoken;

static spoken speak_profile(const char *name)
{
    nashra_voice v;
    nashra_error err = {0};
    assert_int_equal(nashra_voice_load(name, &v, &err), NASHRA_OK);
    char espeak[80];
    voice_espeak_name(&v, espeak, sizeof espeak);
    synth_params p = {espeak, v.rate, v.pitch, v.range, v.word_gap};
    if (synth_setup(&p, &err) != NASHRA_OK)
        fail_msg("%s: %s", name, err.message);

    /* espeak-ng reads nashra's directory, made under this test's cache folder. */
    char want[512];
    snprintf(want, sizeof want, "%s/cache/nashra/espeak-ng-data-", scratch);
    assert_true(strncmp(synth_data_path(), want, strlen(want)) == 0);

    /* The variant is in effect: espeak-ng names it in the voice's identifier and takes the
     * gender from the variant file. */
    const char *id;
    int gender;
    synth_current_voice(&id, &gender);
    char suffix[64];
    snprintf(suffix, sizeof suffix, "+%s", v.variant);
    size_t n = strlen(id);
    if (n < strlen(suffix) || strcmp(id + n - strlen(suffix), suffix) != 0)
        fail_msg("%s: espeak-ng reports voice '%s', without %s", name, id, suffix);
    assert_int_equal(gender, !strcmp(v.variant, "nashra-f") ? 2 : 1);

    clip c = CLIP_INIT;
    assert_int_equal(synth_say(sentence, &c, &err), NASHRA_OK);
    spoken s = {c.len, pitch_median_hz(c.samples, c.len, synth_sample_rate())};
    print_message("%-14s %-12s %6.2f s  median pitch %5.1f Hz\n", name, espeak,
                  (double)c.len / synth_sample_rate(), s.pitch_hz);
    clip_free(&c);
    return s;
}

static void shipped_profiles_speak(void **state)
{
    (void)state;
    spoken male = speak_profile("anchor-male");
    spoken female = speak_profile("anchor-female");
    spoken briefing = speak_profile("briefing");
    spoken male_again = speak_profile("anchor-male");

    /* A male voice around 80-160 Hz, a female one clearly higher. */
    assert_true(male.pitch_hz > 70 && male.pitch_hz < 170);
    assert_true(female.pitch_hz > male.pitch_hz * 1.4);
    /* The briefing reads the same sentence faster. */
    assert_true(briefing.samples < male.samples * 9 / 10);
    /* Switching back gives the same voice. */
    assert_true(male_again.pitch_hz > male.pitch_hz * 0.9 && male_again.pitch_hz < male.pitch_hz * 1.1);

    /* A plain espeak-ng voice and variant still work on nashra's directory. */
    nashra_error err = {0};
    synth_params p = {"ar+f3", 165, 45, 50, 0};
    assert_int_equal(synth_setup(&p, &err), NASHRA_OK);
    const char *id;
    int gender;
    synth_current_voice(&id, &gender);
    assert_non_null(strstr(id, "+f3"));
    p.voice = "ar+nosuchvariant";
    assert_int_equal(synth_setup(&p, &err), NASHRA_EINVAL);
    assert_non_null(strstr(err.message, "nosuchvariant"));
    clip c = CLIP_INIT;
    p.voice = "ar";
    assert_int_equal(synth_setup(&p, &err), NASHRA_OK);
    assert_int_equal(synth_say(sentence, &c, &err), NASHRA_OK);
    clip_free(&c);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(scratch))
        return -1;
    char cache[256];
    path_in(cache, sizeof cache, "cache");
    setenv("XDG_CACHE_HOME", cache, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    synth_shutdown();
    nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_a_profile),
        cmocka_unit_test(rejects_bad_profiles),
        cmocka_unit_test(builtin_profiles),
        cmocka_unit_test(profile_files_and_config),
        cmocka_unit_test(private_data_directory),
        cmocka_unit_test(racing_builds),
        cmocka_unit_test(shipped_profiles_speak),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
