/* Dates, years, clock times and ordinals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expand/lexicon.h"
#include "expand/rules.h"

#define KEY_AFTER "\xD8\xA8\xD8\xB9\xD8\xAF"    /* بعد */

static unsigned small_value(const xp *x, size_t i, size_t max_len)
{
    if (!xp_is_num(x, i) || x->t[i].len > max_len)
        return 0;
    return (unsigned)strtoul(x->s + x->t[i].start, NULL, 10);
}

static bool put_ordinal(xp *x, uint64_t n, num_gender g, num_case c)
{
    return numbers_ordinal(x->out, n, g, c);
}

static bool put_year(xp *x, uint64_t year, num_case c)
{
    return numbers_cardinal(x->out, year, NUM_MASC, c);
}

const data_row *year_suffix(const xp *x, size_t i, size_t *end)
{
    char cand[32];
    size_t len = 0;
    const data_row *best = NULL;
    for (size_t j = i; j < x->n && j < i + 3; j++) {
        const tok *t = &x->t[j];
        if (!(t->kind == TOK_WORD || xp_is_mark(x, j, '.')) || len + t->len >= sizeof cand)
            break;
        memcpy(cand + len, x->s + t->start, t->len);
        len += t->len;
        if (t->kind != TOK_WORD) /* a final dot is the sentence's */
            continue;
        char key[32];
        lex_key(cand, len, key, sizeof key);
        const data_row *r = lex_find(LEX_ABBREVIATIONS, key, "number");
        if (r) {
            best = r;
            *end = j + 1;
        }
    }
    /* A suffix is a whole word: "2015 منذ" is no year. */
    if (best && *end < x->n && (x->t[*end].kind == TOK_WORD || x->t[*end].kind == TOK_LATIN))
        return NULL;
    return best;
}

/* The day part written after a time (صباحا، مساء، ص، م): its row, or NULL. */
static const data_row *daypart_after(const xp *x, size_t i, size_t *end)
{
    size_t k = xp_skip_space(x, i);
    const data_row *r = xp_context_row(x, k, "daypart");
    if (r)
        *end = k + 1;
    return r;
}

/* The hour read for a 24-hour clock value, and the day part it implies when none is written. */
static unsigned hour12(unsigned h)
{
    return h == 0 ? 12 : h > 12 ? h - 12 : h;
}

static const char *implied_daypart(unsigned h)
{
    if (h == 0)
        return "night";
    if (h >= 13 && h <= 17)
        return "after.noon";
    if (h >= 18 && h <= 23)
        return "evening";
    return NULL;
}

/* The hour and what follows it: a written day part, or one implied by a 24-hour value. */
static size_t finish_hour(xp *x, unsigned h24, size_t end)
{
    size_t dp_end;
    const data_row *dp = end < x->n ? daypart_after(x, end, &dp_end) : NULL;
    if (dp)
        return xp_space(x) && xp_put(x, dp->field[2]) ? dp_end : RULE_FAIL;
    const char *implied = implied_daypart(h24);
    size_t k = xp_next(x, end - 1);
    if (implied && !xp_key_is(x, k, KEY_AFTER) &&
        !(xp_space(x) && xp_word(x, implied)))
        return RULE_FAIL;
    return end;
}


/* An hour after الساعة agrees with it (في الساعة الثَّامِنَةِ); otherwise the context decides. */
static num_case hour_case(xp *x, size_t i, const prefix *p)
{
    size_t w = xp_prev(x, xp_start(p, i));
    if (w != NO_TOKEN && xp_in_context(x, w, "hourword"))
        return xp_noun_case(x, w, false);
    return xp_case(x, i, p);
}

