/*
 * Phoneme error rate (PER) of nashra's Arabic against gold, fully diacritized sentences.
 *
 * For each gold sentence, the reference is espeak-ng's phonemes for the gold text (its
 * diacritics put in espeak-ng's order). The text a news site would print is the gold's
 * written form with every diacritic removed: plain espeak-ng reads it as it is; nashra reads
 * it through its text stages (normalization, segmentation, spoken forms, pronunciation). The
 * PER is the edit distance between the phonemes, words aligned first (a word substitution
 * costs the phoneme edit distance between the two words; an inserted or dropped word costs
 * its phonemes), summed over the set and divided by the reference's phoneme count. Stress
 * marks are ignored.
 *
 *   per [--check BASELINE] [--stages] [--partial] [--pausal] [--verbose] [--limit N]
 *       [--words FILE] GOLD...
 *
 * GOLD is a TSV file (ID<TAB>WRITTEN<TAB>GOLD, '#' comments: WRITTEN may hold digits that the
 * gold spells out) or a plain file with one diacritized sentence a line. --stages adds nashra
 * with each of its stages turned off in turn; --partial measures what to do with words given
 * only some of their marks; --pausal, reading the diacritizer's less certain case endings
 * with sukun. --words writes each word nashra got wrong, with its errors and both phoneme
 * strings, one a line, for finding what goes wrong most. --check fails (exit 1) when nashra's
 * PER on the first file is worse than the figure in BASELINE.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/strlist.h"
#include "expand/expand.h"
#include "normalize/normalize.h"
#include "pronounce/pronounce.h"
#include "segment/segment.h"
#include "synth/synth.h"

typedef struct sentence_pair {
    char *written; /* as printed, diacritics removed */
    char *gold;
} sentence_pair;

typedef struct gold_set {
    const char *path;
    sentence_pair *items;
    size_t count, cap;
} gold_set;

static void die(const char *what)
{
    fprintf(stderr, "per: %s\n", what);
    exit(2);
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        die("out of memory");
    return d;
}

static void add_pair(gold_set *g, const char *written, const char *gold)
{
    if (!(g->items = array_grow(g->items, &g->cap, g->count, sizeof *g->items, 256)))
        die("out of memory");
    sentence_pair *p = &g->items[g->count++];
    p->written = xstrdup(written);
    nashra_strip_diacritics(p->written);
    p->gold = xstrdup(gold);
}

static void load_gold(gold_set *g, const char *path, size_t limit)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "per: %s: cannot open\n", path);
        exit(2);
    }
    g->path = path;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0 && (!limit || g->count < limit)) {
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (!n || line[0] == '#')
            continue;
        char *t1 = strchr(line, '\t');
        if (t1) {
            char *t2 = strchr(t1 + 1, '\t');
            if (!t2) {
                fprintf(stderr, "per: %s: a line with one tab: give ID, WRITTEN, GOLD\n", path);
                exit(2);
            }
            *t2 = '\0';
            add_pair(g, t1 + 1, t2 + 1);
        } else {
            add_pair(g, line, line);
        }
    }
    free(line);
    fclose(f);
}

/* ------------------------------------------------------------------------------------------ */
/* Phonemes and their distance                                                                */

typedef struct pwords {
    strlist words; /* each word's phonemes joined by '_', stress removed */
    size_t phonemes;
} pwords;

static size_t count_phonemes(const char *w)
{
    size_t n = *w != '\0';
    for (; *w; w++)
        n += *w == '_';
    return n;
}

/* espeak-ng's phonemes for text, split into words; as_written: without the spellings nashra
 * makes for espeak-ng. */
