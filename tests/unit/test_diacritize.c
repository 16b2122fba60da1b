/* The diacritizer: the C forward pass against PyTorch's (tests/data/diacritizer-reference.txt,
 * exported with the weights), the weights file's checks, the mark classes, and what the stage
 * does to a sentence: letters never change, given marks are kept, vowelled words and inline
 * phonemes are left alone, long sentences are read in pieces, pausal endings. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/data.h"
#include "common/utf8.h"
#include "diacritize/diacritize.h"
#include "table.h"

extern const data_blob nashra_data_diacritizer;

static const diac_model *model(void)
{
    nashra_error err = {0};
    const diac_model *m = diac_model_shipped(&err);
    if (!m)
        fail_msg("%s", err.message);
    return m;
}

/* Splits a line as the trainer's export does: each character with the class of the marks
 * U+064B..U+0652 after it. */
static size_t positions(const char *s, unsigned *cps, unsigned char *given, size_t max)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t k;
        unsigned cp = utf8_decode(s + i, len - i, &k);
        i += k;
        unsigned marks[4];
        size_t nm = 0;
        while (i < len) {
            unsigned m = utf8_decode(s + i, len - i, &k);
            if (m < 0x064B || m > 0x0652 || nm == 4)
                break;
            marks[nm++] = m;
            i += k;
        }
        assert_true(n < max);
        int c = diac_mark_class(marks, nm);
        cps[n] = cp;
        given[n++] = c > 0 ? (unsigned char)c : 0;
    }
    return n;
}

static void matches_reference(void **state)
{
    (void)state;
    size_t len;
    char *text = table_read_file(table_data_path("diacritizer-reference.txt"), &len);
    const diac_model *m = model();
    unsigned cps[512];
    unsigned char given[512];
    float logits[512 * DIAC_CLASSES];
    size_t n = 0, row = 0, sentences = 0, values = 0, same_class = 0;
    double worst = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (*line == '#')
            continue;
        if (*line != '-' && (*line < '0' || *line > '9')) {
            assert_int_equal(row, n); /* the last sentence had a row per character */
            n = positions(line, cps, given, 512);
            assert_true(diac_model_logits(m, cps, given, n, logits));
            row = 0;
            sentences++;
            continue;
        }
        assert_true(row < n);
        char *p = line;
        int best_want = 0, best_got = 0;
        double top = -HUGE_VAL;
        for (int k = 0; k < DIAC_CLASSES; k++) {
            char *end;
            double want = strtod(p, &end);
            assert_true(end != p);
            p = end;
            const float got = logits[row * DIAC_CLASSES + k];
            double diff = fabs(want - got);
            worst = diff > worst ? diff : worst;
            values++;
            if (want > top) {
                top = want;
                best_want = k;
            }
            if (got > logits[row * DIAC_CLASSES + best_got])
                best_got = k;
        }
        same_class += best_want == best_got;
        row++;
    }
    assert_int_equal(row, n);
    const size_t positions_seen = values / DIAC_CLASSES;
    printf("%zu sentences, %zu logits, largest difference %.3f; the same class at %zu of %zu "
           "characters\n", sentences, values, worst, same_class, positions_seen);
    assert_true(sentences >= 4);
    /* The weights and each layer's inputs are taken to 8 bits here (see model.c), PyTorch's
     * are floats: the logits move by a few hundredths, the choices hardly at all. */
    assert_true(worst < 0.5);
    assert_true(same_class * 100 >= positions_seen * 99);
    free(text);
}

/* Weights of the given shape, filled from a fixed pseudo-random sequence, as the trainer's
 * export lays them out (see diacritize.h); *w points at the first tensor. */
