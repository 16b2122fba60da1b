/* The lexicon files compiled into the library (generated from voices/lexicon/ by the build). */
#ifndef NASHRA_PRONOUNCE_FILES_H
#define NASHRA_PRONOUNCE_FILES_H

#include <stdbool.h>

#include "common/data.h"

typedef struct lexicon_file {
    const char *name; /* voices/lexicon/NAME.tsv or voices/lexicon/words/NAME.tsv */
    const data_blob *blob;
    bool words; /* ordinary words (words/), used only with the diacritizer off */
} lexicon_file;

/* The words' files, then the names', each in name order; ended by a row of NULLs. */
extern const lexicon_file nashra_lexicon_files[];

#endif
