/* The pronunciation stage's driver: lexicon entries behind proclitics, Latin words, and the
 * diacritic rewrite, word by word over a spoken sentence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/sha256.h"
#include "common/utf8.h"
#include "diacritize/diacritize.h"
#include "expand/lexicon.h"
#include "pronounce/internal.h"

#define ENTRY_MAX_WORDS 6
#define KEY_MAX 256

typedef enum tok_kind { TOK_OTHER, TOK_ARABIC, TOK_LATIN } tok_kind;

typedef struct tok {
    size_t start, len;
    tok_kind kind;
} tok;

typedef struct sentence {
    const char *s;
    tok *t;
    size_t n, cap;
} sentence;

static tok_kind kind_of(unsigned cp)
{
    if (arabic_is_letter(cp) || arabic_is_mark(cp) || cp == 0x0640)
        return TOK_ARABIC;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
        return TOK_LATIN;
    return TOK_OTHER;
}

static bool tokenize(sentence *st, const char *s)
{
    size_t len = strlen(s);
    st->s = s;
    for (size_t i = 0; i < len;) {
        size_t n;
        tok_kind k = kind_of(utf8_decode(s + i, len - i, &n));
        size_t end = i + n;
        while (k != TOK_OTHER && end < len) {
            size_t m;
            if (kind_of(utf8_decode(s + end, len - end, &m)) != k)
                break;
            end += m;
        }
        if (!(st->t = array_grow(st->t, &st->cap, st->n, sizeof *st->t, 32)))
            return false;
        st->t[st->n++] = (tok){i, end - i, k};
        i = end;
    }
    return true;
}

static bool tok_is_space(const sentence *st, size_t i)
{
    return i < st->n && st->t[i].kind == TOK_OTHER && st->t[i].len == 1 &&
           st->s[st->t[i].start] == ' ';
}

/* Whether the word has marks enough to be read as written (from its writer or the number
 * stage); the lexicon is not consulted for such a word. */