static void phonemes_of(const char *text, bool as_written, pwords *out)
{
    buf ph = BUF_INIT;
    nashra_error err = {0};
    if ((as_written ? synth_phonemes_as_written : synth_phonemes)(text, '_', &ph, &err))
        die(err.message);
    out->words = (strlist)STRLIST_INIT;
    out->phonemes = 0;
    const char *s = ph.data ? ph.data : "";
    buf w = BUF_INIT;
    for (;; s++) {
        if (*s == ' ' || !*s) {
            /* drop empty phonemes left by removed stress marks */
            buf clean = BUF_INIT;
            for (size_t i = 0; i < w.len; i++)
                if (!(w.data[i] == '_' && (clean.len == 0 || clean.data[clean.len - 1] == '_')))
                    buf_putc(&clean, w.data[i]);
            while (clean.len && clean.data[clean.len - 1] == '_')
                clean.data[--clean.len] = '\0';
            if (clean.len) {
                if (!strlist_push(&out->words, clean.data, clean.len))
                    die("out of memory");
                out->phonemes += count_phonemes(clean.data);
            }
            buf_free(&clean);
            buf_clear(&w);
            if (!*s)
                break;
            continue;
        }
        if (*s != '\'' && *s != ',')
            buf_putc(&w, *s);
    }
    buf_free(&w);
    buf_free(&ph);
}

/* Splits a word's phonemes into an array of pointers into a copy. */
static size_t split_phonemes(const char *w, char *copy, const char **out, size_t cap)
{
    strcpy(copy, w);
    size_t n = 0;
    for (char *p = copy; *p && n < cap;) {
        out[n++] = p;
        char *u = strchr(p, '_');
        if (!u)
            break;
        *u = '\0';
        p = u + 1;
    }
    return n;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

#define WORD_PHONEMES 128

static size_t word_distance(const char *a, const char *b)
{
    char ca[1024], cb[1024];
    const char *pa[WORD_PHONEMES], *pb[WORD_PHONEMES];
    if (strlen(a) >= sizeof ca || strlen(b) >= sizeof cb)
        die("a word with too many phonemes");
    size_t na = split_phonemes(a, ca, pa, WORD_PHONEMES);
    size_t nb = split_phonemes(b, cb, pb, WORD_PHONEMES);
    size_t d[WORD_PHONEMES + 1][WORD_PHONEMES + 1];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++)
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
                           d[i - 1][j - 1] + (strcmp(pa[i - 1], pb[j - 1]) != 0));
    return d[na][nb];
}

/* --words: where each word nashra got wrong is written (errors, reference, nashra's). */
static FILE *words_out;

/* Word-aligned phoneme edit distance from ref to hyp. */
static size_t distance(const pwords *ref, const pwords *hyp)
{
    size_t n = ref->words.count, m = hyp->words.count;
    size_t *d = malloc((n + 1) * (m + 1) * sizeof *d);
    if (!d)
        die("out of memory");
#define D(i, j) d[(i) * (m + 1) + (j)]
    D(0, 0) = 0;
    for (size_t i = 1; i <= n; i++)
        D(i, 0) = D(i - 1, 0) + count_phonemes(ref->words.items[i - 1]);
    for (size_t j = 1; j <= m; j++)
        D(0, j) = D(0, j - 1) + count_phonemes(hyp->words.items[j - 1]);
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++)
            D(i, j) = min3(D(i - 1, j) + count_phonemes(ref->words.items[i - 1]),
                           D(i, j - 1) + count_phonemes(hyp->words.items[j - 1]),
                           D(i - 1, j - 1) +
                               word_distance(ref->words.items[i - 1], hyp->words.items[j - 1]));
    size_t r = D(n, m);
    if (words_out) { /* the alignment back from the end: each word that costs an error */
        for (size_t i = n, j = m; i || j;) {
            const char *a = i ? ref->words.items[i - 1] : "", *b = j ? hyp->words.items[j - 1] : "";
            if (i && j && D(i, j) == D(i - 1, j - 1) + word_distance(a, b)) {
                if (D(i, j) != D(i - 1, j - 1))
                    fprintf(words_out, "%zu\t%s\t%s\n", D(i, j) - D(i - 1, j - 1), a, b);
                i--, j--;
            } else if (i && D(i, j) == D(i - 1, j) + count_phonemes(a)) {
                fprintf(words_out, "%zu\t%s\t-\n", count_phonemes(a), a);
                i--;
            } else {
                fprintf(words_out, "%zu\t-\t%s\n", count_phonemes(b), b);
                j--;
            }
        }
    }
#undef D
    free(d);
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* The systems measured                                                                       */

typedef enum reader_kind { SYS_PLAIN, SYS_NASHRA } reader_kind;

typedef struct reader {
    const char *name;
    reader_kind kind;
    bool no_numbers;
    pron_options pron;
    bool partial_input; /* read the gold with some marks left, not the stripped text */
    size_t errors, ref;
} reader;

