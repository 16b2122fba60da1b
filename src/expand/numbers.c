#include "expand/numbers.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/data.h"
#include "common/error.h"
#include "common/utf8.h"

extern const data_blob nashra_data_number_words;

/* Arabic marks, by code point; the words themselves live in number-words.tsv. */
#define FATHATAN "\xD9\x8B"
#define DAMMATAN "\xD9\x8C"
#define KASRATAN "\xD9\x8D"
#define FATHA "\xD9\x8E"
#define DAMMA "\xD9\x8F"
#define KASRA "\xD9\x90"
#define SUKUN "\xD9\x92"
#define ALIF "\xD8\xA7"
#define YEH "\xD9\x8A"
#define NOON "\xD9\x86"
#define WAW "\xD9\x88"
#define TEH "\xD8\xAA"
#define TEH_MARBUTA "\xD8\xA9"

static data_once words_once = DATA_ONCE_INIT;

const char *numbers_word(const char *key)
{
    const data_table *t = data_once_get(&words_once, &nashra_data_number_words);
    return t ? data_table_get(t, key) : NULL;
}

/* The form for a key built like printf; NULL when the table lacks it (a data defect that the
 * unit tests catch), which callers report as failure rather than crash on. */
static const char *word(const char *fmt, ...) NASHRA_PRINTF(1, 2);

static const char *word(const char *fmt, ...)
{
    char key[48];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(key, sizeof key, fmt, ap);
    va_end(ap);
    return numbers_word(key);
}

