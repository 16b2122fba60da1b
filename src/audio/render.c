#include "audio/render.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/error.h"

struct audio_render {
    FILE *f;
    unsigned channels;
    long long frames;
    char *dir;
};

nashra_status audio_render_create(const char *dir, unsigned channels, audio_render **out,
                                  nashra_error *err)
{
    *out = NULL;
    int fd = atomic_scratch(dir);
    if (fd < 0)
        return error_set(err, NASHRA_EIO, "%s: cannot create output (a temporary file there): %s", dir,
                         strerror(errno));
    audio_render *r = calloc(1, sizeof *r);
    if (!r || !(r->f = fdopen(fd, "w+b"))) {
        free(r);
        close(fd);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    setvbuf(r->f, NULL, _IOFBF, 1 << 20);
    r->channels = channels;
    r->dir = strdup(dir);
    *out = r;
    return NASHRA_OK;
}

nashra_status audio_render_write(audio_render *r, const float *frames, size_t n,
                                 nashra_error *err)
{
    if (n && fwrite(frames, sizeof *frames * r->channels, n, r->f) != n)
        return error_set(err, NASHRA_EIO, "%s: cannot write a temporary file: %s",
                         r->dir ? r->dir : ".", strerror(errno));
    r->frames += (long long)n;
    return NASHRA_OK;
}

long long audio_render_frames(const audio_render *r)
{
    return r->frames;
}

nashra_status audio_render_seek(audio_render *r, long long frame, nashra_error *err)
{
    if (fflush(r->f) != 0 ||
        fseeko(r->f, (off_t)frame * (off_t)(sizeof(float) * r->channels), SEEK_SET) != 0)
        return error_set(err, NASHRA_EIO, "%s: cannot read a temporary file back: %s",
                         r->dir ? r->dir : ".", strerror(errno));
    return NASHRA_OK;
}

size_t audio_render_read(audio_render *r, float *frames, size_t max)
{
    return fread(frames, sizeof *frames * r->channels, max, r->f);
}

void audio_render_destroy(audio_render *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r->dir);
    free(r);
}
