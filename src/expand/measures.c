/* Quantities: plain numbers with their counted noun, scale words, percentages, money, units
 * and fractions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expand/lexicon.h"
#include "expand/rules.h"

bool fraction_char(unsigned cp, unsigned *num, unsigned *den)
{
    static const struct {
        unsigned cp, num, den;
    } chars[] = {
        {0x00BD, 1, 2}, {0x00BC, 1, 4}, {0x00BE, 3, 4}, {0x2153, 1, 3}, {0x2154, 2, 3},
        {0x2155, 1, 5}, {0x2156, 2, 5}, {0x2157, 3, 5}, {0x2158, 4, 5}, {0x2159, 1, 6},
        {0x215A, 5, 6}, {0x2150, 1, 7}, {0x215B, 1, 8}, {0x215C, 3, 8}, {0x215D, 5, 8},
        {0x215E, 7, 8}, {0x2151, 1, 9}, {0x2152, 1, 10},
    };
    for (size_t i = 0; i < sizeof chars / sizeof chars[0]; i++)
        if (chars[i].cp == cp) {
            *num = chars[i].num;
            *den = chars[i].den;
            return true;
        }
    return false;
}

bool put_fraction(xp *x, unsigned a, unsigned b, num_case c, bool construct)
{
    char key[24];
    snprintf(key, sizeof key, "frac.%u", b);
    char pkey[32];
    snprintf(pkey, sizeof pkey, "frac.%u.plural", b);
    num_noun noun = {numbers_word(key), numbers_word(pkey), NUM_MASC, false, NULL, NULL};
    if (!noun.singular)
        return false;
    if (construct) /* رُبْعُ الْمِيزَانِيَّةِ، ثُلُثَا النُّوَّابِ */
        return numbers_fraction_construct(x->out, a, &noun, c);
    if (a == 1)
        return numbers_noun(x->out, &noun, c);
    return numbers_counted(x->out, a, &noun, c);
}

/* Whether the word after token `end` (one space between) is definite: a fraction before it
 * is in construct. */
static bool definite_after(const xp *x, size_t end)
{
    return end + 1 < x->n && x->t[end].kind == TOK_SPACE && xp_is_definite(x, end + 1);
}

static bool proper_fraction(unsigned a, unsigned b)
{
    return b >= 2 && b <= 10 && a >= 1 && a < b;
}

/* A fraction written a/b from token i on, each term of one or two digits (a/b/c is a date). */
static bool slash_fraction(const xp *x, size_t i, unsigned *a, unsigned *b)
{
    if (!(xp_is_num(x, i) && xp_is_mark(x, i + 1, '/') && xp_is_num(x, i + 2) &&
          x->t[i].len <= 2 && x->t[i + 2].len <= 2 && !xp_is_mark(x, i + 3, '/')))
        return false;
    *a = (unsigned)atoi(x->s + x->t[i].start);
    *b = (unsigned)atoi(x->s + x->t[i + 2].start);
    return true;
}

size_t rule_fraction(xp *x, size_t i, const prefix *p)
{
    unsigned a, b;
    num_case c = xp_case(x, i, p);
    /* 3/4 */
    if (slash_fraction(x, i, &a, &b)) {
        if (!proper_fraction(a, b))
            return 0;
        return xp_prefix(x, p) && put_fraction(x, a, b, c, definite_after(x, i + 3)) ? i + 3
                                                                                  : RULE_FAIL;
    }
    /* A whole number and a fraction: 1½, 1 ½, 1 1/2 */
    number whole;
    xp_parse_number(x, i, false, &whole);
    size_t f = xp_skip_space(x, whole.end), end;
    if (f < x->n && x->t[f].kind == TOK_MARK && fraction_char(x->t[f].cp, &a, &b))
        end = f + 1;
    else if (f != whole.end && slash_fraction(x, f, &a, &b) && proper_fraction(a, b))
        end = f + 3;
    else
        return 0;
    return xp_prefix(x, p) && xp_put_integer(x, &whole, NUM_MASC, c, false) && xp_space(x) &&
                   xp_word(x, "and") && put_fraction(x, a, b, c, false)
               ? end
               : RULE_FAIL;
}

