/*
 * The sentence cache: synthesized clips kept between runs, one file each, so that a bulletin
 * whose stories carried over from the last one is not synthesized again.
 *
 * An entry is keyed by the SHA-256 of everything its samples depend on: the sentence in its
 * spoken form (before the pronunciation stage, so that a hit skips the diacritizer as well as
 * the synthesizer), the voice (espeak-ng voice and variant), rate, pitch, range and word gap,
 * and an identity string for the rest (nashra's version, a digest of the pronunciation
 * stage's settings, lexicons and diacritizer weights, espeak-ng's version, the data directory,
 * whose name changes with the variant files). It holds the synthesizer's raw output for the
 * sentence, before trimming, at the synthesizer's rate.
 *
 * Layout: DIR/XX/HEX.clip (XX: the key's first byte in hex). A file is a 64-byte header
 * (magic "NSHRCLIP", format version, sample rate, sample count, checksum of the samples, the
 * key, checksum of the header), the samples as 16-bit little-endian integers, and the clip's
 * loudness measure (audio/clip.h: the span measured, granule, count, true peak, the energies
 * as little-endian doubles, and a checksum of its own; empty for a clip not measured). Files
 * are written under a temporary name in their folder and renamed into place, so a reader never
 * sees half an entry; a damaged entry fails its checks, counts as a miss and is removed. Every
 * hit sets the file's modification time to now, and trimming removes the least recently used
 * entries until the folder is under its size cap. Processes may share a folder: the worst a
 * race does is a miss.
 */
#ifndef NASHRA_CACHE_CACHE_H
#define NASHRA_CACHE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audio/clip.h"
#include "nashra.h"

#define CACHE_KEY_BYTES 32

typedef struct clip_cache clip_cache;

typedef struct cache_stats {
    size_t hits, misses;
    size_t corrupt;      /* entries found damaged (and removed) */
    size_t stored;       /* entries written */
    size_t evicted;      /* entries removed by trimming */
    long long bytes;     /* the folder's size after the last trim; -1 before one */
} cache_stats;

/* The default folder: clips/ in nashra's cache folder (datadir_cache_root), so
 * $XDG_CACHE_HOME/nashra/clips, else ~/.cache/nashra/clips; malloc'd, or NULL when neither
 * variable gives an absolute path. */
char *cache_default_dir(void);

/*
 * Opens the cache in dir (created, with its parents, when missing), capped at max_bytes
 * (> 0). identity is copied into every key (see above). On success *out owns a new cache.
 */
nashra_status cache_open(const char *dir, long long max_bytes, const char *identity,
                         clip_cache **out, nashra_error *err);

/* Closes the cache; does not trim. Accepts NULL. */
void cache_close(clip_cache *cache);

/* The key of a sentence spoken with these settings. */
void cache_key(const clip_cache *cache, const char *text, const char *voice, int rate,
               int pitch, int range, int word_gap, unsigned char key[CACHE_KEY_BYTES]);

typedef enum cache_found {
    CACHE_MISS,    /* no entry */
    CACHE_HIT,     /* out holds the entry's samples */
    CACHE_DAMAGED, /* an entry that failed its checks (or a foreign one), now removed: a miss */
} cache_found;

/* Looks an entry up. On a hit, out (cleared first) receives its samples, which were made at
 * sample_rate, and its measure, and the entry is marked used. */
cache_found cache_get(clip_cache *cache, const unsigned char key[CACHE_KEY_BYTES],
                      int sample_rate, clip *out);

/* Stores a clip's samples and measure under key. Best effort: a cache that cannot be written
 * never fails a run (false is returned, and nothing is left behind). Clips larger than the
 * cap are not kept. */
bool cache_put(clip_cache *cache, const unsigned char key[CACHE_KEY_BYTES], int sample_rate,
               const clip *in);

/* Removes the least recently used entries until the folder holds at most nine tenths of the
 * cap (nothing when it is under the cap), and temporary files older than an hour left by runs
 * that died. Returns the number of entries removed. */
size_t cache_trim(clip_cache *cache);

/* Whether key has an entry (not checked, not counted, not marked as used). */
bool cache_has(const clip_cache *cache, const unsigned char key[CACHE_KEY_BYTES]);

/* What this process did with the cache so far. */
const cache_stats *cache_get_stats(const clip_cache *cache);

/* Counts an entry that another process (a worker) stored in the same folder. */
void cache_count_stored(clip_cache *cache);

/* The file of key, into out (cap bytes). */
void cache_entry_path(const clip_cache *cache, const unsigned char key[CACHE_KEY_BYTES],
                      char *out, size_t cap);

/* The checksum of an entry's header and of its samples: the low 32 bits of XXH3-64. */
uint32_t cache_checksum(const void *data, size_t len);

#endif
