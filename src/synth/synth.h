/*
 * Speech synthesis with libespeak-ng, in process, synchronous, one call per sentence.
 * The only module that includes espeak-ng headers.
 *
 * libespeak-ng keeps process-global state and is not thread-safe: one engine per process,
 * initialized once; synth_shutdown ends it for good (a second initialization hangs in 1.51).
 */
#ifndef NASHRA_SYNTH_H
#define NASHRA_SYNTH_H

#include "audio/clip.h"
#include "common/buf.h"
#include "nashra.h"

typedef struct synth_params {
    const char *voice; /* "ar" or "ar+variant" */
    int rate;          /* espeakRATE, 80..450 */
    int pitch;         /* espeakPITCH, 0..100 */
    int range;         /* espeakRANGE, 0..100 */
    int word_gap;      /* espeakWORDGAP, 10 ms units */
} synth_params;

/* Initializes the engine if needed, on nashra's private data directory (see datadir.h), and
 * selects voice and parameters. The voice is set only when it differs from the one set last
 * (setting one allocates memory in espeak-ng that only producing audio frees). Checks that
 * the voice and its variant really exist and that espeak-ng took the variant (it silently
 * ignores unknown ones). */
nashra_status synth_setup(const synth_params *params, nashra_error *err);

/* The engine's output rate in Hz (after synth_setup). */
int synth_sample_rate(void);

/* Synthesizes one sentence of valid UTF-8 (as the pronunciation stage leaves it: diacritics in
 * espeak-ng's forms, [[phonemes]] only from lexicons), written in the spellings espeak-ng
 * needs (pronounce_espeak), and appends its samples to out. */
nashra_status synth_say(const char *text, clip *out, nashra_error *err);

/* Appends espeak-ng's phoneme mnemonics for text (valid UTF-8), clause by clause separated by
 * spaces, as the selected voice would speak it (after synth_setup). Words are separated by
 * spaces; sep, when not 0, is put between the phonemes of a word. No audio is made. */
nashra_status synth_phonemes(const char *text, char sep, buf *out, nashra_error *err);

/* The same for text handed to espeak-ng exactly as written, without the spellings
 * pronounce_espeak makes for it (to measure what they bring). */
nashra_status synth_phonemes_as_written(const char *text, char sep, buf *out, nashra_error *err);

/* Checks a voice name: at most 32 characters of [A-Za-z0-9_-/] with one optional "+variant". */
bool synth_voice_name_ok(const char *name);

/* The data directory espeak-ng reads, as it reports it (after synth_setup). */
const char *synth_data_path(void);

/* What espeak-ng reports of its current voice: its identifier ("sem/ar+nashra-m", with the
 * variant only when one was loaded) and gender (0 none, 1 male, 2 female). */
void synth_current_voice(const char **identifier, int *gender);

/* espeak-ng's version, e.g. "1.51" (after synth_setup). */
const char *synth_version(void);

void synth_shutdown(void);

#endif
