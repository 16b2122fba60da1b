/*
 * nashra's private espeak-ng data directory. espeak-ng reads one data directory and nothing
 * else, so to use nashra's own voice variants without root the library builds, under the
 * user's cache, a directory holding a symbolic link to every entry of the system's
 * espeak-ng-data, except voices/!v/, which is a real folder with links to the system's
 * variants and nashra's variant files (written from the copies compiled in). Its name ends in
 * a hash of the system directory's path and listing and of the variant files, so a change to
 * either gives a new directory; it is built under a temporary name and renamed into place, so
 * processes racing to build it all end up with the same complete directory.
 */
#ifndef NASHRA_SYNTH_DATADIR_H
#define NASHRA_SYNTH_DATADIR_H

#include <stddef.h>

#include "nashra.h"
#include "voice/voice.h"

/* The longest directory path handed to espeak-ng, whose own buffers hold 160 bytes and
 * append names to it. */
#define DATADIR_PATH_MAX 120

/* The system's espeak-ng data directory, into out: $ESPEAK_DATA_PATH (its espeak-ng-data
 * folder, or itself) as espeak-ng reads it, else the one found when nashra was built, else
 * the one libespeak-ng was built with. It must hold phontab. */
nashra_status datadir_system(char *out, size_t cap, nashra_error *err);

/* Builds, or finds already built, the private directory for system and variants under root
 * (created if missing) and puts its path into out. */
nashra_status datadir_build(const char *system, const char *root, const voice_file *variants,
                            size_t count, char *out, size_t cap, nashra_error *err);

/* nashra's cache folder, which holds the private directories (and the sentence cache's
 * clips/): $XDG_CACHE_HOME/nashra, else ~/.cache/nashra. NULL when neither variable gives an
 * absolute path. Malloc'd. */
char *datadir_cache_root(void);

/* The private directory for the system data and nashra's compiled-in variants: under the
 * cache folder, or under a folder of the temporary directory when the cache cannot be
 * written or its path is too long. */
nashra_status datadir_prepare(char *out, size_t cap, nashra_error *err);

#endif
