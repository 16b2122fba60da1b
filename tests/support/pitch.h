/* A rough pitch estimate of speech, for telling voices apart in tests. */
#ifndef NASHRA_TEST_PITCH_H
#define NASHRA_TEST_PITCH_H

#include <stddef.h>
#include <stdint.h>

/* The median fundamental frequency in Hz of the voiced 40 ms frames of n samples at rate
 * (normalized autocorrelation, 60 to 400 Hz), or 0 when no frame is voiced. */
double pitch_median_hz(const int16_t *samples, size_t n, int rate);

/* The same for frames [first, last) of a mono or stereo sound file (first channel);
 * last < 0 means to the end. Fails the test if the file cannot be read. */
double pitch_of_file(const char *path, long long first, long long last);

#endif