static unsigned char *synthetic_weights(size_t emb, size_t hidden, size_t layers,
                                        const unsigned *alphabet, size_t alpha, size_t *len,
                                        float **w, size_t *nw)
{
    const size_t chars = alpha + 2, g = 3 * hidden;
    size_t n = (chars + DIAC_CLASSES) * emb + 2 * hidden * DIAC_CLASSES + DIAC_CLASSES;
    for (size_t l = 0; l < layers; l++)
        n += 2 * (g * (l ? 2 * hidden : emb) + g * hidden + 2 * g);
    const size_t head = 8 + 7 * 4 + alpha * 4;
    *len = head + n * 4 + 4;
    unsigned char *b = calloc(1, *len);
    assert_non_null(b);
    memcpy(b, "NSHDIAC\0", 8);
    const uint32_t words[7] = {1, (uint32_t)chars, DIAC_CLASSES, (uint32_t)emb,
                               (uint32_t)hidden, (uint32_t)layers, (uint32_t)alpha};
    memcpy(b + 8, words, sizeof words); /* little-endian hosts only, as the loader's test */
    for (size_t i = 0; i < alpha; i++) {
        uint32_t cp = alphabet[i];
        memcpy(b + 36 + 4 * i, &cp, 4);
    }
    *w = malloc(n * sizeof **w);
    assert_non_null(*w);
    uint32_t state = 12345;
    for (size_t i = 0; i < n; i++) {
        state = state * 1664525u + 1013904223u;
        (*w)[i] = (float)((state >> 8) / 16777216.0 - 0.5);
    }
    memcpy(b + head, *w, n * 4);
    uint32_t total = (uint32_t)*len;
    memcpy(b + head + n * 4, &total, 4);
    *nw = n;
    return b;
}

static double sigmoid_ref(double v)
{
    return 1.0 / (1.0 + exp(-v));
}

/* The forward pass written plainly, one product at a time in double precision. */
static void plain_logits(const float *w, size_t chars, size_t emb, size_t hidden, size_t layers,
                         const size_t *ids, const unsigned char *given, size_t n, double *out)
{
    const size_t g = 3 * hidden, given_w = chars * emb;
    double *x = calloc(n * 2 * hidden + n * emb, sizeof *x), *y = calloc(n * 2 * hidden, sizeof *y);
    double *h = calloc(hidden, sizeof *h), *gi = calloc(g, sizeof *gi), *gh = calloc(g, sizeof *gh);
    assert_true(x && y && h && gi && gh);
    for (size_t t = 0; t < n; t++)
        for (size_t j = 0; j < emb; j++)
            x[t * emb + j] = (double)w[ids[t] * emb + j] +
                             (double)w[given_w + given[t] * emb + j];
    const float *p = w + given_w + DIAC_CLASSES * emb;
    size_t in = emb;
    for (size_t l = 0; l < layers; l++) {
        for (int d = 0; d < 2; d++) {
            const float *wih = p, *whh = wih + g * in, *bih = whh + g * hidden, *bhh = bih + g;
            p = bhh + g;
            memset(h, 0, hidden * sizeof *h);
            for (size_t s = 0; s < n; s++) {
                size_t t = d ? n - 1 - s : s;
                for (size_t j = 0; j < g; j++) {
                    gi[j] = bih[j];
                    gh[j] = bhh[j];
                    for (size_t k = 0; k < in; k++)
                        gi[j] += (double)wih[j * in + k] * x[t * in + k];
                    for (size_t k = 0; k < hidden; k++)
                        gh[j] += (double)whh[j * hidden + k] * h[k];
                }
                for (size_t j = 0; j < hidden; j++) {
                    double r = sigmoid_ref(gi[j] + gh[j]);
                    double z = sigmoid_ref(gi[hidden + j] + gh[hidden + j]);
                    double c = tanh(gi[2 * hidden + j] + r * gh[2 * hidden + j]);
                    h[j] = (1 - z) * c + z * h[j];
                    y[t * 2 * hidden + (d ? hidden : 0) + j] = h[j];
                }
            }
        }
        memcpy(x, y, n * 2 * hidden * sizeof *x);
        in = 2 * hidden;
    }
    const float *ow = p, *ob = ow + DIAC_CLASSES * 2 * hidden;
    for (size_t t = 0; t < n; t++)
        for (size_t c = 0; c < DIAC_CLASSES; c++) {
            double v = ob[c];
            for (size_t k = 0; k < 2 * hidden; k++)
                v += (double)ow[c * 2 * hidden + k] * x[t * 2 * hidden + k];
            out[t * DIAC_CLASSES + c] = v;
        }
    free(x);
    free(y);
    free(h);
    free(gi);
    free(gh);
}

