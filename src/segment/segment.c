#include "segment/segment.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include "common/buf.h"
#include "common/data.h"
#include "common/error.h"
#include "common/utf8.h"
#include "normalize/normalize.h"

extern const data_blob nashra_data_segment_words;
static data_once words_once = DATA_ONCE_INIT;

/* Smallest piece, in words, that a breath split may leave at a clause boundary. */
#define MIN_PIECE_WORDS 5

static bool table_has(const char *kind, const char *s)
{
    const data_table *t = data_once_get(&words_once, &nashra_data_segment_words);
    if (!t)
        return false;
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->rows[i].field[0], kind) == 0 && strcmp(t->rows[i].field[1], s) == 0)
            return true;
    return false;
}

/* Marks each break position that lies inside a «…» or “…” quotation closed in this text. */
static bool *quoted_positions(const UChar *u, int32_t n)
{
    bool *q = calloc((size_t)n + 1, sizeof *q);
    if (!q)
        return NULL;
    int32_t open_at[2] = {-1, -1}; /* « and “ */
    for (int32_t i = 0; i < n; i++) {
        int kind = u[i] == 0x00AB || u[i] == 0x00BB ? 0 : u[i] == 0x201C || u[i] == 0x201D ? 1 : -1;
        if (kind < 0)
            continue;
        bool opening = u[i] == 0x00AB || u[i] == 0x201C;
        if (opening) {
            if (open_at[kind] < 0)
                open_at[kind] = i;
        } else if (open_at[kind] >= 0) {
            for (int32_t k = open_at[kind] + 1; k <= i; k++)
                q[k] = true;
            open_at[kind] = -1;
        }
    }
    return q;
}

static bool is_space16(UChar c)
{
    return c == ' ' || c == '\n';
}

/* UTF-8 copy of u[from..to). */
static char *to_utf8(const UChar *u, int32_t from, int32_t to)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = 0;
    u_strToUTF8(NULL, 0, &need, u + from, to - from, &st);
    if (U_FAILURE(st) && st != U_BUFFER_OVERFLOW_ERROR)
        return NULL;
    st = U_ZERO_ERROR;
    char *s = malloc((size_t)need + 1);
    if (!s)
        return NULL;
    u_strToUTF8(s, need + 1, NULL, u + from, to - from, &st);
    if (U_FAILURE(st)) {
        free(s);
        return NULL;
    }
    return s;
}

/* Whether ICU's break at b (0 < b < n) should be dropped. */
static bool suppress_break(const UChar *u, int32_t n, int32_t b, const bool *quoted)
{
    int32_t p = b;
    while (p > 0 && u[p - 1] == ' ')
        p--;
    if (p > 0 && u[p - 1] == '\n')
        return false; /* a line break ends a sentence */
    if (quoted[b])
        return true;
    /* No space at the break and a letter next: a dotted token such as أ.ف.ب or a web address. */
    if (!is_space16(u[b - 1]) && b < n && u_isalpha(u[b]))
        return true;
    if (p == 0 || u[p - 1] != '.')
        return false;
    int32_t w = p - 1;
    while (w > 0 && !is_space16(u[w - 1]))
        w--;
    int32_t letters = 0;
    for (int32_t i = w; i < p - 1; i++)
        letters += !U16_IS_TRAIL(u[i]) && u_isalpha(u[i]);
    if (letters == 1)
        return true; /* an initial: م. ج. */
    char *token = to_utf8(u, w, p);
    bool abbrev = token && table_has("abbrev", token);
    free(token);
    return abbrev;
}

/* Collapses whitespace (line breaks included) to single spaces and trims. In place. */
static void squeeze_spaces(char *s)
{
    char *w = s;
    bool space = false;
    for (char *r = s; *r; r++) {
        if (*r == ' ' || *r == '\n') {
            space = w > s;
            continue;
        }
        if (space)
            *w++ = ' ';
        space = false;
        *w++ = *r;
    }
    *w = '\0';
}

nashra_status segment_text(const char *text, strlist *out, nashra_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    size_t len = strlen(text);
    if (len > INT32_MAX / 2)
        return error_set(err, NASHRA_EINPUT, "paragraph too large to segment");
    u_strFromUTF8(NULL, 0, &n, text, (int32_t)len, &st);
    if (U_FAILURE(st) && st != U_BUFFER_OVERFLOW_ERROR)
        return error_set(err, NASHRA_ETEXT, "cannot convert text: %s", u_errorName(st));
    st = U_ZERO_ERROR;
    UChar *u = malloc(((size_t)n + 1) * sizeof *u);
    bool *quoted = NULL;
    UBreakIterator *bi = NULL;
    nashra_status rc = NASHRA_OK;
    if (!u)
        goto oom;
    u_strFromUTF8(u, n + 1, NULL, text, (int32_t)len, &st);
    quoted = quoted_positions(u, n);
    if (!quoted)
        goto oom;
    bi = ubrk_open(UBRK_SENTENCE, "ar", u, n, &st);
    if (U_FAILURE(st)) {
        rc = error_set(err, NASHRA_ETEXT, "sentence segmentation failed: %s", u_errorName(st));
        goto done;
    }
    int32_t start = 0;
    for (int32_t b = ubrk_following(bi, 0); b != UBRK_DONE && start < n; b = ubrk_next(bi)) {
        if (b < n && suppress_break(u, n, b, quoted))
            continue;
        char *s = to_utf8(u, start, b);
        if (!s)
            goto oom;
        squeeze_spaces(s);
        if (*s)
            rc = segment_split_long(s, SEGMENT_MAX_WORDS, out, err);
        free(s);
        if (rc)
            goto done;
        start = b;
    }
    goto done;
oom:
    rc = error_set(err, NASHRA_ENOMEM, "out of memory while segmenting text");
done:
    if (bi)
        ubrk_close(bi);
    free(quoted);
    free(u);
    return rc;
}

