/* The driver of the spoken-form stage, and the rules for plain numbers, ranges, scores, named
 * and phone numbers, abbreviations, Latin acronyms and symbols. */
#include "expand/expand.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/utf8.h"
#include "expand/lexicon.h"
#include "expand/rules.h"

/* ------------------------------------------------------------------------------------------ */
/* Tokens                                                                                     */

size_t xp_next(const xp *x, size_t i)
{
    for (i++; i < x->n; i++)
        if (x->t[i].kind != TOK_SPACE)
            return i;
    return x->n;
}

size_t xp_prev(const xp *x, size_t i)
{
    while (i-- > 0)
        if (x->t[i].kind != TOK_SPACE)
            return i;
    return NO_TOKEN;
}

size_t xp_start(const prefix *p, size_t i)
{
    return p->token != NO_TOKEN ? p->token : i;
}

size_t xp_skip_space(const xp *x, size_t i)
{
    return i < x->n && x->t[i].kind == TOK_SPACE ? i + 1 : i;
}

bool xp_is_mark(const xp *x, size_t i, unsigned cp)
{
    return i < x->n && x->t[i].kind == TOK_MARK && x->t[i].cp == cp;
}

bool xp_is_num(const xp *x, size_t i)
{
    return i < x->n && x->t[i].kind == TOK_NUM;
}

bool xp_is_word(const xp *x, size_t i)
{
    return i < x->n && x->t[i].kind == TOK_WORD;
}

const char *xp_key(const xp *x, size_t i)
{
    return i < x->n ? x->keys[i] : "";
}

bool xp_key_is(const xp *x, size_t i, const char *word)
{
    return word[0] && strcmp(xp_key(x, i), word) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && memcmp(s + n - m, suffix, m) == 0;
}

bool xp_key_ends(const xp *x, size_t i, const char *suffix)
{
    return ends_with(xp_key(x, i), suffix);
}

bool xp_is_definite(const xp *x, size_t i)
{
    return strncmp(xp_key(x, i), AR_AL, strlen(AR_AL)) == 0;
}

bool xp_follows_from(const xp *x, size_t at)
{
    size_t w = xp_prev(x, at);
    return w != NO_TOKEN && (xp_key_is(x, w, KEY_FROM) || xp_key_is(x, w, KEY_BETWEEN));
}

bool xp_is_range_word(const xp *x, size_t i)
{
    return xp_key_is(x, i, "\xD8\xA5\xD9\x84\xD9\x89") ||  /* إلى */
           xp_key_is(x, i, "\xD8\xA7\xD9\x84\xD9\x89") ||  /* الى */
           xp_key_is(x, i, "\xD8\xAD\xD8\xAA\xD9\x89");    /* حتى */
}

/* A key past a conjunction typed onto its word (وبنسبة, فقتل), or NULL. */
static const char *past_conjunction(const char *k)
{
    bool conj = strncmp(k, AR_WAW, 2) == 0 || strncmp(k, "\xD9\x81", 2) == 0; /* و ف */
    return conj && strlen(k) >= 6 ? k + 2 : NULL;
}

const data_row *xp_context_row(const xp *x, size_t i, const char *kind)
{
    if (!xp_is_word(x, i))
        return NULL;
    const data_row *r = lex_find(LEX_CONTEXT, kind, x->keys[i]);
    const char *bare = r ? NULL : past_conjunction(x->keys[i]);
    return bare ? lex_find(LEX_CONTEXT, kind, bare) : r;
}

bool xp_in_context(const xp *x, size_t i, const char *kind)
{
    return xp_context_row(x, i, kind) != NULL;
}

bool xp_about(xp *x, xp_topic topic)
{
    static const char *const kinds[TOPIC_COUNT] = {"sports", "weather", "length"};
    if (x->topics[topic] < 0) {
        x->topics[topic] = 0;
        for (size_t i = 0; i < x->n && !x->topics[topic]; i++)
            x->topics[topic] = xp_in_context(x, i, kinds[topic]);
    }
    return x->topics[topic];
}

/* ------------------------------------------------------------------------------------------ */
/* Output                                                                                     */

bool xp_put(xp *x, const char *s)
{
    return buf_puts(x->out, s);
}

bool xp_space(xp *x)
{
    return buf_putc(x->out, ' ');
}