/* The 8-bit pass against the plain one in double precision, on shapes whose widths leave
 * remainders after every block (inputs not a multiple of 4, outputs not one of 16,
 * sequences not one of eight): within what 8 bits cost (the weights here are uniform, which
 * spreads the rounding wider than trained ones). And the dot products by AVX-512 VNNI and by
 * AVX2, where the processor has them, give the very logits of the plain loops. */
static void quantized_matches_plain(void **state)
{
    (void)state;
    static const unsigned alphabet[] = {0x20, 0x0628, 0x062A, 0x0645};
    static const struct { size_t emb, hidden, layers; } shapes[] = {
        {5, 7, 1}, {5, 21, 3}, {16, 40, 2}, {64, 64, 1}, {9, 25, 2},
    };
    double worst = 0;
    static const unsigned text[] = {0x0628, 0x062A, 0x20, 0x0645, 0x0628, 0x0634, 0x20, 0x062A,
                                    0x0628, 0x0645, 0x0645, 0x20, 0x062A};
    static const unsigned char given[] = {0, 1, 0, 0, 8, 0, 0, 3, 0, 0, 0, 0, 2};
    for (size_t n = 1; n <= sizeof text / sizeof *text; n += 3) {
        for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
            size_t len, nw;
            float *w;
            unsigned char *bytes = synthetic_weights(shapes[s].emb, shapes[s].hidden,
                                                     shapes[s].layers, alphabet, 4, &len, &w, &nw);
            diac_model *m = NULL;
            nashra_error err = {0};
            assert_int_equal(diac_model_load(bytes, len, &m, &err), NASHRA_OK);
            /* Each character's row in the embedding (0x0634 is not in the alphabet: 1). */
            size_t ids[16];
            for (size_t t = 0; t < n; t++) {
                ids[t] = 1;
                for (size_t a = 0; a < 4; a++)
                    if (text[t] == alphabet[a])
                        ids[t] = a + 2;
            }
            float logits[16 * DIAC_CLASSES], other[16 * DIAC_CLASSES];
            double want[16 * DIAC_CLASSES];
            assert_true(diac_model_logits(m, text, given, n, logits));
            for (int by = DIAC_PRODUCTS_NO_VNNI; by <= DIAC_PRODUCTS_PLAIN; by++) {
                diac_model_products((diac_products)by);
                assert_true(diac_model_logits(m, text, given, n, other));
                assert_memory_equal(other, logits, n * DIAC_CLASSES * sizeof *logits);
            }
            diac_model_products(DIAC_PRODUCTS_BEST);
            plain_logits(w, 4 + 2, shapes[s].emb, shapes[s].hidden, shapes[s].layers, ids, given, n,
                         want);
            for (size_t i = 0; i < n * DIAC_CLASSES; i++) {
                double e = fabs(logits[i] - want[i]) / (1 + fabs(want[i]));
                worst = e > worst ? e : worst;
                if (e > 0.08)
                    fail_msg("shape %zu, %zu characters, logit %zu: %g, plainly %g", s, n, i,
                             (double)logits[i], want[i]);
            }
            diac_model_free(m);
            free(bytes);
            free(w);
        }
    }
    printf("largest difference from the plain pass: %.4f of 1 + |logit|\n", worst);
}

static void mark_classes(void **state)
{
    (void)state;
    for (unsigned k = 0; k < DIAC_CLASSES; k++) {
        unsigned marks[2];
        size_t n = diac_class_marks(k, marks);
        assert_int_equal(diac_mark_class(marks, n), (int)k);
        if (n == 2) { /* either order of shadda and its vowel */
            unsigned swapped[2] = {marks[1], marks[0]};
            assert_int_equal(marks[0], 0x0651);
            assert_int_equal(diac_mark_class(swapped, 2), (int)k);
        }
    }
    const unsigned shadda_sukun[] = {0x0651, 0x0652}, two_vowels[] = {0x064E, 0x064F},
                   two_shaddas[] = {0x0651, 0x0651}, dagger[] = {0x0670};
    assert_int_equal(diac_mark_class(shadda_sukun, 2), -1);
    assert_int_equal(diac_mark_class(two_vowels, 2), -1);
    assert_int_equal(diac_mark_class(two_shaddas, 2), -1);
    assert_int_equal(diac_mark_class(dagger, 1), -1);
    assert_int_equal(diac_mark_class(NULL, 0), 0);
}

