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

/* 3..10 standing alone. */
static bool put_unit(buf *out, unsigned n, num_gender g, num_case c)
{
    const char *full = word("unit.%u.%s.%s", n, gender_key(g), case_key(c));
    if (full)
        return buf_puts(out, full);
    return put_indefinite(out, word("unit.%u.%s", n, gender_key(g)), c);
}

/* 1..99 standing alone. */
static bool put_below_100(buf *out, unsigned n, num_gender g, num_case c)
{
    const char *gk = gender_key(g);
    unsigned u = n % 10, t = n / 10;
    if (n == 1)
        return put_indefinite(out, word("one.%s", gk), c);
    if (n == 2)
        return put_word(out, word("two.%s.%s", gk, oblique_key(c)));
    if (n <= 10)
        return put_unit(out, n, g, c);
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
            ok = put_below_100(out, u, g, c);
        const char *and = word("and");
        if (!ok || !and || !buf_putc(out, ' ') || !buf_puts(out, and))
            return false;
    }
    const char *stem = word("tens.%u", t);
    return stem && buf_puts(out, stem) &&
           buf_puts(out, c == NUM_NOM ? DAMMA WAW NOON FATHA : KASRA YEH NOON FATHA);
}

/* Exact hundreds 100..900; construct when a scale noun follows (مِئَةُ أَلْفٍ). */
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

static bool put_and(buf *out)
{
    const char *and = word("and");
    return and && buf_putc(out, ' ') && buf_puts(out, and);
}

/* 1..999 standing alone. */
static bool put_below_1000(buf *out, unsigned n, num_gender g, num_case c)
{
    unsigned h = n / 100, r = n % 100;
    if (h && !put_hundreds(out, h, c, false))
        return false;
    if (h && r && !put_and(out))
        return false;
    return !r || put_below_100(out, r, g, c);
}

/* A group 1..999 counting the scale noun of index scale (1 thousand .. 4 trillion). */
static bool put_scaled(buf *out, unsigned g, unsigned scale, num_case c)
{
    const char *stem = word("scale.%u", scale);
    unsigned h = g / 100, r = g % 100;
    if (!stem)
        return false;
    if (h && !r) /* مِئَةُ أَلْفٍ، ثَلَاثُمِئَةِ مِلْيُونٍ */
        return put_hundreds(out, h, c, true) && buf_putc(out, ' ') && buf_puts(out, stem) &&
               buf_puts(out, KASRATAN);
    if (h && !(put_hundreds(out, h, c, false) && put_and(out)))
        return false;
    if (r == 1)
        return put_indefinite(out, stem, c);
    if (r == 2)
        return put_dual(out, stem, c, false);
    if (r <= 10) { /* ثَلَاثَةُ آلَافٍ */
        const char *plural = word("scale.%u.plural", scale);
        return plural && put_construct(out, word("unit.%u.m", r), c) && buf_putc(out, ' ') &&
               buf_puts(out, plural);
    }
    /* 11..99: the counted noun is an accusative singular (tamyiz). */
    return put_below_100(out, r, NUM_MASC, c) && buf_putc(out, ' ') &&
           put_indefinite(out, stem, NUM_ACC);
}

bool numbers_cardinal(buf *out, uint64_t n, num_gender gender, num_case c)
{
    if (n > NUMBERS_MAX)
        return false;
    if (n == 0)
        return put_indefinite(out, word("zero"), c);

    static const uint64_t scales[] = {UINT64_C(1000000000000), UINT64_C(1000000000),
                                      UINT64_C(1000000), UINT64_C(1000)};
    bool first = true;
    for (unsigned i = 0; i < 4; i++) {
        unsigned g = (unsigned)(n / scales[i] % 1000);
        if (!g)
            continue;
        if (!first && !put_and(out))
            return false;
        if (!put_scaled(out, g, 4 - i, c))
            return false;
        first = false;
    }
    unsigned r = (unsigned)(n % 1000);
    if (!r)
        return true;
    if (!first && !put_and(out))
        return false;
    return put_below_1000(out, r, gender, c);
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
