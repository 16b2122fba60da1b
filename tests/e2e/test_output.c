/* End-to-end tests of the output: every profile written by the nashra command and read back
 * (libsndfile, and ffprobe where installed) for rate, channels, duration, loudness, metadata,
 * cue points and captions; jingles, the bed, --split, and bad output options. */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "audio/loudness.h"
#include "table.h"
#include "e2e.h"

char workdir[] = "/tmp/nashra-output-e2e-XXXXXX";
static const char title[] = "نشرة الثامنة صباحًا";
static const char station[] = "إذاعة نشرة";

/* Runs nashra with args (NULL-terminated); returns the exit status, stderr in err_out. */
static int run_status(char *err_out, size_t cap, ...)
{
    va_list ap;
    va_start(ap, cap);
    run_result r = run_v(NULL, ap);
    va_end(ap);
    if (err_out)
        snprintf(err_out, cap, "%s", r.err ? r.err : "");
    int status = r.status;
    result_free(&r);
    return status;
}

static void write_text(const char *path, const char *text)
{
    write_file(path, text, strlen(text));
}

/* Two short stories. */
static void articles(char *a, char *b)
{
    snprintf(a, 512, "%s/1.txt", workdir);
    snprintf(b, 512, "%s/2.txt", workdir);
    write_text(a, "وزراء المياه يتفقون على خطة مشتركة\n\nاتفق 12 وزيرا على خطة لمواجهة الجفاف.\n"
                  "وقال المتحدث إن الخطة تبدأ العام المقبل.\n");
    write_text(b, "الفريق الوطني يفوز في المباراة الافتتاحية\n\nفاز الفريق الوطني بثلاثة أهداف "
                  "مقابل هدف واحد.\n");
}

static json_t *load_json(const char *audio, const char *ext)
{
    char path[600];
    snprintf(path, sizeof path, "%.*s%s", (int)(strrchr(audio, '.') - audio), audio, ext);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j)
        fail_msg("%s: %s", path, e.text);
    return j;
}

static long long jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_non_null(v);
    return (long long)json_integer_value(v);
}

/* Mean square of frames [from, to) of a file (first channel). */
static double energy(const char *path, long long from, long long to)
{
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    assert_non_null(sf);
    if (from < 0)
        from = 0;
    sf_seek(sf, from, SEEK_SET);
    double sum = 0;
    long long n = 0;
    float buf[4096 * 2];
    while (from + n < to) {
        sf_count_t k = to - from - n < 4096 ? to - from - n : 4096;
        sf_count_t got = sf_readf_float(sf, buf, k);
        if (got <= 0)
            break;
        for (sf_count_t i = 0; i < got; i++)
            sum += (double)buf[i * info.channels] * buf[i * info.channels];
        n += got;
    }
    sf_close(sf);
    return n ? sum / (double)n : 0;
}

/* Captions: the n-th cue's start in the VTT equals the JSON's sentence start within 50 ms. */
/* quiet: how much quieter than a cue the 80 ms before it must be (a music bed under the
 * headlines plays there by design). */
static void check_captions(const char *audio, json_t *j, int rate, double quiet)
{
    char path[600];
    snprintf(path, sizeof path, "%.*s.vtt", (int)(strrchr(audio, '.') - audio), audio);
    char *vtt = table_read_file(path, NULL);
    assert_non_null(vtt);
    assert_memory_equal(vtt, "WEBVTT\n\n", 8);
    json_t *stories = json_object_get(j, "stories");
    const char *p = vtt;
    size_t idx;
    json_t *story;
    size_t cues = 0;
    json_array_foreach(stories, idx, story) {
        size_t k;
        json_t *s;
        json_array_foreach(json_object_get(story, "sentences"), k, s) {
            int h, m, sec, ms, h2, m2, s2, ms2;
            p = strstr(p, " --> ");
            assert_non_null(p);
            assert_int_equal(sscanf(p - 12, "%d:%d:%d.%d --> %d:%d:%d.%d", &h, &m, &sec, &ms, &h2,
                                    &m2, &s2, &ms2), 8);
            double start = h * 3600 + m * 60 + sec + ms / 1000.0;
            double end = h2 * 3600 + m2 * 60 + s2 + ms2 / 1000.0;
            assert_true(fabs(start - (double)jint(s, "start_sample") / rate) < 0.05);
            assert_true(fabs(end - (double)jint(s, "end_sample") / rate) < 0.05);
            /* The caption's text, byte for byte. */
            const char *text = json_string_value(json_object_get(s, "text"));
            const char *nl = strchr(p, '\n');
            assert_non_null(nl);
            assert_memory_equal(nl + 1, text, strlen(text));
            p = nl + 1;
            /* The audio agrees: speech within the cue, and the 80 ms before it quieter. */
            long long a = jint(s, "start_sample"), b = jint(s, "end_sample");
            double inside = energy(audio, a, b);
            assert_true(inside > 1e-5);
            if (a > rate / 5)
                assert_true(energy(audio, a - rate * 8 / 100, a) < inside / quiet);
            cues++;
        }
    }
    assert_true(cues >= 2);
    free(vtt);
}