/* A unit or currency row of units.tsv by its id. */
static const data_row *unit_row(const char *id)
{
    return lex_find(LEX_UNITS, "unit", id);
}

static void unit_noun(const data_row *r, num_noun *noun)
{
    const char *dash = "-";
    noun->singular = r->field[2];
    noun->plural_gen = r->field[3];
    noun->gender = r->field[4][0] == 'f' ? NUM_FEM : NUM_MASC;
    noun->invariable = strcmp(r->field[2], r->field[3]) == 0 || strcmp(r->field[3], dash) == 0;
    noun->adj = r->field[5][0] && strcmp(r->field[5], dash) ? r->field[5] : NULL;
    noun->adj_plural_gen = r->field[6][0] && strcmp(r->field[6], dash) ? r->field[6] : NULL;
    if (noun->adj && !noun->adj_plural_gen)
        noun->adj = NULL;
}

static const char *unit_suffix(const data_row *r)
{
    return r->field[7][0] && strcmp(r->field[7], "-") ? r->field[7] : NULL;
}

/* The longest symbol of units.tsv written from token i on (no spaces inside: كم/س، °C، م²). */
static const data_row *symbol_at(const xp *x, size_t i, size_t *end)
{
    char cand[48];
    size_t len = 0;
    const data_row *best = NULL;
    for (size_t j = i; j < x->n && j < i + 4; j++) {
        const tok *t = &x->t[j];
        if (t->kind == TOK_SPACE || t->kind == TOK_NUM || len + t->len >= sizeof cand)
            break;
        memcpy(cand + len, x->s + t->start, t->len);
        len += t->len;
        const data_row *r = lex_find_text(LEX_UNITS, "symbol", cand, len);
        /* a symbol ends where the word ends */
        bool whole = j + 1 >= x->n || x->t[j + 1].kind == TOK_SPACE ||
                     x->t[j + 1].kind == TOK_MARK || t->kind == TOK_MARK;
        if (r && whole) {
            best = r;
            *end = j + 1;
        }
    }
    return best;
}

/* A scale word (ألف، ملايين، مليار ...) at token i: its power of a thousand, or 0. */
static unsigned scale_word(const xp *x, size_t i)
{
    if (!xp_is_word(x, i))
        return 0;
    char key[80];
    snprintf(key, sizeof key, "scaleword.%s", xp_key(x, i));
    const char *v = numbers_word(key);
    return v ? (unsigned)atoi(v) : 0;
}

static uint64_t pow1000(unsigned s)
{
    uint64_t m = 1;
    while (s--)
        m *= 1000;
    return m;
}

/* A number with a scale word after it, as a whole value ("3.2 مليون" = 3200000), or in
 * halves ("1.5 مليون"). */
typedef struct scaled {
    unsigned scale;   /* 0: none */
    size_t end;       /* token after the scale word */
    bool half;        /* value + half a scale */
    uint64_t value;   /* the whole value; with half, the whole part times the scale */
} scaled;

static bool scale_number(const xp *x, const number *num, scaled *sc)
{
    memset(sc, 0, sizeof *sc);
    size_t w = xp_skip_space(x, num->end);
    unsigned s = w != num->end ? scale_word(x, w) : 0;
    if (!s || !num->exact)
        return false;
    uint64_t m = pow1000(s);
    if (num->value > NUMBERS_MAX / m)
        return false;
    sc->scale = s;
    sc->end = w + 1;
    sc->value = num->value * m;
    if (num->nfrac == 1 && num->frac[0] == '5') {
        sc->half = true;
        return true;
    }
    if (num->nfrac > 3 * s)
        return false;
    uint64_t f = 0;
    for (size_t k = 0; k < num->nfrac; k++)
        f = f * 10 + (uint64_t)(num->frac[k] - '0');
    for (size_t k = num->nfrac; k < 3 * s; k++)
        f *= 10;
    sc->value += f;
    return sc->value <= NUMBERS_MAX;
}

