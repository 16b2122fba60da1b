/* The nashra command: a thin layer over the public API in nashra.h. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "nashra.h"

static const char usage_main[] =
    "Usage: nashra COMMAND [OPTION]... [ARGUMENT]...\n"
    "Turn Arabic news articles into a spoken audio bulletin.\n"
    "\n"
    "Commands:\n"
    "  bulletin   synthesize articles into one bulletin (WAV)\n"
    "  normalize  print the sentences exactly as they will be spoken\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help and exit\n"
    "  -V, --version  show the version and exit\n"
    "\n"
    "Run 'nashra COMMAND --help' for a command's options.\n"
    "Exit status: 0 on success, 2 for usage errors and bad input, 1 for other failures.\n";

static const char usage_bulletin[] =
    "Usage: nashra bulletin -o OUTPUT.wav [OPTION]... ARTICLE...\n"
    "Synthesize the articles, in the order given, into one spoken bulletin: for each story the\n"
    "headline, a pause, the body, and a longer pause before the next story.\n"
    "ARTICLE is a UTF-8 text file (first line the headline, blank lines between paragraphs),\n"
    "a directory (its .txt files in name order), or '-' for standard input.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE          write the bulletin to FILE (16-bit PCM WAV)\n"
    "  -f, --force                replace FILE if it exists\n"
    "  -v, --voice NAME           espeak-ng voice, optionally NAME+VARIANT (default: ar)\n"
    "  -r, --rate N               speaking rate in espeak-ng words per minute, 80-450 (default: 165)\n"
    "  -p, --pitch N              pitch, 0-100 (default: 45)\n"
    "      --headline-pause MS    pause after a headline (default: 800)\n"
    "      --sentence-pause MS    pause between sentences (default: 350)\n"
    "      --paragraph-pause MS   pause between paragraphs (default: 650)\n"
    "      --story-pause MS       pause between stories (default: 1600)\n"
    "  -q, --quiet                print nothing on success\n"
    "  -h, --help                 show this help and exit\n";

static const char usage_normalize[] =
    "Usage: nashra normalize [OPTION]... [ARTICLE|-]...\n"
    "Print what will be spoken, one sentence per line, after cleanup, segmentation and\n"
    "expansion of numbers; a blank line separates articles. Without ARTICLE, or with '-',\n"
    "read standard input.\n"
    "\n"
    "Options:\n"
    "      --plain  print the text without diacritics\n"
    "  -h, --help   show this help and exit\n";

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

static int report(const nashra_error *err)
{
    return cli_error(status_exit(err->status), "%s", err->message);
}

/* ---------------------------------------------------------------------------------------- */

typedef struct print_state {
    int plain;
    int failed;
} print_state;

static int print_sentence(void *user, nashra_part part, size_t paragraph, const char *text)
{
    print_state *ps = user;
    (void)part;
    (void)paragraph;
    if (ps->plain) {
        char *copy = strdup(text);
        if (!copy) {
            ps->failed = 1;
            return 1;
        }
        nashra_strip_diacritics(copy);
        puts(copy);
        free(copy);
    } else {
        puts(text);
    }
    return 0;
}

