/*
 * Fuzz target for rundowns: any bytes are parsed as a rundown (errors are fine, crashes and
 * leaks are not). Every error must be one line that names the file with a line and column.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "nashra.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nashra_rundown *rundown = NULL;
    nashra_error err = {0};
    /* Relative paths are looked up in a folder that does not exist: nothing is read. */
    nashra_status st = nashra_rundown_parse("fuzz.json", "/nonexistent-fuzz", (const char *)data,
                                            size, &rundown, &err);
    if (st == NASHRA_OK) {
        for (size_t i = 0; i < nashra_rundown_item_count(rundown); i++)
            if (!nashra_rundown_item_kind(rundown, i))
                fuzz_fail("an item without a kind", NULL, NULL);
        nashra_rundown_destroy(rundown);
        return 0;
    }
    int line = 0, column = 0;
    if (st == NASHRA_EINPUT &&
        (sscanf(err.message, "fuzz.json:%d:%d: ", &line, &column) != 2 || line < 1 ||
         column < 1 || strchr(err.message, '\n')))
        fuzz_fail("an error without its place", NULL, err.message);
    return 0;
}