/* Appends a form if it exists. */
static bool put_word(buf *out, const char *form)
{
    return form && buf_puts(out, form);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* True when the last code point of s is a short vowel or tanween (U+064B..U+0650). */
static bool ends_with_vowel(const char *s)
{
    size_t n;
    unsigned cp = utf8_decode_last(s, strlen(s), &n);
    return cp >= 0x064B && cp <= 0x0650;
}

static const char *case_vowel(num_case c)
{
    return c == NUM_NOM ? DAMMA : c == NUM_ACC ? FATHA : KASRA;
}

/* stem + tanween of the case; the accusative adds an alif unless the stem ends in ta marbuta. */
static bool put_indefinite(buf *out, const char *stem, num_case c)
{
    if (!stem || !buf_puts(out, stem))
        return false;
    switch (c) {
    case NUM_NOM: return buf_puts(out, DAMMATAN);
    case NUM_GEN: return buf_puts(out, KASRATAN);
    case NUM_ACC:
        return buf_puts(out, FATHATAN) && (ends_with(stem, TEH_MARBUTA) || buf_puts(out, ALIF));
    }
    return false;
}

/* stem + the plain case vowel: the first term of a construct (idafa). */
static bool put_construct(buf *out, const char *stem, num_case c)
{
    return stem && buf_puts(out, stem) && buf_puts(out, case_vowel(c));
}

/* The dual of stem: -aani / -ayni, or -aa / -ay in construct. Ta marbuta becomes ta. */
static bool put_dual(buf *out, const char *stem, num_case c, bool construct)
{
    if (!stem)
        return false;
    size_t n = strlen(stem);
    bool marbuta = ends_with(stem, TEH_MARBUTA);
    if (!buf_append(out, stem, marbuta ? n - strlen(TEH_MARBUTA) : n))
        return false;
    if (marbuta && !buf_puts(out, TEH))
        return false;
    if (c == NUM_NOM)
        return buf_puts(out, FATHA ALIF) && (construct || buf_puts(out, NOON KASRA));
    return buf_puts(out, FATHA YEH SUKUN) && (construct || buf_puts(out, NOON KASRA));
}

static const char *gender_key(num_gender g)
{
    return g == NUM_MASC ? "m" : "f";
}

static const char *oblique_key(num_case c)
{
    return c == NUM_NOM ? "nom" : "obl";
}

static const char *case_key(num_case c)
{
    return c == NUM_NOM ? "nom" : c == NUM_ACC ? "acc" : "gen";
}

/* 3..10; in construct before the counted noun (ثَلَاثَةُ أَشْخَاصٍ) there is no tanween. */
static bool put_unit(buf *out, unsigned n, num_gender g, num_case c, bool construct)
{
    const char *full = construct ? word("unit.%u.%s.cons.%s", n, gender_key(g), case_key(c))
                                 : word("unit.%u.%s.%s", n, gender_key(g), case_key(c));
    if (full)
        return buf_puts(out, full);
    const char *stem = word("unit.%u.%s", n, gender_key(g));
    return construct ? put_construct(out, stem, c) : put_indefinite(out, stem, c);
}

static bool put_and(buf *out)
{
    const char *and = word("and");
    return and && buf_putc(out, ' ') && buf_puts(out, and);
}

/* The tens 20..90 with their case ending. */
static bool put_tens(buf *out, unsigned t, num_case c)
{
    const char *stem = word("tens.%u", t);
    return stem && buf_puts(out, stem) &&
           buf_puts(out, c == NUM_NOM ? DAMMA WAW NOON FATHA : KASRA YEH NOON FATHA);
}

/* 1..99; construct matters only for 3..10. */
static bool put_below_100(buf *out, unsigned n, num_gender g, num_case c, bool construct)
{
    const char *gk = gender_key(g);
    unsigned u = n % 10, t = n / 10;
    if (n == 1)
        return put_indefinite(out, word("one.%s", gk), c);
    if (n == 2)
        return put_word(out, word("two.%s.%s", gk, oblique_key(c)));
    if (n <= 10)
        return put_unit(out, n, g, c, construct);
    if (n < 20) {
        bool ok;
        if (n == 11)
            ok = put_word(out, word("eleven.%s", gk));
        else if (n == 12)
            ok = put_word(out, word("twelve.%s.%s", gk, oblique_key(c)));
        else
            ok = put_construct(out, word("unit.%u.%s", u, gk), NUM_ACC);
        const char *ten = word("teen.ten.%s", gk);
        return ok && ten && buf_putc(out, ' ') && buf_puts(out, ten);
    }
    if (u) {
        bool ok;
        if (u == 1 && g == NUM_FEM)
            ok = put_word(out, word("one.f.compound"));
        else
            ok = put_below_100(out, u, g, c, false);
        if (!ok || !put_and(out))
            return false;
    }
    return put_tens(out, t, c);
}

/* Exact hundreds 100..900; construct when a noun follows (مِئَةُ أَلْفٍ). */
static bool put_hundreds(buf *out, unsigned h, num_case c, bool construct)
{
    const char *hundred = word("hundred");
    if (!hundred)
        return false;
    if (h == 1)
        return construct ? put_construct(out, hundred, c) : put_indefinite(out, hundred, c);
    if (h == 2)
        return put_dual(out, hundred, c, construct);
    const char *first = word("hundreds.%u", h);
    if (!first || !buf_puts(out, first))
        return false;
    if (!ends_with_vowel(first) && !buf_puts(out, case_vowel(c)))
        return false;
    return buf_puts(out, hundred) && buf_puts(out, construct ? KASRA : KASRATAN);
}

/* 1..999; construct applies to its last element. */
static bool put_below_1000(buf *out, unsigned n, num_gender g, num_case c, bool construct)
{
    unsigned h = n / 100, r = n % 100;
    if (h && !put_hundreds(out, h, c, construct && !r))
        return false;
    if (h && r && !put_and(out))
        return false;
    return !r || put_below_100(out, r, g, c, construct);
}

/* A group 1..999 counting the scale noun of index scale (1 thousand .. 4 trillion); in
 * construct when the scale noun is the number's last word and a counted noun follows. */
static bool put_scaled(buf *out, unsigned g, unsigned scale, num_case c, bool construct)
{
    const char *stem = word("scale.%u", scale);
    unsigned h = g / 100, r = g % 100;
    if (!stem)
        return false;
    if (h && !r) /* مِئَةُ أَلْفٍ، ثَلَاثُمِئَةِ مِلْيُونٍ */
        return put_hundreds(out, h, c, true) && buf_putc(out, ' ') && buf_puts(out, stem) &&
               buf_puts(out, construct ? KASRA : KASRATAN);
    if (h && !(put_hundreds(out, h, c, false) && put_and(out)))
        return false;
    if (r == 1)
        return construct ? put_construct(out, stem, c) : put_indefinite(out, stem, c);
    if (r == 2)
        return put_dual(out, stem, c, construct);
    if (r <= 10) { /* ثَلَاثَةُ آلَافٍ */
        const char *plural = construct ? word("scale.%u.plural.cons", scale)
                                       : word("scale.%u.plural", scale);
        return plural && put_construct(out, word("unit.%u.m", r), c) && buf_putc(out, ' ') &&
               buf_puts(out, plural);
    }
    /* 11..99: the counted noun is an accusative singular (tamyiz). */
    if (!(put_below_100(out, r, NUM_MASC, c, false) && buf_putc(out, ' ')))
        return false;
    return construct ? put_construct(out, stem, NUM_ACC) : put_indefinite(out, stem, NUM_ACC);
}

static bool cardinal(buf *out, uint64_t n, num_gender gender, num_case c, bool construct)
{
    if (n > NUMBERS_MAX)
        return false;
    if (n == 0)
        return put_indefinite(out, word("zero"), c);

    static const uint64_t scales[] = {UINT64_C(1000000000000), UINT64_C(1000000000),
                                      UINT64_C(1000000), UINT64_C(1000)};
    unsigned r = (unsigned)(n % 1000);
    bool first = true;
    for (unsigned i = 0; i < 4; i++) {
        unsigned g = (unsigned)(n / scales[i] % 1000);
        if (!g)
            continue;
        if (!first && !put_and(out))
            return false;
        bool last = !r && n % scales[i] == 0;
        if (!put_scaled(out, g, 4 - i, c, construct && last))
            return false;
        first = false;
    }
    if (!r)
        return true;
    if (!first && !put_and(out))
        return false;
    return put_below_1000(out, r, gender, c, construct);
}

bool numbers_cardinal(buf *out, uint64_t n, num_gender gender, num_case c)
{
    return cardinal(out, n, gender, c, false);
}

bool numbers_cardinal_construct(buf *out, uint64_t n, num_gender gender, num_case c)
{
    return cardinal(out, n, gender, c, true);
}

/* Appends the article and word[0..len): الشَّ... before sun letters, الْ... otherwise. */
static bool put_article(buf *out, const char *w, size_t len)
{
    if (len >= 4 && memcmp(w, ALIF "\xD9\x84", 4) == 0) /* already definite */
        return buf_append(out, w, len);
    size_t n;
    unsigned first = utf8_decode(w, len, &n);
    if (arabic_is_sun_letter(first))
        return buf_puts(out, ALIF "\xD9\x84") && buf_append(out, w, n) &&
               buf_puts(out, "\xD9\x91") && buf_append(out, w + n, len - n);
    return buf_puts(out, ALIF "\xD9\x84" SUKUN) && buf_append(out, w, len);
}

bool numbers_make_definite(buf *out, const char *words)
{
    const char *p = words;
    buf word_buf = BUF_INIT;
    bool ok = true;
    while (ok && *p) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *w = p;
        if (len > 4 && memcmp(w, WAW FATHA, 4) == 0) { /* the conjunction stays in front */
            ok = buf_puts(out, WAW FATHA);
            w += 4;
            len -= 4;
        }
        buf_clear(&word_buf);
        ok = ok && put_article(&word_buf, w, len);
        /* No tanween on a definite noun: -un -in -an become -u -i -a (the alif goes). */
        for (size_t i = 0; ok && i < word_buf.len;) {
            size_t n;
            unsigned cp = utf8_decode(word_buf.data + i, word_buf.len - i, &n);
            i += n;
            if (cp == 0x064C)
                ok = buf_puts(out, DAMMA);
            else if (cp == 0x064D)
                ok = buf_puts(out, KASRA);
            else if (cp == 0x064B) {
                ok = buf_puts(out, FATHA);
                if (i + 2 == word_buf.len && memcmp(word_buf.data + i, ALIF, 2) == 0)
                    i += 2;
            } else
                ok = buf_put_cp(out, cp);
        }
        if (!ok || !end)
            break;
        ok = buf_putc(out, ' ');
        p = end + 1;
    }
    buf_free(&word_buf);
    return ok;
}