bool xp_word(xp *x, const char *key)
{
    const char *w = numbers_word(key);
    return w && buf_puts(x->out, w);
}

bool xp_prefix(xp *x, const prefix *p)
{
    return (!p->conj || buf_puts(x->out, p->conj)) && (!p->prep || buf_puts(x->out, p->prep));
}

static bool copy_token(xp *x, size_t i)
{
    return buf_append(x->out, x->s + x->t[i].start, x->t[i].len);
}

/* ------------------------------------------------------------------------------------------ */
/* Grammar context                                                                            */

/* The case a verb gives a number that is its object: the nearest transitive verb of
 * context.tsv within a few words back, with no clause boundary between (تضم جامعة الدول
 * العربية 22 دولة). */
static bool object_of_verb(const xp *x, size_t w)
{
    for (int words = 0; w != NO_TOKEN && words < 5; words++) {
        if (x->t[w].kind == TOK_MARK || x->t[w].kind == TOK_NUM)
            return false;
        /* a verb followed by a preposition takes no direct object: شارك في المسيرة 200 */
        if (xp_in_context(x, w, "acc"))
            return !xp_in_context(x, xp_next(x, w), "prep");
        /* past the verb's own indefinite object (حقق العداء زمنا قدره 9.58) */
        if ((words && xp_key_ends(x, w, AR_ALIF) && strlen(xp_key(x, w)) > 4) ||
            xp_in_context(x, w, "stop"))
            return false;
        w = xp_prev(x, w);
    }
    return false;
}

num_case xp_case(xp *x, size_t first, const prefix *p)
{
    num_case c = NUM_NOM;
    size_t at = p ? xp_start(p, first) : first;
    size_t w = xp_prev(x, at);
    if (p && p->prep)
        c = NUM_GEN;
    else if (x->forced_at == first)
        c = x->forced_case;
    else if (p && p->conj && x->have_last && x->last_num_end + 4 >= at) /* 5 ريالات و50 */
        c = x->last_case;
    else if (w != NO_TOKEN && x->t[w].kind == TOK_LATIN)
        c = NUM_GEN; /* G20, F 16: a name */
    else if (w == NO_TOKEN || !xp_is_word(x, w))
        c = NUM_NOM;
    else if (xp_in_context(x, w, "gen"))
        c = NUM_GEN;
    else if (object_of_verb(x, w))
        c = NUM_ACC;
    else if (xp_in_context(x, w, "label"))
        c = NUM_GEN; /* رؤية 2030، القرار 2254: the number names the noun */
    x->last_case = c;
    return c;
}

num_case xp_noun_case(xp *x, size_t w, bool adjectives)
{
    /* a noun with its adjectives: في القمة العربية ال33 */
    size_t noun = w;
    for (int k = 0; adjectives && k < 3 && noun != NO_TOKEN && xp_is_definite(x, noun); k++) {
        size_t before = xp_prev(x, noun);
        if (before == NO_TOKEN || !xp_is_definite(x, before))
            break;
        noun = before;
    }
    /* a preposition and the article glued on: بال لل كال */
    const char *k = past_conjunction(xp_key(x, noun));
    if (!k)
        k = xp_key(x, noun);
    if (strncmp(k, "\xD8\xA8" AR_AL, 6) == 0 || strncmp(k, "\xD9\x84\xD9\x84", 4) == 0 ||
        strncmp(k, "\xD9\x83" AR_AL, 6) == 0)
        return NUM_GEN;
    size_t before = xp_prev(x, noun);
    if (before != NO_TOKEN && xp_in_context(x, before, "gen"))
        return NUM_GEN;
    /* The noun right after its verb is the subject (حققت الحلقة 30); after the subject, the
     * object (احتل المنتخب المركز 20). */
    if (before != NO_TOKEN && !xp_in_context(x, before, "acc") && object_of_verb(x, before))
        return NUM_ACC;
    return NUM_NOM;
}

