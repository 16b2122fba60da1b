#include "cache/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "common/atomic.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/le.h"
#include "common/sha256.h"
#include "synth/datadir.h"

#define MAGIC "NSHRCLIP"
#define FORMAT_VERSION 3u
#define HEADER_BYTES 64
/* The measure after the samples: start and end (u64), granule, count and peak (u32), count
 * energies (f64), and a checksum of all that (u32). */
#define MEASURE_FIXED 28
#define MEASURE_BYTES(count) (MEASURE_FIXED + 8 * (uint64_t)(count) + 4)
/* Temporary files older than this were left by a run that died. */
#define STALE_TEMP_SECONDS 3600

struct clip_cache {
    char *dir;
    char *identity;
    long long max_bytes;
    cache_stats stats;
};

/* ---------------------------------------------------------------------------------------- */

uint32_t cache_checksum(const void *data, size_t len)
{
    /* A warm bulletin checks every sample it uses: 245 MB for 93 minutes, which took zlib's
     * CRC-32 0.13 s and takes XXH3 0.04 s (the same buffer, one core). */
    return (uint32_t)XXH3_64bits(data, len);
}

/* Samples are stored little-endian; on a big-endian machine they are swapped in place. */
static void to_little_endian(int16_t *s, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    for (size_t i = 0; i < n; i++)
        s[i] = (int16_t)__builtin_bswap16((uint16_t)s[i]);
#else
    (void)s;
    (void)n;
#endif
}

/* ---------------------------------------------------------------------------------------- */

char *cache_default_dir(void)
{
    char *root = datadir_cache_root();
    if (!root)
        return NULL;
    char *dir = malloc(strlen(root) + sizeof "/clips");
    if (dir)
        sprintf(dir, "%s/clips", root);
    free(root);
    return dir;
}

/* mkdir -p; true when path is a directory in the end, else false with errno set. */
static bool make_dirs(const char *path)
{
    struct stat st;
    if (atomic_mkdirs(path, 0777, NULL, 0) != 0 || stat(path, &st) != 0)
        return false;
    if (!S_ISDIR(st.st_mode))
        errno = ENOTDIR;
    return S_ISDIR(st.st_mode);
}

