/* The invariants every spoken sentence keeps, whatever the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "fuzz.h"

void fuzz_fail(const char *what, const char *input, const char *spoken)
{
    fprintf(stderr, "fuzz: %s\n", what);
    if (input)
        fprintf(stderr, "  input:  '%s'\n", input);
    fprintf(stderr, "  spoken: '%s'\n", spoken ? spoken : "");
    abort();
}

void fuzz_check_spoken(const char *spoken, size_t len, const char *input)
{
    if (!utf8_valid(spoken, len, NULL))
        fuzz_fail("spoken text is not valid UTF-8", input, spoken);
    if (memchr(spoken, '\0', len))
        fuzz_fail("spoken text holds a NUL byte", input, spoken);
    for (size_t i = 0; i < len; i++) {
        char c = spoken[i];
        if (c >= '0' && c <= '9')
            fuzz_fail("a digit reached the spoken text", input, spoken);
        if (strchr("%$/+", c))
            fuzz_fail("a symbol the synthesizer misreads reached the spoken text", input, spoken);
    }
}

char *fuzz_copy(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}
