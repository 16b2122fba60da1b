/*
 * Files that appear whole or not at all: written under a temporary name in the destination's
 * directory, synced, then renamed into place; without overwrite an existing file is never
 * replaced, even one that appeared meanwhile. Also the unnamed scratch files that work beside
 * such an output, and folders made with their parents.
 */
#ifndef NASHRA_COMMON_ATOMIC_H
#define NASHRA_COMMON_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nashra.h"

/* Checks that path can be written: not a directory, and not existing unless overwrite. */
nashra_status atomic_check(const char *path, bool overwrite, nashra_error *err);

/* Creates PATH.tmp-PID-N exclusively; *tmp (malloc'd) receives its name. Returns the open
 * descriptor, or -1 with errno set. */
int atomic_temp(const char *path, char **tmp);

/* Syncs fd and closes it (path names the file in the error). */
nashra_status atomic_finish(int fd, const char *path, nashra_error *err);

/* Moves tmp, written and synced, to path. On failure removes tmp. */
nashra_status atomic_place(const char *tmp, const char *path, bool overwrite, nashra_error *err);

/* Writes data to path atomically. */
nashra_status atomic_write_file(const char *path, const void *data, size_t len, bool overwrite,
                                nashra_error *err);

/* Writes data, synced, under a temporary name beside path, for atomic_place; *tmp (malloc'd)
 * receives the name. Nothing is left on failure. */
nashra_status atomic_stage(const char *path, const void *data, size_t len, char **tmp,
                           nashra_error *err);

/* Writes all len bytes of data to fd, resuming after signals. Returns 0, or -1 with errno set
 * (ENOSPC when a write makes no progress). */
int atomic_write_all(int fd, const void *data, size_t len);

/* The same at offset (>= 0), without moving the file's position (pwrite). */
int atomic_pwrite_all(int fd, const void *data, size_t len, off_t offset);

/* An unnamed file in dir, open for reading and writing: O_TMPFILE where the file system has it,
 * else a name removed at once. Returns the descriptor (the caller closes it; the file vanishes
 * then), or -1 with errno set. */
int atomic_scratch(const char *dir);

/* An unnamed file in dir, open for reading and writing, that atomic_link_temp can give a name:
 * a file as atomic_temp makes them (mode 0666 less the umask) that vanishes if the process dies
 * before then. Returns the descriptor, or -1 with errno set (EOPNOTSUPP, EISDIR or EINVAL where
 * the file system has no O_TMPFILE). */
int atomic_linkable(const char *dir);

/* Links fd, a file from atomic_linkable in path's directory, under a temporary name beside
 * path as atomic_temp would choose it, for atomic_place; *tmp (malloc'd) receives the name.
 * Returns 0, or -1 with errno set. */
int atomic_link_temp(int fd, const char *path, char **tmp);

/* mkdir -p: makes path and every missing folder above it with mode (existing ones, or anything
 * else already at path, are left as they are: check what path is afterwards). Returns 0, or -1
 * with errno set and, when failed is not NULL, the folder that could not be made in it. */
int atomic_mkdirs(const char *path, mode_t mode, char *failed, size_t cap);

/* The directory part of path ("." when it has none); malloc'd. */
char *atomic_dirname(const char *path);

#endif
