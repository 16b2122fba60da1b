/* The nashra command: a thin layer over the public API in nashra.h. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli/options.h"
#include "nashra.h"

static const char usage_main[] =
    "Usage: nashra COMMAND [OPTION]... [ARGUMENT]...\n"
    "Turn Arabic news articles into a spoken audio bulletin.\n"
    "\n"
    "Commands:\n"
    "  bulletin   synthesize articles into one bulletin (WAV, FLAC, MP3, Opus)\n"
    "  normalize  print the sentences exactly as they will be spoken\n"
    "  voices     list the voice profiles\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help and exit\n"
    "  -V, --version  show the version and exit\n"
    "\n"
    "Run 'nashra COMMAND --help' for a command's options.\n"
    "Exit status: 0 on success, 2 for usage errors and bad input, 1 for other failures.\n";

static const char usage_bulletin[] =
    "Usage: nashra bulletin -o OUTPUT [OPTION]... ARTICLE...\n"
    "       nashra bulletin -o OUTPUT --feed FEED [OPTION]... [ARTICLE]...\n"
    "       nashra bulletin -o OUTPUT --rundown RUNDOWN [OPTION]...\n"
    "Synthesize the articles, in the order given, into one spoken bulletin: for each story the\n"
    "headline, a pause, the body, and a longer pause before the next story.\n"
    "ARTICLE is a UTF-8 text file (first line the headline, blank lines between paragraphs),\n"
    "a directory (its .txt files in name order), or '-' for standard input.\n"
    "A rundown (JSON) describes the bulletin item by item: greeting, headlines, stories,\n"
    "audio, pauses, lines of text and the outro. A feed (RSS or Atom, a file or '-') adds its\n"
    "items as stories after the articles. The clock is the environment's NASHRA_NOW when set\n"
    "(e.g. 2026-11-24T20:00:00Z).\n"
    "\n"
    "Options:\n"
    "      --rundown FILE         build the bulletin the rundown describes\n"
    "      --feed FILE            read stories from an RSS or Atom feed ('-': standard input)\n"
    "      --max-stories N        at most N items of the feed (or of each feed story)\n"
    "      --since DURATION       only items dated within DURATION (90m, 2h, 1d) of now;\n"
    "                             items without a date are kept\n"
    "      --drop-undated         with --since, drop items without a date too\n"
    "      --order ORDER          newest (default: newest first) or feed (the feed's order)\n"
    "      --seen FILE            skip the items recorded in FILE, and record the items read\n"
    "                             once the bulletin is written\n"
    "      --timezone ZONE        the slot's and the greeting's time zone (IANA name, such as\n"
    "                             Asia/Riyadh; default: the rundown's, else the system's)\n"
    "  -o, --output FILE          write the bulletin to FILE (.wav .flac .mp3 .opus), with\n"
    "                             FILE's name and .json, .vtt and .srt beside it\n"
    "  -f, --force                replace FILE and its sidecars if they exist\n"
    "      --profile NAME         broadcast (WAV 48 kHz 24-bit, -23 LUFS, -1 dBTP), atsc\n"
    "                             (-24 LKFS, -2 dBTP), podcast (MP3 44.1 kHz, -19 LUFS),\n"
    "                             archive (FLAC 48 kHz 24-bit, -23 LUFS), opus (-19 LUFS),\n"
    "                             raw (WAV at 22050 Hz 16-bit, untouched); default: from\n"
    "                             FILE's extension\n"
    "      --format FMT           wav, flac, mp3 or opus, instead of the profile's\n"
    "      --sample-rate HZ       output rate (default: the profile's)\n"
    "      --bit-depth N          16 or 24, for WAV and FLAC\n"
    "      --loudness LUFS        integrated loudness target, -70 to -5\n"
    "      --true-peak DBTP       true-peak ceiling, -20 to -0.1\n"
    "      --bitrate KBPS         MP3 or Opus bitrate\n"
    "      --stereo               two channels (podcast target -16 LUFS)\n"
    "      --title TEXT           the bulletin's title in its metadata\n"
    "      --station TEXT         the station's name in its metadata\n"
    "      --slot YYYY-MM-DDTHH:MM  the scheduled air time\n"
    "      --intro FILE           a jingle before the bulletin\n"
    "      --outro FILE           a jingle after it\n"
    "      --between FILE         a stinger between stories\n"
    "      --bed FILE             music under each headline, ducked under the voice\n"
    "      --split DIR            also write each story to DIR/NN.EXT with its sidecars\n"
    "      --no-sidecars          do not write the .json, .vtt and .srt files\n";

/* The rest of the bulletin help: voice and pronunciation (one string would pass C's length
 * limit). */
