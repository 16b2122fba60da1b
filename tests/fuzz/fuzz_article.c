/*
 * Fuzz target for the public text API: any bytes are parsed as an article (errors are fine,
 * crashes and leaks are not), and every spoken sentence of an accepted article must be valid
 * UTF-8 with no digit and none of % $ / +.
 */
#include <string.h>

#include "fuzz.h"
#include "nashra.h"

static int on_sentence(void *user, nashra_part part, size_t paragraph, const char *spoken)
{
    (void)part;
    (void)paragraph;
    size_t *count = user;
    (*count)++;
    fuzz_check_spoken(spoken, strlen(spoken), NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nashra_article *article = NULL;
    nashra_error err = {0};
    if (nashra_article_parse("fuzz", (const char *)data, size, &article, &err) != NASHRA_OK)
        return 0;
    size_t count = 0;
    (void)nashra_article_sentences(article, on_sentence, &count, &err);
    nashra_article_destroy(article);
    return 0;
}
