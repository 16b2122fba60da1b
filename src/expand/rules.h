/*
 * The rules of the spoken-form stage, shared by its files: expand.c (the driver, plain
 * numbers, ranges, scores, phone numbers, abbreviations, symbols), dates.c (dates, years,
 * clock times, ordinals) and measures.c (percentages, money, units, fractions, scale words).
 *
 * A rule looks at the tokens of one sentence from a position, and when it recognizes what is
 * written there it appends the spoken words and returns the index of the first token it did
 * not consume. It returns 0 when it does not apply (nothing appended) and RULE_FAIL when
 * memory ran out.
 */
#ifndef NASHRA_EXPAND_RULES_H
#define NASHRA_EXPAND_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/data.h"
#include "expand/numbers.h"
#include "expand/scan.h"

/* Words and letters the rules compare token keys with (keys carry no marks). */
#define AR_AL "\xD8\xA7\xD9\x84"              /* ال */
#define AR_ALIF "\xD8\xA7"                      /* ا */
#define AR_TEH "\xD8\xAA"                       /* ت */
#define AR_TEH_MARBUTA "\xD8\xA9"               /* ة */
#define AR_ALIF_MAKSURA "\xD9\x89"              /* ى */
#define AR_WAW "\xD9\x88"                       /* و */
#define AR_AAT "\xD8\xA7\xD8\xAA"             /* ات */
#define KEY_FROM "\xD9\x85\xD9\x86"            /* من */
#define KEY_BETWEEN "\xD8\xA8\xD9\x8A\xD9\x86" /* بين */

#define RULE_FAIL ((size_t)-1)
#define NO_TOKEN ((size_t)-1)

/* Letters glued before a number: a conjunction (و ف), a preposition (ب ل ك), the article. */
typedef struct prefix {
    const char *conj; /* vowelled, or NULL */
    const char *prep; /* vowelled, or NULL */
    bool article;
    size_t token;     /* the word token holding them, or NO_TOKEN */
} prefix;

/* A number as written: digits with their grouping removed, and a decimal part. */
typedef struct number {
    size_t end;         /* the token after it */
    char digits[40];    /* integer part, NUL-terminated */
    size_t ndigits;
    char frac[24];      /* decimal part, NUL-terminated */
    size_t nfrac;
    uint64_t value;     /* integer part */
    bool exact;         /* value holds the integer part (no leading zero, not too long) */
} number;

/* What a sentence is about, as far as the rules care (context.tsv kinds of the same name). */
typedef enum xp_topic { TOPIC_SPORTS, TOPIC_WEATHER, TOPIC_LENGTH, TOPIC_COUNT } xp_topic;

/* The state of one sentence being expanded. */
typedef struct xp {
    const char *s;
    const tok *t;
    size_t n;
    const char **keys;    /* each token's text without marks ("" for numbers and marks) */
    buf *out;
    signed char topics[TOPIC_COUNT]; /* -1 until looked up */
    size_t last_num_end;  /* token after the last number read, to share its case (و30) */
    num_case last_case;
    bool have_last;
    size_t forced_at;     /* a number at this token takes forced_case (second of a range) */
    num_case forced_case;
} xp;

/* --- tokens (expand.c) --- */
/* The first token of the number at token i: the word of its prefix, if it has one. */
size_t xp_start(const prefix *p, size_t i);
size_t xp_next(const xp *x, size_t i);          /* next non-space token after i, or x->n */
size_t xp_prev(const xp *x, size_t i);          /* previous non-space token, or NO_TOKEN */
size_t xp_skip_space(const xp *x, size_t i);    /* i, or i + 1 when token i is a space */
bool xp_is_mark(const xp *x, size_t i, unsigned cp);
bool xp_is_num(const xp *x, size_t i);
bool xp_is_word(const xp *x, size_t i);
/* The text of word token i without marks; "" for other kinds or i out of range. */
const char *xp_key(const xp *x, size_t i);
bool xp_key_is(const xp *x, size_t i, const char *word);
bool xp_key_ends(const xp *x, size_t i, const char *suffix);
/* Whether word i carries the article (الدورة). */
bool xp_is_definite(const xp *x, size_t i);
/* Whether the word before token `at` opens a range (من، بين), so none is to be added. */
bool xp_follows_from(const xp *x, size_t at);
/* Whether word i joins a range (إلى، الى، حتى). */
bool xp_is_range_word(const xp *x, size_t i);
/* Whether token i is a word listed under kind in context.tsv. */
bool xp_in_context(const xp *x, size_t i, const char *kind);
/* The context.tsv row of kind for token i, or NULL. */
const data_row *xp_context_row(const xp *x, size_t i, const char *kind);
/* Whether any word of the sentence is listed under the topic's kind. */
bool xp_about(xp *x, xp_topic topic);

/* --- output (expand.c) --- */
bool xp_put(xp *x, const char *s);
bool xp_space(xp *x);
/* Appends the number-words.tsv form of key; false if missing or out of memory. */
bool xp_word(xp *x, const char *key);
bool xp_prefix(xp *x, const prefix *p);

/* --- grammar context (expand.c) --- */
/* The case of a number whose first token (its prefix word, if any) is first. */
num_case xp_case(xp *x, size_t first, const prefix *p);
/* The case of the noun at token w (to agree an ordinal with it); with adjectives, w may be
 * an adjective of a definite noun before it. */
num_case xp_noun_case(xp *x, size_t w, bool adjectives);
/* Gender of the word at token i as a counted noun; false if it is not a noun. */
bool xp_noun_gender(const xp *x, size_t i, num_gender *g);
/* The gender of the noun one space after token end-1 (after a number ending there). */
bool xp_noun_after(const xp *x, size_t end, num_gender *g);
/* Parses the number at token i (a TOK_NUM): grouping with ',' or repeated '.', and a decimal
 * part when allow_decimal. */
void xp_parse_number(const xp *x, size_t i, bool allow_decimal, number *num);
/* Reads the integer part of num as a cardinal, or digit by digit when it is not exact. */
bool xp_put_integer(xp *x, const number *num, num_gender g, num_case c, bool construct);
/* Reads num with its decimal part ("فاصلة"). */
bool xp_put_number(xp *x, const number *num, num_gender g, num_case c, bool construct);

/* --- dates.c --- */
size_t rule_time(xp *x, size_t i, const prefix *p);
size_t rule_numeric_date(xp *x, size_t i, const prefix *p);
size_t rule_month_date(xp *x, size_t i, const prefix *p);
size_t rule_month_year(xp *x, size_t i, const prefix *p);
size_t rule_hour(xp *x, size_t i, const prefix *p);
size_t rule_ordinal(xp *x, size_t i, const prefix *p);
/* The abbreviation after a year (م هـ ق.م) at token i: its row, and the token after it. */
const data_row *year_suffix(const xp *x, size_t i, size_t *end);

/* --- measures.c --- */
size_t rule_fraction(xp *x, size_t i, const prefix *p);
size_t rule_quantity(xp *x, size_t i, const prefix *p, bool negative);
size_t rule_money_before(xp *x, size_t i, const prefix *p);
/* A vulgar fraction character (½ ¾ ...): its numerator and denominator. */
bool fraction_char(unsigned cp, unsigned *num, unsigned *den);
/* Appends a fraction a/b (b 2..10, a < b) in words. */
bool put_fraction(xp *x, unsigned a, unsigned b, num_case c, bool construct);

#endif
