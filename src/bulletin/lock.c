/* A lock on an output: an exclusive flock on PATH.lock, so that two runs never write the same
 * bulletin. flock locks go with the open file, so the kernel releases this one when the process
 * ends, however it ends; the file itself stays (removing it would let a third run lock a new
 * file while a second still holds the old one). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bulletin/layout.h"
#include "common/atomic.h"
#include "common/error.h"
#include "nashra.h"

struct nashra_lock {
    int fd;
};

/* Removes what a run of this output killed midway left: PATH.tmp-PID-N and the same for its
 * sidecars. Only the holder of the lock writes these names, so any found now are leftovers. */
static void remove_leftovers(const char *path)
{
    enum { NAMES = 1 + META_SIDECAR_COUNT }; /* the output, then its sidecars */
    char *names[NAMES] = {NULL};
    for (int i = 0; i < NAMES; i++) {
        char *full = i ? meta_sidecar_path(path, meta_sidecar_exts[i - 1]) : strdup(path);
        if (!full)
            goto done;
        const char *slash = strrchr(full, '/');
        names[i] = strdup(slash ? slash + 1 : full);
        free(full);
        if (!names[i])
            goto done;
    }
    char *dir = atomic_dirname(path);
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        for (int i = 0; i < NAMES; i++) {
            size_t n = strlen(names[i]);
            if (strncmp(e->d_name, names[i], n) != 0 || strncmp(e->d_name + n, ".tmp-", 5) != 0)
                continue;
            char full[4096];
            struct stat st;
            if (snprintf(full, sizeof full, "%s/%s", dir, e->d_name) < (int)sizeof full &&
                lstat(full, &st) == 0 && S_ISREG(st.st_mode))
                unlink(full);
            break;
        }
    }
    if (d)
        closedir(d);
    free(dir);
done:
    for (int i = 0; i < NAMES; i++)
        free(names[i]);
}

nashra_status nashra_output_lock(const char *path, int wait, nashra_lock **out,
                                 nashra_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return error_set(err, NASHRA_EINVAL, "no output file given");
    /* A directory can never be the output: refused before its lock file is made beside it. */
    nashra_status rc = atomic_check(path, true, err);
    if (rc)
        return rc;
    size_t n = strlen(path) + 6;
    char *name = malloc(n);
    nashra_lock *lock = malloc(sizeof *lock);
    if (!name || !lock) {
        free(name);
        free(lock);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    snprintf(name, n, "%s.lock", path);
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
    remove_leftovers(path);
    return NASHRA_OK;
}

void nashra_output_unlock(nashra_lock *lock)
{
    if (!lock)
        return;
    close(lock->fd);
    free(lock);
}