static bool tok_vowelled(const sentence *st, size_t i)
{
    const char *w = st->s + st->t[i].start;
    size_t len = st->t[i].len;
    bool marks = false;
    for (size_t k = 0, n; k < len && !marks; k += n)
        marks = arabic_is_mark(utf8_decode(w + k, len - k, &n));
    return marks && pron_word_vowelled(w, len, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Lexicon matches behind proclitics                                                          */

typedef enum article_mode {
    ART_AS_IS,      /* the entry as it is */
    ART_LAM,        /* لل + entry with ال: the preposition lam took the alif (للقاهرة) */
    ART_ADD,        /* ال + entry without it (الناتو) */
    ART_ADD_LAM     /* لل + entry without ال (للناتو) */
} article_mode;

typedef struct match {
    const char *spelling;
    size_t words;          /* entry words, so text words consumed */
    char prefix[8];        /* the proclitics' letters, as bytes */
    size_t prefix_len;
    article_mode mode;
} match;

/* UTF-8 of و ف ب ك ل */
static const char *const proclitics[] = {"\xD9\x88", "\xD9\x81", "\xD8\xA8", "\xD9\x83",
                                         "\xD9\x84"};
#define ALIF "\xD8\xA7"
#define LAM "\xD9\x84"

static bool lookup(const pron_options *o, const char *key, size_t len, const char *const *next,
                   size_t nnext, match *m)
{
    const pron_lexicon *shipped = pron_lexicon_shipped(o->no_diacritize);
    if (len < 4) /* at least two letters */
        return false;
    m->spelling = pron_lexicon_match(o->user, key, len, next, nnext, &m->words);
    if (!m->spelling)
        m->spelling = pron_lexicon_match(shipped, key, len, next, nnext, &m->words);
    return m->spelling != NULL;
}

static bool try_rest(const pron_options *o, const char *rest, size_t len, bool lam_prefix,
                     const char *const *next, size_t nnext, match *m)
{
    char key2[KEY_MAX + 2];
    m->mode = ART_AS_IS;
    if (lookup(o, rest, len, next, nnext, m))
        return true;
    if (lam_prefix && len > 2 && !memcmp(rest, LAM, 2) && len + 2 <= KEY_MAX) {
        memcpy(key2, ALIF, 2); /* لقاهرة -> القاهرة */
        memcpy(key2 + 2, rest, len);
        m->mode = ART_LAM;
        if (lookup(o, key2, len + 2, next, nnext, m))
            return true;
        m->mode = ART_ADD_LAM; /* لناتو -> ناتو */
        if (lookup(o, rest + 2, len - 2, next, nnext, m))
            return true;
    }
    if (len > 4 && !memcmp(rest, ALIF LAM, 4)) {
        m->mode = ART_ADD;
        if (lookup(o, rest + 4, len - 4, next, nnext, m))
            return true;
    }
    return false;
}

/* Finds an entry for the word key (and the next words' keys), trying the word as it is, then
 * behind one or two proclitics (و/ف, then ب/ك/ل). */
static bool find_entry(const pron_options *o, const char *key, size_t len,
                       const char *const *next, size_t nnext, match *m)
{
    m->prefix_len = 0;
    if (try_rest(o, key, len, false, next, nnext, m))
        return true;
    /* One proclitic (و ف ب ك ل), then two (و or ف before ب ك ل). */
    static const int pairs[][2] = {{0, -1}, {1, -1}, {2, -1}, {3, -1}, {4, -1}, {0, 2},
                                   {0, 3},  {0, 4},  {1, 2},  {1, 3},  {1, 4}};
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        size_t at = 0;
        for (int k = 0; k < 2 && pairs[p][k] >= 0; k++) {
            const char *c = proclitics[pairs[p][k]];
            if (len < at + 2 || memcmp(key + at, c, 2)) {
                at = 0;
                break;
            }
            memcpy(m->prefix + at, c, 2);
            at += 2;
        }
        if (!at)
            continue;
        m->prefix_len = at;
        bool lam = !memcmp(m->prefix + at - 2, LAM, 2);
        if (try_rest(o, key + at, len - at, lam, next, nnext, m))
            return true;
    }
    m->prefix_len = 0;
    return false;
}

/* ------------------------------------------------------------------------------------------ */
/* Writing a matched entry                                                                     */

static unsigned proclitic_vowel(const char *c)
{
    /* و ف ك take fatha; ب ل kasra */
    if (!memcmp(c, "\xD8\xA8", 2) || !memcmp(c, LAM, 2))
        return AR_KASRA;
    return AR_FATHA;
}

/* Whether the match stands behind a preposition (ب ك ل, the lam of لل) that makes it
 * genitive. */
static bool ends_in_preposition(const match *m)
{
    if (m->mode == ART_LAM || m->mode == ART_ADD_LAM)
        return true;
    if (m->prefix_len < 2)
        return false;
    const char *last = m->prefix + m->prefix_len - 2;
    return !memcmp(last, "\xD8\xA8", 2) || !memcmp(last, "\xD9\x83", 2) || !memcmp(last, LAM, 2);
}

static bool put_prefix(const match *m, buf *out)
{
    for (size_t i = 0; i < m->prefix_len; i += 2) {
        if (!buf_append(out, m->prefix + i, 2) || !buf_put_cp(out, proclitic_vowel(m->prefix + i)))
            return false;
    }
    return true;
}

/* The entry made definite: ال with the sun letter doubled, or الْ; a final tanween made a
 * plain vowel. */
static bool put_definite(const char *sp, buf *out)
{
    size_t len = strlen(sp), n;
    unsigned first = utf8_decode(sp, len, &n);
    if (!buf_puts(out, ALIF LAM))
        return false;
    if (arabic_is_sun_letter(first)) {
        if (!buf_append(out, sp, n) || !buf_put_cp(out, AR_SHADDA))
            return false;
        sp += n;
        len -= n;
        if (len >= 2 && utf8_decode(sp, len, &n) == AR_SHADDA) {
            sp += n;
            len -= n;
        }
    } else if (!buf_put_cp(out, AR_SUKUN)) {
        return false;
    }
    for (size_t i = 0; i < len; i += n) {
        unsigned cp = utf8_decode(sp + i, len - i, &n);
        bool last = i + n == len;
        if (last && cp >= AR_FATHATAN && cp <= AR_KASRATAN)
            cp += AR_FATHA - AR_FATHATAN;
        if (!buf_put_cp(out, cp))
            return false;
    }
    return true;
}

/* Whether the word w[0..len) starts with the article (ال, or لِل). */
static bool starts_with_article(const char *w, size_t len)
{
    if (len >= 4 && !memcmp(w, ALIF LAM, 4))
        return true;
    size_t n;
    return len >= 4 && !memcmp(w, LAM, 2) && utf8_decode(w + 2, len - 2, &n) == AR_KASRA;
}

/* Turns the nominative endings of the words in out[from..] genitive: a damma becomes a kasra
 * on a definite word or one followed by another (the head of a construct), a fatha on a lone
 * indefinite name (a diptote: في لبنانَ); a dammatan becomes a kasratan. */
static void make_genitive(buf *out, size_t from, bool definite)
{
    char *s = out->data + from;
    size_t len = out->len - from;
    size_t w = 0;
    while (w < len) {
        size_t end = w;
        while (end < len && s[end] != ' ')
            end++;
        bool last_word = end == len;
        bool def = definite || starts_with_article(s + w, end - w);
        size_t n;
        if (end > w) {
            unsigned cp = utf8_decode_last(s + w, end - w, &n);
            char *at = s + end - n; /* every mark here is two bytes: D9 8B..D9 92 */
            if (cp == AR_DAMMATAN)
                at[1] = (char)(0x80 | (AR_KASRATAN & 0x3F));
            else if (cp == AR_DAMMA)
                at[1] = (char)(0x80 | (((def || !last_word) ? AR_KASRA : AR_FATHA) & 0x3F));
        }
        w = end + 1;
    }
}

static bool put_match(const match *m, bool genitive, buf *out)
{
    const char *sp = m->spelling;
    if (!strncmp(sp, "[[", 2)) {
        if (m->prefix_len && (!put_prefix(m, out) || !buf_putc(out, ' ')))
            return false;
        if (m->mode == ART_ADD || m->mode == ART_ADD_LAM)
            if (!buf_puts(out, m->mode == ART_ADD ? ALIF LAM "\xD9\x92 " : LAM "\xD9\x90" LAM
                                                                             "\xD9\x92 "))
                return false;
        return buf_puts(out, sp);
    }
    if (!put_prefix(m, out))
        return false;
    size_t from = out->len;
    bool ok;
    switch (m->mode) {
    case ART_LAM: /* drop the entry's alif after the preposition lam */
        ok = buf_puts(out, sp + 2);
        break;
    case ART_ADD:
        ok = put_definite(sp, out);
        break;
    case ART_ADD_LAM: {
        buf def = BUF_INIT;
        ok = put_definite(sp, &def) && buf_puts(out, def.data + 2);
        buf_free(&def);
        break;
    }
    default:
        ok = buf_puts(out, sp);
    }
    if (!ok)
        return false;
    if (genitive)
        make_genitive(out, from, m->mode != ART_AS_IS);
    return true;
}

/* ------------------------------------------------------------------------------------------ */

/* Latin letters' Arabic names, from the abbreviations table. */
static bool put_letter_names(const char *w, size_t len, buf *out)
{
    for (size_t i = 0; i < len; i++) {
        char letter[2] = {w[i] >= 'a' && w[i] <= 'z' ? (char)(w[i] - 'a' + 'A') : w[i], '\0'};
        const data_row *r = lex_find(LEX_ABBREVIATIONS, "letter", letter);
        if ((i && !buf_putc(out, ' ')) ||
            !(r ? buf_puts(out, r->field[2]) : buf_append(out, w + i, 1)))
            return false;
    }
    return true;
}

/* Whether the word before a name puts it in the genitive: a preposition, a word the number
 * grammar knows as governing the genitive, or a noun whose complement the name is (رئيس فرنسا),
 * also with a conjunction glued on (وفي). */
static bool governs_genitive(const sentence *st, size_t word)
{
    char key[KEY_MAX];
    size_t n = lex_key(st->s + st->t[word].start, st->t[word].len, key, sizeof key);
    key[n < sizeof key ? n : sizeof key - 1] = '\0';
    bool conj = n > 4 && (!memcmp(key, "\xD9\x88", 2) || !memcmp(key, "\xD9\x81", 2));
    static const char *const kinds[] = {"prep", "gen", "head"};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (lex_find(LEX_CONTEXT, kinds[k], key) ||
            (conj && lex_find(LEX_CONTEXT, kinds[k], key + 2)))
            return true;
    return false;
}

/* The keys of a word and of the words after it, up to the most an entry holds, each ended by
 * a NUL in one buffer. */
typedef struct keys {
    buf all;
    size_t first_len;                        /* of the first word's key */
    const char *next[ENTRY_MAX_WORDS - 1];   /* the other words' keys, into all */
    size_t count;                            /* words */
} keys;

static bool gather_keys(const sentence *st, size_t i, keys *k)
{
    size_t off[ENTRY_MAX_WORDS];
    k->count = 0;
    buf_clear(&k->all);
    for (size_t w = i; w < st->n && k->count < ENTRY_MAX_WORDS; w += 2) {
        if (st->t[w].kind == TOK_OTHER || (w > i && !tok_is_space(st, w - 1)))
            break;
        size_t at = k->all.len;
        if (!pron_key(st->s + st->t[w].start, st->t[w].len, &k->all))
            return false;
        size_t len = k->all.len - at;
        if (!len || len >= KEY_MAX || !buf_putc(&k->all, '\0'))
            break;
        off[k->count++] = at;
    }
    /* Pointers only now: the buffer may have moved while it grew. */
    k->first_len = k->count ? strlen(k->all.data) : 0;
    for (size_t w = 1; w < k->count; w++)
        k->next[w - 1] = k->all.data + off[w];
    return true;
}

/* Two sukuns do not meet across words: a word ending in a sukun takes a helping vowel before a
 * word that starts with a wasl alif (أَعْلَنَتِ الْأُمَمُ، عَنِ الْ), a fatha on مِنْ (مِنَ الْ). Each
 * mark is two bytes, so the text keeps its length. */
static void join_over_wasl(buf *out, size_t from)
{
    static const char sukun[] = "\xD9\x92", min[] = "\xD9\x85\xD9\x90\xD9\x86";
    for (size_t i = from; out->data && i + 4 < out->len; i++) {
        char *p = out->data + i;
        if (memcmp(p, sukun, 2) || p[2] != ' ' || memcmp(p + 3, ALIF, 2))
            continue;
        if (i + 5 < out->len && arabic_is_mark(utf8_decode(p + 5, out->len - i - 5, &(size_t){0})))
            continue; /* an alif with a mark of its own is not wasl */
        bool is_min = i >= from + 6 && !memcmp(p - 6, min, 6) && (i == from + 6 || p[-7] == ' ');
        p[1] = (char)(0x80 | ((is_min ? AR_FATHA : AR_KASRA) & 0x3F));
    }
}

static bool word_done(void *user, const char *w, size_t len)
{
    (void)user;
    return pron_word_vowelled(w, len, NULL);
}

/* The diacritizer over the sentence in mid, then the rewrite of the words it vowelled. */
static nashra_status put_diacritized(const pron_options *o, const buf *mid, buf *out,
                                     nashra_error *err)
{
    const diac_model *m = diac_model_shipped(err);
    if (!m)
        return NASHRA_EINVAL;
    diac_options d = {.pausal_below = o->pausal_below, .word_done = word_done,
                      .fill_endings = true};
    if (o->no_rewrite)
        return diacritize(m, mid->data ? mid->data : "", mid->len, &d, out, err);
    buf v = BUF_INIT;
    nashra_status rc = diacritize(m, mid->data ? mid->data : "", mid->len, &d, &v, err);
    if (!rc && !pronounce_rewrite(v.data ? v.data : "", v.len, PRON_PARTIAL_KEEP, out))
        rc = error_set(err, NASHRA_ENOMEM, "out of memory while preparing speech");
    buf_free(&v);
    return rc;
}

static const pron_options default_options = {.partial = PRON_PARTIAL_KEEP};

static bool digest_entry(void *user, const char *words, const char *spelling, const char *file,
                         size_t line)
{
    (void)file;
    (void)line;
    sha256_update(user, words, strlen(words) + 1);
    sha256_update(user, spelling, strlen(spelling) + 1);
    return true;
}

/* Raised with every change to this stage's code that changes what it makes of the same text
 * with the same settings and data (the rewrite's rules, the diacritizer's decoding), so that
 * clips cached from an earlier reading are not used for sentences that now read otherwise. */
#define PRON_CODE_REVISION 8

void pronounce_identity(const pron_options *opts, char out[65])
{
    const pron_options *o = opts ? opts : &default_options;
    sha256_ctx c;
    sha256_init(&c);
    char settings[128];
    int n = snprintf(settings, sizeof settings, "code %d lexicon %d rewrite %d latin %d "
                     "diacritize %d partial %d pausal %.3f;", PRON_CODE_REVISION, !o->no_lexicon,
                     !o->no_rewrite, o->latin_english, !o->no_diacritize, (int)o->partial,
                     (double)o->pausal_below);
    sha256_update(&c, settings, (size_t)n);
    if (!o->no_lexicon) {
        if (o->user)
            pron_lexicon_each(o->user, digest_entry, &c);
        sha256_update(&c, "|", 1);
        const pron_lexicon *shipped = pron_lexicon_shipped(o->no_diacritize);
        if (shipped)
            pron_lexicon_each(shipped, digest_entry, &c);
    }
    if (!o->no_diacritize)
        diac_shipped_digest(&c);
    unsigned char d[32];
    sha256_final(&c, d);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

nashra_status pronounce_sentence(const char *spoken, const pron_options *opts, buf *final,
                                 nashra_error *err)
{
    const pron_options *o = opts ? opts : &default_options;
    const size_t start = final->len; /* final may hold text before this sentence */
    /* With the diacritizer on, the words go to mid first and the sentence to the model. */
    buf mid = BUF_INIT;
    buf *out = o->no_diacritize ? final : &mid;
    sentence st = {spoken, NULL, 0, 0};
    keys k = {.all = BUF_INIT};
    buf word = BUF_INIT;
    bool ok = tokenize(&st, spoken);
    long prev_word = -1; /* the word before, when only a space separates them */
    for (size_t i = 0; ok && i < st.n;) {
        const tok *t = &st.t[i];
        const char *s = spoken + t->start;
        if (t->kind == TOK_OTHER) {
            /* Brackets would open inline phonemes: only a lexicon may write those. */
            ok = (*s == '[' || *s == ']') ? buf_putc(out, ' ') : buf_append(out, s, t->len);
            if (!tok_is_space(&st, i))
                prev_word = -1;
            i++;
            continue;
        }
        size_t used = 1;
        bool done = false;
        if (!o->no_lexicon && !tok_vowelled(&st, i)) {
            match m;
            ok = gather_keys(&st, i, &k);
            if (ok && k.count &&
                find_entry(o, k.all.data, k.first_len, k.next, k.count - 1, &m)) {
                bool genitive = ends_in_preposition(&m);
                genitive |= prev_word >= 0 && m.prefix_len == 0 &&
                            governs_genitive(&st, (size_t)prev_word);
                buf_clear(&word);
                ok = put_match(&m, genitive, &word) &&
                     (o->no_rewrite ? buf_append(out, word.data, word.len)
                                    : pronounce_rewrite(word.data, word.len, o->partial, out));
                used = 2 * m.words - 1;
                done = true;
            }
        }
        if (ok && !done) {
            if (t->kind == TOK_LATIN)
                ok = o->latin_english ? buf_append(out, s, t->len)
                                      : put_letter_names(s, t->len, out);
            else
                ok = o->no_rewrite ? buf_append(out, s, t->len)
                                   : pronounce_rewrite(s, t->len, o->partial, out);
        }
        prev_word = (long)(i + used - 1);
        i += used;
    }
    free(st.t);
    buf_free(&k.all);
    buf_free(&word);
    nashra_status rc = ok ? NASHRA_OK
                          : error_set(err, NASHRA_ENOMEM, "out of memory while preparing speech");
    if (!rc && !o->no_diacritize)
        rc = put_diacritized(o, &mid, final, err);
    buf_free(&mid);
    if (!rc && !o->no_rewrite)
        join_over_wasl(final, start);
    return rc;
}