/* Reads a scaled number; construct when a counted noun follows it. */
static bool put_scaled(xp *x, const scaled *sc, num_case c, bool construct)
{
    uint64_t m = pow1000(sc->scale);
    if (!sc->half)
        return construct ? numbers_cardinal_construct(x->out, sc->value, NUM_MASC, c)
                         : numbers_cardinal(x->out, sc->value, NUM_MASC, c);
    buf one = BUF_INIT;
    bool ok = numbers_cardinal(&one, m, NUM_MASC, NUM_GEN);
    if (sc->value) /* مِلْيُونٌ وَ... */
        ok = ok && numbers_cardinal(x->out, sc->value, NUM_MASC, c) && xp_space(x) &&
             xp_word(x, "and");
    /* نِصْفُ مِلْيُونٍ alone, نِصْفُ الْمِلْيُونِ after the whole part */
    ok = ok && numbers_construct(x->out, numbers_word("half"), c) && xp_space(x) &&
         (sc->value ? numbers_make_definite(x->out, one.data) : xp_put(x, one.data));
    buf_free(&one);
    return ok;
}

/* The minor unit (cent, fils) that num's decimal part is read in, and its places: hundredths,
 * or thousandths for the dinars divided in fils. NULL when there is none or num does not fit. */
static const data_row *minor_unit(const data_row *unit, const number *num, unsigned *places)
{
    if (!num->nfrac || !num->exact)
        return NULL;
    const data_row *link = lex_find(LEX_UNITS, "minor", unit->field[1]);
    const data_row *minor = link ? unit_row(link->field[2]) : NULL;
    *places = link && atoi(link->field[3]) == 1000 ? 3 : 2;
    return minor && num->nfrac <= *places ? minor : NULL;
}

/* Money or a unit: the amount with its noun. */
static bool put_measure(xp *x, const number *num, const scaled *sc, const data_row *unit,
                        num_case c, bool negative)
{
    num_noun noun;
    unit_noun(unit, &noun);
    bool degrees = negative && noun.gender == NUM_FEM && unit_suffix(unit) == NULL &&
                   noun.adj != NULL;
    if (negative && !degrees && !(xp_word(x, "minus") && xp_space(x)))
        return false;
    if (negative && !degrees)
        c = NUM_GEN;
    bool ok;
    unsigned places;
    const data_row *minor;
    if (sc && sc->scale) { /* مِلْيَارَانِ وَنِصْفُ الْمِلْيَارِ دُولَارٍ، مِلْيُونَا دُولَارٍ */
        ok = put_scaled(x, sc, c, !sc->half) && xp_space(x) && numbers_noun(x->out, &noun, NUM_GEN);
    } else if ((minor = minor_unit(unit, num, &places))) {
        /* ثَلَاثَةُ دُولَارَاتٍ وَخَمْسُونَ سِنْتًا */
        uint64_t cents = (uint64_t)atoi(num->frac);
        for (size_t k = num->nfrac; k < places; k++)
            cents *= 10;
        num_noun small;
        unit_noun(minor, &small);
        ok = true;
        if (num->value)
            ok = numbers_counted(x->out, num->value, &noun, c) &&
                 (!cents || (xp_space(x) && xp_word(x, "and")));
        if (ok && cents)
            ok = numbers_counted(x->out, cents, &small, c);
    } else if (num->exact && !num->nfrac) {
        ok = numbers_counted(x->out, num->value, &noun, c);
    } else {
        ok = xp_put_number(x, num, NUM_MASC, c, false) && xp_space(x) &&
             numbers_noun(x->out, &noun, NUM_GEN);
    }
    const char *suffix = unit_suffix(unit);
    if (ok && suffix)
        ok = xp_space(x) && xp_put(x, suffix);
    if (ok && degrees)
        ok = xp_space(x) && xp_word(x, "below.zero");
    return ok;
}

