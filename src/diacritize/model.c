/* The diacritizer's weights file and its forward pass (see diacritize.h for the format), the
 * recurrent layers' products in 8 bits. Must agree with scripts/diacritizer-train on the
 * alphabet, the mark classes and the layout. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/clones.h"
#include "common/data.h"
#include "common/error.h"
#include "common/le.h"
#include "common/sha256.h"
#include "diacritize/diacritize.h"

/* Where the dot products can also be built for AVX-512 VNNI and AVX2 (see dots): x86-64 with
 * GCC or clang (functions built for a target of their own, chosen at load time). */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define VNNI_BUILD 1
static bool has_vnni(void);
static bool has_avx2(void);
#endif

#define MAGIC "NSHDIAC"
#define OUT_WIDTH 16 /* the classes, padded */
_Static_assert(DIAC_CLASSES <= OUT_WIDTH, "the classes fit the output layer's width");
#define VERSION 1
#define HEADER_WORDS 7
#define MAX_DIM 1024
#define MAX_LAYERS 4

enum { SHADDA = 0x0651 };

/* The single marks in class order: fatha, kasra, damma, sukun, fathatan, kasratan, dammatan. */
static const unsigned single[7] = {0x064E, 0x0650, 0x064F, 0x0652, 0x064B, 0x064D, 0x064C};

/* A weight matrix of `out` outputs by `in` inputs in 8 bits: each output's weights divided by
 * its scale (its largest magnitude / 127) and rounded, kept in blocks of QBLOCK outputs by 4
 * inputs, the order in which the dot-product loops below read them: weight (j, k) is at
 * (j / QBLOCK) * QBLOCK * in4 + (k / 4) * QBLOCK * 4 + (j % QBLOCK) * 4 + k % 4. The inputs
 * are brought to 8 bits the same way, row by row, as they come (see quantize_row). */
#define QBLOCK 16
typedef struct qmat {
    size_t in, out;
    size_t in4, outb; /* in rounded up to a multiple of 4, out to one of QBLOCK */
    int8_t *w;
    int32_t *zero;    /* [outb]: 128 times the sum of each output's weights */
    float *scale;     /* [outb] */
} qmat;

typedef struct gru_dir {
    size_t in;
    qmat q_ih, q_hh; /* W_ih [3H][in] and W_hh [3H][H] */
    float *b_ih, *b_hh;
} gru_dir;

struct diac_model {
    size_t chars, emb, hidden, layers;
    unsigned *alphabet; /* code point of character id i + 2 */
    size_t alphabet_len;
    float *char_emb;  /* [chars][E] */
    float *given_emb; /* [classes][E] */
    gru_dir dir[MAX_LAYERS][2];
    float *out_wt; /* [2H][OUT_WIDTH]: the output layer's W, transposed, the classes padded */
    float *out_b;
    float *storage; /* the embeddings and biases; the matrices are only read through */
    bool vnni, avx2; /* the processor has AVX-512 VNNI, AVX2 */
};

size_t diac_class_marks(unsigned k, unsigned marks[2])
{
    if (k == 0 || k >= DIAC_CLASSES)
        return 0;
    if (k <= 7) {
        marks[0] = single[k - 1];
        return 1;
    }
    marks[0] = SHADDA;
    if (k == 8)
        return 1;
    unsigned j = k - 9; /* fatha, kasra, damma, then the tanween: skip sukun */
    marks[1] = single[j < 3 ? j : j + 1];
    return 2;
}