bool xp_noun_gender(const xp *x, size_t i, num_gender *g)
{
    if (!xp_is_word(x, i))
        return false;
    const char *k = x->keys[i];
    size_t n = strlen(k);
    const data_row *r = lex_find(LEX_NOUNS, k, NULL);
    if (!r && ends_with(k, AR_ALIF) && n < 96) { /* tanween alif: شخصا */
        char bare[96];
        memcpy(bare, k, n - 2);
        bare[n - 2] = '\0';
        r = lex_find(LEX_NOUNS, bare, NULL);
    }
    if (r) {
        *g = r->field[1][0] == 'f' ? NUM_FEM : NUM_MASC;
        return true;
    }
    /* Not a counted noun: particles, verbs and the like, definite words, months. */
    if (xp_in_context(x, i, "gen") || xp_in_context(x, i, "acc") ||
        xp_in_context(x, i, "stop") || xp_in_context(x, i, "daypart") || xp_is_definite(x, i) ||
        n <= 2 || lex_find(LEX_MONTHS, k, NULL) || lex_find(LEX_ABBREVIATIONS, k, NULL))
        return false;
    /* Unknown words with a proclitic (و ف ب ل ك) are rarely the counted noun. */
    static const char *const clitics[] = {AR_WAW, "\xD9\x81", "\xD8\xA8", "\xD9\x84",
                                          "\xD9\x83"};
    for (size_t c = 0; c < sizeof clitics / sizeof clitics[0]; c++)
        if (strncmp(k, clitics[c], 2) == 0)
            return false;
    /* Unknown nouns: a singular in ta marbuta or a plural in -aat counts as feminine. */
    *g = ends_with(k, AR_TEH_MARBUTA) || ends_with(k, AR_AAT) ? NUM_FEM : NUM_MASC;
    return true;
}

bool xp_noun_after(const xp *x, size_t end, num_gender *g)
{
    return end + 1 < x->n && x->t[end].kind == TOK_SPACE && xp_noun_gender(x, end + 1, g);
}

static bool is_digits(const xp *x, size_t i, size_t len)
{
    return xp_is_num(x, i) && x->t[i].len == len;
}

/* Sets value and exact from digits: exact unless too long or with a leading zero. */
static void set_value(number *num)
{
    num->value = 0;
    num->exact = num->ndigits <= 15 && !(num->ndigits > 1 && num->digits[0] == '0');
    if (!num->exact)
        return;
    for (size_t k = 0; k < num->ndigits; k++)
        num->value = num->value * 10 + (uint64_t)(num->digits[k] - '0');
    num->exact = num->value <= NUMBERS_MAX;
}

void xp_parse_number(const xp *x, size_t i, bool allow_decimal, number *num)
{
    memset(num, 0, sizeof *num);
    const tok *t = &x->t[i];
    size_t cap = sizeof num->digits - 1;
    size_t n = t->len < cap ? t->len : cap;
    memcpy(num->digits, x->s + t->start, n);
    num->ndigits = n;
    size_t j = i + 1;
    /* 6,500 and 1,250,000; 1.500.000 only with two groups or more */
    unsigned sep = 0;
    if (t->len <= 3 && xp_is_mark(x, j, ',') && is_digits(x, j + 1, 3))
        sep = ',';
    else if (t->len <= 3 && xp_is_mark(x, j, '.') && is_digits(x, j + 1, 3) &&
             xp_is_mark(x, j + 2, '.') && is_digits(x, j + 3, 3))
        sep = '.';
    while (sep && xp_is_mark(x, j, sep) && is_digits(x, j + 1, 3) && num->ndigits + 3 <= cap) {
        memcpy(num->digits + num->ndigits, x->s + x->t[j + 1].start, 3);
        num->ndigits += 3;
        j += 2;
    }
    num->digits[num->ndigits] = '\0';
    if (allow_decimal && xp_is_mark(x, j, '.') && xp_is_num(x, j + 1) &&
        x->t[j + 1].len < sizeof num->frac) {
        num->nfrac = x->t[j + 1].len;
        memcpy(num->frac, x->s + x->t[j + 1].start, num->nfrac);
        num->frac[num->nfrac] = '\0';
        j += 2;
    }
    num->end = j;
    set_value(num); /* a token too long for digits[] filled it: more than 15 digits */
}

bool xp_put_integer(xp *x, const number *num, num_gender g, num_case c, bool construct)
{
    if (!num->exact)
        return numbers_digits(x->out, num->digits, num->ndigits);
    return construct ? numbers_cardinal_construct(x->out, num->value, g, c)
                     : numbers_cardinal(x->out, num->value, g, c);
}