/* The definite ordinal of a unit 1..10 (compound: the 1 of 11 and 21..91 is حَادِي). The
 * ending is the case vowel, or a fixed fatha inside 11..19. */
static bool put_ordinal_unit(buf *out, unsigned u, num_gender g, num_case c, bool compound,
                             bool fixed_fatha)
{
    const char *stem;
    if (u == 1 && !compound) {
        stem = word("ord.1.%s", gender_key(g));
        if (!stem || !put_article(out, stem, strlen(stem)))
            return false;
        return g == NUM_FEM || buf_puts(out, fixed_fatha ? FATHA : case_vowel(c));
    }
    stem = u == 1 ? word("ord.11") : word("ord.%u", u);
    if (!stem || !put_article(out, stem, strlen(stem)))
        return false;
    const char *vowel = fixed_fatha ? FATHA : case_vowel(c);
    if (g == NUM_FEM)
        return buf_puts(out, FATHA TEH_MARBUTA) && buf_puts(out, vowel);
    /* ثَانِي and حَادِي end in a long vowel: no ending but the accusative fatha. */
    if (ends_with(stem, YEH))
        return (!fixed_fatha && c != NUM_ACC) || buf_puts(out, FATHA);
    return buf_puts(out, vowel);
}

bool numbers_ordinal(buf *out, uint64_t n, num_gender g, num_case c)
{
    if (n == 0 || n >= 100) {
        buf plain = BUF_INIT;
        bool ok = numbers_cardinal(&plain, n, NUM_MASC, c) &&
                  numbers_make_definite(out, plain.data);
        buf_free(&plain);
        return ok;
    }
    unsigned v = (unsigned)n, u = v % 10, t = v / 10;
    if (v <= 10)
        return put_ordinal_unit(out, v, g, c, false, false);
    if (v < 20) {
        const char *ten = word("teen.ten.%s", gender_key(g));
        return put_ordinal_unit(out, u, g, c, true, true) && ten && buf_putc(out, ' ') &&
               buf_puts(out, ten);
    }
    if (u && !(put_ordinal_unit(out, u, g, c, true, false) && put_and(out)))
        return false;
    buf tens = BUF_INIT;
    bool ok = put_tens(&tens, t, c) && put_article(out, tens.data, tens.len);
    buf_free(&tens);
    return ok;
}