static const char usage_bulletin_voice[] =
    "  -v, --voice NAME           a voice profile (see 'nashra voices'; default: anchor-male),\n"
    "                             a .voice file, or an espeak-ng voice such as ar or ar+f3\n"
    "      --headline-voice NAME  another voice for the headlines, with its own rate and pitch\n"
    "  -r, --rate N               speaking rate in espeak-ng words per minute, 80-450\n"
    "  -p, --pitch N              pitch, 0-100\n"
    "      --range N              pitch range, 0-100\n"
    "      --word-gap N           extra pause between words, in 10 ms, 0-50\n"
    "      --headline-pause MS    pause after a headline\n"
    "      --sentence-pause MS    pause between sentences\n"
    "      --paragraph-pause MS   pause between paragraphs\n"
    "      --story-pause MS       pause between stories\n"
    "                             (rate, pitch, range, word gap and pauses default to the\n"
    "                             voice profile's; given here, they override it)\n"
    "      --lexicon FILE         a pronunciation lexicon of your own (SURFACE<TAB>SPELLING\n"
    "                             lines), winning over the shipped one\n"
    "      --latin LANG           arabic (default): unknown Latin words read by Arabic\n"
    "                             letter names; english: left to espeak-ng's English\n"
    "      --no-diacritize        leave the short vowels the text lacks to espeak-ng's\n"
    "                             guesses instead of nashra's diacritizer\n"
    "      --pausal-endings       read the case endings the diacritizer is unsure of\n"
    "                             with sukun, as at a pause\n"
    "  -q, --quiet                print nothing on success\n"
    "  -h, --help                 show this help and exit\n";

/* The rest: how the run goes. */
static const char usage_bulletin_run[] =
    "\n"
    "Running:\n"
    "  -j, --jobs N               synthesize in N worker processes (default: one per\n"
    "                             processor; 1: in this process)\n"
    "      --no-cache             neither read nor write the sentence cache\n"
    "      --cache-dir DIR        keep the sentence cache in DIR (default:\n"
    "                             $XDG_CACHE_HOME/nashra/clips or ~/.cache/nashra/clips)\n"
    "      --cache-size SIZE      cap it at SIZE: megabytes, or with K, M or G (default 500M,\n"
    "                             or the environment's NASHRA_CACHE_SIZE)\n"
    "      --wait-lock            wait while another run writes the same output, rather than\n"
    "                             fail (the lock is OUTPUT.lock)\n"
    "      --verbose              log what the run does on standard error, one line an event\n"
    "                             with its time (a progress bar shows on a terminal anyway)\n";

static const char usage_normalize[] =
    "Usage: nashra normalize [OPTION]... [ARTICLE|-]...\n"
    "Print what will be spoken, one sentence per line, after cleanup, segmentation and\n"
    "expansion of numbers; a blank line separates articles. Without ARTICLE, or with '-',\n"
    "read standard input.\n"
    "\n"
    "Options:\n"
    "      --plain           print the text without diacritics\n"
    "      --phonemes        after each sentence and a tab, espeak-ng's phonemes for it\n"
    "  -v, --voice NAME      the voice whose phonemes --phonemes prints\n"
    "      --lexicon FILE    a pronunciation lexicon of your own (SURFACE<TAB>SPELLING\n"
    "                        lines), winning over the shipped one\n"
    "      --latin LANG      arabic (default): unknown Latin words read by Arabic letter\n"
    "                        names; english: left to espeak-ng's English\n"
    "      --no-diacritize   print the short vowels only where the text, the lexicon or\n"
    "                        the number stage gave them, not the diacritizer's\n"
    "      --pausal-endings  case endings the diacritizer is unsure of with sukun\n"
    "  -h, --help            show this help and exit\n";

static const char usage_voices[] =
    "Usage: nashra voices [PROFILE|FILE.voice]...\n"
    "List the voice profiles, one a line: name, espeak-ng voice and variant, rate, pitch and\n"
    "description. With arguments, load and show those profiles instead (a path holds a '/' or\n"
    "ends in .voice), which checks a profile file of your own.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help and exit\n";

static int status_exit(nashra_status st)
{
    switch (st) {
    case NASHRA_OK: return EXIT_OK;
    case NASHRA_EINVAL:
    case NASHRA_EINPUT:
    case NASHRA_EEXIST: return EXIT_USAGE;
    default: return EXIT_FAIL;
    }
}

static void clear_bar(void);

static int report(const nashra_error *err)
{
    clear_bar();
    return cli_error(status_exit(err->status), "%s", err->message);
}

/* ---------------------------------------------------------------------------------------- */

typedef struct print_state {
    int plain;
    int failed;
    const nashra_config *phonemes; /* print phonemes with this voice, or NULL */
    nashra_error err;              /* of the phoneme reader */
} print_state;

static int print_sentence(void *user, nashra_part part, size_t paragraph, const char *text)
{
    print_state *ps = user;
    (void)part;
    (void)paragraph;
    char *copy = strdup(text);
    if (!copy) {
        ps->failed = 1;
        return 1;
    }
    if (ps->plain)
        nashra_strip_diacritics(copy);
    fputs(copy, stdout);
    free(copy);
    if (ps->phonemes) {
        char *ph = NULL;
        if (nashra_phonemes(ps->phonemes, text, &ph, &ps->err)) {
            ps->failed = 2;
            return 1;
        }
        printf("\t%s", ph);
        free(ph);
    }
    putchar('\n');
    return 0;
}