bool xp_put_number(xp *x, const number *num, num_gender g, num_case c, bool construct)
{
    if (!num->nfrac)
        return xp_put_integer(x, num, g, c, construct);
    if (!xp_put_integer(x, num, NUM_MASC, c, false) || !xp_space(x) || !xp_word(x, "point") ||
        !xp_space(x))
        return false;
    /* Leading zeros of the fraction are read as zeros: 0.05 is "zero point zero five". */
    size_t z = 0;
    while (z + 1 < num->nfrac && num->frac[z] == '0')
        z++;
    if (z && !(numbers_digits(x->out, num->frac, z) && xp_space(x)))
        return false;
    number f = {0};
    f.ndigits = num->nfrac - z;
    memcpy(f.digits, num->frac + z, f.ndigits);
    set_value(&f);
    return xp_put_integer(x, &f, NUM_MASC, c, false);
}

/* ------------------------------------------------------------------------------------------ */
/* Prefixes glued to numbers                                                                  */

/* The vowelled form of the one-letter proclitic at *s whose context.tsv row says `role`
 * (clitic<TAB>letter<TAB>vowelled<TAB>gen|same), moving *s past it; NULL if there is none. */
static const char *take_clitic(const char **s, const char *role)
{
    if (!(*s)[0] || !(*s)[1])
        return NULL;
    char letter[3] = {(*s)[0], (*s)[1], 0};
    const data_row *r = lex_find(LEX_CONTEXT, "clitic", letter);
    if (!r || strcmp(r->field[3], role) != 0)
        return NULL;
    *s += 2;
    return r->field[2];
}

/* Splits the word at token i, glued before a number, into proclitics: و/ف, then ب/ل/ك, then
 * ال (or the ل of لل). False when the word is anything else (a name glued to a number). */
static bool split_prefix(const xp *x, size_t i, prefix *p)
{
    memset(p, 0, sizeof *p);
    p->token = i;
    const char *s = xp_key(x, i);
    p->conj = take_clitic(&s, "same");
    const char *at_prep = s;
    p->prep = take_clitic(&s, "gen");
    if (strcmp(s, AR_AL) == 0) {
        p->article = true;
        s += strlen(AR_AL);
    } else if (p->prep && strcmp(s, "\xD9\x84") == 0 && strncmp(at_prep, "\xD9\x84", 2) == 0) {
        p->article = true; /* لل: ل + ال */
        s += 2;
    }
    return *s == '\0' && (p->conj || p->prep || p->article);
}

/* ------------------------------------------------------------------------------------------ */
/* Rules of this file                                                                         */

/* Reads the number at token j and the groups after it (one space or dash between) digit by
 * digit; without a phone context only groups of up to four digits follow. */
static size_t read_digit_groups(xp *x, size_t j, bool context)
{
    for (;;) {
        if (!numbers_digits(x->out, x->s + x->t[j].start, x->t[j].len))
            return RULE_FAIL;
        size_t k = j + 1;
        if (xp_is_mark(x, k, '-') || (k < x->n && x->t[k].kind == TOK_SPACE))
            k++;
        if (!xp_is_num(x, k) || (!context && x->t[k].len > 4))
            return j + 1;
        if (!xp_space(x))
            return RULE_FAIL;
        j = k;
    }
}

/* Phone and reference numbers: digit by digit, groups separated by spaces or dashes. */
static size_t rule_phone(xp *x, size_t i, const prefix *p, bool plus)
{
    size_t at = xp_start(p, i);
    size_t w = xp_prev(x, plus ? i - 1 : at);
    if (w != NO_TOKEN && xp_is_mark(x, w, ':')) /* الهاتف: 0501234567 */
        w = xp_prev(x, w);
    bool context = w != NO_TOKEN && xp_in_context(x, w, "phone");
    const tok *t = &x->t[i];
    bool shaped = x->s[t->start] == '0' && t->len >= 7;
    if (!context && !shaped && !plus)
        return 0;
    if (!xp_prefix(x, p))
        return RULE_FAIL;
    if (plus && !(xp_word(x, "plus") && xp_space(x)))
        return RULE_FAIL;
    return read_digit_groups(x, i, context);
}

