#include "common/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

const char *file_display_name(const char *path, const file_kind *kind)
{
    return kind->dash_stdin && strcmp(path, "-") == 0 ? "<stdin>" : path;
}

static bool starts_with_vowel(const char *s)
{
    return strchr("aeiou", *s) != NULL;
}

static nashra_status too_large(const char *name, const file_kind *kind, nashra_error *err)
{
    size_t m = kind->max_bytes;
    if (m >= 1024u * 1024u && m % (1024u * 1024u) == 0)
        return error_set(err, NASHRA_EINPUT, "%s: %s larger than %zu MiB", name, kind->noun,
                         m / (1024u * 1024u));
    return error_set(err, NASHRA_EINPUT, "%s: %s larger than %zu KiB", name, kind->noun,
                     (m + 1023) / 1024);
}

static nashra_status read_fd(int fd, const char *name, const file_kind *kind, buf *out,
                             nashra_error *err)
{
    size_t start = out->len;
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return error_set(err, NASHRA_EIO, "%s: cannot read: %s", name, strerror(errno));
        if (n == 0)
            return NASHRA_OK;
        if (out->len - start + (size_t)n > kind->max_bytes)
            return too_large(name, kind, err);
        if (!buf_append(out, chunk, (size_t)n))
            return error_set(err, NASHRA_ENOMEM, "%s: out of memory", name);
    }
}

nashra_status file_read(const char *path, const file_kind *kind, buf *out, nashra_error *err)
{
    const char *name = file_display_name(path, kind);
    bool is_stdin = name != path;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && kind->missing_ok)
        return NASHRA_OK;
    if (fd < 0)
        return error_set(err, errno == ENOENT ? NASHRA_EINPUT : NASHRA_EIO,
                         "%s: cannot open %s: %s", path, kind->noun, strerror(errno));
    struct stat st;
    bool known = fstat(fd, &st) == 0;
    nashra_status rc;
    if (known && S_ISDIR(st.st_mode))
        rc = error_set(err, NASHRA_EINPUT, "%s: is a directory, not %s %s", name,
                       starts_with_vowel(kind->noun) ? "an" : "a", kind->noun);
    else if (known && S_ISREG(st.st_mode) &&
             (unsigned long long)st.st_size > (unsigned long long)kind->max_bytes)
        rc = too_large(name, kind, err); /* before reading it all */
    else
        rc = read_fd(fd, name, kind, out, err);
    if (!is_stdin)
        close(fd);
    return rc;
}