static void expect_bad(const unsigned char *bytes, size_t len, const char *what)
{
    diac_model *m = (diac_model *)1;
    nashra_error err = {0};
    assert_int_equal(diac_model_load(bytes, len, &m, &err), NASHRA_EINVAL);
    assert_null(m);
    if (!strstr(err.message, what))
        fail_msg("expected '%s' in '%s'", what, err.message);
    assert_null(strchr(err.message, '\n'));
}

static void weights_file_checks(void **state)
{
    (void)state;
    const unsigned char *w = nashra_data_diacritizer.bytes;
    size_t len = nashra_data_diacritizer.len;
    diac_model *m = NULL;
    nashra_error err = {0};
    assert_int_equal(diac_model_load(w, len, &m, &err), NASHRA_OK);
    diac_model_free(m);
    assert_true(len <= 8u << 20); /* small enough for the repository */

    unsigned char *copy = malloc(len + 4);
    memcpy(copy, w, len);
    expect_bad(copy, 5, "bad magic");
    copy[0] = 'X';
    expect_bad(copy, len, "bad magic");
    copy[0] = w[0];
    expect_bad(copy, 20, "truncated header");
    copy[8] = 2; /* version */
    expect_bad(copy, len, "unsupported version");
    copy[8] = w[8];
    copy[12 + 4 * 3] = 0; /* hidden units: 0 */
    expect_bad(copy, len, "dimensions");
    memcpy(copy, w, len);
    const size_t cut[] = {40, 400, len / 2, len - 5, len - 1};
    for (size_t i = 0; i < sizeof cut / sizeof *cut; i++)
        expect_bad(copy, cut[i], "truncated");
    memset(copy + len, 0, 4);
    expect_bad(copy, len + 4, "trailing bytes");
    /* A weight that is not a number, past the header and the alphabet. */
    const float nan = NAN;
    memcpy(copy + len / 2 - (len / 2) % 4, &nan, 4);
    expect_bad(copy, len, "not finite");
    free(copy);
}

/* text with every mark removed */
static char *bare(const char *s)
{
    buf out = BUF_INIT;
    size_t len = strlen(s);
    for (size_t i = 0, n; i < len; i += n)
        if (!arabic_is_mark(utf8_decode(s + i, len - i, &n)))
            assert_true(buf_append(&out, s + i, n));
    return out.data ? out.data : strdup("");
}

static char *run(const char *text, const diac_options *o)
{
    buf out = BUF_INIT;
    nashra_error err = {0};
    assert_int_equal(diacritize(model(), text, strlen(text), o, &out, &err), NASHRA_OK);
    char *b = bare(out.data ? out.data : ""), *in = bare(text);
    assert_string_equal(b, in); /* letters and everything else unchanged */
    free(b);
    free(in);
    return out.data ? out.data : strdup("");
}

static void sentences(void **state)
{
    (void)state;
    const char *text = "أعلنت الحكومة اليوم عن خطة جديدة لدعم الاقتصاد";
    char *a = run(text, NULL), *b = run(text, NULL);
    assert_string_equal(a, b); /* deterministic */
    assert_true(table_count_marks(a) >= 25);
    printf("%s\n", a);
    free(a);
    free(b);

    /* Marks in the text stay where they are, and the rest is still filled (here the lam). */
    char *c = run("وقال الوَزِيرُ إن الخطة ستبدأ", NULL);
    assert_non_null(strstr(c, "وَزِيرُ"));
    assert_null(strstr(c, " الوَزِيرُ"));
    assert_true(table_count_marks(c) > 8);
    free(c);

    /* Inline phonemes, Latin and digits pass through. */
    char *d = run("زار [[w'a:SinTon]] و CNN قال 42 شخصا", NULL);
    assert_non_null(strstr(d, " [[w'a:SinTon]] "));
    assert_non_null(strstr(d, " CNN "));
    assert_non_null(strstr(d, " 42 "));
    free(d);

    char *e = run("", NULL);
    assert_string_equal(e, "");
    free(e);
}

static bool all_done(void *user, const char *w, size_t len)
{
    (void)user;
    (void)w;
    (void)len;
    return true;
}