/* nashra's text stages on one line of text. */
static void nashra_text(const reader *s, const char *text, buf *out)
{
    nashra_error err = {0};
    buf norm = BUF_INIT, spoken = BUF_INIT;
    strlist sentences = STRLIST_INIT;
    if (normalize_text(text, strlen(text), &norm, &err) ||
        segment_text(norm.data ? norm.data : "", &sentences, &err))
        die(err.message);
    for (size_t i = 0; i < sentences.count; i++) {
        buf_clear(&spoken);
        if (s->no_numbers)
            buf_puts(&spoken, sentences.items[i]);
        else if (expand_sentence(sentences.items[i], &spoken, &err))
            die(err.message);
        if (i)
            buf_putc(out, ' ');
        if (spoken.len && pronounce_sentence(spoken.data, &s->pron, out, &err))
            die(err.message);
    }
    strlist_free(&sentences);
    buf_free(&norm);
    buf_free(&spoken);
}

/* The gold with about half its marks taken away (a fixed pattern), as a writer who vowels
 * only some letters types it. */
static unsigned keep_percent = 50;

static void partly_marked(const char *gold, buf *out)
{
    unsigned seed = 12345;
    for (const unsigned char *p = (const unsigned char *)gold; *p; p++) {
        bool mark = p[0] == 0xD9 && p[1] >= 0x8B && p[1] <= 0x92;
        if (mark) {
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 16) % 100 >= keep_percent) {
                p++;
                continue;
            }
            buf_append(out, (const char *)p, 2);
            p++;
            continue;
        }
        buf_putc(out, (char)*p);
    }
}

static void measure(reader *s, const sentence_pair *pair, const pwords *ref, bool verbose)
{
    buf text = BUF_INIT;
    if (s->partial_input) {
        buf marked = BUF_INIT;
        partly_marked(pair->gold, &marked);
        nashra_text(s, marked.data ? marked.data : "", &text);
        buf_free(&marked);
    } else if (s->kind == SYS_PLAIN) {
        buf_puts(&text, pair->written);
    } else {
        nashra_text(s, pair->written, &text);
    }
    pwords hyp;
    phonemes_of(text.data ? text.data : "", s->kind == SYS_PLAIN || s->pron.no_rewrite, &hyp);
    size_t e = distance(ref, &hyp);
    s->errors += e;
    s->ref += ref->phonemes;
    if (verbose && e)
        printf("  %-28s %3zu/%-3zu %s\n", s->name, e, ref->phonemes, text.data ? text.data : "");
    strlist_free(&hyp.words);
    buf_free(&text);
}

