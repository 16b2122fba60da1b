#include "common/utf8.h"

static size_t seq_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

unsigned utf8_decode(const char *s, size_t len, size_t *n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k = len ? seq_len(p[0]) : 0;
    if (k == 0 || k > len) {
        *n = 1;
        return 0xFFFD;
    }
    unsigned cp = k == 1 ? p[0] : k == 2 ? p[0] & 0x1Fu : k == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
    for (size_t i = 1; i < k; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *n = 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    /* Overlong three- and four-byte forms, surrogates, and values past U+10FFFF. */
    if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        *n = 1;
        return 0xFFFD;
    }
    *n = k;
    return cp;
}

bool utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned cp = utf8_decode(s + i, len - i, &n);
        if (cp == 0xFFFD && n == 1) {
            /* U+FFFD itself is valid: it is three bytes long. */
            if (bad_offset)
                *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

size_t utf8_encode(unsigned cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

unsigned utf8_decode_last(const char *s, size_t len, size_t *n)
{
    size_t start = len;
    while (start > 0 && len - start < 4) {
        start--;
        if (((unsigned char)s[start] & 0xC0) != 0x80)
            break;
    }
    return utf8_decode(s + start, len - start, n);
}

bool arabic_is_sun_letter(unsigned cp)
{
    /* ت ث د ذ ر ز س ش ص ض ط ظ ل ن */
    return (cp >= 0x062A && cp <= 0x062B) || (cp >= 0x062F && cp <= 0x0638) || cp == 0x0644 ||
           cp == 0x0646;
}

bool arabic_is_mark(unsigned cp)
{
    return (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670;
}

bool arabic_is_letter(unsigned cp)
{
    return (cp >= 0x0621 && cp <= 0x063A) || (cp >= 0x0641 && cp <= 0x064A) || cp == 0x0671;
}