/* Reads --latin's value into flags. */
static bool parse_latin(const char *value, unsigned *flags)
{
    if (!strcmp(value, "english"))
        *flags |= NASHRA_SPEECH_LATIN_ENGLISH;
    else if (!strcmp(value, "arabic"))
        *flags &= ~NASHRA_SPEECH_LATIN_ENGLISH;
    else
        return !cli_error(EXIT_USAGE, "--latin: give arabic or english, not '%s'", value);
    return true;
}

/* Applies --voice NAME: a profile or a .voice file with its numbers, or a plain espeak-ng
 * voice that keeps the default profile's numbers. */
static int apply_voice(nashra_config *cfg, const char *name)
{
    nashra_voice v;
    nashra_error err = {0};
    if (strchr(name, '/') || (strlen(name) > 6 && !strcmp(name + strlen(name) - 6, ".voice")) ||
        nashra_voice_load(name, &v, NULL) == NASHRA_OK) {
        if (nashra_config_voice(cfg, name, &err))
            return report(&err);
    } else {
        cfg->voice = name;
    }
    return EXIT_OK;
}

enum { OPT_PLAIN = 256, OPT_PHONEMES, OPT_LEXICON, OPT_LATIN, OPT_NO_DIACRITIZE, OPT_PAUSAL };

static int cmd_normalize(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"plain", no_argument, NULL, OPT_PLAIN},
        {"phonemes", no_argument, NULL, OPT_PHONEMES},
        {"voice", required_argument, NULL, 'v'},
        {"lexicon", required_argument, NULL, OPT_LEXICON},
        {"latin", required_argument, NULL, OPT_LATIN},
        {"no-diacritize", no_argument, NULL, OPT_NO_DIACRITIZE},
        {"pausal-endings", no_argument, NULL, OPT_PAUSAL},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    print_state ps = {0};
    nashra_config cfg;
    nashra_config_init(&cfg);
    const char *lexicon = NULL, *voice = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "+v:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_PLAIN: /* no marks printed: none need be found */
            ps.plain = 1;
            cfg.speech_flags |= NASHRA_SPEECH_NO_DIACRITIZE;
            break;
        case OPT_PHONEMES: ps.phonemes = &cfg; break;
        case 'v': voice = optarg; break;
        case OPT_LEXICON: lexicon = optarg; break;
        case OPT_LATIN:
            if (!parse_latin(optarg, &cfg.speech_flags))
                return EXIT_USAGE;
            break;
        case OPT_NO_DIACRITIZE: cfg.speech_flags |= NASHRA_SPEECH_NO_DIACRITIZE; break;
        case OPT_PAUSAL: cfg.speech_flags |= NASHRA_SPEECH_PAUSAL; break;
        case 'h': fputs(usage_normalize, stdout); return EXIT_OK;
        default: return cli_error(EXIT_USAGE, "try 'nashra normalize --help'");
        }
    }
    int vrc = voice ? apply_voice(&cfg, voice) : EXIT_OK;
    if (vrc != EXIT_OK)
        return vrc;
    nashra_error err = {0};
    nashra_lexicon *lx = NULL;
    if ((ps.phonemes && nashra_config_check(&cfg, &err)) ||
        (lexicon && nashra_lexicon_read(lexicon, &lx, &err)))
        return report(&err);
    nashra_speech speech = {lx, cfg.speech_flags};
    char *stdin_arg[] = {"-"};
    char *const *args = optind < argc ? argv + optind : stdin_arg;
    size_t nargs = optind < argc ? (size_t)(argc - optind) : 1;
    cli_inputs in;
    int rc = cli_inputs_collect(args, nargs, &in);
    if (rc) {
        nashra_lexicon_destroy(lx);
        return rc;
    }
    for (size_t i = 0; rc == EXIT_OK && i < in.count; i++) {
        nashra_article *a = NULL;
        if (nashra_article_read(in.paths[i], &a, &err) ||
            nashra_article_speech(a, &speech, print_sentence, &ps, &err)) {
            rc = report(&err);
        } else if (ps.failed == 2) {
            rc = report(&ps.err);
        } else if (ps.failed) {
            rc = cli_error(EXIT_FAIL, "out of memory");
        } else if (i + 1 < in.count) {
            putchar('\n');
        }
        nashra_article_destroy(a);
    }
    cli_inputs_free(&in);
    nashra_lexicon_destroy(lx);
    if (ps.phonemes)
        nashra_shutdown();
    if (rc == EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
        rc = cli_error(EXIT_FAIL, "cannot write to standard output");
    return rc;
}

/* ---------------------------------------------------------------------------------------- */

static void print_voice(const nashra_voice *v)
{
    char espeak[80];
    if (v->variant[0])
        snprintf(espeak, sizeof espeak, "%s+%s", v->voice, v->variant);
    else
        snprintf(espeak, sizeof espeak, "%s", v->voice);
    printf("%-14s %-12s rate %3d  pitch %3d  %s\n", v->name, espeak, v->rate, v->pitch,
           v->description);
}

