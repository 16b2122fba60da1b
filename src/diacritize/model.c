/* The diacritizer's weights file and its forward pass (see diacritize.h for the format). Must
 * agree with scripts/diacritizer-train on the alphabet, the mark classes and the layout. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/clones.h"
#include "common/data.h"
#include "common/error.h"
#include "common/sha256.h"
#include "diacritize/diacritize.h"

#define MAGIC "NSHDIAC"
#define VERSION 1
#define HEADER_WORDS 7
#define MAX_DIM 1024
#define MAX_LAYERS 4

enum { SHADDA = 0x0651 };

/* The single marks in class order: fatha, kasra, damma, sukun, fathatan, kasratan, dammatan. */
static const unsigned single[7] = {0x064E, 0x0650, 0x064F, 0x0652, 0x064B, 0x064D, 0x064C};

/* The matrices are kept transposed, each input a row of outputs, and cut into panels of a
 * fixed number of outputs (see panel_at), in the order the blocked loops below read them. */
typedef struct gru_dir {
    size_t in;
    float *w_ih; /* [in][3H] in panels of PROJECT_STEP outputs */
    float *w_hh; /* [H][3H] in panels of GATE_STEP outputs */
    float *b_ih, *b_hh;
} gru_dir;

struct diac_model {
    size_t chars, emb, hidden, layers;
    unsigned *alphabet; /* code point of character id i + 2 */
    size_t alphabet_len;
    float *char_emb;  /* [chars][E] */
    float *given_emb; /* [classes][E] */
    gru_dir dir[MAX_LAYERS][2];
    float *out_w; /* [2H][classes] in panels of PROJECT_STEP outputs */
    float *out_b;
    float *storage;
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
    *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
         (uint32_t)r->p[3] << 24;
    r->p += 4;
    r->left -= 4;
    return true;
}

#define PROJECT_STEP 16 /* outputs of the input projection per block */
#define GATE_STEP 64    /* outputs of the recurrent product per block */

/* Where the weight of input k to output j is kept, for a matrix of `in` inputs and `cols`
 * outputs: first panels of `step` outputs, each [in][step], so that a loop over the inputs
 * for one block of outputs reads memory in order; then the outputs left over, [in][cols %
 * step]. */
static size_t panel_at(size_t k, size_t j, size_t in, size_t cols, size_t step)
{
    const size_t wide = cols - cols % step;
    if (j < wide)
        return j / step * in * step + k * step + j % step;
    return wide * in + k * (cols - wide) + (j - wide);
}

/* Reads rows x cols floats: as they are when step is 0, else a matrix of `rows` outputs by
 * `cols` inputs into the panels of panel_at. */
static bool read_floats(reader *r, float *dst, size_t rows, size_t cols, size_t step)
{
    if (r->left / 4 < rows * cols)
        return false;
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++) {
            uint32_t bits = 0;
            read_u32(r, &bits); /* cannot fail: the length was checked above */
            float f;
            memcpy(&f, &bits, sizeof f);
            if (!isfinite(f))
                return false;
            dst[step ? panel_at(j, i, cols, rows, step) : i * cols + j] = f;
        }
    return true;
}

