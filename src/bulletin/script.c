/* The text stages in order: an article's headline and paragraphs -> segmented sentences ->
 * spoken forms, handed one by one to the caller. */
#include <stdlib.h>

#include "article/article.h"
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
