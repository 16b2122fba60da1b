/* A lock on an output: an exclusive flock on PATH.lock, so that two runs never write the same
 * bulletin. flock locks go with the open file, so the kernel releases this one when the process
 * ends, however it ends; the file itself stays (removing it would let a third run lock a new
 * file while a second still holds the old one). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/error.h"
#include "nashra.h"

struct nashra_lock {
    int fd;
};

nashra_status nashra_output_lock(const char *path, int wait, nashra_lock **out,
                                 nashra_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return error_set(err, NASHRA_EINVAL, "no output file given");
    size_t n = strlen(path) + 6;
    char *name = malloc(n);
    nashra_lock *lock = malloc(sizeof *lock);
    if (!name || !lock) {
        free(name);
        free(lock);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    snprintf(name, n, "%s.lock", path);
    nashra_status rc = NASHRA_OK;
    int fd = open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        rc = error_set(err, NASHRA_EIO, "%s: cannot create output: %s (its lock file %s)", path,
                       strerror(errno), name);
    } else {
        int r;
        while ((r = flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) != 0 && errno == EINTR)
            ;
        if (r != 0 && errno == EWOULDBLOCK)
            rc = error_set(err, NASHRA_EBUSY, "another nashra run is writing %s (locked through "
                           "%s)", path, name);
        else if (r != 0)
            rc = error_set(err, NASHRA_EIO, "%s: cannot lock: %s", name, strerror(errno));
    }
    free(name);
    if (rc) {
        if (fd >= 0)
            close(fd);
        free(lock);
        return rc;
    }
    lock->fd = fd;
    *out = lock;
    return NASHRA_OK;
}

void nashra_output_unlock(nashra_lock *lock)
{
    if (!lock)
        return;
    close(lock->fd);
    free(lock);
}