nashra_status cache_open(const char *dir, long long max_bytes, const char *identity,
                         clip_cache **out, nashra_error *err)
{
    *out = NULL;
    if (!dir || !*dir || max_bytes <= 0)
        return error_set(err, NASHRA_EINVAL, "no cache folder or no size for it");
    if (strlen(dir) > PATH_MAX - 80)
        return error_set(err, NASHRA_EINVAL, "%s: cache folder name too long", dir);
    if (!make_dirs(dir))
        return error_set(err, NASHRA_EIO, "%s: cannot create the cache folder: %s", dir,
                         strerror(errno));
    if (access(dir, W_OK | X_OK) != 0)
        return error_set(err, NASHRA_EIO, "%s: cannot write to the cache folder: %s", dir,
                         strerror(errno));
    clip_cache *c = calloc(1, sizeof *c);
    if (!c || !(c->dir = strdup(dir)) || !(c->identity = strdup(identity ? identity : ""))) {
        cache_close(c);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    c->max_bytes = max_bytes;
    c->stats.bytes = -1;
    *out = c;
    return NASHRA_OK;
}

void cache_close(clip_cache *c)
{
    if (!c)
        return;
    free(c->dir);
    free(c->identity);
    free(c);
}

const cache_stats *cache_get_stats(const clip_cache *c)
{
    return &c->stats;
}

void cache_count_stored(clip_cache *c)
{
    c->stats.stored++;
}

void cache_key(const clip_cache *c, const char *text, const char *voice, int rate, int pitch,
               int range, int word_gap, unsigned char key[CACHE_KEY_BYTES])
{
    char numbers[64];
    int n = snprintf(numbers, sizeof numbers, "%d %d %d %d", rate, pitch, range, word_gap);
    sha256_ctx h;
    sha256_init(&h);
    /* Each part with its NUL, so that no two different tuples hash the same bytes. The
     * format's version comes first: entries of an older one are left for trimming to remove,
     * not met and counted as damaged. */
    sha256_update(&h, "nashra clip 3", 14);
    sha256_update(&h, c->identity, strlen(c->identity) + 1);
    sha256_update(&h, voice, strlen(voice) + 1);
    sha256_update(&h, numbers, (size_t)n + 1);
    sha256_update(&h, text, strlen(text) + 1);
    sha256_final(&h, key);
}

static void hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

void cache_entry_path(const clip_cache *c, const unsigned char key[CACHE_KEY_BYTES], char *out,
                      size_t cap)
{
    char name[2 * CACHE_KEY_BYTES + 1];
    hex(key, CACHE_KEY_BYTES, name);
    snprintf(out, cap, "%s/%.2s/%s.clip", c->dir, name, name);
}

/* ---------------------------------------------------------------------------------------- */

static bool read_all(int fd, void *data, size_t len)
{
    char *p = data;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* The measure kept after the samples, checked, into out (a measure of the clip's own span,
 * at most its length). */
static bool read_measure(const unsigned char *p, size_t len, clip *out)
{
    clip_measure *m = &out->measure;
    if (len < MEASURE_BYTES(0) || le_get32(p + len - 4) != cache_checksum(p, len - 4))
        return false;
    uint64_t start = le_get64(p), end = le_get64(p + 8), count = le_get32(p + 20);
    if (len != MEASURE_BYTES(count) || start > end || end > out->len)
        return false;
    m->granule = le_get32(p + 16);
    if (!m->granule != !count)
        return false; /* a measure has both, or is empty */
    if (!clip_measure_resize(m, (size_t)count))
        return false;
    uint32_t peak = le_get32(p + 24);
    memcpy(&m->peak, &peak, sizeof peak);
    if (!(m->peak >= 0 && m->peak < HUGE_VALF))
        return false;
    for (size_t i = 0; i < m->count; i++) {
        uint64_t bits = le_get64(p + MEASURE_FIXED + 8 * i);
        memcpy(&m->energy[i], &bits, sizeof bits);
        if (!(m->energy[i] >= 0 && m->energy[i] < HUGE_VAL))
            return false; /* a mean square is finite and not negative */
    }
    m->start = (size_t)start;
    m->end = (size_t)end;
    return true;
}

/* Checks an open entry against key and rate and reads its samples and measure into out. */
static bool read_entry(int fd, const unsigned char key[CACHE_KEY_BYTES], int rate, clip *out)
{
    unsigned char h[HEADER_BYTES];
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < HEADER_BYTES || !read_all(fd, h, sizeof h))
        return false;
    if (memcmp(h, MAGIC, 8) != 0 || le_get32(h + 8) != FORMAT_VERSION ||
        le_get32(h + 60) != cache_checksum(h, 60) ||
        memcmp(h + 28, key, CACHE_KEY_BYTES) != 0 || le_get32(h + 12) != (uint32_t)rate)
        return false;
    uint64_t count = le_get64(h + 16);
    if (count > (uint64_t)(st.st_size - HEADER_BYTES) / 2)
        return false;
    const uint64_t rest = (uint64_t)st.st_size - HEADER_BYTES - 2 * count;
    /* A granule is at least a frame, and the silence measured after the clip not a minute. */
    if (rest < MEASURE_BYTES(0) || rest > MEASURE_BYTES(count + 60 * (uint64_t)rate))
        return false;
    clip_clear(out);
    if (count > out->cap) {
        int16_t *p = realloc(out->samples, (size_t)count * sizeof *p);
        if (!p)
            return false;
        out->samples = p;
        out->cap = (size_t)count;
    }
    if (count && !read_all(fd, out->samples, (size_t)count * 2))
        return false;
    if (le_get32(h + 24) != cache_checksum(out->samples, (size_t)count * 2))
        return false;
    to_little_endian(out->samples, (size_t)count); /* back to host order */
    out->len = (size_t)count;
    unsigned char *measure = malloc((size_t)rest);
    bool ok = measure && read_all(fd, measure, (size_t)rest) &&
              read_measure(measure, (size_t)rest, out);
    free(measure);
    if (!ok)
        clip_clear(out);
    return ok;
}

bool cache_has(const clip_cache *c, const unsigned char key[CACHE_KEY_BYTES])
{
    char path[PATH_MAX];
    cache_entry_path(c, key, path, sizeof path);
    return access(path, F_OK) == 0;
}

cache_found cache_get(clip_cache *c, const unsigned char key[CACHE_KEY_BYTES], int rate,
                      clip *out)
{
    char path[PATH_MAX];
    cache_entry_path(c, key, path, sizeof path);
    /* O_NONBLOCK: a FIFO left at an entry's name must not hang the run (it fails the checks
     * below and is removed like any damaged entry); regular files read as usual. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        c->stats.misses++;
        return CACHE_MISS;
    }
    bool ok = read_entry(fd, key, rate, out);
    if (ok) {
        /* The time of last use, for trimming: the modification time, which no mount option
         * updates behind nashra's back (entries are never modified otherwise). */
        struct timespec times[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
        futimens(fd, times);
        c->stats.hits++;
    } else {
        clip_clear(out);
        unlink(path);
        c->stats.corrupt++;
        c->stats.misses++;
    }
    close(fd);
    return ok ? CACHE_HIT : CACHE_DAMAGED;
}

/* A clip's measure as kept after its samples (none: granule 0); malloc'd, *len its size. */
static unsigned char *measure_bytes(const clip *in, size_t *len)
{
    const clip_measure *m = &in->measure;
    const size_t count = m->granule && m->count <= UINT32_MAX ? m->count : 0;
    *len = (size_t)MEASURE_BYTES(count);
    unsigned char *p = malloc(*len);
    if (!p)
        return NULL;
    le_put64(p, count ? m->start : 0);
    le_put64(p + 8, count ? m->end : 0);
    le_put32(p + 16, count ? (uint32_t)m->granule : 0);
    le_put32(p + 20, (uint32_t)count);
    uint32_t peak = 0;
    if (count)
        memcpy(&peak, &m->peak, sizeof peak);
    le_put32(p + 24, peak);
    for (size_t i = 0; i < count; i++) {
        uint64_t bits;
        memcpy(&bits, &m->energy[i], sizeof bits);
        le_put64(p + MEASURE_FIXED + 8 * i, bits);
    }
    le_put32(p + *len - 4, cache_checksum(p, *len - 4));
    return p;
}

bool cache_put(clip_cache *c, const unsigned char key[CACHE_KEY_BYTES], int rate,
               const clip *in)
{
    const int16_t *samples = in->samples;
    const size_t count = in->len;
    if ((long long)count > (c->max_bytes - HEADER_BYTES) / 2)
        return false;
    char path[PATH_MAX], folder[PATH_MAX];
    cache_entry_path(c, key, path, sizeof path);
    snprintf(folder, sizeof folder, "%s", path);
    *strrchr(folder, '/') = '\0';
    if (mkdir(folder, 0777) != 0 && errno != EEXIST)
        return false;
    size_t bytes = count * 2, tail_len;
    int16_t *le = malloc(bytes ? bytes : 1);
    unsigned char *tail = measure_bytes(in, &tail_len);
    if (!le || !tail) {
        free(le);
        free(tail);
        return false;
    }
    if (bytes)
        memcpy(le, samples, bytes);
    to_little_endian(le, count);
    unsigned char h[HEADER_BYTES] = {0};
    memcpy(h, MAGIC, 8);
    le_put32(h + 8, FORMAT_VERSION);
    le_put32(h + 12, (uint32_t)rate);
    le_put64(h + 16, count);
    le_put32(h + 24, cache_checksum(le, bytes));
    memcpy(h + 28, key, CACHE_KEY_BYTES);
    le_put32(h + 60, cache_checksum(h, 60));
    char *tmp = NULL;
    int fd = atomic_temp(path, &tmp);
    bool ok = fd >= 0 && atomic_write_all(fd, h, sizeof h) == 0 &&
              atomic_write_all(fd, le, bytes) == 0 && atomic_write_all(fd, tail, tail_len) == 0;
    free(le);
    free(tail);
    /* No fsync: after a crash a damaged entry fails its checksum and is made again. */
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok && tmp)
        unlink(tmp);
    free(tmp);
    if (ok)
        c->stats.stored++;
    return ok;
}

