/* The greeting of a bulletin and the other words a rundown speaks (words.tsv). */
#ifndef NASHRA_RUNDOWN_GREETING_H
#define NASHRA_RUNDOWN_GREETING_H

/* The form of key in words.tsv, or NULL. */
const char *greeting_word(const char *key);

#endif