typedef struct profile_case {
    const char *profile;
    const char *file;
    int rate, channels, major;
    double target, ceiling;
    const char *extra;
} profile_case;

static void profiles(void **state)
{
    (void)state;
    char a[512], b[512];
    articles(a, b);
    static const profile_case cases[] = {
        {"broadcast", "b.wav", 48000, 1, SF_FORMAT_WAV, -23, -1, NULL},
        {"atsc", "t.wav", 48000, 1, SF_FORMAT_WAV, -24, -2, NULL},
        {"podcast", "p.mp3", 44100, 1, SF_FORMAT_MPEG, -19, -1, NULL},
        {"podcast", "ps.mp3", 44100, 2, SF_FORMAT_MPEG, -16, -1, "--stereo"},
        {"archive", "a.flac", 48000, 1, SF_FORMAT_FLAC, -23, -1, NULL},
        {"opus", "o.opus", 48000, 1, SF_FORMAT_OGG, -19, -1, NULL},
        {"raw", "r.wav", 22050, 1, SF_FORMAT_WAV, 0, 0, NULL},
        {NULL, "x.flac", 48000, 1, SF_FORMAT_FLAC, -23, -1, NULL}, /* from the extension */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const profile_case *c = &cases[i];
        WORK(out, c->file);
        char err[1024];
        int st = c->profile
                     ? c->extra ? run_status(err, sizeof err, "bulletin", "-q", "--profile", c->profile,
                                      c->extra, "--title", title, "--station", station, "--slot",
                                      "2026-11-24T08:00", "-o", out, a, b, NULL)
                                : run_status(err, sizeof err, "bulletin", "-q", "--profile", c->profile,
                                      "--title", title, "--station", station, "--slot",
                                      "2026-11-24T08:00", "-o", out, a, b, NULL)
                     : run_status(err, sizeof err, "bulletin", "-q", "--title", title, "--station",
                           station, "-o", out, a, b, NULL);
        if (st != 0)
            fail_msg("%s: exit %d: %s", c->file, st, err);
        SF_INFO info = {0};
        SNDFILE *sf = sf_open(out, SFM_READ, &info);
        assert_non_null(sf);
        assert_int_equal(info.samplerate, c->rate);
        assert_int_equal(info.channels, c->channels);
        assert_int_equal(info.format & SF_FORMAT_TYPEMASK, c->major);
        if (c->major != SF_FORMAT_MPEG) {
            const char *t = sf_get_string(sf, SF_STR_TITLE);
            assert_non_null(t);
            assert_string_equal(t, title);
            assert_string_equal(sf_get_string(sf, SF_STR_ARTIST), station);
        }
        json_t *j = load_json(out, ".json");
        json_t *bl = json_object_get(j, "bulletin");
        long long frames = jint(bl, "frames");
        if (c->major == SF_FORMAT_WAV || c->major == SF_FORMAT_FLAC)
            assert_int_equal(info.frames, frames);
        else
            assert_true(llabs(info.frames - frames) < c->rate / 10);
        assert_string_equal(json_string_value(json_object_get(bl, "title")), title);
        assert_int_equal(jint(bl, "sample_rate"), c->rate);
        json_t *stories = json_object_get(j, "stories");
        assert_int_equal(json_array_size(stories), 2);
        assert_int_equal(json_array_size(json_object_get(j, "inputs")), 2);
        assert_int_equal(strlen(json_string_value(json_object_get(
                             json_array_get(json_object_get(j, "inputs"), 0), "sha256"))),
                         64);
        if (c->major == SF_FORMAT_WAV) {
            /* One cue point a story, on its first sample. */
            SF_CUES cues;
            assert_int_equal(sf_command(sf, SFC_GET_CUE, &cues, sizeof cues), SF_TRUE);
            assert_int_equal(cues.cue_count, 2);
            for (int k = 0; k < 2; k++) {
                long long start = jint(json_array_get(stories, (size_t)k), "start_sample");
                assert_true(llabs((long long)cues.cue_points[k].sample_offset - start) <= 1);
            }
            SF_BROADCAST_INFO bi;
            assert_int_equal(sf_command(sf, SFC_GET_BROADCAST_INFO, &bi, sizeof bi), SF_TRUE);
            assert_int_equal(bi.version, 2);
            assert_int_equal(bi.time_reference_low, 8u * 3600u * (unsigned)c->rate);
        }
        sf_close(sf);
        /* Loudness of the file as written. */
        audio_loudness l;
        nashra_error e = {0};
        assert_int_equal(audio_measure_file(out, &l, &e), NASHRA_OK);
        if (c->target != 0 && (fabs(l.integrated - c->target) > 0.5 || l.true_peak > c->ceiling + 0.1))
            fail_msg("%s: %.2f LUFS, %.2f dBTP", c->file, l.integrated, l.true_peak);
        check_captions(out, j, c->rate, 20);
        json_decref(j);
    }
}

