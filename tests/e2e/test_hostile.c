/* End-to-end tests of hostile and broken input, and of faults: every case runs the nashra
 * binary and checks that it either succeeds sensibly or fails with a non-zero status and one
 * line on standard error naming the problem, within bounded time and memory, and that a failed
 * run leaves nothing but what was there (and the output's lock file) in its output folder. A
 * signal while the bulletin is written, and junk in the cache folder, are here too; the
 * random kills, races and a full disk are scripts/faults's. */
#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sndfile.h>

#include "e2e.h"
#include "table.h"
#include "wav.h"

char workdir[] = "/tmp/nashra-hostile-XXXXXX";

#define SAMPLES NASHRA_SAMPLES_DIR

/* The quickest bulletin: raw profile, one process, no cache. */
#define BULLETIN "bulletin", "-q", "--no-cache", "--jobs", "1", "--profile", "raw"

/* Declares a buffer holding dir/name. */
#define JOIN(var, dir, name)                                                                    \
    char var[1024];                                                                             \
    snprintf(var, sizeof var, "%s/%s", dir, name)

static const char short_article[] = "عنوان قصير\n\nوصل 3 وزراء إلى القمة.\n";

static int setup(void **state)
{
    if (workdir_setup(state))
        return -1;
    WORK(in, "in");
    WORK(xdg, "xdg-cache");
    if (mkdir(in, 0700) != 0)
        return -1;
    /* Never the user's cache. */
    return setenv("XDG_CACHE_HOME", xdg, 1);
}

/* Makes an empty folder for one case's outputs; its path goes to dir. */
static void case_dir(char *dir, size_t cap, const char *name)
{
    snprintf(dir, cap, "%s/out-%s", workdir, name);
    assert_int_equal(mkdir(dir, 0700), 0);
}

/* Writes text (a NUL-terminated string) to in/name; its path goes to path. */
static void input(char *path, size_t cap, const char *name, const char *text)
{
    snprintf(path, cap, "%s/in/%s", workdir, name);
    write_file(path, text, strlen(text));
}

/* Fails the test unless dir holds exactly the NULL-terminated names (never a temporary file
 * nor anything else a run left behind). */
static void expect_only(const char *dir, ...)
{
    const char *want[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, dir);
    const char *name;
    while ((name = va_arg(ap, const char *)) && n < 32)
        want[n++] = name;
    va_end(ap);
    bool seen[32] = {false};
    char listing[4096] = "";
    bool stray = false;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t used = strlen(listing);
        snprintf(listing + used, sizeof listing - used, " %s", e->d_name);
        size_t i = 0;
        while (i < n && strcmp(want[i], e->d_name) != 0)
            i++;
        if (i < n)
            seen[i] = true;
        else
            stray = true;
    }
    closedir(d);
    for (size_t i = 0; i < n; i++)
        stray = stray || !seen[i];
    if (stray)
        fail_msg("%s holds:%s", dir, listing);
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* What one run cost: wall and processor seconds, and its peak resident memory. */
typedef struct cost {
    double wall, cpu;
    long rss_kb;
} cost;

/* run(), measuring the run (the nashra process itself, not its synthesis workers). */
static run_result run_measured(cost *c, const char *stdin_path, ...)
{
    WORK(out_path, "stdout");
    WORK(err_path, "stderr");
    va_list ap;
    va_start(ap, stdin_path);
    double t0 = seconds_now();
    pid_t pid = spawn_v(stdin_path, out_path, err_path, ap);
    va_end(ap);
    int ws;
    struct rusage ru;
    assert_int_equal(wait4(pid, &ws, 0, &ru), pid);
    c->wall = seconds_now() - t0;
    c->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
             (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    c->rss_kb = ru.ru_maxrss;
    run_result r;
    r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r.out = table_read_file(out_path, NULL);
    r.err = table_read_file(err_path, NULL);
    return r;
}

/* A run that must not take long nor grow big: fail otherwise. */
static void expect_bounded(const cost *c, double max_wall, long max_rss_mb, const char *what)
{
    print_message("%s: %.2f s, %ld MB\n", what, c->wall, c->rss_kb / 1024);
    if (c->wall > max_wall || c->rss_kb > max_rss_mb * 1024)
        fail_msg("%s: %.1f s and %ld MB (at most %.0f s and %ld MB)", what, c->wall,
                 c->rss_kb / 1024, max_wall, max_rss_mb);
}

/* The text of every sentence in a bulletin's JSON sidecar, one a line. */
static char *spoken_text(const char *json_path, size_t *stories)
{
    json_error_t e;
    json_t *root = json_load_file(json_path, 0, &e);
    if (!root)
        fail_msg("%s: %s", json_path, e.text);
    json_t *list = json_object_get(root, "stories");
    size_t cap = 1024, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    text[0] = '\0';
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *sentences = json_object_get(json_array_get(list, i), "sentences");
        for (size_t k = 0; k < json_array_size(sentences); k++) {
            const char *s = json_string_value(json_object_get(json_array_get(sentences, k),
                                                              "text"));
            size_t n = s ? strlen(s) : 0;
            if (len + n + 2 > cap) {
                cap = 2 * (len + n + 2);
                text = realloc(text, cap);
                assert_non_null(text);
            }
            memcpy(text + len, s ? s : "", n);
            len += n;
            text[len++] = '\n';
            text[len] = '\0';
        }
    }
    if (stories)
        *stories = json_array_size(list);
    json_decref(root);
    return text;
}