static size_t floats_needed(size_t chars, size_t emb, size_t hidden, size_t layers)
{
    size_t n = (chars + DIAC_CLASSES) * emb;
    for (size_t l = 0; l < layers; l++) {
        size_t in = l ? 2 * hidden : emb;
        n += 2 * (3 * hidden * in + 3 * hidden * hidden + 6 * hidden);
    }
    return n + 2 * hidden * DIAC_CLASSES + DIAC_CLASSES;
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
    size_t total = floats_needed(chars, emb, hidden, layers);
    m->alphabet = malloc(alpha * sizeof *m->alphabet);
    m->storage = malloc(total * sizeof *m->storage);
    if (!m->alphabet || !m->storage) {
        diac_model_free(m);
        return error_set(err, NASHRA_ENOMEM, "out of memory loading the diacritizer");
    }
    for (size_t i = 0; i < alpha; i++) {
        uint32_t cp;
        if (!read_u32(&r, &cp))
            return bad(m, err, "truncated alphabet");
        m->alphabet[i] = cp;
    }
    float *p = m->storage;
    bool ok = true;
    m->char_emb = p;
    ok = ok && read_floats(&r, p, chars, emb, 0);
    p += chars * emb;
    m->given_emb = p;
    ok = ok && read_floats(&r, p, DIAC_CLASSES, emb, 0);
    p += DIAC_CLASSES * emb;
    const size_t g = 3 * hidden;
    for (size_t l = 0; ok && l < layers; l++)
        for (int d = 0; ok && d < 2; d++) {
            gru_dir *gd = &m->dir[l][d];
            gd->in = l ? 2 * hidden : emb;
            gd->w_ih = p;
            ok = ok && read_floats(&r, p, g, gd->in, PROJECT_STEP);
            p += g * gd->in;
            gd->w_hh = p;
            ok = ok && read_floats(&r, p, g, hidden, GATE_STEP);
            p += g * hidden;
            gd->b_ih = p;
            ok = ok && read_floats(&r, p, 1, g, 0);
            p += g;
            gd->b_hh = p;
            ok = ok && read_floats(&r, p, 1, g, 0);
            p += g;
        }
    m->out_w = p;
    ok = ok && read_floats(&r, p, DIAC_CLASSES, 2 * hidden, PROJECT_STEP);
    p += DIAC_CLASSES * 2 * hidden;
    m->out_b = p;
    ok = ok && read_floats(&r, p, 1, DIAC_CLASSES, 0);
    if (!ok)
        return bad(m, err, "truncated or not finite weights");
    uint32_t size;
    if (!read_u32(&r, &size) || size != len || r.left)
        return bad(m, err, "size check failed (truncated or trailing bytes)");
    *out = m;
    return NASHRA_OK;
}

