#include "synth/datadir.h"

#include <dirent.h>
#include <errno.h>
#include <espeak-ng/espeak_ng.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/error.h"
#include "common/sha256.h"

/* Bumped when the layout of the directory changes, so old ones are not reused. */
#define LAYOUT_VERSION "1"
#define DIR_PREFIX "espeak-ng-data-"

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool has_phontab(const char *dir)
{
    char path[PATH_MAX];
    return snprintf(path, sizeof path, "%s/phontab", dir) < (int)sizeof path &&
           access(path, R_OK) == 0;
}

static nashra_status copy_path(char *out, size_t cap, const char *path, nashra_error *err)
{
    if (snprintf(out, cap, "%s", path) >= (int)cap)
        return error_set(err, NASHRA_ESYNTH, "%s: path too long", path);
    return NASHRA_OK;
}

nashra_status datadir_system(char *out, size_t cap, nashra_error *err)
{
    const char *env = getenv("ESPEAK_DATA_PATH");
    if (env && *env) {
        /* As espeak-ng reads it: ENV/espeak-ng-data when that is a directory, else ENV. */
        if (snprintf(out, cap, "%s/espeak-ng-data", env) >= (int)cap || !is_dir(out))
            snprintf(out, cap, "%s", env);
        if (has_phontab(out))
            return NASHRA_OK;
        return error_set(err, NASHRA_ESYNTH, "ESPEAK_DATA_PATH=%s holds no espeak-ng data "
                         "(no phontab)", env);
    }
    if (NASHRA_ESPEAK_DATA_DIR[0] && has_phontab(NASHRA_ESPEAK_DATA_DIR))
        return copy_path(out, cap, NASHRA_ESPEAK_DATA_DIR, err);
    /* Where libespeak-ng itself would look; setting the path starts nothing. */
    const char *path = NULL;
    espeak_ng_InitializePath(NULL);
    espeak_Info(&path);
    if (path && *path && has_phontab(path))
        return copy_path(out, cap, path, err);
    return error_set(err, NASHRA_ESYNTH, "cannot find espeak-ng's data (no phontab in '%s' nor "
                     "'%s'); is espeak-ng-data installed?", NASHRA_ESPEAK_DATA_DIR,
                     path ? path : "");
}

/* ---------------------------------------------------------------------------------------- */

static int not_dots(const struct dirent *e)
{
    return strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
}

/* The entries of dir in name order (scandir's list, freed with free_list), or -1. */
static int list_dir(const char *dir, struct dirent ***list)
{
    return scandir(dir, list, not_dots, alphasort);
}

static void free_list(struct dirent **list, int n)
{
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

/* Adds the names of dir's entries, and whether each is a folder, to the hash. A missing dir
 * adds a marker. */
static void hash_listing(sha256_ctx *c, const char *dir)
{
    struct dirent **list;
    int n = list_dir(dir, &list);
    sha256_update(c, dir, strlen(dir) + 1);
    if (n < 0) {
        sha256_update(c, "-", 2);
        return;
    }
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        sha256_update(c, list[i]->d_name, strlen(list[i]->d_name) + 1);
        sha256_update(c, is_dir(path) ? "d" : "f", 1);
    }
    free_list(list, n);
}

static bool is_variant(const char *name, const voice_file *variants, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp(name, variants[i].name))
            return true;
    return false;
}

/* Links every entry of from into to, but those named skip and skip2 and our variants when
 * variants is not NULL. */