/* A 16-bit WAV tone of its own rate and channels. */
static void make_tone(const char *path, int rate, int channels, double seconds)
{
    SF_INFO info = {.samplerate = rate, .channels = channels,
                    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    assert_non_null(sf);
    long n = (long)(rate * seconds);
    float frame[8];
    for (long i = 0; i < n; i++) {
        for (int c = 0; c < channels; c++)
            frame[c] = (float)(0.3 * ((i / (rate / 880)) % 2 ? 1 : -1)); /* a square wave */
        sf_writef_float(sf, frame, 1);
    }
    assert_int_equal(sf_close(sf), 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Articles.                                                                                */

static void invalid_utf8(void **state)
{
    (void)state;
    char dir[600];
    case_dir(dir, sizeof dir, "utf8");
    JOIN(out, dir, "x.wav");
    static const struct {
        const char *text, *needle;
    } cases[] = {
        {"\x80" "abc\n", "invalid UTF-8 at byte offset 0"},                 /* lone continuation */
        {"ab\xC0\xAF" "cd\n", "invalid UTF-8 at byte offset 2"},          /* overlong '/' */
        {"خبر \xED\xA0\x80\n", "invalid UTF-8 at byte offset 7"},         /* a surrogate */
        {"خبر\n\nنص \xD8", "invalid UTF-8 at byte offset 13"},            /* cut at the end */
        {"\xF4\x90\x80\x80\n", "invalid UTF-8 at byte offset 0"},         /* past U+10FFFF */
        {"عنوان\n\nنص \xF8\x88\x80\x80\x80\n", "invalid UTF-8 at byte offset 17"}, /* 5 bytes */
    };
    char path[600];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        input(path, sizeof path, "bad-utf8.txt", cases[i].text);
        expect_failure(run(NULL, "normalize", path, NULL), 2, cases[i].needle);
        expect_failure(run(path, "normalize", "-", NULL), 2, cases[i].needle);
        expect_failure(run(NULL, BULLETIN, "-o", out, path, NULL), 2, cases[i].needle);
    }
    expect_only(dir, "x.wav.lock", NULL);
}

static void nul_bytes(void **state)
{
    (void)state;
    char dir[600], path[600], needle[64];
    case_dir(dir, sizeof dir, "nul");
    JOIN(out, dir, "x.wav");
    static const char first[] = "\0عنوان\n", inside[] = "عنوان\n\nنص\0هنا\n",
                      last[] = "عنوان\n\nنص\n\0";
    static const struct {
        const char *text;
        size_t len;
    } cases[] = {{first, sizeof first - 1}, {inside, sizeof inside - 1}, {last, sizeof last - 1}};
    snprintf(path, sizeof path, "%s/in/nul.txt", workdir);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_file(path, cases[i].text, cases[i].len);
        snprintf(needle, sizeof needle, "NUL byte at byte offset %zu",
                 (size_t)((const char *)memchr(cases[i].text, 0, cases[i].len) - cases[i].text));
        expect_failure(run(NULL, "normalize", path, NULL), 2, needle);
        expect_failure(run(path, "normalize", NULL), 2, needle);
        expect_failure(run(NULL, BULLETIN, "-o", out, path, NULL), 2, needle);
    }
    expect_only(dir, "x.wav.lock", NULL);
}

/* Articles over 32 MiB are refused (README, "Articles"): quickly, without reading on. */
static void fifty_megabytes(void **state)
{
    (void)state;
    char dir[600];
    case_dir(dir, sizeof dir, "big");
    JOIN(out, dir, "x.wav");
    WORK(big, "in/big.txt");
    FILE *f = fopen(big, "wb");
    assert_non_null(f);
    const char line[] = "قال الوزير إن الحكومة ستبني 250 مدرسة جديدة في عام 2026.\n";
    fputs("عنوان طويل جدا\n\n", f);
    for (size_t written = 0; written < 50u * 1000 * 1000; written += sizeof line - 1)
        fputs(line, f);
    assert_int_equal(fclose(f), 0);

    cost c;
    expect_failure(run_measured(&c, NULL, "normalize", big, NULL), 2,
                   "big.txt: article larger than 32 MiB");
    expect_bounded(&c, 30, 400, "normalize of a 50 MB file");
    expect_failure(run_measured(&c, big, "normalize", "-", NULL), 2,
                   "<stdin>: article larger than 32 MiB");
    expect_bounded(&c, 30, 400, "normalize of 50 MB on standard input");
    expect_failure(run_measured(&c, NULL, BULLETIN, "-o", out, big, NULL), 2,
                   "big.txt: article larger than 32 MiB");
    expect_bounded(&c, 30, 400, "bulletin of a 50 MB file");
    expect_only(dir, "x.wav.lock", NULL);
    unlink(big);
}

/* An article of one sentence of n words without punctuation. */
static void long_sentence_file(const char *path, size_t n)
{
    static const char *const words[] = {"الحكومة", "قالت",  "مدرسة", "جديدة",   "الوزير",
                                        "في",      "عام",   "ستبني", "المدينة", "اليوم"};
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("عنوان\n\n", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? " " : "", words[i % 10]);
    fputc('\n', f);
    assert_int_equal(fclose(f), 0);
}

/* The least processor time of three runs of normalize on path. */
static double normalize_cpu(const char *path)
{
    double best = 1e9;
    for (int i = 0; i < 3; i++) {
        cost c;
        run_result r = run_measured(&c, NULL, "normalize", "--plain", path, NULL);
        if (r.status != 0)
            fail_msg("exit %d: %s", r.status, r.err);
        result_free(&r);
        best = c.cpu < best ? c.cpu : best;
    }
    return best;
}

static void hundred_thousand_words(void **state)
{
    (void)state;
    WORK(one, "in/one-word.txt");
    WORK(quarter, "in/25k-words.txt");
    WORK(full, "in/100k-words.txt");
    long_sentence_file(one, 1);
    long_sentence_file(quarter, 25000);
    long_sentence_file(full, 100000);

    cost c;
    run_result r = run_measured(&c, NULL, "normalize", "--plain", full, NULL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    expect_bounded(&c, 60, 400, "normalize of a 100,000-word sentence");
    /* Every word is spoken, in breath groups of at most 40 words. */
    size_t words = 0, lines = 0, in_line = 0, longest = 0;
    for (const char *p = r.out; *p; p++) {
        if (*p != ' ' && *p != '\n' && (p == r.out || p[-1] == ' ' || p[-1] == '\n')) {
            words++;
            in_line++;
        }
        if (*p == '\n') {
            lines++;
            longest = in_line > longest ? in_line : longest;
            in_line = 0;
        }
    }
    result_free(&r);
    assert_int_equal(words, 100001); /* with the headline's */
    assert_true(lines >= 100000 / 40);
    if (longest > 40)
        fail_msg("a breath group of %zu words", longest);

    /* Linear, not quadratic: four times the words cost about four times the time (sixteen if
     * quadratic). Processor time, the best of three, less the start-up's. */
    double t1 = normalize_cpu(one), t25 = normalize_cpu(quarter), t100 = normalize_cpu(full);
    print_message("normalize: %.3f s for 1 word, %.3f s for 25,000, %.3f s for 100,000\n", t1,
                  t25, t100);
    if (t100 > 0.25 && t100 - t1 > 8 * (t25 - t1))
        fail_msg("quadratic? %.3f s for 25,000 words, %.3f s for 100,000", t25, t100);
}

static void only_punctuation_or_digits(void **state)
{
    (void)state;
    char dir[600], punct[600], digits[600];
    case_dir(dir, sizeof dir, "marks");
    input(punct, sizeof punct, "punct.txt", "!!! ... ؟؟ ، ، «» - —\n\n..!!\n");
    input(digits, sizeof digits, "digits.txt", "1234567890\n\n42 77 3.5 ٣٤٥\n");

    /* Punctuation is no speech: it passes through as the text of two silent sentences. */
    run_result r = run(NULL, "normalize", punct, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "!!!...؟؟،، «» - —\n..!!\n");
    result_free(&r);
    JOIN(p_wav, dir, "punct.wav");
    JOIN(p_json, dir, "punct.json");
    expect_success(run(NULL, BULLETIN, "-o", p_wav, punct, NULL));
    wav_facts f;
    wav_read_facts(p_wav, 100, 300, &f);
    assert_true(f.seconds < 3);
    size_t stories;
    free(spoken_text(p_json, &stories));
    assert_int_equal(stories, 1);

    /* Digits are read out: no digit reaches the synthesizer. */
    r = run(NULL, "normalize", digits, NULL);
    assert_int_equal(r.status, 0);
    for (const char *p = r.out; *p; p++)
        if ((*p >= '0' && *p <= '9') || !strncmp(p, "٣", strlen("٣")))
            fail_msg("a digit is left in:\n%s", r.out);
    assert_non_null(strstr(r.out, "مِلْيَارٌ")); /* 1234567890 */
    result_free(&r);
    JOIN(d_wav, dir, "digits.wav");
    expect_success(run(NULL, BULLETIN, "-o", d_wav, digits, NULL));
    wav_read_facts(d_wav, 100, 300, &f);
    assert_true(f.seconds > 5);

    /* Whitespace, tatweel and invisible marks only: no text. */
    char blank[600];
    input(blank, sizeof blank, "blank.txt", " \t \n\n \xC2\xA0\xE2\x80\x8C ـــ\n");
    expect_failure(run(NULL, "normalize", blank, NULL), 2, "blank.txt: article has no text");
    JOIN(b_wav, dir, "blank.wav");
    expect_failure(run(NULL, BULLETIN, "-o", b_wav, blank, NULL), 2, "article has no text");
    expect_only(dir, "punct.wav", "punct.json", "punct.vtt", "punct.srt", "punct.wav.lock",
                "digits.wav", "digits.json", "digits.vtt", "digits.srt", "digits.wav.lock",
                "blank.wav.lock", NULL);
}

/* 2,000 one-line articles in one bulletin, in full: measured at 5 s on the 2-core machine with
 * two jobs (15 s under AddressSanitizer); no story pause keeps the file at 66 MB. */
static void two_thousand_articles(void **state)
{
    (void)state;
    char dir[600];
    case_dir(dir, sizeof dir, "many");
    WORK(many, "in/many");
    assert_int_equal(mkdir(many, 0700), 0);
    for (int i = 1; i <= 2000; i++) {
        char path[1100];
        snprintf(path, sizeof path, "%s/%04d.txt", many, i);
        write_file(path, "عاجل\n", strlen("عاجل\n"));
    }
    JOIN(out, dir, "many.wav");
    JOIN(json, dir, "many.json");
    cost c;
    run_result r = run_measured(&c, NULL, "bulletin", "--no-cache", "--jobs", "2", "--profile",
                                "raw", "--story-pause", "0", "-o", out, many, NULL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, ": 2000 stories, 2000 sentences"));
    result_free(&r);
    expect_bounded(&c, 120, 400, "a bulletin of 2,000 articles");
    size_t stories;
    char *text = spoken_text(json, &stories);
    assert_int_equal(stories, 2000);
    free(text);
    wav_facts f;
    wav_read_facts(out, 100, 300, &f);
    assert_true(f.seconds > 2000 * 0.3);
    expect_only(dir, "many.wav", "many.json", "many.vtt", "many.srt", "many.wav.lock", NULL);
    unlink(out);
}

static void empty_directory_as_article(void **state)
{
    (void)state;
    char dir[600];
    case_dir(dir, sizeof dir, "emptydir");
    WORK(empty, "in/empty");
    assert_int_equal(mkdir(empty, 0700), 0);
    JOIN(out, dir, "x.wav");
    expect_failure(run(NULL, BULLETIN, "-o", out, empty, NULL), 2,
                   "empty: no .txt articles in directory");
    expect_failure(run(NULL, "normalize", empty, NULL), 2, "no .txt articles in directory");
    /* Neither a folder named like an article nor other files count. */
    JOIN(sub, empty, "folder.txt");
    JOIN(other, empty, "notes.md");
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file(other, short_article, strlen(short_article));
    expect_failure(run(NULL, BULLETIN, "-o", out, empty, NULL), 2,
                   "no .txt articles in directory");
    expect_only(dir, "x.wav.lock", NULL);
}

static void directory_as_output(void **state)
{
    (void)state;
    char dir[600], article[600];
    case_dir(dir, sizeof dir, "outdir");
    input(article, sizeof article, "short.txt", short_article);
    JOIN(target, dir, "news.wav");
    assert_int_equal(mkdir(target, 0700), 0);
    expect_failure(run(NULL, BULLETIN, "-o", target, article, NULL), 2,
                   "news.wav: is a directory; give a file name");
    expect_failure(run(NULL, BULLETIN, "-f", "-o", dir, article, NULL), 2, "is a directory");
    char slash[1100];
    snprintf(slash, sizeof slash, "%s/", target);
    expect_failure(run(NULL, BULLETIN, "-o", slash, article, NULL), 2, "is a directory");
    /* Refused before anything is made: not even a lock file beside the directory. */
    expect_only(dir, "news.wav", NULL);
    DIR *d = opendir(target);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            fail_msg("%s left in the directory", e->d_name);
    closedir(d);
}

static void unreadable_article(void **state)
{
    (void)state;
    char dir[600], article[600];
    case_dir(dir, sizeof dir, "unreadable");
    JOIN(out, dir, "x.wav");
    /* A file that no one can read, root included: reading /proc/self/mem at offset 0 fails. */
    expect_failure(run(NULL, "normalize", "/proc/self/mem", NULL), 1,
                   "/proc/self/mem: cannot read: Input/output error");
    expect_failure(run(NULL, BULLETIN, "-o", out, "/proc/self/mem", NULL), 1, "cannot read");
    expect_only(dir, "x.wav.lock", NULL);
    if (geteuid() == 0) {
        print_message("note: running as root, where chmod 000 does not stop reading: "
                      "the unreadable-file case is skipped\n");
        skip();
    }
    input(article, sizeof article, "secret.txt", short_article);
    assert_int_equal(chmod(article, 0), 0);
    expect_failure(run(NULL, "normalize", article, NULL), 1,
                   "secret.txt: cannot open article: Permission denied");
    expect_failure(run(NULL, BULLETIN, "-o", out, article, NULL), 1, "Permission denied");
    chmod(article, 0600);
    expect_only(dir, "x.wav.lock", NULL);
}

static void unwritable_output(void **state)
{
    (void)state;
    char dir[600], article[600];
    case_dir(dir, sizeof dir, "unwritable");
    input(article, sizeof article, "short.txt", short_article);
    JOIN(nodir, dir, "no/such/dir/x.wav");
    expect_failure(run(NULL, BULLETIN, "-o", nodir, article, NULL), 1,
                   "x.wav: cannot create output: No such file or directory");
    /* Under a file, not a folder. */
    char under_file[1100];
    snprintf(under_file, sizeof under_file, "%s/x.wav", article);
    expect_failure(run(NULL, BULLETIN, "-o", under_file, article, NULL), 1,
                   "cannot create output: Not a directory");
    expect_only(dir, NULL);
    if (geteuid() == 0) {
        print_message("note: running as root, who may write in a read-only folder: the "
                      "read-only case is skipped\n");
        return;
    }
    JOIN(ro, dir, "ro");
    assert_int_equal(mkdir(ro, 0500), 0);
    char out[1100];
    snprintf(out, sizeof out, "%s/x.wav", ro);
    expect_failure(run(NULL, BULLETIN, "-o", out, article, NULL), 1,
                   "cannot create output: Permission denied");
    chmod(ro, 0700);
    expect_only(ro, NULL);
}

/* A file size limit (ulimit -f) under what the run must write: a one-line error, the previous
 * bulletin as it was and no temporary file. The limit stays over 64 MiB: under it, PulseAudio's
 * client library, which espeak-ng's audio layer loads, prints a line of its own when it cannot
 * size its shared memory. */
static void file_size_limit(void **state)
{
    (void)state;
    char dir[600], article[600];
    case_dir(dir, sizeof dir, "fsize");
    input(article, sizeof article, "short.txt", short_article);
    JOIN(out, dir, "news.wav");
    expect_success(run(NULL, BULLETIN, "-o", out, article, NULL));
    size_t len;
    char *before = table_read_file(out, &len);

    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    const rlim_t limit = 70u << 20; /* the samples' render is 210 MB of float samples */
    if (old.rlim_max != RLIM_INFINITY && old.rlim_max < limit)
        skip();
    lim = old;
    lim.rlim_cur = limit;
    /* Only the child writes while the limit holds (run's files are far under it). */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    run_result r = run(NULL, "bulletin", "-q", "--no-cache", "--jobs", "2", "--profile",
                       "broadcast", "-f", "-o", out, SAMPLES, NULL);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    expect_failure(r, 1, "File too large");
    size_t now_len;
    char *now = table_read_file(out, &now_len);
    assert_int_equal(now_len, len);
    assert_memory_equal(now, before, len);
    free(now);
    free(before);
    expect_only(dir, "news.wav", "news.json", "news.vtt", "news.srt", "news.wav.lock", NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* Jingles, rundowns, feeds, lexicons.                                                      */

static void jingles(void **state)
{
    (void)state;
    char dir[600], article[600], junk[600];
    case_dir(dir, sizeof dir, "jingles");
    input(article, sizeof article, "short.txt", short_article);
    input(junk, sizeof junk, "junk.wav", "this is not audio at all\n");
    WORK(odd, "in/odd.wav");
    WORK(cut, "in/cut.wav");
    WORK(cut_header, "in/cut-header.wav");
    WORK(silent, "in/empty.wav");
    make_tone(odd, 8000, 6, 1.0);  /* another rate, six channels */
    make_tone(cut, 48000, 2, 1.0); /* cut to a third below */
    size_t len;
    char *whole = table_read_file(cut, &len);
    write_file(cut_header, whole, 30); /* inside the header */
    write_file(cut, whole, len / 3);   /* inside the samples */
    free(whole);
    make_tone(silent, 48000, 1, 0);    /* a header and no samples */

    JOIN(out, dir, "x.wav");
    expect_failure(run(NULL, BULLETIN, "--intro", junk, "-o", out, article, NULL), 2,
                   "junk.wav: intro is not a sound file nashra can read");
    expect_failure(run(NULL, BULLETIN, "--outro", cut_header, "-o", out, article, NULL), 2,
                   "cut-header.wav: outro is not a sound file nashra can read");
    expect_failure(run(NULL, BULLETIN, "--intro", silent, "-o", out, article, NULL), 2,
                   "empty.wav: intro has no audio");
    expect_only(dir, "x.wav.lock", NULL);

    /* Any rate or channel count is brought to the output's (README, options table). */
    JOIN(plain, dir, "plain.wav");
    JOIN(with_odd, dir, "odd.wav");
    JOIN(with_cut, dir, "cut.wav");
    expect_success(run(NULL, BULLETIN, "--no-sidecars", "-o", plain, article, NULL));
    expect_success(run(NULL, BULLETIN, "--no-sidecars", "--intro", odd, "-o", with_odd, article,
                       NULL));
    /* A WAV cut inside its samples plays what is there (libsndfile reads the frames the file
     * holds). */
    expect_success(run(NULL, BULLETIN, "--no-sidecars", "--intro", cut, "-o", with_cut, article,
                       NULL));
    wav_facts p, o, c;
    wav_read_facts(plain, 100, 300, &p);
    wav_read_facts(with_odd, 100, 300, &o);
    wav_read_facts(with_cut, 100, 300, &c);
    assert_int_equal(o.rate, 22050);
    assert_int_equal(o.channels, 1);
    assert_int_equal(c.channels, 1);
    print_message("jingles: none %.2f s, 1 s at 8 kHz in 6 channels %.2f s, cut to 0.33 s %.2f s\n",
                  p.seconds, o.seconds, c.seconds);
    /* The intro, then a gap of 0.4 s. */
    assert_true(o.seconds - p.seconds > 1.2 && o.seconds - p.seconds < 1.6);
    assert_true(c.seconds - p.seconds > 0.5 && c.seconds - p.seconds < 0.9);
    expect_only(dir, "x.wav.lock", "plain.wav", "plain.wav.lock", "odd.wav", "odd.wav.lock",
                "cut.wav", "cut.wav.lock", NULL);
}

static void rundowns(void **state)
{
    (void)state;
    char dir[600], rd[600], story[600];
    case_dir(dir, sizeof dir, "rundowns");
    input(story, sizeof story, "story.txt", short_article);
    JOIN(out, dir, "x.wav");
    static const struct {
        const char *text, *needle;
    } cases[] = {
        {"{\"items\": [{\"kind\": \"story\", \"file\": \"story.txt\", \"colour\": \"red\"}]}",
         "rundown.json:1:51: unknown field \"colour\" in this kind of item"},
        {"{\"items\": [{\"kind\": \"story\", \"file\": \"story.txt\"}], \"bogus\": 1}",
         "rundown.json:1:53: unknown field \"bogus\" in the rundown"},
        {"{\"items\": [{\"kind\": \"story\", \"file\": \"story.txt\"}",
         "rundown.json:1:49: ']' expected near end of file"},
        {"\xFF\xFE{}", "rundown.json:1:1: unable to decode byte 0xff"},
        {"", "rundown.json:1:1: '[' or '{' expected near end of file"},
        {"items:\n  - kind: story\n", "rundown.json:1:5: '[' or '{' expected near 'items'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        input(rd, sizeof rd, "rundown.json", cases[i].text);
        expect_failure(run(NULL, BULLETIN, "--rundown", rd, "-o", out, NULL), 2,
                       cases[i].needle);
    }
    /* Nesting deep enough to exhaust a recursive parser's stack. */
    size_t depth = 200000;
    char *deep = malloc(2 * depth + 32);
    assert_non_null(deep);
    strcpy(deep, "{\"items\": ");
    size_t n = strlen(deep);
    memset(deep + n, '[', depth);
    memset(deep + n + depth, ']', depth);
    strcpy(deep + n + 2 * depth, "}");
    input(rd, sizeof rd, "rundown.json", deep);
    free(deep);
    expect_failure(run(NULL, BULLETIN, "--rundown", rd, "-o", out, NULL), 2,
                   "maximum parsing depth");
    expect_only(dir, "x.wav.lock", NULL);
}

static const char feed_head[] = "<?xml version=\"1.0\"?>\n";
static const char feed_body[] = "<rss version=\"2.0\"><channel><title>t</title><item>"
                                "<title>عنوان الخبر</title><description>%s</description>"
                                "</item></channel></rss>\n";

/* Writes a feed (the XML declaration, prolog, then one item holding description) as input
 * name, builds a bulletin of it into out, which must succeed, and returns the spoken text of
 * its JSON sidecar json (malloc'd). Latin words are kept as written (--latin english), so a
 * leak of /etc/passwd would show. */
static char *feed_spoken(const char *name, const char *prolog, const char *description,
                         const char *out, const char *json)
{
    char text[8192], feed[600];
    snprintf(text, sizeof text, "%s%s", feed_head, prolog);
    snprintf(text + strlen(text), sizeof text - strlen(text), feed_body, description);
    input(feed, sizeof feed, name, text);
    expect_success(run(NULL, BULLETIN, "--latin", "english", "--no-diacritize", "-f", "--feed",
                       feed, "-o", out, NULL));
    return spoken_text(json, NULL);
}

/* No word of /etc/passwd in spoken. Frees spoken. */
static void no_passwd(char *spoken)
{
    assert_null(strstr(spoken, "root"));
    assert_null(strstr(spoken, "nologin"));
    free(spoken);
}

/* A feed is refused or read, and never brings /etc/passwd's text into the bulletin. */
static void feeds(void **state)
{
    (void)state;
    char dir[600], feed[600];
    case_dir(dir, sizeof dir, "feeds");
    JOIN(out, dir, "x.wav");
    JOIN(json, dir, "x.json");
    char text[8192];

    /* The check sees a leak: /etc/passwd's words, written in an item, come through. */
    char *spoken = feed_spoken("feed.xml", "", "قال root إن nologin.", out, json);
    assert_non_null(strstr(spoken, "root"));
    assert_non_null(strstr(spoken, "nologin"));
    free(spoken);

    /* An external entity, in the internal subset: refused. */
    snprintf(text, sizeof text,
             "%s<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n", feed_head);
    snprintf(text + strlen(text), sizeof text - strlen(text), feed_body, "نص &xxe;");
    input(feed, sizeof feed, "xxe.xml", text);
    expect_failure(run(NULL, BULLETIN, "-f", "--feed", feed, "-o", out, NULL), 2,
                   "xxe.xml:3:41: entity declarations are not accepted in a feed");
    expect_failure(run(feed, BULLETIN, "-f", "--feed", "-", "-o", out, NULL), 2,
                   "entity declarations are not accepted in a feed");

    /* The external subset is the file: never loaded, and its entity is unknown. */
    spoken = feed_spoken("dtd.xml", "<!DOCTYPE rss SYSTEM \"file:///etc/passwd\">\n",
                         "نص الخبر &root;", out, json);
    assert_non_null(strstr(spoken, "نص"));
    no_passwd(spoken);

    /* XInclude is not processed. */
    no_passwd(feed_spoken("xinclude.xml", "",
                          "نص <xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
                          "href=\"file:///etc/passwd\" parse=\"text\"/>",
                          out, json));

    /* HTML inside an item declaring the same: the HTML reader expands nothing and reads no
     * file (what it makes of the declaration's text is spoken as text). */
    no_passwd(feed_spoken("html.xml", "",
                          "<![CDATA[<!DOCTYPE html [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                          "<html><feed_body><p>نص الخبر &xxe;</p></feed_body></html>]]>",
                          out, json));

    /* Entity bombs: refused at once, in little memory. */
    char bomb[4096];
    snprintf(bomb, sizeof bomb, "%s<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n", feed_head);
    for (int i = 1; i <= 9; i++) {
        char prev[8];
        snprintf(prev, sizeof prev, i == 1 ? "lol" : "lol%d", i - 1);
        size_t at = strlen(bomb);
        at += (size_t)snprintf(bomb + at, sizeof bomb - at, "<!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++)
            at += (size_t)snprintf(bomb + at, sizeof bomb - at, "&%s;", prev);
        snprintf(bomb + at, sizeof bomb - at, "\">\n");
    }
    snprintf(bomb + strlen(bomb), sizeof bomb - strlen(bomb), "]>\n");
    snprintf(bomb + strlen(bomb), sizeof bomb - strlen(bomb), feed_body, "&lol9;");
    input(feed, sizeof feed, "laughs.xml", bomb);
    cost c;
    expect_failure(run_measured(&c, NULL, BULLETIN, "-f", "--feed", feed, "-o", out, NULL), 2,
                   "laughs.xml:3:19: entity declarations are not accepted in a feed");
    expect_bounded(&c, 20, 400, "billion laughs");
    /* Quadratic blowup: one entity of 50,000 bytes, used 50,000 times. */
    WORK(quadratic, "in/quadratic.xml");
    FILE *f = fopen(quadratic, "wb");
    assert_non_null(f);
    fprintf(f, "%s<!DOCTYPE rss [<!ENTITY a \"", feed_head);
    for (int i = 0; i < 50000; i++)
        fputc('A', f);
    fputs("\">]>\n<rss version=\"2.0\"><channel><title>t</title><item><title>t</title>"
          "<description>", f);
    for (int i = 0; i < 50000; i++)
        fputs("&a;", f);
    fputs("</description></item></channel></rss>\n", f);
    assert_int_equal(fclose(f), 0);
    expect_failure(run_measured(&c, NULL, BULLETIN, "-f", "--feed", quadratic, "-o", out, NULL),
                   2, "entity declarations are not accepted in a feed");
    expect_bounded(&c, 20, 400, "quadratic blowup");
    expect_only(dir, "x.wav", "x.json", "x.vtt", "x.srt", "x.wav.lock", NULL);
}

static void lexicon_with_a_huge_line(void **state)
{
    (void)state;
    char dir[600], article[600];
    case_dir(dir, sizeof dir, "lexicon");
    input(article, sizeof article, "macron.txt", "عنوان\n\nقال ماكرون.\n");
    JOIN(out, dir, "x.wav");
    const size_t mb = 1u << 20;
    char *text = malloc(mb + 256);
    assert_non_null(text);
    WORK(lexicon, "in/lexicon.tsv");

    /* A surface of a megabyte. */
    strcpy(text, "ماكرون\tمَاكْرُونُ\n");
    size_t n = strlen(text);
    memset(text + n, 'x', mb);
    strcpy(text + n + mb, "\tبَ\n");
    write_file(lexicon, text, strlen(text));
    expect_failure(run(NULL, "normalize", "--lexicon", lexicon, article, NULL), 2,
                   "lexicon.tsv:2: entry too long");
    expect_failure(run(NULL, BULLETIN, "--lexicon", lexicon, "-o", out, article, NULL), 2,
                   "lexicon.tsv:2: entry too long");
    /* A megabyte without a tab. */
    memset(text, 'x', mb);
    strcpy(text + mb, "\n");
    write_file(lexicon, text, strlen(text));
    expect_failure(run(NULL, "normalize", "--lexicon", lexicon, article, NULL), 2,
                   "lexicon.tsv:1: expected SURFACE<TAB>SPELLING");
    expect_only(dir, "x.wav.lock", NULL);

    /* A comment of a megabyte is a comment: the entry after it is used. */
    text[0] = '#';
    memset(text + 1, 'x', mb);
    strcpy(text + 1 + mb, "\nماكرون\tمَاكْرُونُ\n");
    write_file(lexicon, text, strlen(text));
    free(text);
    run_result r = run(NULL, "normalize", "--lexicon", lexicon, article, NULL);
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "مَاكْرُونُ"));
    result_free(&r);
}

/* ---------------------------------------------------------------------------------------- */
/* What is already there.                                                                   */

static void existing_output(void **state)
{
    (void)state;
    char dir[600], article[600];
    case_dir(dir, sizeof dir, "existing");
    input(article, sizeof article, "short.txt", short_article);
    /* nashra bulletin --help: "-f, --force  replace FILE and its sidecars if they exist". */
    run_result r = run(NULL, "bulletin", "--help", NULL);
    assert_non_null(strstr(r.out, "-f, --force"));
    result_free(&r);

    JOIN(out, dir, "news.wav");
    write_file(out, "keep me", 7);
    expect_failure(run(NULL, BULLETIN, "-o", out, article, NULL), 2,
                   "news.wav: file exists (use --force to overwrite it)");
    char *kept = table_read_file(out, NULL);
    assert_string_equal(kept, "keep me");
    free(kept);
    /* A sidecar alone is enough to stop the run: nothing is written. */
    JOIN(other, dir, "other.wav");
    JOIN(other_json, dir, "other.json");
    write_file(other_json, "{}", 2);
    expect_failure(run(NULL, BULLETIN, "-o", other, article, NULL), 2,
                   "other.json: file exists (use --force to overwrite it)");
    expect_only(dir, "news.wav", "news.wav.lock", "other.json", "other.wav.lock", NULL);
    /* --force replaces them. */
    expect_success(run(NULL, BULLETIN, "-f", "-o", out, article, NULL));
    expect_success(run(NULL, BULLETIN, "-f", "-o", other, article, NULL));
    wav_facts f;
    wav_read_facts(out, 100, 300, &f);
    assert_true(f.seconds > 1);
    kept = table_read_file(other_json, NULL);
    assert_non_null(strstr(kept, "\"stories\""));
    free(kept);
    expect_only(dir, "news.wav", "news.json", "news.vtt", "news.srt", "news.wav.lock",
                "other.wav", "other.json", "other.vtt", "other.srt", "other.wav.lock", NULL);
}

/* ---------------------------------------------------------------------------------------- */
/* Faults: a signal while the bulletin is written, junk in the cache.                       */

/* Waits up to limit seconds for pid; kills it and fails the test if it is still running. */
static int wait_bounded(pid_t pid, double limit, const char *what)
{
    double t0 = seconds_now();
    int ws;
    pid_t got;
    while ((got = waitpid(pid, &ws, WNOHANG)) == 0) {
        if (seconds_now() - t0 > limit) {
            kill(pid, SIGKILL);
            waitpid(pid, &ws, 0);
            fail_msg("%s: still running after %.0f s (hung?)", what, limit);
        }
        struct timespec nap = {0, 20 * 1000000L};
        nanosleep(&nap, NULL);
    }
    assert_int_equal(got, pid);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}


/* SIGTERM once the speech is done and the output stage writes: the run ends by the signal and
 * the previous bulletin and its sidecars stay as they were, with no temporary file. */
static void terminated_while_writing(void **state)
{
    (void)state;
    char dir[600], article[600];
    case_dir(dir, sizeof dir, "term");
    input(article, sizeof article, "short.txt", short_article);
    JOIN(out, dir, "news.wav");
    JOIN(json, dir, "news.json");
    expect_success(run(NULL, "bulletin", "-q", "--no-cache", "--jobs", "1", "--profile",
                       "broadcast", "-o", out, article, NULL));
    size_t len, json_len;
    char *before = table_read_file(out, &len), *before_json = table_read_file(json, &json_len);

    WORK(err_path, "term.err");
    pid_t pid = spawn(err_path, "bulletin", "--verbose", "--no-cache", "--jobs", "2",
                      "--profile", "broadcast", "-f", "-o", out, SAMPLES, NULL);
    /* "speech: N sentences ..." is logged as the output stage starts: for the samples, 0.2 s
     * of gain, limiter and writing at 48 kHz (the raw profile's file is its render, in place
     * in a few milliseconds). */
    char *log = NULL;
    for (int i = 0; i < 6000; i++) {
        struct timespec nap = {0, 10 * 1000000L};
        if (access(err_path, F_OK) == 0) {
            log = table_read_file(err_path, NULL);
            if (strstr(log, " nashra: speech: "))
                break;
            free(log);
            log = NULL;
        }
        nanosleep(&nap, NULL);
    }
    assert_non_null(log);
    free(log);
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status = wait_bounded(pid, 60, "a run told to stop");
    log = table_read_file(err_path, NULL);
    if (status != 128 + SIGTERM)
        fail_msg("exit %d (the signal came too late?):\n%s", status, log);
    /* The last line says why. */
    assert_non_null(strstr(log, "nashra: interrupted\n"));
    free(log);
    size_t now_len;
    char *now = table_read_file(out, &now_len);
    assert_int_equal(now_len, len);
    assert_memory_equal(now, before, len);
    free(now);
    now = table_read_file(json, &now_len);
    assert_int_equal(now_len, json_len);
    assert_memory_equal(now, before_json, json_len);
    free(now);
    free(before);
    free(before_json);
    expect_only(dir, "news.wav", "news.json", "news.vtt", "news.srt", "news.wav.lock", NULL);
}

/* Keeps the first cache entry's path (user: a char[1400]). */
static void keep_first(void *user, const char *path, size_t n)
{
    if (n == 0)
        snprintf(user, 1400, "%s", path);
}

/* Junk in the cache folder, also at an entry's own name: the run succeeds, in bounded time. */
static void junk_in_the_cache(void **state)
{
    (void)state;
    char dir[600], article[600];
    case_dir(dir, sizeof dir, "cache");
    input(article, sizeof article, "short.txt", short_article);
    JOIN(out, dir, "news.wav");
    JOIN(cache, dir, "clips");
    char junk_dir[1200], top_junk[1200], stray[1200], fifo[1400];
    snprintf(junk_dir, sizeof junk_dir, "%s/zz/deeper", cache);
    snprintf(top_junk, sizeof top_junk, "%s/junk.bin", cache);
    expect_success(run(NULL, BULLETIN, "-o", out, article, NULL));
    assert_int_equal(mkdir(cache, 0700), 0);
    /* Files and folders of no use to the cache, and a file where an entry folder would go. */
    write_file(top_junk, "junk", 4);
    snprintf(stray, sizeof stray, "%s/zz", cache);
    assert_int_equal(mkdir(stray, 0700), 0);
    assert_int_equal(mkdir(junk_dir, 0700), 0);
    snprintf(stray, sizeof stray, "%s/7f", cache);
    write_file(stray, "not a folder", 12);
    WORK(err_path, "cache.err");
    pid_t pid = spawn(err_path, "bulletin", "-q", "--jobs", "1", "--profile", "raw",
                      "--cache-dir", cache, "-f", "-o", out, article, NULL);
    assert_int_equal(wait_bounded(pid, 120, "a run on a cache folder of junk"), 0);
    /* A FIFO where an entry is: nothing would ever write into it. */
    fifo[0] = '\0';
    cache_each_entry(cache, keep_first, fifo, NULL);
    assert_true(fifo[0] != '\0');
    assert_int_equal(unlink(fifo), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    for (int jobs = 1; jobs <= 2; jobs++) {
        pid = spawn(err_path, "bulletin", "-q", "--jobs", jobs == 1 ? "1" : "2", "--profile",
                    "raw", "--cache-dir", cache, "-f", "-o", out, article, NULL);
        assert_int_equal(wait_bounded(pid, 120, "a run with a FIFO in its cache"), 0);
        char *err = table_read_file(err_path, NULL);
        assert_string_equal(err, "");
        free(err);
        if (jobs == 1) { /* made a FIFO again for the workers' turn */
            unlink(fifo);
            assert_int_equal(mkfifo(fifo, 0600), 0);
        }
    }
    wav_facts f;
    wav_read_facts(out, 100, 300, &f);
    assert_true(f.seconds > 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(invalid_utf8),
        cmocka_unit_test(nul_bytes),
        cmocka_unit_test(fifty_megabytes),
        cmocka_unit_test(hundred_thousand_words),
        cmocka_unit_test(only_punctuation_or_digits),
        cmocka_unit_test(two_thousand_articles),
        cmocka_unit_test(empty_directory_as_article),
        cmocka_unit_test(directory_as_output),
        cmocka_unit_test(unreadable_article),
        cmocka_unit_test(unwritable_output),
        cmocka_unit_test(file_size_limit),
        cmocka_unit_test(jingles),
        cmocka_unit_test(rundowns),
        cmocka_unit_test(feeds),
        cmocka_unit_test(lexicon_with_a_huge_line),
        cmocka_unit_test(existing_output),
        cmocka_unit_test(terminated_while_writing),
        cmocka_unit_test(junk_in_the_cache),
    };
    return cmocka_run_group_tests(tests, setup, workdir_teardown);
}
