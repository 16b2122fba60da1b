/* The text stages in order: an article's headline and paragraphs -> segmented sentences ->
 * spoken forms, handed one by one to the caller. */
#include <stdlib.h>

#include <string.h>

#include "article/article.h"
#include "normalize/normalize.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/strlist.h"
#include "expand/expand.h"
#include "segment/segment.h"

static nashra_status speak_block(const char *text, nashra_part part, size_t paragraph,
                                 nashra_sentence_fn fn, void *user, bool *stopped,
                                 nashra_error *err)
{
    strlist sentences = STRLIST_INIT;
    buf spoken = BUF_INIT;
    nashra_status rc = segment_text(text, &sentences, err);
    for (size_t i = 0; !rc && !*stopped && i < sentences.count; i++) {
        buf_clear(&spoken);
        rc = expand_sentence(sentences.items[i], &spoken, err);
        if (!rc && spoken.len)
            *stopped = fn(user, part, paragraph, spoken.data) != 0;
    }
    buf_free(&spoken);
    strlist_free(&sentences);
    return rc;
}

nashra_status nashra_article_sentences(const nashra_article *a, nashra_sentence_fn fn,
                                       void *user, nashra_error *err)
{
    if (!a || !fn)
        return error_set(err, NASHRA_EINVAL, "no article or callback given");
    bool stopped = false;
    nashra_status rc = speak_block(a->headline, NASHRA_PART_HEADLINE, 0, fn, user, &stopped, err);
    for (size_t p = 0; !rc && !stopped && p < a->paragraphs.count; p++)
        rc = speak_block(a->paragraphs.items[p], NASHRA_PART_BODY, p, fn, user, &stopped, err);
    return rc;
}

nashra_status nashra_text_sentences(const char *name, const char *text, nashra_sentence_fn fn,
                                    void *user, nashra_error *err)
{
    if (!text || !fn)
        return error_set(err, NASHRA_EINVAL, "no text or callback given");
    if (!name)
        name = "<text>";
    size_t len = strlen(text);
    if (len > NASHRA_ARTICLE_MAX_BYTES)
        return error_set(err, NASHRA_EINPUT, "%s: text larger than %u MiB", name,
                         NASHRA_ARTICLE_MAX_BYTES / (1024u * 1024u));
    nashra_status rc = article_check_bytes(name, text, len, err);
    buf norm = BUF_INIT;
    if (!rc)
        rc = normalize_text(text, len, &norm, err);
    /* Paragraphs are separated by blank lines; a line break inside one ends a sentence. */
    bool stopped = false;
    const char *p = norm.data ? norm.data : "";
    size_t paragraph = 0;
    while (!rc && !stopped && *p) {
        const char *blank = strstr(p, "\n\n");
        size_t n = blank ? (size_t)(blank - p) : strlen(p);
        char *block = strndup(p, n);
        if (!block) {
            rc = error_set(err, NASHRA_ENOMEM, "out of memory");
            break;
        }
        if (strspn(block, " \t\n") < n)
            rc = speak_block(block, NASHRA_PART_BODY, paragraph++, fn, user, &stopped, err);
        free(block);
        p += n;
        while (*p == '\n')
            p++;
    }
    buf_free(&norm);
    return rc;
}