static int cmd_normalize(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"plain", no_argument, NULL, 'P'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    print_state ps = {0, 0};
    int c;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case 'P': ps.plain = 1; break;
        case 'h': fputs(usage_normalize, stdout); return EXIT_OK;
        default: return cli_error(EXIT_USAGE, "try 'nashra normalize --help'");
        }
    }
    char *stdin_arg[] = {"-"};
    char *const *args = optind < argc ? argv + optind : stdin_arg;
    size_t nargs = optind < argc ? (size_t)(argc - optind) : 1;
    cli_inputs in;
    int rc = cli_inputs_collect(args, nargs, &in);
    if (rc)
        return rc;
    for (size_t i = 0; rc == EXIT_OK && i < in.count; i++) {
        nashra_error err = {0};
        nashra_article *a = NULL;
        if (nashra_article_read(in.paths[i], &a, &err) ||
            nashra_article_sentences(a, print_sentence, &ps, &err)) {
            rc = report(&err);
        } else if (ps.failed) {
            rc = cli_error(EXIT_FAIL, "out of memory");
        } else if (i + 1 < in.count) {
            putchar('\n');
        }
        nashra_article_destroy(a);
    }
    cli_inputs_free(&in);
    if (rc == EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
        rc = cli_error(EXIT_FAIL, "cannot write to standard output");
    return rc;
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

enum { OPT_HEADLINE_PAUSE = 256, OPT_SENTENCE_PAUSE, OPT_PARAGRAPH_PAUSE, OPT_STORY_PAUSE };

static void print_summary(const char *path, const nashra_bulletin_info *info)
{
    int minutes = (int)(info->seconds / 60);
    double seconds = info->seconds - minutes * 60;
    printf("%s: %zu %s, %zu sentences, %d:%04.1f (%.1f s) at %d Hz\n", path, info->stories,
           info->stories == 1 ? "story" : "stories", info->sentences, minutes, seconds,
           info->seconds, info->sample_rate);
}

static int cmd_bulletin(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"voice", required_argument, NULL, 'v'},
        {"rate", required_argument, NULL, 'r'},
        {"pitch", required_argument, NULL, 'p'},
        {"headline-pause", required_argument, NULL, OPT_HEADLINE_PAUSE},
        {"sentence-pause", required_argument, NULL, OPT_SENTENCE_PAUSE},
        {"paragraph-pause", required_argument, NULL, OPT_PARAGRAPH_PAUSE},
        {"story-pause", required_argument, NULL, OPT_STORY_PAUSE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    nashra_config cfg;
    nashra_config_init(&cfg);
    const char *output = NULL;
    int quiet = 0, c;
    while ((c = getopt_long(argc, argv, "+o:fv:r:p:qh", longopts, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'o': output = optarg; break;
        case 'f': cfg.overwrite = 1; break;
        case 'v': cfg.voice = optarg; break;
        case 'r': ok = cli_parse_int("--rate", optarg, 80, 450, &cfg.rate); break;
        case 'p': ok = cli_parse_int("--pitch", optarg, 0, 100, &cfg.pitch); break;
        case OPT_HEADLINE_PAUSE:
            ok = cli_parse_int("--headline-pause", optarg, 0, 60000, &cfg.headline_pause_ms);
            break;
        case OPT_SENTENCE_PAUSE:
            ok = cli_parse_int("--sentence-pause", optarg, 0, 60000, &cfg.sentence_pause_ms);
            break;
        case OPT_PARAGRAPH_PAUSE:
            ok = cli_parse_int("--paragraph-pause", optarg, 0, 60000, &cfg.paragraph_pause_ms);
            break;
        case OPT_STORY_PAUSE:
            ok = cli_parse_int("--story-pause", optarg, 0, 60000, &cfg.story_pause_ms);
            break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_bulletin, stdout); return EXIT_OK;
        default: return cli_error(EXIT_USAGE, "try 'nashra bulletin --help'");
        }
        if (!ok)
            return EXIT_USAGE;
    }
    if (!output)
        return cli_error(EXIT_USAGE, "no output file: give -o FILE (try 'nashra bulletin --help')");
    if (optind >= argc)
        return cli_error(EXIT_USAGE, "no articles given (try 'nashra bulletin --help')");

    nashra_error err = {0};
    if (nashra_config_check(&cfg, &err))
        return report(&err);
    cli_inputs in;
    int rc = cli_inputs_collect(argv + optind, (size_t)(argc - optind), &in);
    if (rc)
        return rc;

    /* Read every article first: bad input fails before any synthesis or output. */
    nashra_article **articles = calloc(in.count, sizeof *articles);
    if (!articles) {
        cli_inputs_free(&in);
        return cli_error(EXIT_FAIL, "out of memory");
    }
    for (size_t i = 0; rc == EXIT_OK && i < in.count; i++)
        if (nashra_article_read(in.paths[i], &articles[i], &err))
            rc = report(&err);

    interrupted = 0;
    cfg.cancel = &interrupted;
    catch_signals();
    nashra_bulletin *b = NULL;
    nashra_bulletin_info info;
    if (rc == EXIT_OK && nashra_bulletin_create(&cfg, output, &b, &err))
        rc = report(&err);
    for (size_t i = 0; rc == EXIT_OK && i < in.count; i++)
        if (nashra_bulletin_add(b, articles[i], &err))
            rc = report(&err);
    if (rc == EXIT_OK && nashra_bulletin_finish(b, &info, &err))
        rc = report(&err);
    nashra_bulletin_destroy(b); /* removes the temporary file of a failed run */
    nashra_shutdown();
    if (rc == EXIT_OK && !quiet)
        print_summary(output, &info);

    for (size_t i = 0; i < in.count; i++)
        nashra_article_destroy(articles[i]);
    free(articles);
    cli_inputs_free(&in);
    if (interrupted) {
        signal((int)interrupted, SIG_DFL);
        raise((int)interrupted);
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
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
    if (cmd[0] == '-')
        return cli_error(EXIT_USAGE, "unknown option '%s' (try 'nashra --help')", cmd);
    return cli_error(EXIT_USAGE, "unknown command '%s' (try 'nashra --help')", cmd);
}
