/* The text stages as the bulletin drives them (script.c), beyond the public nashra_*_speech. */
#ifndef NASHRA_BULLETIN_SCRIPT_H
#define NASHRA_BULLETIN_SCRIPT_H

#include "nashra.h"
#include "pronounce/pronounce.h"

/* A flag beyond nashra.h's NASHRA_SPEECH_*: the sentences are handed on in their spoken form,
 * before the pronunciation stage, which whoever synthesizes them then runs (the bulletin's
 * workers, so that the diacritizer runs on every core and a cached sentence skips it). */
#define SCRIPT_SPOKEN_ONLY 0x80000000u

/* The pronunciation stage's options for a speech setting (speech may be NULL). */
pron_options script_pron_options(const nashra_speech *speech);

#endif
