#include "audio/render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/error.h"

struct audio_render {
    FILE *f;
    bool pcm16;     /* samples kept as 16-bit integers, not floats */
    int16_t *block; /* PCM16_BLOCK samples being converted, when pcm16 */
    unsigned channels;
    long long frames;
    char *dir;
    size_t room;    /* bytes in front of the samples (audio_render_leave_room) */
    off_t started;  /* the file's bytes up to here are being written to disk */
};

static FILE *stream(int fd)
{
    FILE *f = fdopen(fd, "w+b");
    if (f)
        setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

nashra_status audio_render_create(const char *dir, unsigned channels, audio_render **out,
                                  nashra_error *err)
{
    *out = NULL;
    int fd = atomic_scratch(dir);
    if (fd < 0)
        return error_set(err, NASHRA_EIO, "%s: cannot create output (a temporary file there): %s", dir,
                         strerror(errno));
    audio_render *r = calloc(1, sizeof *r);
    if (!r || !(r->f = stream(fd))) {
        free(r);
        close(fd);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    r->channels = channels;
    r->dir = strdup(dir);
    *out = r;
    return NASHRA_OK;
}

/* Samples at a time converted between floats and 16 bits: large enough that stdio passes the
 * reads straight through. */
#define PCM16_BLOCK 65536

void audio_render_keep_16_bits(audio_render *r)
{
    /* Without room to convert in, the floats are kept. */
    r->block = malloc(PCM16_BLOCK * sizeof *r->block);
    r->pcm16 = r->block != NULL;
}

static nashra_status write_failed(const audio_render *r, nashra_error *err)
{
    return error_set(err, NASHRA_EIO, "%s: cannot write a temporary file: %s",
                     r->dir ? r->dir : ".", strerror(errno));
}

static size_t sample_bytes(const audio_render *r)
{
    return r->pcm16 ? sizeof(int16_t) : sizeof(float);
}

bool audio_render_leave_room(audio_render *r, size_t room)
{
    if (r->frames || !r->dir)
        return false;
    int fd = atomic_linkable(r->dir);
    FILE *f = fd >= 0 ? stream(fd) : NULL;
    if (!f || fseeko(f, (off_t)room, SEEK_SET) != 0) {
        if (f)
            fclose(f);
        else if (fd >= 0)
            close(fd);
        return false;
    }
    fclose(r->f);
    r->f = f;
    r->room = room;
    r->started = (off_t)room;
    return true;
}

size_t audio_render_room(const audio_render *r)
{
    return r->room;
}

/* A render that is to become the output starts its bytes on their way to disk as it goes, 8 MB
 * at a time, so that the sync that puts it in place does not wait for all of them; only a
 * hint, so its failure (a file system without it) is no error. */
#define START_EVERY ((off_t)8 << 20)

/* Counts n frames written. */
static void wrote(audio_render *r, size_t n)
{
    r->frames += (long long)n;
#ifdef SYNC_FILE_RANGE_WRITE
    off_t end = (off_t)r->room + (off_t)r->frames * (off_t)(sample_bytes(r) * r->channels);
    if (r->room && end - r->started >= START_EVERY) {
        sync_file_range(fileno(r->f), r->started, end - r->started, SYNC_FILE_RANGE_WRITE);
        r->started = end;
    }
#endif
}

nashra_status audio_render_write(audio_render *r, const float *frames, size_t n,
                                 nashra_error *err)
{
    bool ok = true;
    if (!r->pcm16) {
        ok = !n || fwrite(frames, sizeof *frames * r->channels, n, r->f) == n;
    } else {
        int16_t *block = r->block;
        for (size_t at = 0, total = n * r->channels; ok && at < total; at += PCM16_BLOCK) {
            size_t k = total - at < PCM16_BLOCK ? total - at : PCM16_BLOCK;
            for (size_t i = 0; i < k; i++)
                block[i] = (int16_t)(frames[at + i] * 32768.0f);
            ok = fwrite(block, sizeof *block, k, r->f) == k;
        }
    }
    if (!ok)
        return write_failed(r, err);
    wrote(r, n);
    return NASHRA_OK;
}

nashra_status audio_render_write_16(audio_render *r, const int16_t *frames, size_t n,
                                    nashra_error *err)
{
    if (!r->pcm16)
        return error_set(err, NASHRA_EINVAL, "the render does not keep 16-bit samples");
    if (n && fwrite(frames, sizeof *frames * r->channels, n, r->f) != n)
        return write_failed(r, err);
    wrote(r, n);
    return NASHRA_OK;
}

long long audio_render_frames(const audio_render *r)
{
    return r->frames;
}

nashra_status audio_render_seek(audio_render *r, long long frame, nashra_error *err)
{
    if (fflush(r->f) != 0 ||
        fseeko(r->f, (off_t)r->room + (off_t)frame * (off_t)(sample_bytes(r) * r->channels),
               SEEK_SET) != 0)
        return error_set(err, NASHRA_EIO, "%s: cannot read a temporary file back: %s",
                         r->dir ? r->dir : ".", strerror(errno));
    return NASHRA_OK;
}

size_t audio_render_read(audio_render *r, float *frames, size_t max)
{
    if (!r->pcm16)
        return fread(frames, sizeof *frames * r->channels, max, r->f);
    int16_t *block = r->block;
    const size_t per_block = PCM16_BLOCK / r->channels;
    size_t done = 0;
    while (done < max) {
        size_t want = max - done < per_block ? max - done : per_block;
        size_t n = fread(block, sizeof *block * r->channels, want, r->f);
        float *to = frames + done * r->channels;
        for (size_t i = 0; i < n * r->channels; i++)
            to[i] = block[i] / 32768.0f;
        done += n;
        if (n < want)
            break;
    }
    return done;
}

bool audio_render_is_16_bits(const audio_render *r)
{
    return r->pcm16;
}

size_t audio_render_read_16(audio_render *r, short *frames, size_t max)
{
    return r->pcm16 ? fread(frames, sizeof *frames * r->channels, max, r->f) : 0;
}

nashra_status audio_render_place(audio_render *r, const void *head, const char *path,
                                char **tmp, nashra_error *err)
{
    *tmp = NULL;
    int fd = fileno(r->f);
    if (fflush(r->f) != 0)
        return write_failed(r, err);
    if (atomic_pwrite_all(fd, head, r->room, 0) != 0)
        return error_set(err, NASHRA_EIO, "%s: write failed: %s", path, strerror(errno));
    if (fsync(fd) != 0)
        return error_set(err, NASHRA_EIO, "%s: cannot finish file: %s", path, strerror(errno));
    /* Without a way to link it (no /proc, say), the caller copies the samples instead. */
    if (atomic_link_temp(fd, path, tmp) != 0)
        *tmp = NULL;
    return NASHRA_OK;
}

void audio_render_destroy(audio_render *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r->block);
    free(r->dir);
    free(r);
}
