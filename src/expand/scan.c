#include "expand/scan.h"

#include <stdlib.h>

#include "common/buf.h"
#include "common/utf8.h"

/* Whether cp belongs to an Arabic word: letters, marks, tatweel. */
static bool in_arabic_word(unsigned cp)
{
    return (cp >= 0x0621 && cp <= 0x063A) || (cp >= 0x0640 && cp <= 0x065F) || cp == 0x0670 ||
           (cp >= 0x0671 && cp <= 0x06D3) || cp == 0x06D5 || (cp >= 0x0610 && cp <= 0x061A);
}

static bool is_latin(unsigned cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

static tok_kind kind_of(unsigned cp)
{
    if (cp == ' ')
        return TOK_SPACE;
    if (cp >= '0' && cp <= '9')
        return TOK_NUM;
    if (is_latin(cp))
        return TOK_LATIN;
    if (in_arabic_word(cp))
        return TOK_WORD;
    return TOK_MARK;
}

static bool push(tok_list *list, tok t)
{
    tok *items = array_grow(list->items, &list->cap, list->count, sizeof *items, 64);
    if (!items)
        return false;
    list->items = items;
    list->items[list->count++] = t;
    return true;
}

bool scan_sentence(const char *s, size_t len, tok_list *list)
{
    list->count = 0;
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned cp = utf8_decode(s + i, len - i, &n);
        tok t = {kind_of(cp), cp, i, n};
        i += n;
        if (t.kind != TOK_MARK) {
            while (i < len) {
                size_t m;
                unsigned next = utf8_decode(s + i, len - i, &m);
                if (kind_of(next) != t.kind)
                    break;
                i += m;
                t.len += m;
            }
            t.cp = 0;
        }
        if (!push(list, t))
            return false;
    }
    return true;
}

void tok_list_free(tok_list *list)
{
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}
