/* Reading WAV files back in tests: format, duration, and the silent stretches in them. */
#ifndef NASHRA_TEST_WAV_H
#define NASHRA_TEST_WAV_H

#include <stddef.h>

typedef struct wav_facts {
    int rate;
    int channels;
    int format;
    long long frames;
    double seconds;
    /* Lengths in milliseconds of the silent runs of at least min_silence_ms, in order. */
    double silences_ms[4096];
    size_t silence_count;
} wav_facts;

/* Reads path; fails the test if it is not a readable sound file. Samples of magnitude at or
 * under threshold count as silence. */
void wav_read_facts(const char *path, int threshold, double min_silence_ms, wav_facts *out);

/* How many silent runs are at least ms long. */
size_t wav_silences_at_least(const wav_facts *f, double ms);

#endif
