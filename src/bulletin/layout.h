/*
 * What a bulletin is made of, in frames of the output: stories and their sentences. Filled
 * while rendering, read by the output stage (cue points, chapters) and the sidecars.
 */
#ifndef NASHRA_BULLETIN_LAYOUT_H
#define NASHRA_BULLETIN_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "audio/loudness.h"
#include "audio/output.h"
#include "nashra.h"

typedef struct layout_sentence {
    size_t story;
    nashra_part part;
    long long start, end; /* frames */
    char *text;           /* the spoken form */
} layout_sentence;

typedef struct layout_story {
    const char *kind;     /* "story", "headlines", "greeting", "text", "outro" (static) */
    char *title;          /* the headline as read */
    char *source;         /* the article's file name */
    char sha256[65];
    long long start, end; /* frames: first sentence's start, last sentence's end */
    size_t first, count;  /* its sentences */
} layout_story;

typedef struct layout {
    layout_story *stories;
    size_t story_count, story_cap;
    layout_sentence *sentences;
    size_t sentence_count, sentence_cap;
} layout;

/* Opens a segment; kind must be a string that outlives the layout. */
bool layout_add_story(layout *l, const char *kind, const char *title, const char *source,
                      const char *sha256, long long start);
bool layout_add_sentence(layout *l, nashra_part part, long long start, long long end,
                         const char *text);
/* Removes the last story and its sentences (one that failed part way). */
void layout_pop_story(layout *l);
void layout_free(layout *l);

/* Everything the sidecars say besides the layout. */
typedef struct meta_facts {
    const char *audio_path;   /* the bulletin (or story) file */
    const char *profile;      /* "broadcast", ... */
    const char *container;    /* "WAV", ... */
    const audio_spec *spec;
    const audio_result *result;
    const char *title, *station, *slot;
    const char *made;         /* ISO 8601 time of writing */
    const char *espeak_version;
    const char *voice;
    long long frames;
    long long offset;         /* frames to subtract from the layout's positions */
    size_t first_story, story_count; /* the stories this file holds */
} meta_facts;

/* The sidecars' extensions, in the order they are written. */
#define META_SIDECAR_COUNT 3
extern const char *const meta_sidecar_exts[META_SIDECAR_COUNT];

/* The sidecar path for audio_path with its extension replaced by ext (".json"); malloc'd. */
char *meta_sidecar_path(const char *audio_path, const char *ext);

/* The sidecars written and synced under temporary names, waiting to be put in place. */
typedef struct meta_staged {
    char *path[META_SIDECAR_COUNT]; /* NAME.json, NAME.vtt, NAME.srt */
    char *tmp[META_SIDECAR_COUNT];  /* beside each */
} meta_staged;

/* Writes NAME.json, NAME.vtt and NAME.srt for facts->audio_path under temporary names beside
 * it; out starts zeroed. Nothing is left on failure. */
nashra_status meta_stage_sidecars(const layout *l, const meta_facts *facts, meta_staged *out,
                                  nashra_error *err);

/* Renames the staged sidecars into place, one after the other, and forgets them. */
nashra_status meta_place_sidecars(meta_staged *s, bool overwrite, nashra_error *err);

/* Removes what is still staged and frees s's names. */
void meta_unstage(meta_staged *s);

#endif