int diac_mark_class(const unsigned *marks, size_t n)
{
    bool shadda = false;
    int vowel = -1;
    for (size_t i = 0; i < n; i++) {
        if (marks[i] == SHADDA && !shadda) {
            shadda = true;
            continue;
        }
        int k = -1;
        for (int j = 0; j < 7; j++)
            if (single[j] == marks[i])
                k = j;
        if (k < 0 || vowel >= 0)
            return -1;
        vowel = k;
    }
    if (vowel < 0)
        return shadda ? 8 : 0;
    if (!shadda)
        return 1 + vowel;
    if (vowel == 3)
        return -1; /* shadda with sukun */
    return 9 + (vowel < 3 ? vowel : vowel - 1);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                    */

typedef struct reader {
    const unsigned char *p;
    size_t left;
} reader;

static bool read_u32(reader *r, uint32_t *v)
{
    if (r->left < 4)
        return false;
    *v = le_get32(r->p);
    r->p += 4;
    r->left -= 4;
    return true;
}

/* Reads rows x cols floats, row by row. */
static bool read_floats(reader *r, float *dst, size_t rows, size_t cols)
{
    if (r->left / 4 < rows * cols)
        return false;
    for (size_t i = 0; i < rows * cols; i++) {
        uint32_t bits = 0;
        read_u32(r, &bits); /* cannot fail: the length was checked above */
        float f;
        memcpy(&f, &bits, sizeof f);
        if (!isfinite(f))
            return false;
        dst[i] = f;
    }
    return true;
}

/* The largest magnitude of n floats, as the largest of their bit patterns without the sign,
 * which order as the numbers do (an integer maximum vectorizes, a float one does not). */
static inline float largest_magnitude(const float *x, size_t n)
{
    uint32_t bits = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t b;
        memcpy(&b, &x[k], sizeof b);
        b &= 0x7fffffffu;
        bits = b > bits ? b : bits;
    }
    float top;
    memcpy(&top, &bits, sizeof top);
    return top;
}

/* A value in 8 bits at this scale: x / scale rounded, within -127..127. */
static inline int to_8_bits(float x, float scale)
{
    const float v = rintf(x / scale);
    return v > 127 ? 127 : v < -127 ? -127 : (int)v;
}

/* The 8-bit form of a row-major [out][in] matrix (see qmat). */
static bool qmat_make(qmat *q, const float *w, size_t out, size_t in)
{
    q->in = in;
    q->out = out;
    q->in4 = (in + 3) / 4 * 4;
    q->outb = (out + QBLOCK - 1) / QBLOCK * QBLOCK;
    q->w = calloc(q->outb * q->in4, sizeof *q->w);
    q->zero = calloc(q->outb, sizeof *q->zero);
    q->scale = calloc(q->outb, sizeof *q->scale);
    if (!q->w || !q->zero || !q->scale)
        return false;
    for (size_t j = 0; j < out; j++) {
        const float *row = w + j * in;
        const float top = largest_magnitude(row, in);
        q->scale[j] = top / 127.0f;
        int32_t sum = 0;
        for (size_t k = 0; top > 0 && k < in; k++) {
            const int v = to_8_bits(row[k], q->scale[j]);
            q->w[(j / QBLOCK) * QBLOCK * q->in4 + (k / 4) * QBLOCK * 4 + (j % QBLOCK) * 4 +
                 k % 4] = (int8_t)v;
            sum += v;
        }
        q->zero[j] = 128 * sum;
    }
    return true;
}

static void qmat_free(qmat *q)
{
    free(q->w);
    free(q->zero);
    free(q->scale);
}

/* The floats kept as they are read: the embeddings and the biases. */
static size_t floats_kept(size_t chars, size_t emb, size_t hidden, size_t layers)
{
    return (chars + DIAC_CLASSES) * emb + layers * 2 * 6 * hidden + DIAC_CLASSES;
}

/* A matrix of `out` outputs by `in` inputs read through tmp (out * in floats) into its 8-bit
 * form; *nomem tells a failure for want of memory from a file that is truncated or holds a
 * weight that is not a number. */
static bool read_qmat(reader *r, qmat *q, size_t out, size_t in, float *tmp, bool *nomem)
{
    if (!read_floats(r, tmp, out, in))
        return false;
    *nomem = !qmat_make(q, tmp, out, in);
    return !*nomem;
}

static nashra_status bad(diac_model *m, nashra_error *err, const char *what)
{
    diac_model_free(m);
    return error_set(err, NASHRA_EINVAL, "diacritizer weights: %s", what);
}