static nashra_status link_entries(const char *from, const char *to, const char *skip,
                                  const char *skip2, const voice_file *variants, size_t count,
                                  nashra_error *err)
{
    struct dirent **list;
    int n = list_dir(from, &list);
    if (n < 0)
        return errno == ENOENT ? NASHRA_OK
                               : error_set(err, NASHRA_ESYNTH, "%s: cannot list: %s", from,
                                           strerror(errno));
    nashra_status rc = NASHRA_OK;
    for (int i = 0; !rc && i < n; i++) {
        const char *name = list[i]->d_name;
        if ((skip && !strcmp(name, skip)) || (skip2 && !strcmp(name, skip2)) ||
            (variants && is_variant(name, variants, count)))
            continue;
        char target[PATH_MAX], link[PATH_MAX];
        if (snprintf(target, sizeof target, "%s/%s", from, name) >= (int)sizeof target ||
            snprintf(link, sizeof link, "%s/%s", to, name) >= (int)sizeof link)
            rc = error_set(err, NASHRA_ESYNTH, "%s/%s: path too long", from, name);
        else if (symlink(target, link) != 0)
            rc = error_set(err, NASHRA_ESYNTH, "%s: cannot create link: %s", link,
                           strerror(errno));
    }
    free_list(list, n);
    return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* out = a + "/" + b; false if it does not fit. */
static bool join(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s/%s", a, b);
    return n >= 0 && (size_t)n < cap;
}

/* Fills the new directory tmp. */
static nashra_status populate(const char *system, const char *tmp, const voice_file *variants,
                              size_t count, nashra_error *err)
{
    char from[PATH_MAX], to[PATH_MAX];
    /* An espeak-ng-data entry would be taken instead of the directory itself. */
    nashra_status rc = link_entries(system, tmp, "voices", "espeak-ng-data", NULL, 0, err);
    if (rc)
        return rc;
    if (!join(from, sizeof from, system, "voices") || !join(to, sizeof to, tmp, "voices"))
        return error_set(err, NASHRA_ESYNTH, "%s: path too long", tmp);
    if (mkdir(to, 0700) != 0)
        return error_set(err, NASHRA_ESYNTH, "%s: cannot create: %s", to, strerror(errno));
    if ((rc = link_entries(from, to, "!v", NULL, NULL, 0, err)))
        return rc;
    if (!join(from, sizeof from, system, "voices/!v") || !join(to, sizeof to, tmp, "voices/!v"))
        return error_set(err, NASHRA_ESYNTH, "%s: path too long", tmp);
    if (mkdir(to, 0700) != 0)
        return error_set(err, NASHRA_ESYNTH, "%s: cannot create: %s", to, strerror(errno));
    if ((rc = link_entries(from, to, NULL, NULL, variants, count, err)))
        return rc;
    for (size_t i = 0; !rc && i < count; i++) {
        char path[PATH_MAX];
        if (!join(path, sizeof path, to, variants[i].name))
            return error_set(err, NASHRA_ESYNTH, "%s: path too long", to);
        rc = atomic_write_file(path, variants[i].blob->bytes, variants[i].blob->len, false, err);
    }
    return rc;
}

/* Creates dir and its parents (mode 0700), and checks that it is a folder of this user. */
static nashra_status make_root(const char *root, nashra_error *err)
{
    char failed[PATH_MAX];
    if (atomic_mkdirs(root, 0700, failed, sizeof failed) != 0)
        return error_set(err, NASHRA_ESYNTH, "%s: cannot create: %s", failed, strerror(errno));
    struct stat st;
    if (lstat(root, &st) != 0 || !S_ISDIR(st.st_mode))
        return error_set(err, NASHRA_ESYNTH, "%s: not a folder", root);
    if (st.st_uid != getuid())
        return error_set(err, NASHRA_ESYNTH, "%s: belongs to another user", root);
    return NASHRA_OK;
}

nashra_status datadir_build(const char *system, const char *root, const voice_file *variants,
                            size_t count, char *out, size_t cap, nashra_error *err)
{
    char *sys = realpath(system, NULL);
    if (!sys)
        return error_set(err, NASHRA_ESYNTH, "%s: %s", system, strerror(errno));
    sha256_ctx c;
    sha256_init(&c);
    static const char tag[] = "nashra espeak-ng data " LAYOUT_VERSION;
    sha256_update(&c, tag, sizeof tag);
    char sub[PATH_MAX];
    hash_listing(&c, sys);
    snprintf(sub, sizeof sub, "%s/voices", sys);
    hash_listing(&c, sub);
    snprintf(sub, sizeof sub, "%s/voices/!v", sys);
    hash_listing(&c, sub);
    for (size_t i = 0; i < count; i++) {
        char len[32];
        snprintf(len, sizeof len, "%zu", variants[i].blob->len);
        sha256_update(&c, variants[i].name, strlen(variants[i].name) + 1);
        sha256_update(&c, len, strlen(len) + 1);
        sha256_update(&c, variants[i].blob->bytes, variants[i].blob->len);
    }
    unsigned char digest[32];
    sha256_final(&c, digest);
    char hex[17];
    for (int i = 0; i < 8; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);

    nashra_status rc = NASHRA_OK;
    char final[PATH_MAX], tmp[PATH_MAX];
    if (snprintf(final, sizeof final, "%s/" DIR_PREFIX "%s", root, hex) >= (int)sizeof final ||
        strlen(final) >= cap || strlen(final) > DATADIR_PATH_MAX) {
        rc = error_set(err, NASHRA_ESYNTH, "%s: path too long for espeak-ng (over %d bytes)",
                       final, DATADIR_PATH_MAX);
        goto done;
    }
    if (is_dir(final)) /* built before: renamed into place only when complete */
        goto found;
    if ((rc = make_root(root, err)))
        goto done;
    snprintf(tmp, sizeof tmp, "%s/.tmp-" DIR_PREFIX "%s-XXXXXX", root, hex);
    if (!mkdtemp(tmp)) {
        rc = error_set(err, NASHRA_ESYNTH, "%s: cannot create a folder: %s", root,
                       strerror(errno));
        goto done;
    }
    rc = populate(sys, tmp, variants, count, err);
    if (!rc && rename(tmp, final) != 0) {
        /* Another process may have put the same directory in place meanwhile. */
        if ((errno == EEXIST || errno == ENOTEMPTY) && is_dir(final))
            rc = NASHRA_OK;
        else
            rc = error_set(err, NASHRA_ESYNTH, "%s: cannot move into place: %s", final,
                           strerror(errno));
        remove_tree(tmp);
    } else if (rc) {
        remove_tree(tmp);
    }
    if (rc)
        goto done;
found:
    snprintf(out, cap, "%s", final);
done:
    free(sys);
    return rc;
}

char *datadir_cache_root(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char path[PATH_MAX];
    /* The XDG specification ignores a relative XDG_CACHE_HOME. */
    if (xdg && xdg[0] == '/')
        snprintf(path, sizeof path, "%s/nashra", xdg);
    else if (home && home[0] == '/')
        snprintf(path, sizeof path, "%s/.cache/nashra", home);
    else
        return NULL;
    return strdup(path);
}

nashra_status datadir_prepare(char *out, size_t cap, nashra_error *err)
{
    char sys[PATH_MAX];
    nashra_status rc = datadir_system(sys, sizeof sys, err);
    if (rc)
        return rc;
    char *cache = datadir_cache_root();
    nashra_error first = {0};
    if (cache) {
        rc = datadir_build(sys, cache, voice_variant_files, voice_variant_file_count, out, cap,
                           &first);
        free(cache);
        if (!rc)
            return NASHRA_OK;
    }
    /* A folder of this user in the temporary directory. */
    const char *tmpdir = getenv("TMPDIR");
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s/nashra-%lu",
             tmpdir && tmpdir[0] == '/' && strlen(tmpdir) < 64 ? tmpdir : "/tmp",
             (unsigned long)getuid());
    nashra_error second = {0};
    rc = datadir_build(sys, root, voice_variant_files, voice_variant_file_count, out, cap,
                       &second);
    if (!rc)
        return NASHRA_OK;
    return error_set(err, NASHRA_ESYNTH, "cannot build nashra's espeak-ng data directory: %s",
                     first.message[0] ? first.message : second.message);
}
