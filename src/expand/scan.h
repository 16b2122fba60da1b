/*
 * Splits a normalized sentence into tokens for the spoken-form rules: runs of spaces, runs of
 * Arabic letters (with their marks), runs of Latin letters, runs of ASCII digits, and single
 * other code points (punctuation and symbols). Digits break words, so "ب100" is a word and a
 * number and "2015م" a number and a word; the rules decide what glued tokens mean.
 */
#ifndef NASHRA_EXPAND_SCAN_H
#define NASHRA_EXPAND_SCAN_H

#include <stdbool.h>
#include <stddef.h>

typedef enum tok_kind {
    TOK_SPACE,
    TOK_WORD,  /* Arabic letters and marks */
    TOK_LATIN, /* ASCII letters */
    TOK_NUM,   /* ASCII digits */
    TOK_MARK   /* one other code point, in cp */
} tok_kind;

typedef struct tok {
    tok_kind kind;
    unsigned cp;  /* TOK_MARK: the code point */
    size_t start; /* byte offset in the sentence */
    size_t len;   /* bytes */
} tok;

typedef struct tok_list {
    tok *items;
    size_t count;
    size_t cap;
} tok_list;

/* Tokenizes s[0..len) into list (emptied first). Returns false when memory runs out. */
bool scan_sentence(const char *s, size_t len, tok_list *list);

void tok_list_free(tok_list *list);

#endif