/* Two numbers joined by a dash: a score in a sports sentence, a range otherwise. */
static size_t rule_range(xp *x, size_t i, const prefix *p)
{
    number a;
    xp_parse_number(x, i, true, &a);
    size_t d = a.end;
    bool spaced = d < x->n && x->t[d].kind == TOK_SPACE;
    if (spaced)
        d++;
    if (!xp_is_mark(x, d, '-'))
        return 0;
    size_t b = d + 1;
    if (b < x->n && x->t[b].kind == TOK_SPACE && spaced)
        b++;
    if (!xp_is_num(x, b))
        return 0;
    number second;
    xp_parse_number(x, b, true, &second);
    num_case c = xp_case(x, i, p);
    if (!xp_prefix(x, p))
        return RULE_FAIL;
    /* A range goes up; two small numbers going down (2-1) or equal are a score. */
    bool small = a.ndigits <= 2 && second.ndigits <= 2 && !a.nfrac && !second.nfrac;
    bool descending = a.exact && second.exact && a.value >= second.value && a.value <= 20;
    if (small && (xp_about(x, TOPIC_SPORTS) || descending)) {
        if (c == NUM_NOM)
            c = NUM_ACC; /* فاز اثنين مقابل واحد */
        if (!xp_put_number(x, &a, NUM_MASC, c, false) || !xp_space(x) ||
            !xp_word(x, "versus") || !xp_space(x) ||
            !xp_put_number(x, &second, NUM_MASC, NUM_GEN, false))
            return RULE_FAIL;
        x->last_case = c;
        return second.end;
    }
    /* The gender of the noun after the second number serves both. */
    num_gender g = NUM_MASC;
    xp_noun_after(x, second.end, &g);
    if (!xp_follows_from(x, xp_start(p, i)) &&
        !(xp_word(x, "from") && xp_space(x)))
        return RULE_FAIL;
    if (!xp_put_number(x, &a, g, NUM_GEN, false) || !xp_space(x) || !xp_word(x, "to") ||
        !xp_space(x))
        return RULE_FAIL;
    /* The second number goes through the other rules (it may carry %, a unit, a noun). */
    x->forced_at = b;
    x->forced_case = NUM_GEN;
    return b;
}

/* 5+1: both numbers with "plus" between. */
static size_t rule_plus(xp *x, size_t i, const prefix *p)
{
    if (!xp_is_mark(x, i + 1, '+') || !xp_is_num(x, i + 2))
        return 0;
    number a, b;
    xp_parse_number(x, i, false, &a);
    xp_parse_number(x, i + 2, false, &b);
    num_case c = xp_case(x, i, p);
    if (!xp_prefix(x, p) || !xp_put_integer(x, &a, NUM_MASC, c, false) || !xp_space(x) ||
        !xp_word(x, "plus") || !xp_space(x) || !xp_put_integer(x, &b, NUM_MASC, NUM_GEN, false))
        return RULE_FAIL;
    return b.end;
}

/* A number at token i, with the letters glued before it. */
static size_t read_number(xp *x, size_t i, const prefix *p, bool negative)
{
    size_t (*const rules[])(xp *, size_t, const prefix *) = {
        rule_time, rule_numeric_date, rule_month_date, rule_month_year, rule_hour, rule_ordinal,
        rule_fraction, rule_range, rule_plus,
    };
    size_t r;
    if (!negative && (r = rule_phone(x, i, p, false)))
        return r;
    for (size_t k = 0; !negative && k < sizeof rules / sizeof rules[0]; k++)
        if ((r = rules[k](x, i, p)))
            return r;
    return rule_quantity(x, i, p, negative);
}

/* Whether an abbreviation used as `when` (abbreviations.tsv) fits tokens [i, end). */
static bool abbreviation_fits(const xp *x, size_t i, size_t end, const char *when)
{
    size_t next = xp_next(x, end - 1), prev = xp_prev(x, i);
    if (strcmp(when, "any") == 0)
        return true;
    if (strcmp(when, "name") == 0)
        return xp_is_word(x, next) && end < x->n && x->t[end].kind == TOK_SPACE;
    if (strcmp(when, "number") == 0)
        return prev != NO_TOKEN && xp_is_num(x, prev);
    if (strcmp(when, "before-number") == 0)
        return xp_is_num(x, next);
    return false;
}

/* Whether the name after an abbreviated title at token end is a woman's: the verb before it
 * is feminine (قالت د. ...) or the name ends in ta marbuta (د. فاطمة). */
static bool feminine_name(const xp *x, size_t i, size_t end)
{
    return xp_key_ends(x, xp_prev(x, i), AR_TEH) ||
           xp_key_ends(x, xp_next(x, end - 1), AR_TEH_MARBUTA);
}