nashra_status diac_model_load(const void *bytes, size_t len, diac_model **out,
                              nashra_error *err)
{
    *out = NULL;
    reader r = {bytes, len};
    if (len < 8 || memcmp(bytes, MAGIC, 8))
        return bad(NULL, err, "not a nashra diacritizer file (bad magic)");
    r.p += 8;
    r.left -= 8;
    uint32_t h[HEADER_WORDS];
    for (int i = 0; i < HEADER_WORDS; i++)
        if (!read_u32(&r, &h[i]))
            return bad(NULL, err, "truncated header");
    if (h[0] != VERSION)
        return bad(NULL, err, "unsupported version");
    size_t chars = h[1], emb = h[3], hidden = h[4], layers = h[5], alpha = h[6];
    if (h[2] != DIAC_CLASSES || !emb || emb > MAX_DIM || !hidden || hidden > MAX_DIM ||
        !layers || layers > MAX_LAYERS || alpha + 2 != chars || chars > 0x10000)
        return bad(NULL, err, "dimensions out of range");
    diac_model *m = calloc(1, sizeof *m);
    if (!m)
        return error_set(err, NASHRA_ENOMEM, "out of memory loading the diacritizer");
    m->chars = chars;
    m->emb = emb;
    m->hidden = hidden;
    m->layers = layers;
    m->alphabet_len = alpha;
    const size_t g = 3 * hidden, widest = emb > 2 * hidden ? emb : 2 * hidden;
    m->alphabet = malloc(alpha * sizeof *m->alphabet);
    m->storage = malloc(floats_kept(chars, emb, hidden, layers) * sizeof *m->storage);
    m->out_wt = calloc(2 * hidden * OUT_WIDTH, sizeof *m->out_wt);
    const size_t largest = g * widest > DIAC_CLASSES * 2 * hidden ? g * widest
                                                                  : DIAC_CLASSES * 2 * hidden;
    float *tmp = malloc(largest * sizeof *tmp); /* room for the largest matrix */
    if (!m->alphabet || !m->storage || !m->out_wt || !tmp) {
        free(tmp);
        diac_model_free(m);
        return error_set(err, NASHRA_ENOMEM, "out of memory loading the diacritizer");
    }
    for (size_t i = 0; i < alpha; i++) {
        uint32_t cp;
        if (!read_u32(&r, &cp)) {
            free(tmp);
            return bad(m, err, "truncated alphabet");
        }
        m->alphabet[i] = cp;
    }
    float *p = m->storage;
    bool ok = true, nomem = false;
    m->char_emb = p;
    ok = ok && read_floats(&r, p, chars, emb);
    p += chars * emb;
    m->given_emb = p;
    ok = ok && read_floats(&r, p, DIAC_CLASSES, emb);
    p += DIAC_CLASSES * emb;
    for (size_t l = 0; ok && l < layers; l++)
        for (int d = 0; ok && d < 2; d++) {
            gru_dir *gd = &m->dir[l][d];
            gd->in = l ? 2 * hidden : emb;
            ok = ok && read_qmat(&r, &gd->q_ih, g, gd->in, tmp, &nomem) &&
                 read_qmat(&r, &gd->q_hh, g, hidden, tmp, &nomem);
            gd->b_ih = p;
            ok = ok && read_floats(&r, p, 1, g);
            p += g;
            gd->b_hh = p;
            ok = ok && read_floats(&r, p, 1, g);
            p += g;
        }
    ok = ok && read_floats(&r, tmp, DIAC_CLASSES, 2 * hidden);
    for (size_t c = 0; ok && c < DIAC_CLASSES; c++)
        for (size_t k = 0; k < 2 * hidden; k++)
            m->out_wt[k * OUT_WIDTH + c] = tmp[c * 2 * hidden + k];
    m->out_b = p;
    ok = ok && read_floats(&r, p, 1, DIAC_CLASSES);
    free(tmp);
    if (nomem) {
        diac_model_free(m);
        return error_set(err, NASHRA_ENOMEM, "out of memory loading the diacritizer");
    }
    if (!ok)
        return bad(m, err, "truncated or not finite weights");
    uint32_t size;
    if (!read_u32(&r, &size) || size != len || r.left)
        return bad(m, err, "size check failed (truncated or trailing bytes)");
#ifdef VNNI_BUILD
    m->vnni = has_vnni();
    m->avx2 = has_avx2();
#endif
    *out = m;
    return NASHRA_OK;
}

