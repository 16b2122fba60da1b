#include "common/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

nashra_status atomic_check(const char *path, bool overwrite, nashra_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return error_set(err, NASHRA_EINVAL, "%s: is a directory; give a file name", path);
        if (!overwrite)
            return error_set(err, NASHRA_EEXIST,
                             "%s: file exists (use --force to overwrite it)", path);
    }
    return NASHRA_OK;
}

/* Makes a file under the first free name PATH.tmp-PID-N: make(name, ctx) creates it, returning
 * a value >= 0, or -1 with errno set (EEXIST: that name is taken, try the next). *tmp (malloc'd)
 * receives the name. Returns make's value, or -1 with errno set. */
static int claim_temp_name(const char *path, char **tmp, int (*make)(const char *, void *),
                           void *ctx)
{
    size_t cap = strlen(path) + 64;
    char *name = malloc(cap);
    if (!name)
        return -1;
    for (unsigned n = 0; n < 1000; n++) {
        snprintf(name, cap, "%s.tmp-%ld-%u", path, (long)getpid(), n);
        int rc = make(name, ctx);
        if (rc >= 0) {
            *tmp = name;
            return rc;
        }
        if (errno != EEXIST)
            break;
    }
    int saved = errno;
    free(name);
    errno = saved;
    return -1;
}

static int create_new(const char *name, void *ctx)
{
    (void)ctx;
    return open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
}

int atomic_temp(const char *path, char **tmp)
{
    return claim_temp_name(path, tmp, create_new, NULL);
}

static int link_unnamed(const char *name, void *ctx)
{
    int fd = *(const int *)ctx;
    /* AT_EMPTY_PATH needs a privilege; the descriptor's /proc link does not. */
    if (linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH) == 0)
        return 0;
    if (errno == EEXIST)
        return -1;
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, self, AT_FDCWD, name, AT_SYMLINK_FOLLOW);
}

int atomic_link_temp(int fd, const char *path, char **tmp)
{
    return claim_temp_name(path, tmp, link_unnamed, &fd);
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

nashra_status atomic_finish(int fd, const char *path, nashra_error *err)
{
    int syncrc = fsync(fd);
    int saved = errno;
    int closerc = close(fd);
    if (syncrc != 0 || closerc != 0)
        return error_set(err, NASHRA_EIO, "%s: cannot finish file: %s", path,
                         strerror(syncrc ? saved : errno));
    return NASHRA_OK;
}

nashra_status atomic_place(const char *tmp, const char *path, bool overwrite, nashra_error *err)
{
    if (place(tmp, path, overwrite) == 0)
        return NASHRA_OK;
    int saved = errno;
    unlink(tmp);
    return error_set(err, saved == EEXIST ? NASHRA_EEXIST : NASHRA_EIO,
                     "%s: cannot move output into place: %s", path, strerror(saved));
}

/* Writes all len bytes at offset (pwrite), or where the file is (write) when offset < 0. */
static int write_all_at(int fd, const void *data, size_t len, off_t offset)
{
    const char *p = data;
    while (len) {
        ssize_t n = offset < 0 ? write(fd, p, len) : pwrite(fd, p, len, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return -1;
        }
        p += n;
        len -= (size_t)n;
        if (offset >= 0)
            offset += n;
    }
    return 0;
}

int atomic_write_all(int fd, const void *data, size_t len)
{
    return write_all_at(fd, data, len, -1);
}

int atomic_pwrite_all(int fd, const void *data, size_t len, off_t offset)
{
    return write_all_at(fd, data, len, offset);
}

nashra_status atomic_stage(const char *path, const void *data, size_t len, char **tmp,
                           nashra_error *err)
{
    *tmp = NULL;
    char *name = NULL;
    int fd = atomic_temp(path, &name);
    if (fd < 0)
        return error_set(err, NASHRA_EIO, "%s: cannot create: %s", path, strerror(errno));
    nashra_status rc = NASHRA_OK;
    if (atomic_write_all(fd, data, len) != 0) {
        rc = error_set(err, NASHRA_EIO, "%s: write failed: %s", path, strerror(errno));
        close(fd);
    } else {
        rc = atomic_finish(fd, path, err);
    }
    if (rc) {
        unlink(name);
        free(name);
        return rc;
    }
    *tmp = name;
    return NASHRA_OK;
}

nashra_status atomic_write_file(const char *path, const void *data, size_t len, bool overwrite,
                                nashra_error *err)
{
    char *tmp = NULL;
    nashra_status rc = atomic_stage(path, data, len, &tmp, err);
    if (!rc)
        rc = atomic_place(tmp, path, overwrite, err);
    free(tmp);
    return rc;
}

int atomic_linkable(const char *dir)
{
    return open(dir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0666);
}

int atomic_scratch(const char *dir)
{
    int fd = open(dir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
        return fd;
    size_t cap = strlen(dir) + 32;
    char *name = malloc(cap);
    if (!name)
        return -1;
    snprintf(name, cap, "%s/.nashra-scratch-XXXXXX", dir);
    fd = mkostemp(name, O_CLOEXEC);
    if (fd >= 0)
        unlink(name);
    free(name);
    return fd;
}

char *atomic_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

int atomic_mkdirs(const char *path, mode_t mode, char *failed, size_t cap)
{
    if (!*path) {
        errno = ENOENT;
        return -1;
    }
    size_t len = strlen(path);
    char *tmp = malloc(len + 1);
    if (!tmp)
        return -1;
    memcpy(tmp, path, len + 1);
    int rc = 0;
    for (char *p = tmp + 1;; p++) {
        if (*p != '/' && *p)
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(tmp, mode) != 0 && errno != EEXIST) {
            int e = errno;
            if (failed && cap)
                snprintf(failed, cap, "%s", tmp);
            errno = e;
            rc = -1;
            break;
        }
        *p = c;
        if (!c)
            break;
    }
    int e = errno;
    free(tmp);
    errno = e;
    return rc;
}
