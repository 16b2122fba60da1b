#include "audio/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

struct audio_writer {
    SNDFILE *sf;
    int fd;
    char *path;
    char *tmp;
    bool overwrite;
    long long frames;
};

/* Creates path.tmp-PID-N exclusively; fills *tmp with its name. */
static int create_temp(const char *path, char **tmp)
{
    size_t cap = strlen(path) + 64;
    char *name = malloc(cap);
    if (!name)
        return -1;
    for (unsigned n = 0; n < 1000; n++) {
        snprintf(name, cap, "%s.tmp-%ld-%u", path, (long)getpid(), n);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *tmp = name;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    int saved = errno;
    free(name);
    errno = saved;
    return -1;
}

nashra_status audio_writer_open(const char *path, int rate, bool overwrite, audio_writer **out,
                                nashra_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return error_set(err, NASHRA_EINVAL, "%s: is a directory; give a file name", path);
        if (!overwrite)
            return error_set(err, NASHRA_EEXIST,
                             "%s: file exists (use --force to overwrite it)", path);
    }
    audio_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    w->overwrite = overwrite;
    int fd = w->fd = create_temp(path, &w->tmp);
    if (fd < 0) {
        nashra_status rc = error_set(err, NASHRA_EIO, "%s: cannot create output: %s", path,
                                     strerror(errno));
        free(w->path);
        free(w);
        return rc;
    }
    SF_INFO info = {.samplerate = rate, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    w->sf = sf_open_fd(fd, SFM_WRITE, &info, SF_FALSE);
    if (!w->sf) {
        nashra_status rc =
            error_set(err, NASHRA_EAUDIO, "%s: cannot start WAV file: %s", path, sf_strerror(NULL));
        audio_writer_discard(w);
        return rc;
    }
    *out = w;
    return NASHRA_OK;
}

nashra_status audio_writer_write(audio_writer *w, const int16_t *samples, size_t n,
                                 nashra_error *err)
{
    if (!n)
        return NASHRA_OK;
    sf_count_t done = sf_write_short(w->sf, samples, (sf_count_t)n);
    if (done != (sf_count_t)n)
        return error_set(err, NASHRA_EIO, "%s: write failed: %s", w->path, sf_strerror(w->sf));
    w->frames += done;
    return NASHRA_OK;
}

nashra_status audio_writer_silence(audio_writer *w, size_t n, nashra_error *err)
{
    static const int16_t zeros[4096];
    while (n) {
        size_t k = n < 4096 ? n : 4096;
        nashra_status rc = audio_writer_write(w, zeros, k, err);
        if (rc)
            return rc;
        n -= k;
    }
    return NASHRA_OK;
}

long long audio_writer_frames(const audio_writer *w)
{
    return w->frames;
}

/* Moves tmp to path; without overwrite, never replaces a file that appeared meanwhile. */
static int place(const char *tmp, const char *path, bool overwrite)
{
    if (overwrite)
        return rename(tmp, path);
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    /* File systems without RENAME_NOREPLACE: link() also refuses to replace. */
    if (link(tmp, path) != 0)
        return -1;
    unlink(tmp);
    return 0;
}

nashra_status audio_writer_commit(audio_writer *w, nashra_error *err)
{
    nashra_status rc = NASHRA_OK;
    int sfrc = sf_close(w->sf);
    w->sf = NULL;
    /* The data must be on disk before the name points at it. */
    int syncrc = fsync(w->fd);
    int closerc = close(w->fd);
    w->fd = -1;
    if (sfrc != 0)
        rc = error_set(err, NASHRA_EIO, "%s: cannot finish file: %s", w->path,
                       sf_error_number(sfrc));
    else if (syncrc != 0 || closerc != 0)
        rc = error_set(err, NASHRA_EIO, "%s: cannot finish file: %s", w->path, strerror(errno));
    else if (place(w->tmp, w->path, w->overwrite) != 0)
        rc = error_set(err, errno == EEXIST ? NASHRA_EEXIST : NASHRA_EIO,
                       "%s: cannot move output into place: %s", w->path, strerror(errno));
    else {
        free(w->tmp);
        w->tmp = NULL;
    }
    audio_writer_discard(w);
    return rc;
}

void audio_writer_discard(audio_writer *w)
{
    if (!w)
        return;
    if (w->sf)
        sf_close(w->sf);
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp)
        unlink(w->tmp);
    free(w->tmp);
    free(w->path);
    free(w);
}
