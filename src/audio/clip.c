#include "audio/clip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int16_t *clip_extend(clip *c, size_t n)
{
    if (n > SIZE_MAX / sizeof *c->samples / 2 - c->len)
        return NULL;
    if (c->len + n > c->cap) {
        size_t cap = c->cap ? c->cap : 16384;
        while (cap < c->len + n)
            cap *= 2;
        int16_t *p = realloc(c->samples, cap * sizeof *p);
        if (!p)
            return NULL;
        c->samples = p;
        c->cap = cap;
    }
    c->len += n;
    return c->samples + c->len - n;
}

bool clip_append(clip *c, const int16_t *samples, size_t n)
{
    if (!n)
        return true;
    int16_t *to = clip_extend(c, n);
    if (to)
        memcpy(to, samples, n * sizeof *samples);
    return to != NULL;
}

void clip_clear(clip *c)
{
    c->len = 0;
    c->measure.granule = c->measure.count = 0;
}

void clip_free(clip *c)
{
    free(c->samples);
    free(c->measure.energy);
    *c = (clip)CLIP_INIT;
}

bool clip_measure_resize(clip_measure *m, size_t count)
{
    if (count > m->cap) {
        if (count > SIZE_MAX / sizeof *m->energy)
            return false;
        double *p = realloc(m->energy, count * sizeof *p);
        if (!p)
            return false;
        m->energy = p;
        m->cap = count;
    }
    m->count = count;
    return true;
}

static int magnitude(int16_t s)
{
    return s < 0 ? -(int)s : s;
}

void clip_audible(const clip *c, int threshold, size_t margin, size_t *start, size_t *end)
{
    size_t first = 0, last = c->len;
    while (first < c->len && magnitude(c->samples[first]) <= threshold)
        first++;
    if (first == c->len) {
        *start = *end = 0;
        return;
    }
    while (last > first && magnitude(c->samples[last - 1]) <= threshold)
        last--;
    *start = first > margin ? first - margin : 0;
    *end = c->len - last > margin ? last + margin : c->len;
}