/* An abbreviation written with dots (د. أ.ف.ب ص.ب ق.م), with single letters spaced (أ ف ب),
 * or as a word (إلخ), at token i, possibly behind a proclitic (لأ.ف.ب). */
static size_t rule_abbreviation(xp *x, size_t i)
{
    static const char *const whens[] = {"any", "name", "number", "before-number"};
    char cand[64];
    size_t len = 0, best_end = 0, skip = 0;
    const data_row *best = NULL;
    const char *best_when = NULL;
    const data_row *clitic = NULL;
    for (int attempt = 0; attempt < 2 && !best; attempt++) {
        if (attempt == 1) { /* a proclitic glued to the abbreviation */
            if (x->t[i].len <= 2)
                break;
            char letter[3] = {x->s[x->t[i].start], x->s[x->t[i].start + 1], 0};
            clitic = lex_find(LEX_CONTEXT, "clitic", letter);
            if (!clitic)
                break;
            skip = 2;
        }
        len = 0;
        for (size_t j = i; j < x->n && j < i + 7; j++) {
            const tok *t = &x->t[j];
            bool letter_space = j > i && t->kind == TOK_SPACE && t->len == 1 &&
                                x->t[j - 1].kind == TOK_WORD && x->t[j - 1].len <= 2 &&
                                xp_is_word(x, j + 1) && x->t[j + 1].len <= 2;
            if (!(t->kind == TOK_WORD || xp_is_mark(x, j, '.') || letter_space))
                break;
            size_t from = j == i ? skip : 0;
            if (len + t->len >= sizeof cand)
                break;
            memcpy(cand + len, x->s + t->start + from, t->len - from);
            len += t->len - from;
            if (letter_space)
                continue;
            char buf_key[64];
            const char *key = j == i && !skip ? x->keys[i]
                                              : (lex_key(cand, len, buf_key, sizeof buf_key),
                                                 buf_key);
            if (!lex_find(LEX_ABBREVIATIONS, key, NULL)) /* most words: one look-up */
                continue;
            bool dot = xp_is_mark(x, j, '.');
            for (size_t w = 0; w < sizeof whens / sizeof whens[0]; w++) {
                /* a final dot belongs to the abbreviation only before a name */
                if (dot && strcmp(whens[w], "name") != 0)
                    continue;
                const data_row *r = lex_find(LEX_ABBREVIATIONS, key, whens[w]);
                if (r && abbreviation_fits(x, i, j + 1, whens[w])) {
                    best = r;
                    best_when = whens[w];
                    best_end = j + 1;
                    break;
                }
            }
        }
    }
    if (!best)
        return 0;
    if (strcmp(best_when, "name") == 0 && feminine_name(x, i, best_end)) {
        char key[64];
        lex_key(best->field[0], strlen(best->field[0]), key, sizeof key);
        const data_row *f = lex_find(LEX_ABBREVIATIONS, key, "name-f");
        if (f)
            best = f;
    }
    if (clitic && !xp_put(x, clitic->field[2]))
        return RULE_FAIL;
    if (!xp_put(x, best->field[2]))
        return RULE_FAIL;
    /* ص.ب 1234: the number after is read digit by digit */
    size_t next = xp_next(x, best_end - 1);
    if (strcmp(best_when, "before-number") == 0 && xp_is_num(x, next))
        return xp_space(x) ? read_digit_groups(x, next, true) : RULE_FAIL;
    return best_end;
}

/* Latin capitals (BBC) spelled with Arabic letter names; other Latin words stay. */
static size_t rule_latin(xp *x, size_t i)
{
    const tok *t = &x->t[i];
    const char *s = x->s + t->start;
    if (t->len > 6)
        return 0;
    for (size_t k = 0; k < t->len; k++)
        if (s[k] < 'A' || s[k] > 'Z')
            return 0;
    bool glued_number = xp_is_num(x, i + 1) || (xp_is_mark(x, i + 1, '-') && xp_is_num(x, i + 2));
    if (t->len < 2 && !glued_number)
        return 0;
    char word[8] = {0};
    memcpy(word, s, t->len);
    const data_row *spoken = lex_find(LEX_ABBREVIATIONS, "latin", word); /* NASA, NATO */
    if (spoken)
        return xp_put(x, spoken->field[2]) ? i + 1 : RULE_FAIL;
    for (size_t k = 0; k < t->len; k++) {
        char letter[2] = {s[k], '\0'};
        const data_row *r = lex_find(LEX_ABBREVIATIONS, "letter", letter);
        if (!r)
            return 0;
        if ((k && !xp_space(x)) || !xp_put(x, r->field[2]))
            return RULE_FAIL;
    }
    return i + 1;
}

