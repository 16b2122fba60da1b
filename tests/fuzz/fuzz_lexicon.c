/*
 * Fuzz target for pronunciation lexicon files: any bytes are read as a lexicon; a rejected
 * file must leave the lexicon empty, and an accepted one is used to prepare sentences made of
 * its own surfaces behind clitics and the article. What comes out must be valid UTF-8 with
 * brackets only around an entry's [[phonemes]].
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/utf8.h"
#include "fuzz.h"
#include "pronounce/pronounce.h"

typedef struct probe {
    buf sentence;
    size_t entries;
} probe;

static bool add_surface(void *user, const char *words, const char *spelling, const char *file,
                        size_t line)
{
    probe *p = user;
    (void)spelling;
    (void)file;
    (void)line;
    static const char *const before[] = {"", "و", "بال", "لل", "في ", "ال"};
    buf_puts(&p->sentence, before[p->entries % 6]);
    buf_puts(&p->sentence, words);
    buf_puts(&p->sentence, p->entries % 3 ? " " : "، ");
    return ++p->entries < 64;
}

static void check(const char *text, const char *input)
{
    size_t len = strlen(text);
    if (!utf8_valid(text, len, NULL))
        fuzz_fail("prepared text is not valid UTF-8", input, text);
    /* Brackets come in [[ ]] pairs only. */
    for (const char *p = text; (p = strpbrk(p, "[]"));) {
        if (p[0] == '[' && p[1] == '[') {
            const char *close = strstr(p + 2, "]]");
            if (!close || memchr(p + 2, '[', (size_t)(close - p - 2)))
                fuzz_fail("an unclosed [[ in the prepared text", input, text);
            p = close + 2;
            continue;
        }
        fuzz_fail("a stray bracket in the prepared text", input, text);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pron_lexicon *lx = pron_lexicon_create();
    if (!lx)
        return 0;
    nashra_error err = {0};
    if (pron_lexicon_add(lx, "fuzz.tsv", (const char *)data, size, &err) != NASHRA_OK) {
        if (pron_lexicon_count(lx) != 0)
            fuzz_fail("a rejected lexicon kept entries", NULL, err.message);
        pron_lexicon_destroy(lx);
        return 0;
    }
    probe p = {BUF_INIT, 0};
    pron_lexicon_each(lx, add_surface, &p);
    buf_puts(&p.sentence, "[x] نص عادي Latin");
    buf out = BUF_INIT;
    pron_options o = {.user = lx, .no_diacritize = true};
    if (pronounce_sentence(p.sentence.data, &o, &out, &err) == NASHRA_OK)
        check(out.data ? out.data : "", p.sentence.data);
    buf_free(&out);
    buf_free(&p.sentence);
    pron_lexicon_destroy(lx);
    return 0;
}