size_t rule_time(xp *x, size_t i, const prefix *p)
{
    if (x->t[i].len > 2 || !xp_is_mark(x, i + 1, ':') || !xp_is_num(x, i + 2) ||
        x->t[i + 2].len != 2)
        return 0;
    unsigned h = small_value(x, i, 2), m = small_value(x, i + 2, 2);
    if (h > 24 || m > 59 || (h == 24 && m))
        return 0;
    if (h == 24)
        h = 0;
    num_case c = hour_case(x, i, p);
    unsigned shown = hour12(h);
    if (m == 40 || m == 45)
        shown = shown % 12 + 1;
    if (!xp_prefix(x, p) || !numbers_hour(x->out, shown, c))
        return RULE_FAIL;
    bool ok = true;
    switch (m) {
    case 0: break;
    case 15: ok = xp_space(x) && xp_word(x, "time.quarter"); break;
    case 20: ok = xp_space(x) && xp_word(x, "time.third"); break;
    case 30: ok = xp_space(x) && xp_word(x, "time.half"); break;
    case 40: ok = xp_space(x) && xp_word(x, "time.less.third"); break;
    case 45: ok = xp_space(x) && xp_word(x, "time.less.quarter"); break;
    default: {
        num_noun minute = {numbers_word("minute"), numbers_word("minute.plural"), NUM_FEM,
                           false, NULL, NULL};
        ok = minute.singular && minute.plural_gen && xp_space(x) && xp_word(x, "and") &&
             numbers_counted(x->out, m, &minute, c);
        break;
    }
    }
    if (!ok)
        return RULE_FAIL;
    return finish_hour(x, h, i + 3);
}

size_t rule_hour(xp *x, size_t i, const prefix *p)
{
    if (x->t[i].len > 2 || xp_is_mark(x, i + 1, ':') || xp_is_mark(x, i + 1, '.') ||
        xp_is_mark(x, i + 1, ','))
        return 0;
    unsigned h = small_value(x, i, 2);
    if (h > 24)
        return 0;
    size_t w = xp_prev(x, xp_start(p, i));
    size_t dp_end;
    bool after_hourword = w != NO_TOKEN && xp_in_context(x, w, "hourword");
    const data_row *dp = daypart_after(x, i + 1, &dp_end);
    /* "9 صباحا" is a time; "9 م" alone is not (metres, a year). */
    bool by_daypart = dp && h >= 1 && h <= 12 && x->t[dp_end - 1].len > 2;
    if (!after_hourword && !by_daypart)
        return 0;
    if (h == 24)
        h = 0;
    if (!xp_prefix(x, p) || !numbers_hour(x->out, hour12(h), hour_case(x, i, p)))
        return RULE_FAIL;
    return finish_hour(x, h, i + 1);
}

/* The month named at token i (one or two words): its row and the token after the name. */
static const data_row *month_at(const xp *x, size_t i, size_t *end)
{
    if (!xp_is_word(x, i))
        return NULL;
    const char *k1 = xp_key(x, i);
    if (i + 2 < x->n && x->t[i + 1].kind == TOK_SPACE && xp_is_word(x, i + 2)) {
        char both[132];
        snprintf(both, sizeof both, "%s %s", k1, xp_key(x, i + 2));
        const data_row *r = lex_find(LEX_MONTHS, both, NULL);
        if (r && r->field[2][0] != 'w') {
            *end = i + 3;
            return r;
        }
    }
    const data_row *r = lex_find(LEX_MONTHS, k1, NULL);
    if (r && r->field[2][0] != 'w') {
        *end = i + 1;
        return r;
    }
    return NULL;
}

/* The first Gregorian month row of a number, for dates written in digits. */
static const data_row *month_by_number(unsigned m)
{
    const data_table *t = lex_rows(LEX_MONTHS);
    for (size_t k = 0; t && k < t->count; k++)
        if (t->rows[k].field[2][0] == 'g' && (unsigned)atoi(t->rows[k].field[1]) == m)
            return &t->rows[k];
    return NULL;
}

/* " مِنْ نُوفَمْبَرْ": the month's form after من. */
static bool put_of_month(xp *x, const data_row *month)
{
    const char *form = month->field[4][0] ? month->field[4] : month->field[3];
    return xp_space(x) && xp_word(x, "from") && xp_space(x) && xp_put(x, form);
}

/* "عَامَ أَلْفَيْنِ ..." and the era written after the year at token end, if any (هـ، م، ق.م);
 * returns the token after what was read. */
static size_t put_year_era(xp *x, uint64_t year, size_t end)
{
    if (!(xp_word(x, "year") && xp_space(x) && put_year(x, year, NUM_GEN)))
        return RULE_FAIL;
    size_t s = xp_skip_space(x, end), s_end;
    const data_row *era = year_suffix(x, s, &s_end);
    if (era)
        return xp_space(x) && xp_put(x, era->field[2]) ? s_end : RULE_FAIL;
    return end;
}

