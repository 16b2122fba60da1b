#include "expand/expand.h"

#include <string.h>

#include "common/data.h"
#include "common/error.h"
#include "common/utf8.h"
#include "expand/numbers.h"
#include "normalize/normalize.h"

extern const data_blob nashra_data_expand_context;
static data_once context_once = DATA_ONCE_INIT;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool context_has(const char *kind, const char *word)
{
    const data_table *t = data_once_get(&context_once, &nashra_data_expand_context);
    if (!t)
        return false;
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->rows[i].field[0], kind) == 0 && strcmp(t->rows[i].field[1], word) == 0)
            return true;
    return false;
}

/* The context row of a one-letter proclitic glued to a number: letter, vowelled form, and
 * "gen" when it governs the genitive or "same" when it joins the number to the one before. */
static const data_row *clitic_row(const char *s, size_t n)
{
    const data_table *t = data_once_get(&context_once, &nashra_data_expand_context);
    if (!t)
        return NULL;
    for (size_t i = 0; i < t->count; i++) {
        const data_row *r = &t->rows[i];
        if (strcmp(r->field[0], "clitic") == 0 && strlen(r->field[1]) == n &&
            memcmp(r->field[1], s, n) == 0)
            return r;
    }
    return NULL;
}

/* A number token as written. */
typedef struct number_token {
    const char *int_digits; /* without grouping commas, in `digits` */
    char digits[64];
    size_t int_len;
    const char *frac;       /* digits after the decimal point, or NULL */
    size_t frac_len;
    bool percent;
    size_t end;             /* byte offset just past the token */
} number_token;

/* Parses the number at s + i (a digit). */
static void parse_number(const char *s, size_t i, number_token *t)
{
    memset(t, 0, sizeof *t);
    size_t j = i;
    while (is_digit(s[j]))
        j++;
    size_t k = 0;
    bool too_long = j - i >= sizeof t->digits;
    for (size_t p = i; p < j && k + 1 < sizeof t->digits; p++)
        t->digits[k++] = s[p];
    /* Thousands groups: ",ddd" repeated, when the first group has at most three digits. */
    if (!too_long && j - i <= 3) {
        while (s[j] == ',' && is_digit(s[j + 1]) && is_digit(s[j + 2]) && is_digit(s[j + 3]) &&
               !is_digit(s[j + 4]) && k + 4 < sizeof t->digits) {
            memcpy(t->digits + k, s + j + 1, 3);
            k += 3;
            j += 4;
        }
    }
    t->int_digits = t->digits;
    t->int_len = k;
    if (too_long) { /* keep every digit: they are read one by one */
        t->int_digits = s + i;
        t->int_len = j - i;
    }
    if (s[j] == '.' && is_digit(s[j + 1])) {
        t->frac = s + j + 1;
        j++;
        while (is_digit(s[j]))
            j++;
        t->frac_len = (size_t)(s + j - t->frac);
    }
    if (s[j] == '%') {
        t->percent = true;
        j++;
    } else if (s[j] == ' ' && s[j + 1] == '%') {
        t->percent = true;
        j += 2;
    }
    t->end = j;
}

static bool digits_value(const char *d, size_t n, uint64_t *v)
{
    if (n == 0 || n > 15 || (n > 1 && d[0] == '0'))
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x = x * 10 + (uint64_t)(d[i] - '0');
    *v = x;
    return x <= NUMBERS_MAX;
}

/* Spells digits as a cardinal if they make one, otherwise one digit at a time. */
static bool put_integer(buf *out, const char *d, size_t n, num_case c)
{
    uint64_t v;
    if (digits_value(d, n, &v))
        return numbers_cardinal(out, v, NUM_MASC, c);
    return numbers_digits(out, d, n);
}

static bool put_number(buf *out, const number_token *t, num_case c)
{
    if (!put_integer(out, t->int_digits, t->int_len, c))
        return false;
    if (t->frac) {
        const char *point = numbers_word("point");
        if (!point || !buf_putc(out, ' ') || !buf_puts(out, point) || !buf_putc(out, ' '))
            return false;
        /* Leading zeros of the fraction are read as zeros: 0.05 is "zero point zero five". */
        size_t z = 0;
        while (z + 1 < t->frac_len && t->frac[z] == '0')
            z++;
        if (z && !(numbers_digits(out, t->frac, z) && buf_putc(out, ' ')))
            return false;
        if (!put_integer(out, t->frac + z, t->frac_len - z, NUM_GEN))
            return false;
    }
    if (t->percent) {
        const char *percent = numbers_word("percent");
        if (!percent || !buf_putc(out, ' ') || !buf_puts(out, percent))
            return false;
    }
    return true;
}