/* The word without diacritics, for matching. */
static void bare_word(const char *w, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < cap;) {
        size_t cl;
        unsigned cp = utf8_decode(w + i, n - i, &cl);
        if (!normalize_is_diacritic(cp))
            k += utf8_encode(cp, out + k);
        i += cl;
    }
    out[k] = '\0';
}

/* How good a breath split before word k is: 1 best .. 3 weakest, 0 not a boundary. */
static int split_priority(const char *const *words, const size_t *lens, size_t k)
{
    size_t pn;
    unsigned last = utf8_decode_last(words[k - 1], lens[k - 1], &pn);
    if (last == 0x060C || last == 0x061B || last == ',' || last == ';' || last == ':')
        return 1;
    char bare[128];
    bare_word(words[k], lens[k], bare, sizeof bare);
    if (table_has("conj", bare))
        return 2;
    size_t cn;
    unsigned first = utf8_decode(bare, strlen(bare), &cn);
    size_t letters = 0;
    for (size_t i = 0; bare[i]; i++)
        letters += ((unsigned char)bare[i] & 0xC0) != 0x80;
    if (first == 0x0648 && letters >= 4) /* و glued to a word: often "and" */
        return 3;
    return 0;
}

static nashra_status split_words(const char *const *words, const size_t *lens, size_t count,
                                 size_t max_words, strlist *out, nashra_error *err)
{
    if (count <= max_words) {
        buf b = BUF_INIT;
        bool ok = true;
        for (size_t i = 0; ok && i < count; i++)
            ok = (!i || buf_putc(&b, ' ')) && buf_append(&b, words[i], lens[i]);
        if (!ok || !strlist_push_owned(out, buf_take(&b))) {
            buf_free(&b);
            return error_set(err, NASHRA_ENOMEM, "out of memory while segmenting text");
        }
        return NASHRA_OK;
    }
    /* Prefer strong boundaries near the middle: a boundary pays its distance from the middle
     * plus a penalty that grows as it weakens. Without any boundary, split at the middle. */
    size_t best = count / 2, best_score = (size_t)-1;
    for (size_t k = MIN_PIECE_WORDS; k + MIN_PIECE_WORDS <= count; k++) {
        int p = split_priority(words, lens, k);
        if (!p)
            continue;
        size_t penalty = p == 1 ? 0 : p == 2 ? count / 8 : count / 6;
        size_t dist = k > count / 2 ? k - count / 2 : count / 2 - k;
        if (dist + penalty < best_score) {
            best_score = dist + penalty;
            best = k;
        }
    }
    nashra_status rc = split_words(words, lens, best, max_words, out, err);
    if (!rc)
        rc = split_words(words + best, lens + best, count - best, max_words, out, err);
    return rc;
}

nashra_status segment_split_long(const char *sentence, size_t max_words, strlist *out,
                                 nashra_error *err)
{
    if (max_words < 2 * MIN_PIECE_WORDS)
        return error_set(err, NASHRA_EINVAL, "breath limit of %zu words is too small", max_words);
    size_t count = 0, len = strlen(sentence);
    for (size_t i = 0; i < len; i++)
        count += sentence[i] != ' ' && (i == 0 || sentence[i - 1] == ' ');
    if (count == 0)
        return NASHRA_OK;
    const char **words = malloc(count * sizeof *words);
    size_t *lens = malloc(count * sizeof *lens);
    nashra_status rc;
    if (!words || !lens) {
        rc = error_set(err, NASHRA_ENOMEM, "out of memory while segmenting text");
    } else {
        size_t k = 0;
        for (size_t i = 0; i < len; i++) {
            if (sentence[i] == ' ' || (i > 0 && sentence[i - 1] != ' '))
                continue;
            size_t j = i;
            while (j < len && sentence[j] != ' ')
                j++;
            words[k] = sentence + i;
            lens[k++] = j - i;
        }
        rc = split_words(words, lens, count, max_words, out, err);
    }
    free(words);
    free(lens);
    return rc;
}