/* " مِنْ نُوفَمْبَرْ", and the year after it when there is one; returns the token after. */
static size_t put_month_year(xp *x, const data_row *month, size_t end)
{
    if (!put_of_month(x, month))
        return RULE_FAIL;
    size_t y = xp_skip_space(x, end);
    if (y == end || !xp_is_num(x, y) || x->t[y].len < 3 || x->t[y].len > 4 ||
        xp_is_mark(x, y + 1, ':') || xp_is_mark(x, y + 1, '%'))
        return end;
    return xp_space(x) ? put_year_era(x, strtoull(x->s + x->t[y].start, NULL, 10), y + 1)
                       : RULE_FAIL;
}

size_t rule_month_date(xp *x, size_t i, const prefix *p)
{
    unsigned d1 = small_value(x, i, 2);
    if (d1 < 1 || d1 > 31 || p->article)
        return 0;
    size_t j = i + 1, end;
    unsigned d2 = 0;
    enum { SINGLE, DASH, WORD_TO, AND } shape = SINGLE;
    size_t to_word = 0;
    if (xp_is_mark(x, j, '-') && xp_is_num(x, j + 1)) { /* 10-15 نوفمبر */
        d2 = small_value(x, j + 1, 2);
        shape = DASH;
        j += 2;
    } else if (j + 2 < x->n && x->t[j].kind == TOK_SPACE &&
               xp_is_range_word(x, j + 1) &&
               x->t[j + 2].kind == TOK_SPACE && xp_is_num(x, j + 3)) {
        to_word = j + 1;
        d2 = small_value(x, j + 3, 2);
        shape = WORD_TO;
        j += 4;
    } else if (j + 2 < x->n && x->t[j].kind == TOK_SPACE && xp_key_is(x, j + 1, AR_WAW) &&
               xp_is_num(x, j + 2)) {
        d2 = small_value(x, j + 2, 2);
        shape = AND;
        j += 3;
    }
    if (shape != SINGLE && (d2 < 1 || d2 > 31))
        return 0;
    if (!(j < x->n && x->t[j].kind == TOK_SPACE))
        return 0;
    const data_row *month = month_at(x, j + 1, &end);
    if (!month)
        return 0;
    num_case c = xp_case(x, i, p);
    if (!xp_prefix(x, p))
        return RULE_FAIL;
    bool ok = true;
    switch (shape) {
    case SINGLE:
        ok = put_ordinal(x, d1, NUM_MASC, c);
        break;
    case DASH: {
        bool has_from = xp_follows_from(x, xp_start(p, i));
        ok = (has_from || (xp_word(x, "from") && xp_space(x))) &&
             put_ordinal(x, d1, NUM_MASC, NUM_GEN) && xp_space(x) && xp_word(x, "to") &&
             xp_space(x) && put_ordinal(x, d2, NUM_MASC, NUM_GEN);
        break;
    }
    case WORD_TO:
        ok = put_ordinal(x, d1, NUM_MASC, c) && xp_space(x) &&
             buf_append(x->out, x->s + x->t[to_word].start, x->t[to_word].len) && xp_space(x) &&
             put_ordinal(x, d2, NUM_MASC, NUM_GEN);
        break;
    case AND:
        ok = put_ordinal(x, d1, NUM_MASC, c) && xp_space(x) && xp_word(x, "and") &&
             put_ordinal(x, d2, NUM_MASC, c);
        break;
    }
    if (!ok)
        return RULE_FAIL;
    return put_month_year(x, month, end);
}

/* A year after a month name: في يناير 2024 → عَامَ أَلْفَيْنِ ... */
size_t rule_month_year(xp *x, size_t i, const prefix *p)
{
    if (p->token != NO_TOKEN || x->t[i].len < 3 || x->t[i].len > 4 || i < 2 ||
        x->t[i - 1].kind != TOK_SPACE || xp_is_mark(x, i + 1, '%') || xp_is_mark(x, i + 1, ':'))
        return 0;
    size_t w = i - 2, end;
    const data_row *month = month_at(x, w, &end);
    if (!(month && end == i - 1) && w >= 2 && x->t[w - 1].kind == TOK_SPACE) {
        month = month_at(x, w - 2, &end);
        if (month && end != i - 1)
            month = NULL;
    }
    if (!month)
        return 0;
    return put_year_era(x, strtoull(x->s + x->t[i].start, NULL, 10), i + 1);
}

