/* What the output stage writes about a bulletin besides its audio. */
#ifndef NASHRA_AUDIO_TAGS_H
#define NASHRA_AUDIO_TAGS_H

#include <stddef.h>

/* A story: its title (UTF-8) and where it starts and ends, in frames of the output. */
typedef struct audio_chapter {
    const char *title;
    long long start;
    long long end;
} audio_chapter;

typedef struct audio_tags {
    const char *title;       /* UTF-8, for LIST/INFO, ID3, Vorbis comments */
    const char *artist;      /* the station, UTF-8; may be NULL */
    const char *cut_id;      /* ASCII identifier, for bext and cart (specified as ASCII) */
    const char *date;        /* "YYYY-MM-DD": the slot's date, or the day it was made */
    const char *time;        /* "HH:MM:SS": the slot's time, or when it was made */
    int has_slot;            /* date and time are a scheduled slot (bext TimeReference) */
    const char *made_date;   /* "YYYY-MM-DD" and "HH:MM:SS" of origination */
    const char *made_time;
    const char *software;    /* "nashra X.Y.Z" */
    const char *description; /* ASCII, for bext */
    const audio_chapter *chapters;
    size_t chapter_count;
} audio_tags;

#endif