bool numbers_hour(buf *out, unsigned hour, num_case c)
{
    if (hour == 1) {
        const char *one = word("hour.1");
        return one && buf_puts(out, one) && buf_puts(out, case_vowel(c));
    }
    return numbers_ordinal(out, hour, NUM_FEM, c);
}

/* An adjective agreeing with a singular or dual noun. */
static bool put_adjective(buf *out, const num_noun *noun, num_case c, bool dual)
{
    if (!noun->adj)
        return true;
    buf stem = BUF_INIT;
    bool ok = buf_puts(&stem, noun->adj) &&
              (noun->gender == NUM_MASC || buf_puts(&stem, FATHA TEH_MARBUTA)) &&
              buf_putc(out, ' ') &&
              (dual ? put_dual(out, stem.data, c, false) : put_indefinite(out, stem.data, c));
    buf_free(&stem);
    return ok;
}

bool numbers_construct(buf *out, const char *stem, num_case c)
{
    return put_construct(out, stem, c);
}

bool numbers_noun(buf *out, const num_noun *noun, num_case c)
{
    if (noun->invariable)
        return buf_puts(out, noun->singular) && put_adjective(out, noun, c, false);
    return put_indefinite(out, noun->singular, c) && put_adjective(out, noun, c, false);
}

bool numbers_counted(buf *out, uint64_t n, const num_noun *noun, num_case c)
{
    uint64_t r = n % 100;
    if (n == 1) { /* دُولَارٌ وَاحِدٌ */
        const char *one = word("one.%s", gender_key(noun->gender));
        return numbers_noun(out, noun, c) && buf_putc(out, ' ') && put_indefinite(out, one, c);
    }
    if (n == 2 && !noun->invariable) /* دُولَارَانِ */
        return put_dual(out, noun->singular, c, false) && put_adjective(out, noun, c, true);
    if (noun->invariable) {
        bool cons = (r >= 3 && r <= 10) || (n >= 100 && r == 0);
        return cardinal(out, n, noun->gender, c, cons) && buf_putc(out, ' ') &&
               numbers_noun(out, noun, NUM_GEN);
    }
    if (r >= 3 && r <= 10) { /* خَمْسَةُ دُولَارَاتٍ */
        if (!(numbers_cardinal_construct(out, n, noun->gender, c) && buf_putc(out, ' ') &&
              buf_puts(out, noun->plural_gen)))
            return false;
        return !noun->adj || (buf_putc(out, ' ') && buf_puts(out, noun->adj_plural_gen));
    }
    if (r >= 11) /* أَحَدَ عَشَرَ دُولَارًا */
        return numbers_cardinal(out, n, noun->gender, c) && buf_putc(out, ' ') &&
               numbers_noun(out, noun, NUM_ACC);
    if (n >= 100 && r == 0) /* مِئَةُ دُولَارٍ، أَلْفَا دُولَارٍ */
        return numbers_cardinal_construct(out, n, noun->gender, c) && buf_putc(out, ' ') &&
               numbers_noun(out, noun, NUM_GEN);
    /* 0, and 101, 102 ...: the number, then the noun in the genitive */
    return numbers_cardinal(out, n, noun->gender, c) && buf_putc(out, ' ') &&
           numbers_noun(out, noun, NUM_GEN);
}

bool numbers_fraction_construct(buf *out, unsigned a, const num_noun *noun, num_case c)
{
    if (a == 1)
        return put_construct(out, noun->singular, c);
    if (a == 2)
        return put_dual(out, noun->singular, c, true);
    /* ثَلَاثَةُ أَرْبَاعِ: the plural loses its tanween */
    if (!numbers_cardinal_construct(out, a, noun->gender, c) || !buf_putc(out, ' '))
        return false;
    size_t n = strlen(noun->plural_gen);
    if (ends_with(noun->plural_gen, KASRATAN))
        return buf_append(out, noun->plural_gen, n - strlen(KASRATAN)) && buf_puts(out, KASRA);
    return buf_puts(out, noun->plural_gen);
}

bool numbers_digits(buf *out, const char *digits, size_t len)
{
    bool first = true;
    for (size_t i = 0; i < len; i++) {
        if (digits[i] < '0' || digits[i] > '9')
            continue;
        if (!first && !buf_putc(out, ' '))
            return false;
        if (!numbers_cardinal(out, (uint64_t)(digits[i] - '0'), NUM_MASC, NUM_NOM))
            return false;
        first = false;
    }
    return true;
}
