#include "article/cleanup.h"

#include <string.h>

#include "common/data.h"
#include "common/utf8.h"
#include "normalize/normalize.h"

extern const data_blob nashra_data_boilerplate;
static data_once boilerplate_once = DATA_ONCE_INIT;

#define WAW 0x0648

static bool is_closing(unsigned cp)
{
    switch (cp) {
    case 0x060C: /* ، */
    case 0x061B: /* ؛ */
    case 0x061F: /* ؟ */
    case 0x00BB: /* » */
    case 0x201D: /* ” */
    case 0x2019: /* ’ */
    case '.':
    case ',':
    case ':':
    case ';':
    case '!':
    case '?':
    case ')':
    case ']':
        return true;
    default:
        return false;
    }
}

static bool is_opening(unsigned cp)
{
    return cp == 0x00AB || cp == 0x201C || cp == 0x2018 || cp == '(' || cp == '[';
}

/* Arabic letters (not marks, digits or punctuation). */
static bool is_arabic_letter(unsigned cp)
{
    return (cp >= 0x0621 && cp <= 0x063A) || (cp >= 0x0641 && cp <= 0x064A) ||
           (cp >= 0x0671 && cp <= 0x06D3);
}

bool cleanup_line(const char *line, size_t len, buf *out)
{
    size_t start = out->len;
    bool space = false; /* a space is pending */
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned cp = utf8_decode(line + i, len - i, &n);
        if (cp == ' ' || cp == '\t') {
            space = out->len > start;
            i += n;
            continue;
        }
        if (space) {
            size_t pn = 0;
            unsigned prev = utf8_decode_last(out->data + start, out->len - start, &pn);
            bool drop = is_closing(cp) || is_opening(prev);
            /* "و أعلنت" -> "وأعلنت": a lone conjunction belongs to the next word. */
            if (prev == WAW && is_arabic_letter(cp)) {
                size_t before = out->len - pn;
                size_t bn = 0;
                unsigned b = before > start
                                 ? utf8_decode_last(out->data + start, before - start, &bn)
                                 : ' ';
                if (b == ' ' || is_opening(b))
                    drop = true;
            }
            if (!drop && !buf_putc(out, ' '))
                return false;
            space = false;
        }
        if (!buf_append(out, line + i, n))
            return false;
        i += n;
    }
    return true;
}

/* Copies s without diacritics and with إ/أ/آ at the start folded to ا, for matching. */
static void match_key(const char *s, char *key, size_t cap)
{
    size_t len = strlen(s), w = 0;
    bool first = true;
    for (size_t i = 0; i < len && w + 4 < cap;) {
        size_t n;
        unsigned cp = utf8_decode(s + i, len - i, &n);
        i += n;
        if (normalize_is_diacritic(cp))
            continue;
        if (first && (cp == 0x0622 || cp == 0x0623 || cp == 0x0625))
            cp = 0x0627;
        first = cp == ' ';
        w += utf8_encode(cp, key + w);
    }
    key[w] = '\0';
}

bool cleanup_is_boilerplate(const char *line)
{
    const data_table *t = data_once_get(&boilerplate_once, &nashra_data_boilerplate);
    if (!t)
        return false;
    char key[256], pat[256];
    match_key(line, key, sizeof key);
    size_t klen = strlen(key);
    for (size_t i = 0; i < t->count; i++) {
        const data_row *row = &t->rows[i];
        match_key(row->field[1], pat, sizeof pat);
        size_t plen = strlen(pat);
        if (strcmp(row->field[0], "exact") == 0) {
            /* Allow trailing punctuation such as "شارك:". */
            if (klen >= plen && memcmp(key, pat, plen) == 0 &&
                strspn(key + plen, " :.-|") == klen - plen)
                return true;
        } else if (klen >= plen && memcmp(key, pat, plen) == 0) {
            char next = key[plen];
            if (next == '\0' || next == ' ' || next == ':' || next == '-')
                return true;
        }
    }
    return false;
}

bool cleanup_is_caption_like(const char *line)
{
    size_t len = strlen(line), words = 1;
    if (!len)
        return false;
    for (size_t i = 0; i < len; i++)
        words += line[i] == ' ';
    size_t n;
    unsigned last = utf8_decode_last(line, len, &n);
    bool stop = last == '.' || last == '!' || last == '?' || last == 0x061F;
    return words <= 15 && !stop;
}