/* ---------------------------------------------------------------------------------------- */

typedef struct entry {
    char *path;
    struct timespec used;
    long long bytes;
} entry;

static int older_first(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec)
        return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
    if (x->used.tv_nsec != y->used.tv_nsec)
        return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
    return strcmp(x->path, y->path);
}

static bool is_hex2(const char *s)
{
    return strlen(s) == 2 && strspn(s, "0123456789abcdef") == 2;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

size_t cache_trim(clip_cache *c)
{
    entry *entries = NULL;
    size_t count = 0, cap = 0, removed = 0;
    long long total = 0;
    time_t now = time(NULL);
    DIR *top = opendir(c->dir);
    if (!top)
        return 0;
    struct dirent *d;
    while ((d = readdir(top))) {
        if (!is_hex2(d->d_name))
            continue;
        char sub[PATH_MAX];
        snprintf(sub, sizeof sub, "%s/%s", c->dir, d->d_name);
        DIR *dir = opendir(sub);
        if (!dir)
            continue;
        struct dirent *e;
        while ((e = readdir(dir))) {
            if (e->d_name[0] == '.')
                continue;
            char path[PATH_MAX];
            if (snprintf(path, sizeof path, "%s/%s", sub, e->d_name) >= (int)sizeof path)
                continue;
            struct stat st;
            if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
                continue; /* gone meanwhile, or not ours */
            if (strstr(e->d_name, ".clip.tmp-")) {
                if (now - st.st_mtime > STALE_TEMP_SECONDS)
                    unlink(path);
                continue;
            }
            if (!ends_with(e->d_name, ".clip"))
                continue;
            total += (long long)st.st_size;
            entry *grown = array_grow(entries, &cap, count, sizeof *entries, 256);
            if (!grown)
                break;
            entries = grown;
            if (!(entries[count].path = strdup(path)))
                break;
            entries[count].used = st.st_mtim;
            entries[count].bytes = (long long)st.st_size;
            count++;
        }
        closedir(dir);
    }
    closedir(top);
    if (total > c->max_bytes) {
        qsort(entries, count, sizeof *entries, older_first);
        long long goal = c->max_bytes / 10 * 9;
        /* Another run may remove the same file first: either way it is gone. */
        for (size_t i = 0; i < count && total > goal; i++) {
            if (unlink(entries[i].path) == 0 || errno == ENOENT) {
                total -= entries[i].bytes;
                removed++;
            }
        }
    }
    for (size_t i = 0; i < count; i++)
        free(entries[i].path);
    free(entries);
    c->stats.evicted += removed;
    c->stats.bytes = total;
    return removed;
}

nashra_status nashra_cache_trim(const char *dir, long long max_bytes, size_t *removed,
                                nashra_error *err)
{
    char *own = dir ? NULL : cache_default_dir();
    if (!dir && !own)
        return error_set(err, NASHRA_EINVAL, "no cache folder: neither XDG_CACHE_HOME nor HOME "
                         "is set");
    clip_cache *c = NULL;
    nashra_status rc = cache_open(dir ? dir : own, max_bytes ? max_bytes
                                                             : NASHRA_CACHE_DEFAULT_BYTES,
                                  "", &c, err);
    free(own);
    if (rc)
        return rc;
    size_t n = cache_trim(c);
    if (removed)
        *removed = n;
    cache_close(c);
    return NASHRA_OK;
}
