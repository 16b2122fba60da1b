/* Little-endian integers in byte buffers, whatever the host's byte order: the sentence cache's
 * entries, WAV chunks, the diacritizer's weights file. */
#ifndef NASHRA_COMMON_LE_H
#define NASHRA_COMMON_LE_H

#include <stdint.h>

static inline void le_put32(void *at, uint32_t v)
{
    unsigned char *p = at;
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline void le_put64(void *at, uint64_t v)
{
    unsigned char *p = at;
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t le_get32(const void *at)
{
    const unsigned char *p = at;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le_get64(const void *at)
{
    const unsigned char *p = at;
    return (uint64_t)le_get32(p) | (uint64_t)le_get32(p + 4) << 32;
}

#endif
