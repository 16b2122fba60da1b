/*
 * Fuzz target for voice profiles: any bytes are parsed as a profile file. A rejected file
 * must give a one-line error naming the file; an accepted one must hold only values inside the
 * documented ranges, NUL-terminated strings, and a voice name.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "voice/voice.h"

static bool in(int v, int lo, int hi)
{
    return v >= lo && v <= hi;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nashra_voice v;
    nashra_error err = {0};
    memset(&v, 0x5A, sizeof v); /* whatever the parser leaves unset shows */
    char *input = fuzz_copy(data, size);
    if (voice_profile_parse("fuzz.voice", "fuzz", (const char *)data, size, &v, &err) !=
        NASHRA_OK) {
        if (!strstr(err.message, "fuzz.voice") || strchr(err.message, '\n'))
            fuzz_fail("a profile error must be one line naming the file", input, err.message);
        free(input);
        return 0;
    }
    if (!memchr(v.name, '\0', sizeof v.name) || !memchr(v.description, '\0', sizeof v.description) ||
        !memchr(v.voice, '\0', sizeof v.voice) || !memchr(v.variant, '\0', sizeof v.variant))
        fuzz_fail("a profile string is not terminated", input, "");
    if (!v.voice[0])
        fuzz_fail("an accepted profile has no voice", input, "");
    if (!in(v.rate, 80, 450) || !in(v.pitch, 0, 100) || !in(v.range, 0, 100) ||
        !in(v.word_gap, 0, 50) || !in(v.headline_pause_ms, 0, 60000) ||
        !in(v.sentence_pause_ms, 0, 60000) || !in(v.paragraph_pause_ms, 0, 60000) ||
        !in(v.story_pause_ms, 0, 60000))
        fuzz_fail("an accepted profile holds a value out of range", input, v.voice);
    free(input);
    return 0;
}
