/* Shared by the fuzz targets and their replay driver. */
#ifndef NASHRA_FUZZ_H
#define NASHRA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point each target defines. Returns 0; aborts on a broken invariant. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Checks a spoken sentence: valid UTF-8, no ASCII digit, and none of the symbols that the
 * synthesizer reads in English or drops (% $ / +). Prints what broke and aborts otherwise.
 * input (may be NULL) is the text the sentence came from, shown in the report.
 */
void fuzz_check_spoken(const char *spoken, size_t len, const char *input);

/* A NUL-terminated copy of size bytes of data (which need not be terminated: strndup would
 * read past its end under strict string checks); aborts when memory runs out. */
char *fuzz_copy(const uint8_t *data, size_t size);

/* Prints a broken invariant with the input and output, and aborts. */
void fuzz_fail(const char *what, const char *input, const char *spoken);

#endif
