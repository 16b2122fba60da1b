/* The diacritizer over a sentence: characters and their given marks in, the model's marks out
 * on the letters the text left bare. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/utf8.h"
#include "diacritize/diacritize.h"

/* Sentences are read in pieces of at most this many characters, cut after a space: the
 * length the model was trained on, and a bound on the scratch memory. */
#define PIECE_MAX 300

enum { CLASS_FATHA = 1, CLASS_DAMMA = 3, CLASS_SUKUN = 4, CLASS_SHADDA = 8 };

typedef struct item {
    unsigned cp;
    size_t at, len;       /* the character's bytes */
    size_t marks_len;     /* the bytes of the marks after it */
    unsigned char given;  /* the class of those marks (0: none or not one of the 15) */
    bool fill;            /* the model's marks go here */
    bool word_end;        /* the last character of a word */
} item;

typedef struct items {
    item *v;
    size_t n, cap;
} items;

static bool is_word_char(unsigned cp)
{
    return arabic_is_letter(cp);
}

/* Letters that never carry a mark in the trained convention: bare alif, alif maqsura, alif
 * madda, alif wasla and tatweel. */
static bool takes_marks(unsigned cp)
{
    return is_word_char(cp) && cp != 0x0627 && cp != 0x0649 && cp != 0x0622 && cp != 0x0671 &&
           cp != 0x0640;
}

static bool split(const char *text, size_t len, items *it)
{
    bool phonemes = false; /* inside inline [[...]] */
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned cp = utf8_decode(text + i, len - i, &n);
        if (!phonemes && cp == '[' && i + 1 < len && text[i + 1] == '[')
            phonemes = true;
        else if (phonemes && cp == ']' && i + 1 < len && text[i + 1] == ']') {
            phonemes = false;
            n = 2; /* both brackets as one character */
        }
        item x = {cp, i, n, 0, 0, false, false};
        i += n;
        unsigned marks[8];
        size_t nm = 0;
        while (i < len) {
            size_t k;
            unsigned m = utf8_decode(text + i, len - i, &k);
            if (!arabic_is_mark(m))
                break;
            if (nm < 8)
                marks[nm] = m;
            nm++;
            x.marks_len += k;
            i += k;
        }
        if (nm) {
            int c = nm <= 8 ? diac_mark_class(marks, nm) : -1;
            x.given = c > 0 ? (unsigned char)c : 0;
        }
        if (!(it->v = array_grow(it->v, &it->cap, it->n, sizeof *it->v, 64)))
            return false;
        it->v[it->n++] = x;
        if (phonemes)
            it->v[it->n - 1].cp = '_'; /* not a letter: never filled */
    }
    return true;
}

/* Marks each word's letters to fill, unless the caller says the word is done. */
static void plan_words(const char *text, items *it, const diac_options *o)
{
    for (size_t i = 0; i < it->n;) {
        if (!is_word_char(it->v[i].cp)) {
            i++;
            continue;
        }
        size_t end = i;
        while (end < it->n && is_word_char(it->v[end].cp))
            end++;
        it->v[end - 1].word_end = true;
        const item *last = &it->v[end - 1];
        size_t from = it->v[i].at, to = last->at + last->len + last->marks_len;
        bool marked = false;
        for (size_t k = i; k < end; k++)
            marked |= it->v[k].marks_len > 0;
        bool done = marked && o && o->word_done && o->word_done(o->user, text + from, to - from);
        for (size_t k = i; k < end; k++)
            it->v[k].fill = !done && !it->v[k].marks_len && takes_marks(it->v[k].cp);
        /* A vowelled word may still leave its ending to the reading (the frequent-words
         * lexicon does, where the case varies): that one the model chooses. */
        item *e = &it->v[end - 1];
        if (done && o->fill_endings && !e->marks_len && takes_marks(e->cp))
            e->fill = true;
        i = end;
    }
}

static bool is_case_ending(unsigned k)
{
    return k != 0 && k != CLASS_SUKUN && k != CLASS_SHADDA;
}

/* The class for one character from its logits. */
static unsigned choose(const float *logits, bool word_end, float pausal_below)
{
    unsigned best = 0;
    for (unsigned k = 1; k < DIAC_CLASSES; k++)
        if (logits[k] > logits[best])
            best = k;
    if (word_end && pausal_below > 0 && is_case_ending(best)) {
        double sum = 0;
        for (unsigned k = 0; k < DIAC_CLASSES; k++)
            sum += exp((double)logits[k] - (double)logits[best]);
        if (1.0 / sum < (double)pausal_below)
            best = best >= 9 ? CLASS_SHADDA : CLASS_SUKUN;
    }
    return best;
}