static double rate(const reader *s)
{
    return s->ref ? 100.0 * (double)s->errors / (double)s->ref : 0.0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"check", required_argument, NULL, 'c'},
                                             {"stages", no_argument, NULL, 's'},
                                             {"partial", no_argument, NULL, 'p'},
                                             {"pausal", no_argument, NULL, 'P'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"limit", required_argument, NULL, 'l'},
                                             {"keep", required_argument, NULL, 'k'},
                                             {"words", required_argument, NULL, 'w'},
                                             {NULL, 0, NULL, 0}};
    const char *baseline = NULL;
    bool stages = false, partial = false, pausal = false, verbose = false;
    size_t limit = 0;
    int c;
    FILE *words = NULL;
    while ((c = getopt_long(argc, argv, "c:spPvl:k:w:", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': baseline = optarg; break;
        case 's': stages = true; break;
        case 'p': partial = true; break;
        case 'P': pausal = true; break;
        case 'v': verbose = true; break;
        case 'l': limit = (size_t)strtoul(optarg, NULL, 10); break;
        case 'k': keep_percent = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'w':
            if (!(words = fopen(optarg, "w")))
                die("cannot write the --words file");
            break;
        default: die("usage: per [--check BASELINE] [--stages] [--partial] [--pausal] [--verbose] GOLD...");
        }
    }
    if (optind >= argc)
        die("usage: per [--check BASELINE] [--stages] [--partial] [--pausal] [--verbose] GOLD...");
    synth_params params = {.voice = "ar", .rate = 165, .pitch = 45, .range = 50};
    nashra_error err = {0};
    if (synth_setup(&params, &err))
        die(err.message);
    int rc = 0;
    for (int f = optind; f < argc; f++) {
        gold_set g = {0};
        load_gold(&g, argv[f], limit);
        /* Who reads: plain espeak-ng, nashra, and with --stages or --partial nashra changed
         * in one way (the group each row belongs to: 0 always, 1 stages, 2 partial). */
        static const struct {
            int group;
            reader r;
        } all[] = {
            {0, {"plain espeak-ng", SYS_PLAIN, false, {0}, false, 0, 0}},
            {0, {"nashra", SYS_NASHRA, false, {0}, false, 0, 0}},
            {1, {"nashra without numbers", SYS_NASHRA, true, {0}, false, 0, 0}},
            {1, {"nashra without lexicon", SYS_NASHRA, false, {.no_lexicon = true}, false, 0, 0}},
            {1, {"nashra without rewrite", SYS_NASHRA, false, {.no_rewrite = true}, false, 0, 0}},
            {1, {"nashra without diacritizer", SYS_NASHRA, false, {.no_diacritize = true}, false,
                 0, 0}},
            {2, {"partial marks kept", SYS_NASHRA, false, {0}, true, 0, 0}},
            {2, {"partial marks stripped", SYS_NASHRA, false, {.partial = PRON_PARTIAL_STRIP},
                 true, 0, 0}},
            {2, {"partial marks all stripped", SYS_NASHRA, false,
                 {.partial = PRON_PARTIAL_STRIP_ALL}, true, 0, 0}},
            {2, {"partial marks kept, no diacritizer", SYS_NASHRA, false,
                 {.no_diacritize = true}, true, 0, 0}},
            {3, {"pausal ending below p=0.5", SYS_NASHRA, false, {.pausal_below = 0.5f}, false,
                 0, 0}},
            {3, {"pausal ending below p=0.7", SYS_NASHRA, false, {.pausal_below = 0.7f}, false,
                 0, 0}},
            {3, {"pausal ending below p=0.9", SYS_NASHRA, false, {.pausal_below = 0.9f}, false,
                 0, 0}},
        };
        reader systems[sizeof all / sizeof all[0]];
        size_t ns = 0;
        for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
            if (all[k].group == 0 || (all[k].group == 1 && stages) ||
                (all[k].group == 2 && partial) || (all[k].group == 3 && pausal))
                systems[ns++] = all[k].r;
        for (size_t i = 0; i < g.count; i++) {
            buf ready = BUF_INIT;
            if (!pronounce_rewrite(g.items[i].gold, strlen(g.items[i].gold), PRON_PARTIAL_KEEP,
                                   &ready))
                die("out of memory");
            pwords ref;
            phonemes_of(ready.data ? ready.data : "", false, &ref);
            if (verbose)
                printf("%s:%zu\n  %-28s %s\n", g.path, i + 1, "gold", ready.data);
            for (size_t k = 0; k < ns; k++) {
                words_out = k == 1 ? words : NULL; /* nashra as it is */
                measure(&systems[k], &g.items[i], &ref, verbose);
            }
            strlist_free(&ref.words);
            buf_free(&ready);
        }
        printf("%s: %zu sentences, %zu reference phonemes\n", g.path, g.count, systems[0].ref);
        for (size_t k = 0; k < ns; k++)
            printf("  %-28s PER %6.2f%%  (%zu errors)\n", systems[k].name, rate(&systems[k]),
                   systems[k].errors);
        if (baseline && f == optind) {
            FILE *b = fopen(baseline, "r");
            double limit_per = 0;
            if (!b || fscanf(b, "%lf", &limit_per) != 1)
                die("cannot read the baseline figure");
            fclose(b);
            double now = rate(&systems[1]);
            if (now > limit_per + 0.005) {
                printf("nashra's PER %.2f%% is worse than the baseline %.2f%% (%s)\n", now,
                       limit_per, baseline);
                rc = 1;
            } else {
                printf("nashra's PER %.2f%% is within the baseline %.2f%%\n", now, limit_per);
            }
        }
        for (size_t i = 0; i < g.count; i++) {
            free(g.items[i].written);
            free(g.items[i].gold);
        }
        free(g.items);
    }
    synth_shutdown();
    if (words && fclose(words))
        die("cannot write the --words file");
    return rc;
}
