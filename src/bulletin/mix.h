/*
 * Jingles and a music bed. While speech is rendered, the plan records where the intro, the
 * stingers between stories and the outro go, and the stretches (each story's headline) that
 * the bed plays under. When the speech is complete and its loudness known, mix_render writes a
 * new render with the jingles inserted at the speech's loudness (short fades at their ends) and
 * the bed mixed in, ducked under the voice; the layout's positions move with the insertions.
 */
#ifndef NASHRA_BULLETIN_MIX_H
#define NASHRA_BULLETIN_MIX_H

#include "audio/loudness.h"
#include "audio/render.h"
#include "bulletin/layout.h"
#include "nashra.h"

typedef enum mix_kind { MIX_INTRO, MIX_BETWEEN, MIX_OUTRO, MIX_INSERT } mix_kind;

typedef struct mix_plan mix_plan;

/* Loads the configured jingles and bed (converted to rate and channels). A file that is not
 * audio fails here, before any synthesis. */
nashra_status mix_plan_create(const nashra_config *c, int rate, unsigned channels,
                              mix_plan **out, nashra_error *err);

/* A jingle goes in at frame at of the speech render. */
nashra_status mix_plan_insert(mix_plan *p, mix_kind kind, long long at, nashra_error *err);
/* Reads a sound file (a rundown's audio item) and inserts it at frame at, like a jingle
 * without gaps. */
nashra_status mix_plan_insert_file(mix_plan *p, const char *path, long long at,
                                   nashra_error *err);
/* A headline sentence spans [start, end): the bed plays under it. */
nashra_status mix_plan_headline(mix_plan *p, long long start, long long end, nashra_error *err);
/* The story being rendered has ended: its headlines' bed stretch is complete. */
void mix_plan_story_end(mix_plan *p);

/* Writes *out (a new render in dir) from speech (whose integrated loudness is speech_lufs),
 * moves the layout's positions, and measures the result into *measured. */
nashra_status mix_render(mix_plan *p, audio_render *speech, layout *l, double speech_lufs,
                         const char *dir, audio_render **out, audio_loudness *measured,
                         nashra_error *err);

void mix_plan_destroy(mix_plan *p);

#endif
