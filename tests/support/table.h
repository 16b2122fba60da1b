/* Reading UTF-8 TSV test tables: one case per line, '#' comments, escapes \n \t \\ \uXXXX. */
#ifndef NASHRA_TEST_TABLE_H
#define NASHRA_TEST_TABLE_H

#include <stddef.h>

#define TABLE_MAX_FIELDS 6

typedef struct table_row {
    char *field[TABLE_MAX_FIELDS]; /* unescaped; missing fields are "" */
    size_t nfields;
    size_t line;                   /* 1-based line in the file */
} table_row;

typedef struct table {
    table_row *rows;
    size_t count;
    char *path;
} table;

/* Loads tests/data/NAME (NASHRA_TEST_DATA is the folder). Fails the test on error. */
void table_load(table *t, const char *name);
void table_free(table *t);

/* The Arabic combining marks (U+064B..U+065F, U+0670) in UTF-8 text. */
size_t table_count_marks(const char *s);

/* Path of a file under tests/data, in a static buffer. */
const char *table_data_path(const char *name);

/* Reads a whole file into a NUL-terminated heap buffer; fails the test on error. */
char *table_read_file(const char *path, size_t *len);

/* Removes Arabic diacritics, in place (a copy of the library's rule for independence). */
void table_strip_marks(char *s);

/* Moves a vowel/tanween written before a shadda to after it, in place. */
void table_shadda_first(char *s);

#endif