/* ffprobe (installed by scripts/setup-deps) sees the stories as chapters with their Arabic
 * names, and the UTF-8 title, in WAV and MP3. */
static void ffprobe_reads_metadata(void **state)
{
    (void)state;
    if (system("command -v ffprobe >/dev/null 2>&1") != 0)
        skip();
    const char *files[] = {"b.wav", "p.mp3"};
    for (int i = 0; i < 2; i++) {
        WORK(out, files[i]);
        WORK(probe, "probe.json");
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "ffprobe -v error -print_format json -show_chapters "
                 "-show_format '%s' > '%s'", out, probe);
        assert_int_equal(system(cmd), 0);
        json_error_t e;
        json_t *p = json_load_file(probe, 0, &e);
        assert_non_null(p);
        json_t *tags = json_object_get(json_object_get(p, "format"), "tags");
        assert_string_equal(json_string_value(json_object_get(tags, "title")), title);
        json_t *ch = json_object_get(p, "chapters");
        assert_int_equal(json_array_size(ch), 2);
        json_t *meta = load_json(out, ".json");
        json_t *story = json_array_get(json_object_get(meta, "stories"), 1);
        const char *name = json_string_value(json_object_get(
            json_object_get(json_array_get(ch, 1), "tags"), "title"));
        assert_non_null(name);
        assert_string_equal(name, json_string_value(json_object_get(story, "title")));
        double start = atof(json_string_value(json_object_get(json_array_get(ch, 1), "start_time")));
        assert_true(fabs(start - json_real_value(json_object_get(story, "start_seconds"))) < 0.002);
        json_decref(meta);
        json_decref(p);
    }
}

