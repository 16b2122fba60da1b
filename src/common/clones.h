/*
 * Functions also built for newer x86-64 processors, one of the builds picked when the library
 * loads by what the processor has (GCC's target_clones, resolved through an ifunc). Only with
 * GCC on Linux: clang's ThreadSanitizer builds cannot run the resolvers, which come before it
 * starts, and take the plain build.
 */
#ifndef NASHRA_COMMON_CLONES_H
#define NASHRA_COMMON_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
/* AVX2 (no FMA: every build rounds as the plain one does). */
#define NASHRA_CLONES_AVX2 __attribute__((target_clones("avx2", "default")))
/* x86-64-v4 (AVX-512) and v3 (AVX2 and FMA). */
#define NASHRA_CLONES_V4_V3 \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NASHRA_CLONES_AVX2
#define NASHRA_CLONES_V4_V3
#endif

#endif