/* Reads "م" after a number: a year, degrees in a weather report, or metres (the choice is
 * tested in tests/data/spoken.tsv). Returns the unit, or NULL for a year. */
static const data_row *resolve_m(xp *x, const number *num, size_t first)
{
    size_t w = xp_prev(x, first);
    if (w != NO_TOKEN && xp_in_context(x, w, "yearword"))
        return NULL;
    bool small = num->exact && num->value < 100;
    if (xp_about(x, TOPIC_WEATHER) && small)
        return unit_row("celsius");
    if (xp_about(x, TOPIC_LENGTH))
        return unit_row("m");
    if (num->exact && !num->nfrac && num->value >= 1000 && num->value <= 2100)
        return NULL;
    return unit_row("m");
}

size_t rule_money_before(xp *x, size_t i, const prefix *p)
{
    if (x->t[i].kind != TOK_MARK && x->t[i].kind != TOK_LATIN)
        return 0;
    const data_row *sym = lex_find_text(LEX_UNITS, "symbol", x->s + x->t[i].start, x->t[i].len);
    size_t k = xp_skip_space(x, i + 1);
    if (!sym || !xp_is_num(x, k))
        return 0;
    const data_row *unit = unit_row(sym->field[2]);
    if (!unit)
        return 0;
    number num;
    xp_parse_number(x, k, true, &num);
    scaled sc;
    bool has_scale = scale_number(x, &num, &sc);
    num_case c = xp_case(x, i, p);
    if (!xp_prefix(x, p) || !put_measure(x, &num, has_scale ? &sc : NULL, unit, c, false))
        return RULE_FAIL;
    return has_scale ? sc.end : num.end;
}

/* Whether the words at k say "per cent" (بالمئة، بالمائة، في المئة، في المائة). */
static bool percent_words(const xp *x, size_t k)
{
    if (xp_key_is(x, k, "بالمئة") || xp_key_is(x, k, "بالمائة"))
        return true;
    size_t n = xp_next(x, k);
    return xp_key_is(x, k, "في") && (xp_key_is(x, n, "المئة") || xp_key_is(x, n, "المائة"));
}

/* A number whose fraction is .5: its whole part and a half (ثَلَاثَةٌ وَنِصْفٌ, as rule_fraction
 * reads 3½), or a half alone (نِصْفٌ). */
static bool put_and_half(xp *x, const number *num, num_case c)
{
    return (!num->value || (xp_put_integer(x, num, NUM_MASC, c, false) && xp_space(x) &&
                            xp_word(x, "and"))) &&
           put_fraction(x, 1, 2, c, false);
}

