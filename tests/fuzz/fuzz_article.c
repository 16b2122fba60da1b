/*
 * Fuzz target for the public text API: any bytes are parsed as an article (errors are fine,
 * crashes and leaks are not), and every spoken sentence of an accepted article must be valid
 * UTF-8 with no digit and none of % $ / +. The diacritizer, which has a target of its own
 * (fuzz_diacritize) and took nearly all of this one's time under the sanitizers, is off.
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
    const nashra_speech speech = {NULL, NASHRA_SPEECH_NO_DIACRITIZE};
    (void)nashra_article_speech(article, &speech, on_sentence, &count, &err);
    nashra_article_destroy(article);
    return 0;
}