/* A tone (decaying unless steady), as a jingle or bed: rate and channels of its own. */
static void make_tone_shaped(const char *path, int rate, int channels, double seconds,
                             double freq, int steady)
{
    SF_INFO info = {.samplerate = rate, .channels = channels,
                    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    assert_non_null(sf);
    long n = (long)(rate * seconds);
    for (long i = 0; i < n; i++) {
        float f[2];
        double t = (double)i / rate;
        f[0] = f[1] = (float)(0.3 * (steady ? 1 : exp(-2 * t)) *
                              (sin(2 * M_PI * freq * t) + 0.5 * sin(2 * M_PI * freq * 1.5 * t)));
        sf_writef_float(sf, f, 1);
    }
    sf_close(sf);
}

static void make_tone(const char *path, int rate, int channels, double seconds, double freq)
{
    make_tone_shaped(path, rate, channels, seconds, freq, 0);
}

static void jingles_and_split(void **state)
{
    (void)state;
    char a[512], b[512];
    articles(a, b);
    WORK(intro, "intro.wav");
    WORK(outro, "outro.wav");
    WORK(between, "sting.wav");
    WORK(bed, "bed.wav");
    make_tone(intro, 44100, 2, 3.0, 440);
    make_tone(outro, 22050, 1, 2.0, 330);
    make_tone(between, 48000, 1, 1.0, 660);
    make_tone(bed, 32000, 2, 4.0, 220);
    WORK(plain, "plain.wav");
    WORK(mixed, "mixed.wav");
    WORK(split, "stories");
    char err[1024];
    assert_int_equal(run_status(err, sizeof err, "bulletin", "-q", "-o", plain, a, b, NULL), 0);
    int st = run_status(err, sizeof err, "bulletin", "-q", "--intro", intro, "--outro", outro,
                 "--between", between, "--bed", bed, "--split", split, "-o", mixed, a, b, NULL);
    if (st)
        fail_msg("exit %d: %s", st, err);
    json_t *jp = load_json(plain, ".json"), *jm = load_json(mixed, ".json");
    long long fp = jint(json_object_get(jp, "bulletin"), "frames");
    long long fm = jint(json_object_get(jm, "bulletin"), "frames");
    /* Intro 3 s + 0.4 s gap, stinger 1 s, outro 0.7 s gap + 2 s. */
    long long added = fm - fp;
    if (llabs(added - (long long)(48000 * 7.1)) > 48000 / 20)
        fail_msg("jingles added %lld frames", added);
    /* The first story now starts after the intro. */
    long long s0 = jint(json_array_get(json_object_get(jm, "stories"), 0), "start_sample");
    assert_true(llabs(s0 - 48000 * 34 / 10) < 480);
    audio_loudness l;
    nashra_error e = {0};
    assert_int_equal(audio_measure_file(mixed, &l, &e), NASHRA_OK);
    assert_true(fabs(l.integrated - -23) <= 0.5 && l.true_peak <= -0.9);
    /* The intro is loud (matched to the speech), and the bed sounds before the headline. */
    assert_true(energy(mixed, 4800, 48000) > 1e-4);
    check_captions(mixed, jm, 48000, 8);
    /* Split: one file a story, each on target with its own sidecars. */
    for (int i = 1; i <= 2; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%02d.wav", split, i);
        assert_int_equal(audio_measure_file(path, &l, &e), NASHRA_OK);
        assert_true(fabs(l.integrated - -23) <= 0.5 && l.true_peak <= -0.9);
        json_t *js = load_json(path, ".json");
        assert_int_equal(json_array_size(json_object_get(js, "stories")), 1);
        check_captions(path, js, 48000, 8);
        json_decref(js);
    }
    json_decref(jp);
    json_decref(jm);
}

/* Mean square of the difference of two files over frames [from, to). */
static double difference(const char *x, const char *y, long long from, long long to)
{
    SF_INFO ix = {0}, iy = {0};
    SNDFILE *a = sf_open(x, SFM_READ, &ix), *b = sf_open(y, SFM_READ, &iy);
    assert_non_null(a);
    assert_non_null(b);
    sf_seek(a, from, SEEK_SET);
    sf_seek(b, from, SEEK_SET);
    double sum = 0;
    long long n = to - from;
    for (long long i = 0; i < n; i++) {
        float u, v;
        assert_int_equal(sf_readf_float(a, &u, 1), 1);
        assert_int_equal(sf_readf_float(b, &v, 1), 1);
        sum += (double)(u - v) * (u - v);
    }
    sf_close(a);
    sf_close(b);
    return sum / (double)n;
}

/* With the raw profile nothing is scaled, so a bulletin with a bed minus the same bulletin
 * without one is the bed alone: it plays before the headline, is ducked under the voice (by
 * 12 dB), and is gone after. */
static void bed_ducks_under_voice(void **state)
{
    (void)state;
    char a[512], b[512];
    articles(a, b);
    WORK(bed, "bed2.wav");
    make_tone_shaped(bed, 44100, 1, 20.0, 220, 1);
    WORK(plain, "rawplain.wav");
    WORK(withbed, "rawbed.wav");
    char err[1024];
    assert_int_equal(run_status(err, sizeof err, "bulletin", "-q", "--profile", "raw", "-o", plain, a,
                         b, NULL), 0);
    assert_int_equal(run_status(err, sizeof err, "bulletin", "-q", "--profile", "raw", "--bed", bed,
                         "-o", withbed, a, b, NULL), 0);
    json_t *j = load_json(withbed, ".json");
    json_t *story = json_array_get(json_object_get(j, "stories"), 1);
    json_t *headline = json_array_get(json_object_get(story, "sentences"), 0);
    long long start = jint(headline, "start_sample"), end = jint(headline, "end_sample");
    const long long rate = 22050;
    double open = difference(plain, withbed, start - rate * 7 / 10, start - rate / 10);
    double ducked = difference(plain, withbed, start + rate / 2, end - rate / 4);
    double after = difference(plain, withbed, end + rate * 3, end + rate * 4);
    double depth = 10 * log10(open / ducked);
    if (!(open > 1e-6 && depth > 8 && depth < 16 && after < 1e-8))
        fail_msg("bed: %.3g before the headline, %.3g under it (%.1f dB down), %.3g later", open,
                 ducked, depth, after);
    json_decref(j);
}

static void bad_output_options(void **state)
{
    (void)state;
    char a[512], b[512];
    articles(a, b);
    WORK(out, "bad.wav");
    WORK(notaudio, "notaudio.wav");
    write_text(notaudio, "this is text, not sound\n");
    char err[1024];
    struct {
        const char *opt, *val, *expect;
    } cases[] = {
        {"--profile", "loud", "unknown profile 'loud'"},
        {"--format", "aiff", "unknown format 'aiff'"},
        {"--loudness", "-3", "out of range"},
        {"--true-peak", "1", "out of range"},
        {"--sample-rate", "7", "out of range"},
        {"--bit-depth", "20", "16 or 24"},
        {"--slot", "tomorrow", "bad slot time"},
        {"--intro", notaudio, "not a sound file"},
        {"--bed", workdir, "is a directory"},
        {"--profile", "podcast", "writes MP3; name the file .mp3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int st = run_status(err, sizeof err, "bulletin", cases[i].opt, cases[i].val, "-o", out, a, NULL);
        if (st != 2 || !strstr(err, cases[i].expect) || strchr(err, '\n') != strrchr(err, '\n'))
            fail_msg("%s %s: exit %d, '%s'", cases[i].opt, cases[i].val, st, err);
    }
    WORK(noext, "bulletin.out");
    assert_int_equal(run_status(err, sizeof err, "bulletin", "-o", noext, a, NULL), 2);
    assert_non_null(strstr(err, "cannot tell the format"));
    assert_int_equal(run_status(err, sizeof err, "bulletin", "--profile", "opus", "--sample-rate",
                         "44100", "-o", "x.opus", a, NULL), 2);
    assert_non_null(strstr(err, "Opus takes"));
    assert_int_equal(access(out, F_OK), -1);
    /* A sidecar in the way stops the run before anything is written. */
    WORK(side_json, "side.json");
    WORK(side, "side.wav");
    write_text(side_json, "{}");
    assert_int_equal(run_status(err, sizeof err, "bulletin", "-o", side, a, NULL), 2);
    assert_non_null(strstr(err, "side.json: file exists"));
    assert_int_equal(access(side, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(profiles),
        cmocka_unit_test(ffprobe_reads_metadata),
        cmocka_unit_test(jingles_and_split),
        cmocka_unit_test(bed_ducks_under_voice),
        cmocka_unit_test(bad_output_options),
    };
    return cmocka_run_group_tests(tests, workdir_setup, workdir_teardown);
}