/* The word before byte offset `at` of s, without diacritics, into w. */
static void previous_word(const char *s, size_t at, char *w, size_t cap)
{
    size_t end = at;
    while (end > 0 && s[end - 1] == ' ')
        end--;
    size_t start = end;
    while (start > 0 && s[start - 1] != ' ')
        start--;
    size_t k = 0;
    for (size_t i = start; i < end && k + 4 < cap;) {
        size_t n;
        unsigned cp = utf8_decode(s + i, end - i, &n);
        if (!normalize_is_diacritic(cp))
            k += utf8_encode(cp, w + k);
        i += n;
    }
    w[k] = '\0';
}

/* Whether s starts with a letter (Arabic or Latin), which must not stay glued to a number. */
static bool starts_letter(const char *s, size_t len)
{
    size_t n;
    unsigned cp = utf8_decode(s, len, &n);
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0x0621 && cp <= 0x064A) ||
           (cp >= 0x0671 && cp <= 0x06D3);
}

/* Symbols that must not reach the synthesizer as they are (it reads some in English).
 * A colon is punctuation (a pause) except between digits, as in 10:30. */
static bool is_unspoken_symbol(const char *s, size_t i)
{
    if (s[i] == ':')
        return i > 0 && is_digit(s[i - 1]) && is_digit(s[i + 1]);
    return strchr("/\\+=*#_|^~<>[]{}$@&`", s[i]) != NULL;
}

nashra_status expand_sentence(const char *s, buf *out, nashra_error *err)
{
    size_t len = strlen(s);
    size_t word_start = 0;      /* where the current word began, in s */
    num_case last_case = NUM_NOM;
    size_t last_number_end = 0; /* for "بين 20 و30": the second number keeps the case */
    bool have_last = false;
    bool percent_before = false;
    bool minus_pending = false;

    for (size_t i = 0; i < len;) {
        char c = s[i];
        if (c == ' ') {
            word_start = i + 1;
            if (!buf_putc(out, ' '))
                goto oom;
            i++;
            continue;
        }
        if (c == '%' && is_digit(s[i + 1])) { /* %15, as ٪15 is written */
            percent_before = true;
            i++;
            word_start = i;
            continue;
        }
        if (c == '-' && is_digit(s[i + 1]) && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '(')) {
            const char *minus = numbers_word("minus");
            if (!minus || !buf_puts(out, minus) || !buf_putc(out, ' '))
                goto oom;
            minus_pending = true;
            i++;
            word_start = i;
            continue;
        }
        if (is_digit(c)) {
            number_token t;
            parse_number(s, i, &t);
            t.percent = t.percent || percent_before;
            percent_before = false;

            /* A one-letter proclitic glued to the number (ب100, و30) gets its vowel; other
             * letters glued before it (ال12) are set apart. */
            size_t glued_len = i - word_start;
            const data_row *clitic = glued_len ? clitic_row(s + word_start, glued_len) : NULL;
            if (clitic) {
                out->len -= glued_len; /* the bare letter was copied just before */
                if (!buf_puts(out, clitic->field[2]))
                    goto oom;
            } else if (glued_len && !buf_putc(out, ' ')) {
                goto oom;
            }
            char prev[64];
            previous_word(s, word_start, prev, sizeof prev);
            num_case nc = NUM_NOM;
            if (minus_pending || context_has("gen", prev))
                nc = NUM_GEN;
            if (clitic && strcmp(clitic->field[3], "gen") == 0)
                nc = NUM_GEN;
            else if (clitic && have_last && word_start <= last_number_end + 2)
                nc = last_case; /* "بين 20 و30": the second number shares the case */
            minus_pending = false;
            if (!put_number(out, &t, nc))
                goto oom;
            last_case = nc;
            last_number_end = t.end;
            have_last = true;
            i = t.end;
            if (i < len && starts_letter(s + i, len - i) && !buf_putc(out, ' ')) /* 2015م */
                goto oom;
            continue;
        }
        if (c == '%') {
            const char *percent = numbers_word("percent");
            if (!percent || !buf_puts(out, percent))
                goto oom;
            i++;
            continue;
        }
        if (c == '-' && i > 0 && is_digit(s[i - 1]) && is_digit(s[i + 1])) {
            if (!buf_putc(out, ' ')) /* 2-1, 2020-2021: read with a pause for now */
                goto oom;
            i++;
            word_start = i;
            continue;
        }
        if (is_unspoken_symbol(s, i)) {
            if (!buf_putc(out, ' '))
                goto oom;
            i++;
            word_start = i;
            continue;
        }
        if (!buf_putc(out, c))
            goto oom;
        i++;
    }
    return NASHRA_OK;
oom:
    return error_set(err, NASHRA_ENOMEM, "out of memory while expanding numbers");
}