void diac_model_free(diac_model *m)
{
    if (!m)
        return;
    free(m->out_wt);
    for (size_t l = 0; l < MAX_LAYERS; l++)
        for (int d = 0; d < 2; d++) {
            qmat_free(&m->dir[l][d].q_ih);
            qmat_free(&m->dir[l][d].q_hh);
        }
    free(m->alphabet);
    free(m->storage);
    free(m);
}

extern const data_blob nashra_data_diacritizer;

static diac_model *shipped;
static nashra_error shipped_err;

static void load_shipped(void)
{
    diac_model_load(nashra_data_diacritizer.bytes, nashra_data_diacritizer.len, &shipped,
                    &shipped_err);
}

void diac_shipped_digest(sha256_ctx *c)
{
    sha256_update(c, nashra_data_diacritizer.bytes, nashra_data_diacritizer.len);
}

const diac_model *diac_model_shipped(nashra_error *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load_shipped);
    if (!shipped && err)
        *err = shipped_err;
    return shipped;
}

/* ------------------------------------------------------------------------------------------ */
/* Forward pass                                                                               */

static size_t char_id(const diac_model *m, unsigned cp)
{
    /* The alphabet is short and sorted by the trainer only in parts: a linear scan. */
    for (size_t i = 0; i < m->alphabet_len; i++)
        if (m->alphabet[i] == cp)
            return i + 2;
    return 1;
}

/* The dot products of the 8-bit matrices hold nearly all the work. They are exact integer
 * sums, so every build gives the same ones: with AVX-512 VNNI (vpdpbusd: four products of an
 * unsigned and a signed byte summed into each 32-bit lane), else with AVX2, else by plain
 * loops, also built for x86-64-v3 and v4. The inputs go in offset by 128, as unsigned bytes;
 * the offset's share, 128 times each output's weight sum, is taken off after. */
#define QROWS 8 /* rows (characters) of the input projection a pass */
#define WIDE NASHRA_CLONES_V4_V3

/* Brings a row of n floats to 8 bits (offset by 128) in u[0..n4), with its scale: the
 * largest magnitude / 127 (0 for a row of zeros, which is all 128). */
static inline float quantize_row(const float *x, size_t n, size_t n4, uint8_t *u)
{
    const float top = largest_magnitude(x, n);
    memset(u, 128, n4);
    if (!(top > 0))
        return 0;
    const float scale = top / 127.0f;
    for (size_t k = 0; k < n; k++)
        u[k] = (uint8_t)(128 + to_8_bits(x[k], scale));
    return scale;
}

/* sums[r][j] = the sum over k of u[r][k] * w[j][k], for `rows` rows of u (each in4 bytes)
 * and every output j < outb; sums is [rows][outb]. */
WIDE static void dots_plain(const qmat *q, const uint8_t *u, size_t rows, int32_t *sums)
{
    const size_t groups = q->in4 / 4;
    for (size_t r = 0; r < rows; r++)
        for (size_t ob = 0; ob < q->outb; ob += QBLOCK) {
            const int8_t *w = q->w + ob * q->in4;
            const uint8_t *x = u + r * q->in4;
            int32_t acc[QBLOCK] = {0};
            for (size_t g = 0; g < groups; g++)
                for (size_t l = 0; l < QBLOCK; l++)
                    for (size_t i = 0; i < 4; i++)
                        acc[l] += (int32_t)x[4 * g + i] * w[g * QBLOCK * 4 + l * 4 + i];
            memcpy(sums + r * q->outb + ob, acc, sizeof acc);
        }
}

#ifdef VNNI_BUILD
#define VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

/* Four input bytes, the same in every lane. */
static inline int32_t load4(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}
#define FOUR(p) _mm512_set1_epi32(load4(p))