/* Arabic has no cluster of three consonants inside a word, so a letter with sukun is never
 * followed by a doubled one (the doubled consonant closes the syllable before it, which would
 * then end in two). The letter-by-letter choice breaks that now and then; where the sukun is
 * the model's, the letter takes its likeliest short vowel instead. On both gold sets that does
 * better than choosing the word's classes again together under the rule (the most probable
 * sequence that keeps it), which as often drops the doubling as the sukun. */
static void keep_syllables(const items *it, size_t from, size_t to, const float *logits,
                           unsigned char *cls)
{
    for (size_t i = from; i + 1 < to; i++) {
        const item *x = &it->v[i], *y = &it->v[i + 1];
        unsigned next = y->fill ? cls[i + 1] : y->given;
        if (!x->fill || cls[i] != CLASS_SUKUN || next < CLASS_SHADDA || !is_word_char(y->cp))
            continue;
        const float *l = logits + (i - from) * DIAC_CLASSES;
        unsigned v = CLASS_FATHA;
        for (unsigned k = CLASS_FATHA + 1; k <= CLASS_DAMMA; k++)
            v = l[k] > l[v] ? k : v;
        cls[i] = (unsigned char)v;
    }
}

/* Runs the model over items [from, to) and stores each filled character's class in cls. */
static bool run_piece(const diac_model *m, const items *it, size_t from, size_t to, float pausal,
                      unsigned *cps, unsigned char *given, float *logits, unsigned char *cls)
{
    size_t n = to - from;
    for (size_t k = 0; k < n; k++) {
        cps[k] = it->v[from + k].cp;
        given[k] = it->v[from + k].given;
    }
    if (!diac_model_logits(m, cps, given, n, logits))
        return false;
    for (size_t k = 0; k < n; k++) {
        const item *x = &it->v[from + k];
        cls[from + k] = x->fill ? (unsigned char)choose(logits + k * DIAC_CLASSES, x->word_end,
                                                        pausal)
                                : 0;
    }
    keep_syllables(it, from, to, logits, cls);
    return true;
}

nashra_status diacritize(const diac_model *m, const char *text, size_t len,
                         const diac_options *opts, buf *out, nashra_error *err)
{
    items it = {NULL, 0, 0};
    unsigned *cps = NULL;
    unsigned char *given = NULL, *cls = NULL;
    float *logits = NULL;
    bool ok = split(text, len, &it);
    size_t piece = it.n < PIECE_MAX ? it.n : PIECE_MAX;
    if (ok && it.n) {
        plan_words(text, &it, opts);
        cps = malloc(piece * sizeof *cps);
        given = malloc(piece);
        logits = malloc(piece * DIAC_CLASSES * sizeof *logits);
        cls = malloc(it.n);
        ok = cps && given && logits && cls;
    }
    float pausal = opts ? opts->pausal_below : 0;
    for (size_t from = 0; ok && from < it.n;) {
        size_t to = it.n;
        if (to - from > PIECE_MAX) {
            to = from + PIECE_MAX;
            size_t cut = to;
            while (cut > from + PIECE_MAX / 2 && it.v[cut - 1].cp != ' ')
                cut--;
            if (it.v[cut - 1].cp == ' ')
                to = cut;
        }
        ok = run_piece(m, &it, from, to, pausal, cps, given, logits, cls);
        from = to;
    }
    for (size_t i = 0; ok && i < it.n; i++) {
        const item *x = &it.v[i];
        ok = buf_append(out, text + x->at, x->len + x->marks_len);
        unsigned marks[2];
        size_t nm = x->fill ? diac_class_marks(cls[i], marks) : 0;
        for (size_t k = 0; ok && k < nm; k++) {
            char enc[4];
            ok = buf_append(out, enc, utf8_encode(marks[k], enc));
        }
    }
    free(it.v);
    free(cps);
    free(given);
    free(logits);
    free(cls);
    if (!ok)
        return error_set(err, NASHRA_ENOMEM, "out of memory while diacritizing");
    return NASHRA_OK;
}