size_t rule_quantity(xp *x, size_t i, const prefix *p, bool negative)
{
    number num;
    xp_parse_number(x, i, true, &num);
    size_t first = xp_start(p, i);
    if (negative || (i > 0 && xp_is_mark(x, i - 1, '%')))
        first = i - 1; /* the sign before the number */
    num_case c = xp_case(x, first, p);
    if (x->forced_at == i)
        c = x->forced_case;
    size_t j = num.end;
    size_t k = xp_skip_space(x, j);
    bool percent_before = i > 0 && xp_is_mark(x, i - 1, '%') && !negative;
    if (!xp_prefix(x, p))
        return RULE_FAIL;
    x->last_case = c;

    /* A percentage with a half is read as anchors read it: ثَلَاثَةٌ وَنِصْفٌ فِي الْمِئَةِ (3.5%,
     * 3.5 بالمئة), نِصْفٌ فِي الْمِئَةِ (0.5%); other fractions with فَاصِلَة. */
    bool half = !negative && num.exact && num.nfrac == 1 && num.frac[0] == '5';
    if (half && !percent_before && percent_words(x, k))
        return put_and_half(x, &num, c) ? j : RULE_FAIL;

    /* 15%, 15 %, %15 */
    if (percent_before || xp_is_mark(x, k, '%')) {
        size_t end = percent_before ? j : k + 1;
        if (half)
            return put_and_half(x, &num, c) && xp_space(x) && xp_word(x, "percent") ? end
                                                                                  : RULE_FAIL;
        if (negative && !(xp_word(x, "minus") && xp_space(x)))
            return RULE_FAIL;
        if (!xp_put_number(x, &num, NUM_MASC, negative ? NUM_GEN : c, false) || !xp_space(x) ||
            !xp_word(x, "percent"))
            return RULE_FAIL;
        return end;
    }

    /* A year with its era (2015م، 1436 هـ، 500 ق.م), or a unit (5 كم، 30°، م²). */
    size_t s_end = 0, sym_end = 0;
    const data_row *era = num.nfrac ? NULL : year_suffix(x, k, &s_end);
    const data_row *sym = symbol_at(x, k, &sym_end);
    const data_row *unit = sym ? unit_row(sym->field[2]) : NULL;
    if (era && unit && sym_end >= s_end)
        era = NULL;
    if (era && s_end == k + 1) {
        if (xp_key_is(x, k, "\xD9\x85") && (unit = resolve_m(x, &num, first))) { /* م */
            era = NULL;
            sym_end = k + 1;
        }
    }
    if (era) {
        if (!xp_put_number(x, &num, NUM_MASC, c, false) || !xp_space(x) ||
            !xp_put(x, era->field[2]))
            return RULE_FAIL;
        return s_end;
    }

    /* Units and currencies written after the number: 5 كم، 30°، 100$ */
    scaled sc;
    bool has_scale = scale_number(x, &num, &sc);
    if (has_scale) {
        size_t sym2_end;
        const data_row *sym2 = symbol_at(x, xp_skip_space(x, sc.end), &sym2_end);
        if (sym2 && unit_row(sym2->field[2])) {
            if (!put_measure(x, &num, &sc, unit_row(sym2->field[2]), c, negative))
                return RULE_FAIL;
            return sym2_end;
        }
    }
    if (unit) {
        if (!put_measure(x, &num, NULL, unit, c, negative))
            return RULE_FAIL;
        return sym_end;
    }

    if (negative && !(xp_word(x, "minus") && xp_space(x)))
        return RULE_FAIL;
    if (negative)
        c = NUM_GEN;

    /* Scale words: 3 ملايين، 1.5 مليون، 2 مليون دولار */
    if (has_scale) {
        size_t noun = xp_skip_space(x, sc.end);
        num_gender g;
        bool counted = noun != sc.end && xp_noun_gender(x, noun, &g) && !scale_word(x, noun);
        if (!put_scaled(x, &sc, c, counted && !sc.half))
            return RULE_FAIL;
        return sc.end;
    }

    /* A plain number and the noun it counts. */
    size_t w = xp_prev(x, first);
    bool year = (w != NO_TOKEN && xp_in_context(x, w, "yearword")) ||
                (i > 0 && x->t[i - 1].kind == TOK_LATIN); /* G7: a name, not a count */
    num_gender g = NUM_MASC;
    bool counted = !year && k != j && !num.nfrac && xp_noun_gender(x, k, &g);
    /* The first of a range takes the gender of the noun after the second: من 5 إلى 7 سنوات */
    if (!counted && !year && k != j && xp_is_word(x, k)) {
        size_t second = 0;
        if (xp_is_range_word(x, k) && k + 2 < x->n && x->t[k + 1].kind == TOK_SPACE)
            second = k + 2;                           /* 5 إلى 7 سنوات */
        else if (xp_key_is(x, k, AR_WAW))
            second = k + 1;                           /* 20 و30 درجة */
        if (second && xp_is_num(x, second)) {
            number other;
            xp_parse_number(x, second, true, &other);
            xp_noun_after(x, other.end, &g);
        }
    }
    if (!xp_put_number(x, &num, g, c, counted))
        return RULE_FAIL;
    return j;
}