/* A symbol standing alone: its word from abbreviations.tsv, or a pause. */
static size_t rule_symbol(xp *x, size_t i)
{
    const tok *t = &x->t[i];
    char sym[8] = {0};
    memcpy(sym, x->s + t->start, t->len < 7 ? t->len : 7);
    const data_row *r = lex_find(LEX_ABBREVIATIONS, "symbol", sym);
    if (r)
        return xp_space(x) && xp_put(x, r->field[2]) && xp_space(x) ? i + 1 : RULE_FAIL;
    if (t->cp == ':' && i > 0 && xp_is_num(x, i - 1) && xp_is_num(x, i + 1))
        return xp_space(x) ? i + 1 : RULE_FAIL;
    /* What the synthesizer would read in English, or drop, becomes a pause. */
    static const char silent[] = "/\\+=*#_|^~<>[]{}$@&`%:";
    bool ascii_silent = t->cp < 0x80 && t->cp != ':' && strchr(silent, (int)t->cp);
    bool other = t->cp == 0x20AC || t->cp == 0x00A3 || t->cp == 0x00A5 || t->cp == 0x00B0 ||
                 t->cp == 0x00B2 || t->cp == 0x00B3;
    if (ascii_silent || other)
        return xp_space(x) ? i + 1 : RULE_FAIL;
    return 0;
}

/* Whether the mark at i starts a word (so '-' there is a minus sign). */
static bool at_word_start(const xp *x, size_t i)
{
    return i == 0 || x->t[i - 1].kind == TOK_SPACE || xp_is_mark(x, i - 1, '(') ||
           xp_is_mark(x, i - 1, 0x00AB);
}

static size_t step(xp *x, size_t i)
{
    const tok *t = &x->t[i];
    prefix none = {NULL, NULL, false, NO_TOKEN};
    prefix p;
    size_t r;
    switch (t->kind) {
    case TOK_NUM:
        r = read_number(x, i, &none, false);
        break;
    case TOK_WORD:
        if ((r = rule_abbreviation(x, i)))
            break;
        if (xp_is_num(x, i + 1) && split_prefix(x, i, &p)) {
            r = read_number(x, i + 1, &p, false);
            break;
        }
        /* A conjunction before a negative number: و-3 */
        if (xp_is_mark(x, i + 1, '-') && xp_is_num(x, i + 2) && split_prefix(x, i, &p)) {
            r = xp_prefix(x, &p) ? read_number(x, i + 2, &none, true) : RULE_FAIL;
            break;
        }
        /* A name with a number: كوفيد-19, إف-16 */
        if (xp_is_mark(x, i + 1, '-') && xp_is_num(x, i + 2)) {
            number num;
            xp_parse_number(x, i + 2, false, &num);
            r = copy_token(x, i) && xp_space(x) &&
                        xp_put_integer(x, &num, NUM_MASC, NUM_GEN, false)
                    ? num.end
                    : RULE_FAIL;
            break;
        }
        r = copy_token(x, i) ? i + 1 : RULE_FAIL;
        if (r != RULE_FAIL && xp_is_num(x, i + 1) && !xp_space(x))
            r = RULE_FAIL;
        break;
    case TOK_LATIN:
        if ((r = rule_money_before(x, i, &none))) /* USD 100 */
            break;
        if (!(r = rule_latin(x, i)))
            r = copy_token(x, i) ? i + 1 : RULE_FAIL;
        if (r != RULE_FAIL && r < x->n && xp_is_mark(x, r, '-') && xp_is_num(x, r + 1))
            r++; /* F-16 */
        if (r != RULE_FAIL && xp_is_num(x, r) && !xp_space(x))
            r = RULE_FAIL;
        break;
    case TOK_MARK: {
        unsigned a, b;
        if ((t->cp == '-' || t->cp == 0x2013 || t->cp == 0x2212) && xp_is_num(x, i + 1) &&
                   at_word_start(x, i)) {
            r = read_number(x, i + 1, &none, true);
        } else if (t->cp == '%' && xp_is_num(x, i + 1)) {
            r = rule_quantity(x, i + 1, &none, false); /* %15 */
        } else if (t->cp == '+' && xp_is_num(x, i + 1) && x->t[i + 1].len >= 2 &&
                   at_word_start(x, i)) {
            r = rule_phone(x, i + 1, &none, true);
        } else if ((r = rule_money_before(x, i, &none))) {
            /* $100 */
        } else if (fraction_char(t->cp, &a, &b)) {
            size_t next = xp_skip_space(x, i + 1);
            bool construct = next != i + 1 && xp_is_definite(x, next);
            r = put_fraction(x, a, b, xp_case(x, i, NULL), construct) ? i + 1 : RULE_FAIL;
        } else if (!(r = rule_symbol(x, i))) {
            r = copy_token(x, i) ? i + 1 : RULE_FAIL;
        }
        break;
    }
    case TOK_SPACE:
    default:
        r = copy_token(x, i) ? i + 1 : RULE_FAIL;
        break;
    }
    return r;
}