/* dots_plain for QROWS rows: each block of outputs read once for all of them. */
VNNI static void dots_rows_vnni(const qmat *q, const uint8_t *u, int32_t *sums)
{
    const size_t groups = q->in4 / 4;
    for (size_t ob = 0; ob < q->outb; ob += QBLOCK) {
        const int8_t *w = q->w + ob * q->in4;
        __m512i acc[QROWS];
        for (size_t r = 0; r < QROWS; r++)
            acc[r] = _mm512_setzero_si512();
        for (size_t g = 0; g < groups; g++) {
            const __m512i wv = _mm512_loadu_si512(w + g * QBLOCK * 4);
            for (size_t r = 0; r < QROWS; r++)
                acc[r] = _mm512_dpbusd_epi32(acc[r], FOUR(u + r * q->in4 + 4 * g), wv);
        }
        for (size_t r = 0; r < QROWS; r++)
            _mm512_storeu_si512(sums + r * q->outb + ob, acc[r]);
    }
}

/* dots_plain for one row: twelve blocks of outputs at a time, so that twelve sums are under
 * way at once. */
#define ROW_BLOCKS 12
VNNI static void dots_row_vnni(const qmat *q, const uint8_t *u, int32_t *sums)
{
    const size_t groups = q->in4 / 4, blocks = q->outb / QBLOCK, span = QBLOCK * q->in4;
    size_t b0 = 0;
    for (; b0 + ROW_BLOCKS <= blocks; b0 += ROW_BLOCKS) {
        const int8_t *w = q->w + b0 * span;
        __m512i acc[ROW_BLOCKS];
        for (size_t b = 0; b < ROW_BLOCKS; b++)
            acc[b] = _mm512_setzero_si512();
        for (size_t g = 0; g < groups; g++) {
            const __m512i x = FOUR(u + 4 * g);
            for (size_t b = 0; b < ROW_BLOCKS; b++)
                acc[b] = _mm512_dpbusd_epi32(
                    acc[b], x, _mm512_loadu_si512(w + b * span + g * QBLOCK * 4));
        }
        for (size_t b = 0; b < ROW_BLOCKS; b++)
            _mm512_storeu_si512(sums + (b0 + b) * QBLOCK, acc[b]);
    }
    for (; b0 < blocks; b0++) {
        const int8_t *w = q->w + b0 * span;
        __m512i acc = _mm512_setzero_si512();
        for (size_t g = 0; g < groups; g++)
            acc = _mm512_dpbusd_epi32(acc, FOUR(u + 4 * g), _mm512_loadu_si512(w + g * 64));
        _mm512_storeu_si512(sums + b0 * QBLOCK, acc);
    }
}

/* dots_plain for one row with AVX2, whose byte products (vpmaddubsw) add pairs into 16 bits
 * with saturation: the input goes in as its magnitude, its sign moved onto the weights, so
 * that a pair is at most 2 * 127 * 127 and never saturates; the sums are then those of the
 * signed inputs, and the offset's share is added back. */
__attribute__((target("avx2"))) static void dots_row_avx2(const qmat *q, const uint8_t *u,
                                                        int32_t *sums)
{
    const size_t groups = q->in4 / 4;
    const __m256i ones = _mm256_set1_epi16(1);
    for (size_t ob = 0; ob < q->outb; ob += QBLOCK) {
        const int8_t *w = q->w + ob * q->in4;
        __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
        for (size_t g = 0; g < groups; g++) {
            const __m256i x = _mm256_set1_epi32(load4(u + 4 * g) ^ (int32_t)0x80808080u);
            const __m256i mag = _mm256_abs_epi8(x);
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)(const void *)(w + g * 64));
            const __m256i w1 =
                _mm256_loadu_si256((const __m256i *)(const void *)(w + g * 64 + 32));
            lo = _mm256_add_epi32(
                lo, _mm256_madd_epi16(_mm256_maddubs_epi16(mag, _mm256_sign_epi8(w0, x)), ones));
            hi = _mm256_add_epi32(
                hi, _mm256_madd_epi16(_mm256_maddubs_epi16(mag, _mm256_sign_epi8(w1, x)), ones));
        }
        const __m256i z0 = _mm256_loadu_si256((const __m256i *)(const void *)(q->zero + ob));
        const __m256i z1 = _mm256_loadu_si256((const __m256i *)(const void *)(q->zero + ob + 8));
        _mm256_storeu_si256((__m256i *)(void *)(sums + ob), _mm256_add_epi32(lo, z0));
        _mm256_storeu_si256((__m256i *)(void *)(sums + ob + 8), _mm256_add_epi32(hi, z1));
    }
}

