/*
 * The word tables of the spoken-form stage, indexed for lookup by their first one or two
 * fields. Keys are compared without diacritics and tatweel, so a table may write them either
 * way and a text word matches whatever marks its writer gave.
 *
 *   context.tsv        KIND<TAB>WORD[<TAB>...]   case governors, verbs, ordinal nouns, topics
 *   nouns.tsv          WORD<TAB>m|f               gender of counted nouns
 *   units.tsv          unit|symbol|minor<TAB>KEY<TAB>...
 *   months.tsv         NAME<TAB>NUMBER<TAB>g|h|w<TAB>FORM<TAB>GENITIVE FORM
 *   abbreviations.tsv  ABBR<TAB>WHEN<TAB>FORM, and letter|symbol<TAB>KEY<TAB>FORM
 */
#ifndef NASHRA_EXPAND_LEXICON_H
#define NASHRA_EXPAND_LEXICON_H

#include <stdbool.h>
#include <stddef.h>

#include "common/data.h"

typedef enum lex_table {
    LEX_CONTEXT,
    LEX_NOUNS,
    LEX_UNITS,
    LEX_MONTHS,
    LEX_ABBREVIATIONS,
    LEX_TABLES
} lex_table;

/* The first row of table whose first field is key0 and, when key1 is not NULL, whose second
 * field is key1. Keys are given normalized (as lex_key makes them; ASCII keys already are).
 * NULL when there is none or the table could not be loaded. */
const data_row *lex_find(lex_table table, const char *key0, const char *key1);

/* The same with key1 given as text[0..len), normalized first. */
const data_row *lex_find_text(lex_table table, const char *key0, const char *text, size_t len);

/* The whole table, rows in file order (NULL if it could not be loaded). */
const data_table *lex_rows(lex_table table);

/* Copies s[0..len) into out (cap bytes) without Arabic marks, tatweel or dagger alif, and with
 * the hamza forms of alif left as written. Returns the length, truncated to fit. */
size_t lex_key(const char *s, size_t len, char *out, size_t cap);

#endif
