#include "normalize/normalize.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "common/error.h"
#include "common/utf8.h"

#define SHADDA 0x0651

int normalize_is_diacritic(unsigned cp)
{
    return cp >= 0x064B && cp <= 0x0652;
}

static int is_presentation_form(UChar32 c)
{
    return (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF);
}

static int is_removed(UChar32 c)
{
    if (c == 0x0640) /* tatweel */
        return 1;
    if (c == '\r')
        return 1;
    /* Format characters: ZWSP..RLM, bidi embeddings and isolates, ALM, BOM, soft hyphen. */
    return u_charType(c) == U_FORMAT_CHAR;
}

static int is_thin_space(UChar32 c)
{
    return c == 0x2009 || c == 0x202F || c == 0x200A;
}

/* The code point before/after position i in s[0..n), or 0. */
static UChar32 prev_cp(const UChar *s, int32_t i)
{
    if (i <= 0)
        return 0;
    UChar32 c;
    U16_PREV(s, 0, i, c);
    return c;
}

static UChar32 next_cp(const UChar *s, int32_t i, int32_t n)
{
    if (i >= n)
        return 0;
    UChar32 c;
    U16_NEXT(s, i, n, c);
    return c;
}

static int is_eastern_digit(UChar32 c)
{
    return (c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9);
}

/* A '.' between Eastern Arabic digits followed by exactly three of them groups thousands
 * (١٢.٥٠٠ is twelve thousand five hundred); elsewhere '.' is the decimal point. */
static int is_eastern_grouping_dot(const UChar *in, int32_t start, int32_t end, int32_t n)
{
    if (!is_eastern_digit(prev_cp(in, start)))
        return 0;
    int32_t i = end;
    for (int k = 0; k < 3; k++) {
        UChar32 c = next_cp(in, i, n);
        if (!is_eastern_digit(c))
            return 0;
        i += U16_LENGTH(c);
    }
    return !u_isdigit(next_cp(in, i, n));
}

/* Maps one code point; returns the replacement, or -1 to drop it. in is the NFC text. */
static UChar32 map_cp(UChar32 c, const UChar *in, int32_t start, int32_t end, int32_t n)
{
    if (is_removed(c))
        return -1;
    switch (c) {
    case '.': return is_eastern_grouping_dot(in, start, end, n) ? ',' : '.';
    case 0x066B: return '.'; /* Arabic decimal separator */
    case 0x066C: return ','; /* Arabic thousands separator */
    case 0x066A: return '%'; /* Arabic percent sign */
    case 0x2212: return '-'; /* minus sign */
    case 0x2013: return '-'; /* en dash, as in ranges and scores */
    case 0x2028:
    case 0x2029: return '\n';
    case '\t':
    case '\v':
    case '\f': return ' ';
    default: break;
    }
    if (u_isdigit(c))
        return '0' + u_charDigitValue(c);
    if (is_thin_space(c) && u_isdigit(prev_cp(in, start)) && u_isdigit(next_cp(in, end, n)))
        return -1;
    if (c != '\n' && u_isWhitespace(c))
        return ' ';
    if (u_charType(c) == U_SPACE_SEPARATOR)
        return ' ';
    return c;
}

nashra_status normalize_text(const char *text, size_t len, buf *out, nashra_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    if (len > INT32_MAX / 2)
        return error_set(err, NASHRA_EINPUT, "text too large to normalize");
    u_strFromUTF8(NULL, 0, &ulen, text, (int32_t)len, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return error_set(err, NASHRA_ETEXT, "cannot convert text: %s", u_errorName(st));
    st = U_ZERO_ERROR;

    UChar *u = malloc(((size_t)ulen + 1) * sizeof *u);
    UChar *folded = NULL, *nfc = NULL;
    nashra_status rc = NASHRA_ENOMEM;
    if (!u)
        goto fail;
    u_strFromUTF8(u, ulen + 1, NULL, text, (int32_t)len, &st);
    if (U_FAILURE(st))
        goto icu_fail;

    /* Presentation forms (text copied from PDFs) fold to letters through NFKC; everything else
     * only through NFC, so that fractions, superscripts and the like stay what they are. */
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    const UNormalizer2 *nfcn = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st))
        goto icu_fail;
    folded = malloc(((size_t)ulen * 4 + 1) * sizeof *folded);
    if (!folded)
        goto fail;
    int32_t flen = 0;
    for (int32_t i = 0; i < ulen;) {
        UChar32 c;
        int32_t start = i;
        U16_NEXT(u, i, ulen, c);
        if (is_presentation_form(c) && c != 0xFEFF) {
            UChar dec[16];
            int32_t dn = unorm2_normalize(nfkc, u + start, i - start, dec, 16, &st);
            if (U_FAILURE(st) || dn > 4) {
                st = U_ZERO_ERROR;
                memcpy(folded + flen, u + start, (size_t)(i - start) * sizeof *u);
                flen += i - start;
            } else {
                memcpy(folded + flen, dec, (size_t)dn * sizeof *dec);
                flen += dn;
            }
        } else {
            memcpy(folded + flen, u + start, (size_t)(i - start) * sizeof *u);
            flen += i - start;
        }
    }

    int32_t cap = flen * 3 + 16;
    nfc = malloc((size_t)cap * sizeof *nfc);
    if (!nfc)
        goto fail;
    int32_t nlen = unorm2_normalize(nfcn, folded, flen, nfc, cap, &st);
    if (U_FAILURE(st))
        goto icu_fail;

    /* Map, holding back a vowel until we see whether a shadda follows it on the same letter. */
    UChar32 pending_vowel = 0;
    for (int32_t i = 0; i < nlen;) {
        UChar32 c;
        int32_t start = i;
        U16_NEXT(nfc, i, nlen, c);
        UChar32 m = map_cp(c, nfc, start, i, nlen);
        if (m < 0)
            continue;
        if (pending_vowel && m == SHADDA) {
            if (!buf_put_cp(out, SHADDA) || !buf_put_cp(out, (unsigned)pending_vowel))
                goto fail;
            pending_vowel = 0;
            continue;
        }
        if (pending_vowel && !buf_put_cp(out, (unsigned)pending_vowel))
            goto fail;
        pending_vowel = 0;
        if (m >= 0x064B && m <= 0x0650)
            pending_vowel = m;
        else if (!buf_put_cp(out, (unsigned)m))
            goto fail;
    }
    if (pending_vowel && !buf_put_cp(out, (unsigned)pending_vowel))
        goto fail;
    free(u);
    free(folded);
    free(nfc);
    return NASHRA_OK;

icu_fail:
    rc = error_set(err, NASHRA_ETEXT, "Unicode normalization failed: %s", u_errorName(st));
    goto cleanup;
fail:
    rc = error_set(err, NASHRA_ENOMEM, "out of memory while normalizing text");
cleanup:
    free(u);
    free(folded);
    free(nfc);
    return rc;
}

void nashra_strip_diacritics(char *s)
{
    char *w = s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned cp = utf8_decode(s + i, len - i, &n);
        if (!normalize_is_diacritic(cp) && cp != 0x0670) {
            memmove(w, s + i, n);
            w += n;
        }
        i += n;
    }
    *w = '\0';
}