static bool has_avx2(void)
{
    return __builtin_cpu_supports("avx2");
}

static bool has_vnni(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vnni");
}
#endif

static diac_products products_allowed = DIAC_PRODUCTS_BEST;

void diac_model_products(diac_products allowed)
{
    products_allowed = allowed;
}

/* The sums for `rows` rows: QROWS, or 1; by VNNI when vnni, else by AVX2 when avx2. */
static void dots(const qmat *q, const uint8_t *u, size_t rows, int32_t *sums, bool vnni,
                 bool avx2)
{
#ifdef VNNI_BUILD
    if (vnni && rows == QROWS) {
        dots_rows_vnni(q, u, sums);
        return;
    }
    if (vnni && rows == 1) {
        dots_row_vnni(q, u, sums);
        return;
    }
    if (avx2) {
        for (size_t r = 0; r < rows; r++)
            dots_row_avx2(q, u + r * q->in4, sums + r * q->outb);
        return;
    }
#else
    (void)vnni;
    (void)avx2;
#endif
    dots_plain(q, u, rows, sums);
}

/* out[j] = b[j] + the row's product with output j's weights, from its sums and scale. */
static inline void finish_row(const qmat *q, const int32_t *sums, float scale,
                              const float *b, float *out)
{
    for (size_t j = 0; j < q->out; j++)
        out[j] = b[j] + (float)(sums[j] - q->zero[j]) * (scale * q->scale[j]);
}

/* Scratch for the products: QROWS rows of inputs in 8 bits, their scales, and their sums. */
typedef struct scratch {
    uint8_t *u;     /* [QROWS][in4], in4 at most `width` rounded up to 4 */
    float scale[QROWS];
    int32_t *sums;  /* [QROWS][outb] */
    bool vnni;      /* the sums by AVX-512 VNNI */
    bool avx2;      /* else by AVX2 */
} scratch;

/* out[t] = b + x[t] W for n rows of q->in inputs, QROWS characters a pass (the last pass
 * padded with rows of zeros). */
WIDE static void project(const qmat *q, const float *x, size_t n, const float *b, float *out,
                         scratch *s)
{
    for (size_t t = 0; t < n; t += QROWS) {
        const size_t rows = n - t < QROWS ? n - t : QROWS;
        for (size_t r = 0; r < QROWS; r++)
            s->scale[r] = r < rows ? quantize_row(x + (t + r) * q->in, q->in, q->in4,
                                                  s->u + r * q->in4)
                                   : quantize_row(NULL, 0, q->in4, s->u + r * q->in4);
        dots(q, s->u, QROWS, s->sums, s->vnni, s->avx2);
        for (size_t r = 0; r < rows; r++)
            finish_row(q, s->sums + r * q->outb, s->scale[r], b, out + (t + r) * q->out);
    }
}

/* e^x for the gates, written so that it vectorizes (libm's expf and tanhf are calls, one lane
 * at a time, and were a quarter of the forward pass): x = n ln 2 + r with |r| <= ln 2 / 2, e^r
 * by the Cephes polynomial for expf (relative error about 1e-7), 2^n put in the exponent. */
static inline float exp_gate(float x)
{
    x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
    const float round = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    float n = (x * 1.44269504f + round) - round;
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) * (1 << 23);
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline float sigmoid(float v)
{
    return 1.0f / (1.0f + exp_gate(-v));
}

static inline float tanh_gate(float v)
{
    return 2.0f / (1.0f + exp_gate(-2.0f * v)) - 1.0f;
}

/* The output layer, in floats: it is a small part of the work, and in 8 bits it read a few
 * more words of the gold set wrong. out[t][c] = b[c] + x[t] W[c] for n rows of `in` inputs,
 * OUT_ROWS characters at a time with the sums of all classes in registers. */