static int cmd_voices(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': fputs(usage_voices, stdout); return EXIT_OK;
        default: return cli_error(EXIT_USAGE, "try 'nashra voices --help'");
        }
    }
    nashra_error err = {0};
    nashra_voice v;
    if (optind < argc) {
        for (int i = optind; i < argc; i++) {
            if (nashra_voice_load(argv[i], &v, &err))
                return report(&err);
            print_voice(&v);
        }
    } else {
        for (size_t i = 0; i < nashra_voice_count(); i++) {
            if (nashra_voice_get(i, &v, &err))
                return report(&err);
            print_voice(&v);
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_error(EXIT_FAIL, "cannot write to standard output");
    return EXIT_OK;
}

/* ---------------------------------------------------------------------------------------- */

/* ---------------------------------------------------------------------------------------- */
/* Events on standard error: time-stamped lines with --verbose, and a progress bar that only a
 * terminal gets (never a log file or cron's mail). */

typedef struct run_log {
    int verbose;
    bool bar;              /* a progress bar is drawn */
    bool bar_shown;        /* and is on the screen now */
    size_t segments;       /* known number of segments, or 0 */
    const char *unit;      /* what a segment is called on the bar */
} run_log;

static run_log the_log;

static void clear_bar(void)
{
    if (the_log.bar_shown) {
        fputs("\r\033[K", stderr);
        the_log.bar_shown = false;
    }
}

static void log_line(void *user, int level, const char *message)
{
    (void)user;
    (void)level;
    if (!the_log.verbose)
        return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    clear_bar();
    fprintf(stderr, "%s.%03ld nashra: %s\n", when, (long)(tv.tv_usec / 1000), message);
}

static void log_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void log_event(const char *fmt, ...)
{
    if (!the_log.verbose)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_line(NULL, NASHRA_LOG_INFO, line);
}

static void draw_progress(void *user, size_t segment, size_t done, size_t total)
{
    (void)user;
    if (!the_log.bar)
        return;
    double part = total ? (double)done / (double)total : 1;
    double whole = the_log.segments ? ((double)segment + part) / (double)the_log.segments : part;
    if (whole > 1)
        whole = 1;
    enum { WIDTH = 30 };
    char bar[WIDTH + 1];
    int filled = (int)(whole * WIDTH + 0.5);
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '-';
    bar[WIDTH] = '\0';
    if (the_log.segments && segment + 1 == the_log.segments && done == total)
        fprintf(stderr, "\r\033[K[%s] 100%%  writing the bulletin", bar);
    else if (the_log.segments)
        fprintf(stderr, "\r\033[K[%s] %3.0f%%  %s %zu of %zu, sentence %zu of %zu", bar,
                100 * whole, the_log.unit, segment + 1, the_log.segments, done, total);
    else
        fprintf(stderr, "\r\033[K[%s] %s %zu, sentence %zu of %zu", bar, the_log.unit,
                segment + 1, done, total);
    the_log.bar_shown = true;
}

/* Sets config's log and progress from --verbose and the terminal. */
static void setup_log(nashra_config *cfg, int verbose, int quiet)
{
    the_log.verbose = verbose;
    the_log.bar = !quiet && isatty(STDERR_FILENO);
    cfg->log = log_line;
    cfg->progress = draw_progress;
    cfg->log_user = &the_log;
}

/* ---------------------------------------------------------------------------------------- */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* The exit status of a bulletin run. A signal that came once the bulletin was being put in
 * place no longer stopped it: the run is complete and says so. Otherwise the run ends by that
 * signal. */
static int end_run(int rc)
{
    if (interrupted && rc != EXIT_OK) {
        signal((int)interrupted, SIG_DFL);
        raise((int)interrupted);
    }
    return rc;
}

enum {
    OPT_HEADLINE_PAUSE = 512,
    OPT_SENTENCE_PAUSE,
    OPT_PARAGRAPH_PAUSE,
    OPT_STORY_PAUSE,
    OPT_PROFILE,
    OPT_FORMAT,
    OPT_SAMPLE_RATE,
    OPT_BIT_DEPTH,
    OPT_LOUDNESS,
    OPT_TRUE_PEAK,
    OPT_BITRATE,
    OPT_STEREO,
    OPT_TITLE,
    OPT_STATION,
    OPT_SLOT,
    OPT_INTRO,
    OPT_OUTRO,
    OPT_BETWEEN,
    OPT_BED,
    OPT_SPLIT,
    OPT_NO_SIDECARS,
    OPT_BULLETIN_LEXICON,
    OPT_BULLETIN_LATIN,
    OPT_BULLETIN_NO_DIACRITIZE,
    OPT_BULLETIN_PAUSAL,
    OPT_HEADLINE_VOICE,
    OPT_RANGE,
    OPT_WORD_GAP,
    OPT_RUNDOWN,
    OPT_FEED,
    OPT_MAX_STORIES,
    OPT_SINCE,
    OPT_DROP_UNDATED,
    OPT_ORDER,
    OPT_SEEN,
    OPT_TIMEZONE,
    OPT_NO_CACHE,
    OPT_CACHE_DIR,
    OPT_CACHE_SIZE,
    OPT_WAIT_LOCK,
    OPT_VERBOSE
};

/* Options that override the voice profile's values, applied after it. */
typedef struct voice_overrides {
    int rate, pitch, range, word_gap;
    int pauses[4]; /* headline, sentence, paragraph, story */
} voice_overrides;

/* The clock: NASHRA_NOW (an ISO 8601 time with its zone, or local time in zone) when set. */
static int clock_now(const char *zone, long long *now)
{
    const char *env = getenv("NASHRA_NOW");
    if (!env || !*env) {
        *now = (long long)time(NULL);
        return EXIT_OK;
    }
    nashra_error err = {0};
    if (nashra_time_parse(env, zone, now, &err))
        return cli_error(EXIT_USAGE, "NASHRA_NOW: %s", err.message);
    return EXIT_OK;
}

/* Applies the voice (a profile's numbers too), then the numbers given on the command line. */
static int configure_voice(nashra_config *cfg, const char *voice, const voice_overrides *over)
{
    int rc = voice ? apply_voice(cfg, voice) : EXIT_OK;
    if (rc)
        return rc;
    int *fields[] = {&cfg->rate, &cfg->pitch, &cfg->range, &cfg->word_gap,
                     &cfg->headline_pause_ms, &cfg->sentence_pause_ms, &cfg->paragraph_pause_ms,
                     &cfg->story_pause_ms};
    const int given[] = {over->rate, over->pitch, over->range, over->word_gap, over->pauses[0],
                         over->pauses[1], over->pauses[2], over->pauses[3]};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (given[i] >= 0)
            *fields[i] = given[i];
    return EXIT_OK;
}

static void print_summary(const char *path, const nashra_bulletin_info *info)
{
    clear_bar();
    int minutes = (int)(info->seconds / 60);
    double seconds = info->seconds - minutes * 60;
    printf("%s: %zu %s, ", path, info->stories, info->stories == 1 ? "story" : "stories");
    if (info->segments > info->stories)
        printf("%zu segments, ", info->segments);
    printf("%zu sentences, %d:%04.1f (%.1f s) at %d Hz, %s %s", info->sentences, minutes,
           seconds, info->seconds, info->sample_rate, info->channels == 1 ? "mono" : "stereo",
           info->container);
    if (isfinite(info->loudness))
        printf(", %.1f LUFS, %.1f dBTP", info->loudness, info->true_peak);
    putchar('\n');
}

static int run_rundown(const char *path, nashra_config *cfg, const char *voice,
                       const voice_overrides *over, const char *output, const char *zone,
                       const char *seen_path, nashra_feed_options *fo, int quiet)
{
    nashra_error err = {0};
    nashra_rundown *rd = NULL;
    nashra_seen *seen = NULL;
    if (nashra_rundown_read(path, &rd, &err))
        return report(&err);
    /* Options given on the command line win over the rundown's fields. */
    const char *before = cfg->voice;
    nashra_rundown_configure(rd, cfg);
    int rc = configure_voice(cfg, voice ? voice : cfg->voice != before ? cfg->voice : NULL, over);
    if (rc == EXIT_OK && nashra_config_check(cfg, &err))
        rc = report(&err);
    if (rc) {
        nashra_rundown_destroy(rd);
        return rc;
    }
    nashra_rundown_options ro;
    nashra_rundown_options_init(&ro);
    ro.timezone = zone;
    rc = clock_now(zone ? zone : nashra_rundown_timezone(rd), &ro.now);
    fo->now = ro.now;
    if (rc == EXIT_OK && seen_path && nashra_seen_open(seen_path, &seen, &err))
        rc = report(&err);
    fo->seen = seen;
    ro.feed = *fo;
    the_log.unit = "segment";
    interrupted = 0;
    cfg->cancel = &interrupted;
    catch_signals();
    nashra_bulletin_info info;
    if (rc == EXIT_OK && nashra_rundown_build(rd, cfg, output, &ro, &info, &err))
        rc = report(&err);
    nashra_shutdown();
    if (rc == EXIT_OK && seen && nashra_seen_save(seen, &err))
        rc = report(&err);
    if (rc == EXIT_OK && !quiet)
        print_summary(output, &info);
    nashra_seen_destroy(seen);
    nashra_rundown_destroy(rd);
    return end_run(rc);
}

static int run_articles(nashra_config *cfg_in, const char *voice, const voice_overrides *over_in,
                        const char *output, const char *zone, const char *seen_path,
                        nashra_feed_options *fo_in, const char *feed_path, char *const *args,
                        size_t nargs, int quiet);

static int cmd_bulletin(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"voice", required_argument, NULL, 'v'},
        {"headline-voice", required_argument, NULL, OPT_HEADLINE_VOICE},
        {"range", required_argument, NULL, OPT_RANGE},
        {"word-gap", required_argument, NULL, OPT_WORD_GAP},
        {"rate", required_argument, NULL, 'r'},
        {"pitch", required_argument, NULL, 'p'},
        {"headline-pause", required_argument, NULL, OPT_HEADLINE_PAUSE},
        {"sentence-pause", required_argument, NULL, OPT_SENTENCE_PAUSE},
        {"paragraph-pause", required_argument, NULL, OPT_PARAGRAPH_PAUSE},
        {"story-pause", required_argument, NULL, OPT_STORY_PAUSE},
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"sample-rate", required_argument, NULL, OPT_SAMPLE_RATE},
        {"bit-depth", required_argument, NULL, OPT_BIT_DEPTH},
        {"loudness", required_argument, NULL, OPT_LOUDNESS},
        {"true-peak", required_argument, NULL, OPT_TRUE_PEAK},
        {"bitrate", required_argument, NULL, OPT_BITRATE},
        {"stereo", no_argument, NULL, OPT_STEREO},
        {"title", required_argument, NULL, OPT_TITLE},
        {"station", required_argument, NULL, OPT_STATION},
        {"slot", required_argument, NULL, OPT_SLOT},
        {"intro", required_argument, NULL, OPT_INTRO},
        {"outro", required_argument, NULL, OPT_OUTRO},
        {"between", required_argument, NULL, OPT_BETWEEN},
        {"bed", required_argument, NULL, OPT_BED},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"no-sidecars", no_argument, NULL, OPT_NO_SIDECARS},
        {"lexicon", required_argument, NULL, OPT_BULLETIN_LEXICON},
        {"latin", required_argument, NULL, OPT_BULLETIN_LATIN},
        {"no-diacritize", no_argument, NULL, OPT_BULLETIN_NO_DIACRITIZE},
        {"pausal-endings", no_argument, NULL, OPT_BULLETIN_PAUSAL},
        {"rundown", required_argument, NULL, OPT_RUNDOWN},
        {"feed", required_argument, NULL, OPT_FEED},
        {"max-stories", required_argument, NULL, OPT_MAX_STORIES},
        {"since", required_argument, NULL, OPT_SINCE},
        {"drop-undated", no_argument, NULL, OPT_DROP_UNDATED},
        {"order", required_argument, NULL, OPT_ORDER},
        {"seen", required_argument, NULL, OPT_SEEN},
        {"timezone", required_argument, NULL, OPT_TIMEZONE},
        {"jobs", required_argument, NULL, 'j'},
        {"no-cache", no_argument, NULL, OPT_NO_CACHE},
        {"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
        {"cache-size", required_argument, NULL, OPT_CACHE_SIZE},
        {"wait-lock", no_argument, NULL, OPT_WAIT_LOCK},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    nashra_config cfg;
    nashra_config_init(&cfg);
    const char *output = NULL, *voice = NULL, *rundown_path = NULL, *feed_path = NULL;
    const char *seen_path = NULL, *zone = NULL;
    voice_overrides over = {-1, -1, -1, -1, {-1, -1, -1, -1}};
    nashra_feed_options fo;
    nashra_feed_options_init(&fo);
    int quiet = 0, c, max_stories = 0, wait_lock = 0, verbose = 0;
    /* All processors unless told otherwise; the cache's size from the environment. */
    cfg.jobs = 0;
    const char *size_env = getenv("NASHRA_CACHE_SIZE");
    if (size_env && *size_env &&
        !cli_parse_size("NASHRA_CACHE_SIZE", size_env, &cfg.cache_max_bytes))
        return EXIT_USAGE;
    while ((c = getopt_long(argc, argv, "+o:fv:r:p:j:qh", longopts, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'o': output = optarg; break;
        case 'f': cfg.overwrite = 1; break;
        case 'v': voice = optarg; break;
        case OPT_HEADLINE_VOICE: cfg.headline_voice = optarg; break;
        case 'r': ok = cli_parse_int("--rate", optarg, 80, 450, &over.rate); break;
        case 'p': ok = cli_parse_int("--pitch", optarg, 0, 100, &over.pitch); break;
        case OPT_RANGE: ok = cli_parse_int("--range", optarg, 0, 100, &over.range); break;
        case OPT_WORD_GAP: ok = cli_parse_int("--word-gap", optarg, 0, 50, &over.word_gap); break;
        case OPT_HEADLINE_PAUSE:
            ok = cli_parse_int("--headline-pause", optarg, 0, 60000, &over.pauses[0]);
            break;
        case OPT_SENTENCE_PAUSE:
            ok = cli_parse_int("--sentence-pause", optarg, 0, 60000, &over.pauses[1]);
            break;
        case OPT_PARAGRAPH_PAUSE:
            ok = cli_parse_int("--paragraph-pause", optarg, 0, 60000, &over.pauses[2]);
            break;
        case OPT_STORY_PAUSE:
            ok = cli_parse_int("--story-pause", optarg, 0, 60000, &over.pauses[3]);
            break;
        case OPT_PROFILE:
            if (nashra_profile_from_name(optarg, &cfg.profile))
                return cli_error(EXIT_USAGE, "--profile: unknown profile '%s' (broadcast, atsc, "
                                 "podcast, archive, opus, raw)", optarg);
            break;
        case OPT_FORMAT:
            if (nashra_format_from_name(optarg, &cfg.format))
                return cli_error(EXIT_USAGE, "--format: unknown format '%s' (wav, flac, mp3, "
                                 "opus)", optarg);
            break;
        case OPT_SAMPLE_RATE:
            ok = cli_parse_int("--sample-rate", optarg, 8000, 192000, &cfg.sample_rate);
            break;
        case OPT_BIT_DEPTH:
            ok = cli_parse_int("--bit-depth", optarg, 16, 24, &cfg.bit_depth);
            if (ok && cfg.bit_depth != 16 && cfg.bit_depth != 24)
                ok = !cli_error(EXIT_USAGE, "--bit-depth: give 16 or 24");
            break;
        case OPT_LOUDNESS:
            ok = cli_parse_double("--loudness", optarg, -70, -5, &cfg.loudness);
            break;
        case OPT_TRUE_PEAK:
            ok = cli_parse_double("--true-peak", optarg, -20, -0.1, &cfg.true_peak);
            break;
        case OPT_BITRATE: ok = cli_parse_int("--bitrate", optarg, 6, 320, &cfg.bitrate); break;
        case OPT_STEREO: cfg.stereo = 1; break;
        case OPT_TITLE: cfg.title = optarg; break;
        case OPT_STATION: cfg.station = optarg; break;
        case OPT_SLOT: cfg.slot = optarg; break;
        case OPT_INTRO: cfg.intro = optarg; break;
        case OPT_OUTRO: cfg.outro = optarg; break;
        case OPT_BETWEEN: cfg.between = optarg; break;
        case OPT_BED: cfg.bed = optarg; break;
        case OPT_SPLIT: cfg.split_dir = optarg; break;
        case OPT_NO_SIDECARS: cfg.sidecars = 0; break;
        case OPT_BULLETIN_LEXICON: cfg.lexicon = optarg; break;
        case OPT_BULLETIN_LATIN: ok = parse_latin(optarg, &cfg.speech_flags); break;
        case OPT_BULLETIN_NO_DIACRITIZE: cfg.speech_flags |= NASHRA_SPEECH_NO_DIACRITIZE; break;
        case OPT_BULLETIN_PAUSAL: cfg.speech_flags |= NASHRA_SPEECH_PAUSAL; break;
        case OPT_RUNDOWN: rundown_path = optarg; break;
        case OPT_FEED: feed_path = optarg; break;
        case OPT_MAX_STORIES:
            ok = cli_parse_int("--max-stories", optarg, 1, 1000, &max_stories);
            break;
        case OPT_SINCE: ok = cli_parse_duration("--since", optarg, &fo.since); break;
        case OPT_DROP_UNDATED: fo.drop_undated = 1; break;
        case OPT_ORDER:
            if (!strcmp(optarg, "newest"))
                fo.order = NASHRA_ORDER_NEWEST;
            else if (!strcmp(optarg, "feed"))
                fo.order = NASHRA_ORDER_FEED;
            else
                return cli_error(EXIT_USAGE, "--order: give newest or feed, not '%s'", optarg);
            break;
        case OPT_SEEN: seen_path = optarg; break;
        case OPT_TIMEZONE: zone = optarg; break;
        case 'j': ok = cli_parse_int("--jobs", optarg, 1, 64, &cfg.jobs); break;
        case OPT_NO_CACHE: cfg.no_cache = 1; break;
        case OPT_CACHE_DIR: cfg.cache_dir = optarg; break;
        case OPT_CACHE_SIZE:
            ok = cli_parse_size("--cache-size", optarg, &cfg.cache_max_bytes);
            break;
        case OPT_WAIT_LOCK: wait_lock = 1; break;
        case OPT_VERBOSE: verbose = 1; break;
        case 'q': quiet = 1; break;
        case 'h':
            fputs(usage_bulletin, stdout);
            fputs(usage_bulletin_voice, stdout);
            fputs(usage_bulletin_run, stdout);
            return EXIT_OK;
        default: return cli_error(EXIT_USAGE, "try 'nashra bulletin --help'");
        }
        if (!ok)
            return EXIT_USAGE;
    }
    if (!output)
        return cli_error(EXIT_USAGE, "no output file: give -o FILE (try 'nashra bulletin --help')");
    if (rundown_path && (optind < argc || feed_path))
        return cli_error(EXIT_USAGE, "--rundown names the stories itself: give no articles or "
                         "--feed with it");
    if (!rundown_path && !feed_path && optind >= argc)
        return cli_error(EXIT_USAGE, "no articles given (try 'nashra bulletin --help')");
    if ((max_stories || fo.since || seen_path) && !rundown_path && !feed_path)
        return cli_error(EXIT_USAGE, "--max-stories, --since and --seen apply to --feed and "
                         "--rundown");
    fo.max_items = (size_t)max_stories;

    nashra_error err = {0};
    if (zone && nashra_timezone_check(zone, &err))
        return cli_error(EXIT_USAGE, "--timezone: %s", err.message);
    setup_log(&cfg, verbose, quiet);
    /* Before any work: one run at a time writes this output (and its seen file). */
    nashra_lock *lock = NULL;
    if (nashra_output_lock(output, wait_lock, &lock, &err))
        return report(&err);
    log_event("%s: locked", output);
    int rc;
    if (rundown_path) {
        rc = run_rundown(rundown_path, &cfg, voice, &over, output, zone, seen_path, &fo, quiet);
    } else {
        rc = run_articles(&cfg, voice, &over, output, zone, seen_path, &fo, feed_path,
                          argv + optind, (size_t)(argc - optind), quiet);
    }
    clear_bar();
    nashra_output_unlock(lock);
    return rc;
}

/* A bulletin of articles named on the command line and of a feed's items. */
static int run_articles(nashra_config *cfg_in, const char *voice, const voice_overrides *over_in,
                        const char *output, const char *zone, const char *seen_path,
                        nashra_feed_options *fo_in, const char *feed_path, char *const *args,
                        size_t nargs, int quiet)
{
    nashra_config cfg = *cfg_in;
    voice_overrides over = *over_in;
    nashra_feed_options fo = *fo_in;
    nashra_error err = {0};
    int rc = configure_voice(&cfg, voice, &over);
    if (rc)
        return rc;
    if (nashra_config_check(&cfg, &err))
        return report(&err);
    rc = clock_now(zone, &fo.now);
    if (rc)
        return rc;
    cli_inputs in;
    rc = cli_inputs_collect(args, nargs, &in);
    if (rc)
        return rc;

    /* Read every article first: bad input fails before any synthesis or output. */
    nashra_seen *seen = NULL;
    nashra_feed *feed = NULL;
    nashra_article **from_feed = NULL;
    size_t feed_count = 0;
    if (seen_path && nashra_seen_open(seen_path, &seen, &err))
        rc = report(&err);
    fo.seen = seen;
    if (rc == EXIT_OK && feed_path &&
        (nashra_feed_read(feed_path, &feed, &err) ||
         nashra_feed_articles(feed, &fo, &from_feed, &feed_count, &err)))
        rc = report(&err);
    nashra_feed_destroy(feed);
    if (rc == EXIT_OK && feed_path && !feed_count && !in.count)
        rc = cli_error(EXIT_USAGE, "%s: no stories to read (no new items in the feed)",
                       feed_path);
    nashra_article **articles = calloc(in.count + feed_count + 1, sizeof *articles);
    if (!articles) {
        cli_inputs_free(&in);
        nashra_articles_destroy(from_feed, feed_count);
        nashra_seen_destroy(seen);
        return cli_error(EXIT_FAIL, "out of memory");
    }
    for (size_t i = 0; rc == EXIT_OK && i < in.count; i++)
        if (nashra_article_read(in.paths[i], &articles[i], &err))
            rc = report(&err);
    size_t total = in.count;
    for (size_t i = 0; i < feed_count; i++)
        articles[total++] = from_feed[i];
    free(from_feed);
    if (rc == EXIT_OK)
        log_event("%zu stories to read: %zu articles, %zu feed items", total, in.count,
                  feed_count);
    the_log.segments = total;
    the_log.unit = "story";

    interrupted = 0;
    cfg.cancel = &interrupted;
    catch_signals();
    nashra_bulletin *b = NULL;
    nashra_bulletin_info info;
    if (rc == EXIT_OK && nashra_bulletin_create(&cfg, output, &b, &err))
        rc = report(&err);
    for (size_t i = 0; rc == EXIT_OK && i < total; i++) {
        if (i + 1 < total)
            nashra_bulletin_next(b, articles[i + 1], NULL);
        if (nashra_bulletin_add(b, articles[i], &err))
            rc = report(&err);
    }
    if (rc == EXIT_OK && nashra_bulletin_finish(b, &info, &err))
        rc = report(&err);
    nashra_bulletin_destroy(b); /* removes the temporary file of a failed run */
    nashra_shutdown();
    /* The items count as read only once the bulletin is in place. */
    if (rc == EXIT_OK && seen && nashra_seen_save(seen, &err))
        rc = report(&err);
    if (rc == EXIT_OK && !quiet)
        print_summary(output, &info);

    nashra_articles_destroy(articles, total);
    nashra_seen_destroy(seen);
    cli_inputs_free(&in);
    return end_run(rc);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    /* A write past the file size limit (ulimit -f) then fails with EFBIG and is reported as
     * one line like any failed write, with the temporary file removed, instead of killing the
     * process midway. The synthesis workers inherit this. */
    signal(SIGXFSZ, SIG_IGN);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage_main, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("nashra %s\n", nashra_version());
        return EXIT_OK;
    }
    /* Subcommands parse argv from their own name on. */
    optind = 1;
    if (!strcmp(cmd, "bulletin"))
        return cmd_bulletin(argc - 1, argv + 1);
    if (!strcmp(cmd, "normalize"))
        return cmd_normalize(argc - 1, argv + 1);
    if (!strcmp(cmd, "voices"))
        return cmd_voices(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return cli_error(EXIT_USAGE, "unknown option '%s' (try 'nashra --help')", cmd);
    return cli_error(EXIT_USAGE, "unknown command '%s' (try 'nashra --help')", cmd);
}