/* The key of every token, made once per sentence: the rules look words up many times. Keys
 * live in store; *keys gets one pointer a token ("" for numbers, spaces and marks). */
static bool make_keys(const char *s, const tok_list *list, buf *store, const char ***keys)
{
    size_t *at = malloc((list->count + 1) * sizeof *at);
    *keys = malloc((list->count + 1) * sizeof **keys);
    bool ok = at && *keys && buf_putc(store, '\0');
    for (size_t i = 0; ok && i < list->count; i++) {
        const tok *t = &list->items[i];
        at[i] = 0;
        if (t->kind != TOK_WORD && t->kind != TOK_LATIN)
            continue;
        at[i] = store->len;
        ok = buf_reserve(store, t->len + 1);
        if (ok) {
            store->len += lex_key(s + t->start, t->len, store->data + store->len, t->len + 1);
            ok = buf_putc(store, '\0');
        }
    }
    for (size_t i = 0; ok && i < list->count; i++)
        (*keys)[i] = store->data + at[i];
    free(at);
    return ok;
}

nashra_status expand_sentence(const char *s, buf *out, nashra_error *err)
{
    tok_list list = {0};
    buf key_store = BUF_INIT;
    const char **keys = NULL;
    size_t start = out->len;
    if (!scan_sentence(s, strlen(s), &list) || !make_keys(s, &list, &key_store, &keys))
        goto oom;
    xp x = {s, list.items, list.count, keys, out, {-1, -1, -1}, 0, NUM_NOM, false, NO_TOKEN,
            NUM_NOM};
    for (size_t i = 0; i < x.n;) {
        bool number_token = x.t[i].kind == TOK_NUM ||
                            (x.t[i].kind == TOK_WORD && xp_is_num(&x, i + 1));
        size_t start_len = out->len;
        size_t next = step(&x, i);
        if (next == RULE_FAIL)
            goto oom;
        if (next <= i) /* a rule must consume something */
            next = i + 1;
        if (number_token && out->len != start_len) {
            x.have_last = true;
            x.last_num_end = next;
        }
        /* What a rule left glued after what it read is set apart from it (2015م read as a
         * year consumed its letter; anything left is another word). */
        bool read_digits = false;
        for (size_t k = i; k < next && k < x.n; k++)
            read_digits = read_digits || x.t[k].kind == TOK_NUM;
        bool glued = read_digits && next < x.n && x.t[next].kind != TOK_SPACE &&
                     x.t[next].kind != TOK_MARK && x.t[next - 1].kind != TOK_SPACE;
        if (glued && out->len && out->data[out->len - 1] != ' ' && !xp_space(&x))
            goto oom;
        i = next;
    }
    tok_list_free(&list);
    free(keys);
    buf_free(&key_store);
    /* Runs of spaces left by symbols become one. */
    size_t w = start;
    for (size_t i = start; i < out->len; i++)
        if (!(out->data[i] == ' ' && w > start && out->data[w - 1] == ' '))
            out->data[w++] = out->data[i];
    out->len = w;
    if (out->data)
        out->data[w] = '\0';
    return NASHRA_OK;
oom:
    tok_list_free(&list);
    free(keys);
    buf_free(&key_store);
    return error_set(err, NASHRA_ENOMEM, "out of memory while expanding numbers");
}