#define OUT_ROWS 8
WIDE static void output_layer(const float *wt, const float *b, const float *x, size_t n,
                              size_t in, float *out)
{
    for (size_t t = 0; t < n; t += OUT_ROWS) {
        const size_t rows = n - t < OUT_ROWS ? n - t : OUT_ROWS;
        float acc[OUT_ROWS][OUT_WIDTH];
        for (size_t r = 0; r < OUT_ROWS; r++)
            for (size_t c = 0; c < OUT_WIDTH; c++)
                acc[r][c] = c < DIAC_CLASSES ? b[c] : 0;
        for (size_t k = 0; k < in; k++) {
            const float *w = wt + k * OUT_WIDTH;
            for (size_t r = 0; r < OUT_ROWS; r++) {
                const float xr = r < rows ? x[(t + r) * in + k] : 0;
                for (size_t c = 0; c < OUT_WIDTH; c++)
                    acc[r][c] += xr * w[c];
            }
        }
        for (size_t r = 0; r < rows; r++)
            memcpy(out + (t + r) * DIAC_CLASSES, acc[r], DIAC_CLASSES * sizeof *out);
    }
}

/* One direction of a GRU layer over the projected inputs gi [n][3H]; writes h at column
 * offset `at` of y [n][2H]. gh: 3H floats. */
WIDE static void gru_run(const gru_dir *d, size_t hidden, const float *gi, size_t n,
                         bool backward, float *y, size_t at, float *h, float *gh, scratch *s)
{
    const size_t g = 3 * hidden;
    const qmat *q = &d->q_hh;
    memset(h, 0, hidden * sizeof *h);
    for (size_t step = 0; step < n; step++) {
        size_t t = backward ? n - 1 - step : step;
        const float scale = quantize_row(h, hidden, q->in4, s->u);
        dots(q, s->u, 1, s->sums, s->vnni, s->avx2);
        finish_row(q, s->sums, scale, d->b_hh, gh);
        const float *x = gi + t * g;
        for (size_t j = 0; j < hidden; j++) {
            float r = sigmoid(x[j] + gh[j]);
            float z = sigmoid(x[hidden + j] + gh[hidden + j]);
            float c = tanh_gate(x[2 * hidden + j] + r * gh[2 * hidden + j]);
            h[j] = (1.0f - z) * c + z * h[j];
        }
        memcpy(y + t * 2 * hidden + at, h, hidden * sizeof *h);
    }
}

bool diac_model_logits(const diac_model *m, const unsigned *cps, const unsigned char *given,
                       size_t n, float *logits)
{
    if (!n)
        return true;
    const size_t e = m->emb, hd = m->hidden, g = 3 * hd;
    size_t width = e > 2 * hd ? e : 2 * hd;
    const size_t outs = g + QBLOCK;
    /* x: the layer's input; y: its output; gi: one direction's projected input. */
    float *mem = malloc((2 * n * width + n * g + hd + g) * sizeof *mem);
    scratch s = {malloc(QROWS * (width + 3)), {0}, malloc(QROWS * outs * sizeof *s.sums),
                 m->vnni && products_allowed == DIAC_PRODUCTS_BEST,
                 m->avx2 && products_allowed != DIAC_PRODUCTS_PLAIN};
    if (!mem || !s.u || !s.sums) {
        free(mem);
        free(s.u);
        free(s.sums);
        return false;
    }
    float *x = mem, *y = x + n * width, *gi = y + n * width, *h = gi + n * g, *gh = h + hd;
    for (size_t t = 0; t < n; t++) {
        const float *ce = m->char_emb + char_id(m, cps[t]) * e;
        const float *ge = m->given_emb + (given[t] < DIAC_CLASSES ? given[t] : 0) * e;
        for (size_t j = 0; j < e; j++)
            x[t * e + j] = ce[j] + ge[j];
    }
    for (size_t l = 0; l < m->layers; l++) {
        for (int d = 0; d < 2; d++) {
            const gru_dir *gd = &m->dir[l][d];
            project(&gd->q_ih, x, n, gd->b_ih, gi, &s);
            gru_run(gd, hd, gi, n, d == 1, y, d ? hd : 0, h, gh, &s);
        }
        float *swap = x;
        x = y;
        y = swap;
    }
    output_layer(m->out_wt, m->out_b, x, n, 2 * hd, logits);
    free(mem);
    free(s.u);
    free(s.sums);
    return true;
}
