/*
 * Fuzz target for feeds: any bytes are parsed as an RSS or Atom document (errors are fine,
 * crashes, leaks and hangs are not); the items of an accepted feed become articles, and every
 * spoken sentence must be valid UTF-8 with no digit and none of % $ / +. The diacritizer (see
 * fuzz_article.c) is off.
 */
#include <string.h>

#include "fuzz.h"
#include "nashra.h"

static int on_sentence(void *user, nashra_part part, size_t paragraph, const char *spoken)
{
    (void)user;
    (void)part;
    (void)paragraph;
    fuzz_check_spoken(spoken, strlen(spoken), NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nashra_feed *feed = NULL;
    nashra_error err = {0};
    if (nashra_feed_parse("fuzz", (const char *)data, size, &feed, &err) != NASHRA_OK)
        return 0;
    for (size_t i = 0; i < nashra_feed_item_count(feed); i++) {
        const char *title = nashra_feed_item_title(feed, i), *text = nashra_feed_item_text(feed, i);
        if (!title || !text || strchr(title, '\n'))
            fuzz_fail("item without title or text, or a title on two lines", NULL, title);
    }
    nashra_feed_options options;
    nashra_feed_options_init(&options);
    options.now = 1795539600; /* fixed, so that runs repeat */
    options.since = 86400;
    options.max_items = 4;
    nashra_article **articles = NULL;
    size_t count = 0;
    const nashra_speech speech = {NULL, NASHRA_SPEECH_NO_DIACRITIZE};
    if (nashra_feed_articles(feed, &options, &articles, &count, &err) == NASHRA_OK)
        for (size_t i = 0; i < count; i++)
            (void)nashra_article_speech(articles[i], &speech, on_sentence, NULL, &err);
    nashra_articles_destroy(articles, count);
    nashra_feed_destroy(feed);
    return 0;
}