size_t rule_numeric_date(xp *x, size_t i, const prefix *p)
{
    unsigned sep = 0;
    if (xp_is_mark(x, i + 1, '/'))
        sep = '/';
    else if (xp_is_mark(x, i + 1, '-'))
        sep = '-';
    else if (xp_is_mark(x, i + 1, '.'))
        sep = '.';
    if (!sep || !xp_is_num(x, i + 2) || !xp_is_mark(x, i + 3, sep) || !xp_is_num(x, i + 4))
        return 0;
    size_t la = x->t[i].len, lb = x->t[i + 2].len, lc = x->t[i + 4].len;
    unsigned a = small_value(x, i, 4), b = small_value(x, i + 2, 2), c3 = small_value(x, i + 4, 4);
    unsigned day, month, year;
    if (la == 4 && lb <= 2 && lc <= 2) { /* ISO 2021-11-17 */
        year = a;
        month = b;
        day = c3;
    } else if (la <= 2 && lb <= 2 && (lc == 4 || lc == 2)) {
        day = a;
        month = b;
        year = lc == 2 ? (c3 < 50 ? 2000 + c3 : 1900 + c3) : c3;
    } else {
        return 0;
    }
    if (day < 1 || day > 31 || month < 1 || month > 12 || year < 1)
        return 0;
    const data_row *row = month_by_number(month);
    if (!row)
        return 0;
    num_case c = xp_case(x, i, p);
    if (!xp_prefix(x, p) || !put_ordinal(x, day, NUM_MASC, c) || !put_of_month(x, row))
        return RULE_FAIL;
    return xp_space(x) ? put_year_era(x, year, i + 5) : RULE_FAIL;
}

size_t rule_ordinal(xp *x, size_t i, const prefix *p)
{
    bool decimal = (xp_is_mark(x, i + 1, '.') || xp_is_mark(x, i + 1, ',')) && xp_is_num(x, i + 2);
    if (x->t[i].len > 4 || decimal ||
        xp_is_mark(x, i + 1, '%') || xp_is_mark(x, i + 1, '/') || xp_is_mark(x, i + 1, ':'))
        return 0;
    size_t w = xp_prev(x, xp_start(p, i));
    const data_row *noun = w != NO_TOKEN ? xp_context_row(x, w, "ordinal") : NULL;
    if (!noun && !p->article)
        return 0;
    /* "ال" + a month date or a unit is not an ordinal noun phrase we handle here. */
    num_gender g = NUM_MASC;
    num_case c = NUM_NOM;
    if (noun) {
        g = noun->field[2][0] == 'f' ? NUM_FEM : NUM_MASC;
        c = xp_noun_case(x, w, false);
    } else if (w != NO_TOKEN && xp_is_word(x, w) && w + 2 == xp_start(p, i)) {
        if (xp_key_ends(x, w, AR_TEH_MARBUTA) || xp_key_ends(x, w, AR_ALIF_MAKSURA))
            g = NUM_FEM;
        c = xp_noun_case(x, w, true);
    }
    if (p->prep)
        c = NUM_GEN;
    uint64_t n = strtoull(x->s + x->t[i].start, NULL, 10);
    if (n == 0)
        return 0;
    buf ord = BUF_INIT;
    if (!numbers_ordinal(&ord, n, g, c)) {
        buf_free(&ord);
        return RULE_FAIL;
    }
    const char *form = ord.data;
    /* لِ + الثَّالِثَةِ is written لِلثَّالِثَةِ */
    if (p->prep && strncmp(p->prep, "\xD9\x84", 2) == 0 && strncmp(form, "\xD8\xA7\xD9\x84", 4) == 0)
        form += 2;
    bool ok = xp_prefix(x, p) && xp_put(x, form);
    buf_free(&ord);
    if (!ok)
        return RULE_FAIL;
    x->last_case = c;
    return i + 1;
}