void diac_model_free(diac_model *m)
{
    if (!m)
        return;
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

/* The loops that hold nearly all the work are also built for x86-64-v3 (AVX2 and FMA) and v4
 * (AVX-512), picked at load time by what the processor has. This file is compiled with
 * -ffp-contract=fast, so those builds fuse each multiply and add: every clone is deterministic,
 * but a processor with FMA and one without may differ in the last bits of a logit (the unit
 * test's tolerance is far wider). */
#define WIDE NASHRA_CLONES_V4_V3

/* Eight floats: the sums kept in registers while the inputs stream by (two SSE registers in
 * the default build, one AVX register in the others). */
typedef float vec8 __attribute__((vector_size(32)));
#define LANES 8

/* An unaligned load (a macro: a function returning vec8 would differ in ABI between builds). */
#define LOAD8(v, p) memcpy(&(v), (p), sizeof(vec8))

#define PROJECT_ROWS 6 /* characters per block of the input projection */
#define PROJECT_VECS (PROJECT_STEP / LANES)
#define GATE_VECS (GATE_STEP / LANES)

/* out[j] = b[j] + x W[.][j] for the `rest` outputs left over after the blocks, W being the
 * [in][rest] tail of a matrix in panels. */
static inline void tail_product(const float *x, size_t in, const float *tail, size_t rest,
                                const float *b, float *out)
{
    for (size_t j = 0; j < rest; j++) {
        float v = b[j];
        for (size_t k = 0; k < in; k++)
            v += x[k] * tail[k * rest + j];
        out[j] = v;
    }
}

/* out[t] = b + x[t] W for n rows of in inputs: the input projection of a whole sequence,
 * PROJECT_ROWS characters by PROJECT_STEP outputs at a time, so that each panel of W is read
 * once for six characters and the sums stay in registers; the last rows go through a copy
 * padded with zeros (pad: PROJECT_ROWS * in floats). Each output is b plus the products in
 * input order, whatever the blocking. */
WIDE static void project(const float *x, size_t n, size_t in, const float *w, const float *b,
                         size_t cols, float *out, float *pad)
{
    const size_t wide = cols - cols % PROJECT_STEP, rest = cols - wide;
    const float *tail = w + wide * in; /* [in][rest] */
    for (size_t t = 0; t < n; t += PROJECT_ROWS) {
        const size_t rows = n - t < PROJECT_ROWS ? n - t : PROJECT_ROWS;
        const float *xt = x + t * in;
        if (rows < PROJECT_ROWS) {
            memcpy(pad, xt, rows * in * sizeof *pad);
            memset(pad + rows * in, 0, (PROJECT_ROWS - rows) * in * sizeof *pad);
            xt = pad;
        }
        for (size_t j0 = 0; j0 < wide; j0 += PROJECT_STEP) {
            const float *panel = w + j0 * in;
            vec8 acc[PROJECT_ROWS][PROJECT_VECS];
            for (size_t r = 0; r < PROJECT_ROWS; r++)
                for (size_t v = 0; v < PROJECT_VECS; v++)
                    LOAD8(acc[r][v], b + j0 + v * LANES);
            for (size_t k = 0; k < in; k++) {
                vec8 wv[PROJECT_VECS];
                for (size_t v = 0; v < PROJECT_VECS; v++)
                    LOAD8(wv[v], panel + k * PROJECT_STEP + v * LANES);
                for (size_t r = 0; r < PROJECT_ROWS; r++) {
                    const float xr = xt[r * in + k];
                    for (size_t v = 0; v < PROJECT_VECS; v++)
                        acc[r][v] += xr * wv[v];
                }
            }
            for (size_t r = 0; r < rows; r++)
                memcpy(out + (t + r) * cols + j0, acc[r], sizeof acc[r]);
        }
        for (size_t r = 0; r < rows; r++)
            tail_product(xt + r * in, in, tail, rest, b + wide, out + (t + r) * cols + wide);
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

/* One direction of a GRU layer over the projected inputs gi [n][3H]; writes h at column
 * offset `at` of y [n][2H]. The recurrent product h W_hh runs GATE_VECS * LANES outputs at a
 * time with the sums in registers. */
WIDE static void gru_run(const gru_dir *d, size_t hidden, const float *gi, size_t n, bool backward,
                    float *y, size_t at, float *h, float *gh)
{
    const size_t g = 3 * hidden, wide = g - g % GATE_STEP, rest = g - wide;
    const float *tail = d->w_hh + wide * hidden; /* [H][rest] */
    memset(h, 0, hidden * sizeof *h);
    for (size_t s = 0; s < n; s++) {
        size_t t = backward ? n - 1 - s : s;
        for (size_t j0 = 0; j0 < wide; j0 += GATE_STEP) {
            const float *panel = d->w_hh + j0 * hidden;
            vec8 acc[GATE_VECS];
            for (size_t v = 0; v < GATE_VECS; v++)
                LOAD8(acc[v], d->b_hh + j0 + v * LANES);
            for (size_t k = 0; k < hidden; k++) {
                const float hk = h[k];
                for (size_t v = 0; v < GATE_VECS; v++) {
                    vec8 wv;
                    LOAD8(wv, panel + k * GATE_STEP + v * LANES);
                    acc[v] += hk * wv;
                }
            }
            memcpy(gh + j0, acc, sizeof acc);
        }
        tail_product(h, hidden, tail, rest, d->b_hh + wide, gh + wide);
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
    /* x: the layer's input; y: its output; gi: one direction's projected input. */
    float *mem = malloc((2 * n * width + n * g + hd + g + PROJECT_ROWS * width) * sizeof *mem);
    if (!mem)
        return false;
    float *x = mem, *y = x + n * width, *gi = y + n * width, *h = gi + n * g, *gh = h + hd;
    float *pad = gh + g;
    for (size_t t = 0; t < n; t++) {
        const float *ce = m->char_emb + char_id(m, cps[t]) * e;
        const float *ge = m->given_emb + (given[t] < DIAC_CLASSES ? given[t] : 0) * e;
        for (size_t j = 0; j < e; j++)
            x[t * e + j] = ce[j] + ge[j];
    }
    size_t in = e;
    for (size_t l = 0; l < m->layers; l++) {
        for (int d = 0; d < 2; d++) {
            const gru_dir *gd = &m->dir[l][d];
            project(x, n, in, gd->w_ih, gd->b_ih, g, gi, pad);
            gru_run(gd, hd, gi, n, d == 1, y, d ? hd : 0, h, gh);
        }
        float *swap = x;
        x = y;
        y = swap;
        in = 2 * hd;
    }
    project(x, n, 2 * hd, m->out_w, m->out_b, DIAC_CLASSES, logits, pad);
    free(mem);
    return true;
}