static void done_words_left_alone(void **state)
{
    (void)state;
    diac_options o = {.word_done = all_done};
    /* A word with marks the caller calls done keeps exactly its marks; bare words are filled. */
    char *a = run("قال الرَّئِيس كلمة", &o);
    assert_non_null(strstr(a, " الرَّئِيس "));
    assert_true(table_count_marks(a) > 4);
    free(a);
}

/* Whether any word's last letter carries a vowel or tanween (not sukun or shadda alone). */
static bool case_endings(const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0, n; i < len; i += n) {
        unsigned cp = utf8_decode(s + i, len - i, &n);
        if (!(cp >= 0x064B && cp <= 0x0650))
            continue;
        size_t k = i + n, m;
        while (k < len && arabic_is_mark(utf8_decode(s + k, len - k, &m)))
            k += m;
        if (k == len || !arabic_is_letter(utf8_decode(s + k, len - k, &m)))
            return true;
    }
    return false;
}

static void pausal_endings(void **state)
{
    (void)state;
    const char *text = "يواصل المفاوضون في العاصمة محادثاتهم حول الاتفاق";
    char *a = run(text, NULL);
    assert_true(case_endings(a));
    diac_options o = {.pausal_below = 1.01f}; /* every ending is uncertain */
    char *b = run(text, &o);
    assert_false(case_endings(b));
    free(a);
    free(b);
}

/* The first letter with sukun followed at once by a doubled one in s, or NULL. */
static const char *sukun_before_shadda(const char *s)
{
    size_t len = strlen(s);
    const char *before = NULL, *letter = NULL; /* the last two letters of the word so far */
    bool before_sukun = false, sukun = false;
    for (size_t i = 0, n; i < len; i += n) {
        unsigned cp = utf8_decode(s + i, len - i, &n);
        if (arabic_is_mark(cp)) {
            if (cp == 0x0651 && before_sukun && letter)
                return before;
            sukun |= cp == 0x0652;
        } else if (arabic_is_letter(cp)) {
            before = letter, before_sukun = sukun && letter;
            letter = s + i, sukun = false;
        } else {
            before = letter = NULL;
            before_sukun = sukun = false;
        }
    }
    return NULL;
}

/* No word the model fills gets a sukun right before a doubled letter, on every sentence of the
 * team's gold set (read bare, as a news site prints it). */
static void syllables_kept(void **state)
{
    (void)state;
    size_t len;
    char *text = table_read_file(table_data_path("per-gold.tsv"), &len);
    assert_non_null(text);
    size_t checked = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *written = strchr(line, '\t'), *gold = written ? strchr(written + 1, '\t') : NULL;
        if (line[0] == '#' || !gold)
            continue;
        *gold = '\0';
        char *in = bare(written + 1), *out = run(in, NULL);
        const char *at = sukun_before_shadda(out);
        if (at)
            fail_msg("sukun before shadda at \"%.40s\" in: %s", at, out);
        checked++;
        free(in);
        free(out);
    }
    assert_true(checked > 150);
    free(text);
}

static void long_sentences(void **state)
{
    (void)state;
    buf text = BUF_INIT;
    for (int i = 0; i < 400; i++)
        assert_true(buf_puts(&text, i % 2 ? "المفاوضات " : "تستمر "));
    assert_true(buf_puts(&text, "كلمةطويلةجداكلمةطويلةجداكلمةطويلةجداكلمةطويلةجداكلمة"
                                "طويلةجداكلمةطويلةجداكلمةطويلةجداكلمةطويلةجداكلمةطويلةجدا"));
    for (int i = 0; i < 40; i++)
        assert_true(buf_puts(&text, "طويلةجداكلمة"));
    char *a = run(text.data, NULL); /* pieces are cut at spaces, or inside an endless word */
    assert_true(table_count_marks(a) > 2000);
    free(a);
    buf_free(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_reference), cmocka_unit_test(quantized_matches_plain),
        cmocka_unit_test(mark_classes),
        cmocka_unit_test(weights_file_checks), cmocka_unit_test(sentences),
        cmocka_unit_test(done_words_left_alone), cmocka_unit_test(pausal_endings),
        cmocka_unit_test(syllables_kept), cmocka_unit_test(long_sentences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
