/* The text stages in order: an article's headline and paragraphs -> segmented sentences ->
 * spoken forms -> the espeak-ready form, handed one by one to the caller (or the spoken forms:
 * see script.h). */
#include <stdlib.h>
#include <string.h>

#include "article/article.h"
#include "bulletin/script.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/strlist.h"
#include "expand/expand.h"
#include "normalize/normalize.h"
#include "pronounce/pronounce.h"
#include "segment/segment.h"

typedef struct speaker {
    nashra_sentence_fn fn;
    void *user;
    unsigned flags;
    bool pronounce;  /* false: hand on the spoken forms */
    pron_options pron;
    buf spoken, ready;
    bool stopped;
} speaker;

static nashra_status speak_block(speaker *sp, const char *text, nashra_part part,
                                 size_t paragraph, nashra_error *err)
{
    strlist sentences = STRLIST_INIT;
    nashra_status rc = segment_text(text, &sentences, err);
    for (size_t i = 0; !rc && !sp->stopped && i < sentences.count; i++) {
        buf_clear(&sp->spoken);
        buf_clear(&sp->ready);
        if (sp->flags & NASHRA_SPEECH_NO_NUMBERS)
            rc = buf_puts(&sp->spoken, sentences.items[i])
                     ? NASHRA_OK
                     : error_set(err, NASHRA_ENOMEM, "out of memory");
        else
            rc = expand_sentence(sentences.items[i], &sp->spoken, err);
        const buf *out = &sp->spoken;
        if (!rc && sp->spoken.len && sp->pronounce) {
            rc = pronounce_sentence(sp->spoken.data, &sp->pron, &sp->ready, err);
            out = &sp->ready;
        }
        if (!rc && out->len)
            sp->stopped = sp->fn(sp->user, part, paragraph, out->data) != 0;
    }
    strlist_free(&sentences);
    return rc;
}

pron_options script_pron_options(const nashra_speech *speech)
{
    unsigned flags = speech ? speech->flags : 0;
    return (pron_options){.user = speech ? speech->lexicon : NULL,
                          .no_lexicon = (flags & NASHRA_SPEECH_NO_LEXICON) != 0,
                          .no_rewrite = (flags & NASHRA_SPEECH_NO_REWRITE) != 0,
                          .latin_english = (flags & NASHRA_SPEECH_LATIN_ENGLISH) != 0,
                          .no_diacritize = (flags & NASHRA_SPEECH_NO_DIACRITIZE) != 0,
                          .pausal_below = (flags & NASHRA_SPEECH_PAUSAL) ? 0.5f : 0,
                          .partial = PRON_PARTIAL_KEEP};
}

static speaker speaker_make(const nashra_speech *speech, bool pronounce, nashra_sentence_fn fn,
                            void *user)
{
    unsigned flags = speech ? speech->flags : 0;
    return (speaker){.fn = fn, .user = user, .flags = flags, .pronounce = pronounce,
                     .pron = script_pron_options(speech), .spoken = BUF_INIT, .ready = BUF_INIT};
}

static void speaker_free(speaker *sp)
{
    buf_free(&sp->spoken);
    buf_free(&sp->ready);
}

nashra_status script_article(const nashra_article *a, const nashra_speech *speech,
                             bool pronounce, nashra_sentence_fn fn, void *user,
                             nashra_error *err)
{
    if (!a || !fn)
        return error_set(err, NASHRA_EINVAL, "no article or callback given");
    speaker sp = speaker_make(speech, pronounce, fn, user);
    nashra_status rc = speak_block(&sp, a->headline, NASHRA_PART_HEADLINE, 0, err);
    for (size_t p = 0; !rc && !sp.stopped && p < a->paragraphs.count; p++)
        rc = speak_block(&sp, a->paragraphs.items[p], NASHRA_PART_BODY, p, err);
    speaker_free(&sp);
    return rc;
}

nashra_status nashra_article_speech(const nashra_article *a, const nashra_speech *speech,
                                    nashra_sentence_fn fn, void *user, nashra_error *err)
{
    return script_article(a, speech, true, fn, user, err);
}

nashra_status nashra_article_sentences(const nashra_article *a, nashra_sentence_fn fn,
                                       void *user, nashra_error *err)
{
    return nashra_article_speech(a, NULL, fn, user, err);
}

nashra_status nashra_text_sentences(const char *name, const char *text, nashra_sentence_fn fn,
                                    void *user, nashra_error *err)
{
    return nashra_text_speech(name, text, NULL, fn, user, err);
}

nashra_status nashra_text_speech(const char *name, const char *text, const nashra_speech *speech,
                                 nashra_sentence_fn fn, void *user, nashra_error *err)
{
    return script_text(name, text, speech, true, fn, user, err);
}

nashra_status script_text(const char *name, const char *text, const nashra_speech *speech,
                          bool pronounce, nashra_sentence_fn fn, void *user, nashra_error *err)
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
    speaker sp = speaker_make(speech, pronounce, fn, user);
    const char *p = norm.data ? norm.data : "";
    size_t paragraph = 0;
    while (!rc && !sp.stopped && *p) {
        const char *blank = strstr(p, "\n\n");
        size_t n = blank ? (size_t)(blank - p) : strlen(p);
        char *block = strndup(p, n);
        if (!block) {
            rc = error_set(err, NASHRA_ENOMEM, "out of memory");
            break;
        }
        if (strspn(block, " \t\n") < n)
            rc = speak_block(&sp, block, NASHRA_PART_BODY, paragraph++, err);
        free(block);
        p += n;
        while (*p == '\n')
            p++;
    }
    buf_free(&norm);
    speaker_free(&sp);
    return rc;
}
