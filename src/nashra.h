/*
 * nashra: Arabic news articles to spoken audio bulletins.
 *
 * The public API of libnashra. The pipeline is
 *
 *   article text -> cleanup and Unicode normalization -> sentence segmentation
 *   -> spoken-form expansion (numbers and the like) -> synthesis -> bulletin file
 *
 * Conventions:
 *   - Every fallible function returns a nashra_status; NASHRA_OK is 0.
 *   - A nashra_error, when the caller passes one, receives a one-line message naming the
 *     file and byte offset where they are known. The library never prints or exits.
 *   - Objects are created by *_create / *_read and released by *_destroy, which accepts NULL.
 *   - Strings are UTF-8. Inputs are borrowed for the duration of the call.
 *
 * Copyright (C) 2026 the nashra authors. GPL-3.0-or-later.
 */
#ifndef NASHRA_H
#define NASHRA_H

#include <signal.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NASHRA_API __attribute__((visibility("default")))
#else
#define NASHRA_API
#endif

typedef enum nashra_status {
    NASHRA_OK = 0,
    NASHRA_EINVAL,   /* a bad argument or option value */
    NASHRA_EINPUT,   /* bad input text: invalid UTF-8, binary data, empty, too large */
    NASHRA_EIO,      /* a file could not be read or written */
    NASHRA_EEXIST,   /* the output exists and overwriting was not asked for */
    NASHRA_ENOMEM,   /* out of memory */
    NASHRA_ETEXT,    /* ICU failed on the text */
    NASHRA_ESYNTH,   /* the synthesizer failed or could not be set up */
    NASHRA_EAUDIO,   /* the audio writer failed */
    NASHRA_ECANCELED /* stopped through nashra_config.cancel */
} nashra_status;

/* One line, without a trailing newline. */
typedef struct nashra_error {
    nashra_status status;
    char message[512];
} nashra_error;

/* The text of a status code, e.g. "invalid input". Never NULL. */
NASHRA_API const char *nashra_status_text(nashra_status status);

/* The library version, "MAJOR.MINOR.PATCH". */
NASHRA_API const char *nashra_version(void);

/* ------------------------------------------------------------------------------------------ */
/* Articles                                                                                   */

/* A cleaned article: a headline and paragraphs of plain normalized text. */
typedef struct nashra_article nashra_article;

/* Largest article accepted, in bytes. */
#define NASHRA_ARTICLE_MAX_BYTES (32u * 1024u * 1024u)

/*
 * Reads an article from a file, or from standard input when path is "-".
 * The text must be UTF-8; the first non-empty line is the headline and blank lines separate
 * paragraphs. Web boilerplate is dropped and the text is normalized (NFC, invisible marks
 * removed, digits of every script made ASCII). On success *out owns a new article.
 */
NASHRA_API nashra_status nashra_article_read(const char *path, nashra_article **out, nashra_error *err);

/* The same from a buffer; name is used in error messages. */
NASHRA_API nashra_status nashra_article_parse(const char *name, const char *text, size_t len,
                                   nashra_article **out, nashra_error *err);

NASHRA_API void nashra_article_destroy(nashra_article *article);

/* The SHA-256 of the article's bytes as read, 64 lowercase hex digits. Borrowed. */
NASHRA_API const char *nashra_article_sha256(const nashra_article *article);

/* The article's source name, headline, and paragraphs (normalized text). Borrowed. */
NASHRA_API const char *nashra_article_name(const nashra_article *article);
NASHRA_API const char *nashra_article_headline(const nashra_article *article);
NASHRA_API size_t nashra_article_paragraph_count(const nashra_article *article);
NASHRA_API const char *nashra_article_paragraph(const nashra_article *article, size_t index);

/* ------------------------------------------------------------------------------------------ */
/* Spoken text                                                                                */

typedef enum nashra_part {
    NASHRA_PART_HEADLINE, /* a sentence of the headline */
    NASHRA_PART_BODY      /* a sentence of the body */
} nashra_part;

/* Called once per spoken sentence, in order. paragraph counts body paragraphs from 0
 * (headline sentences get 0 too). Return non-zero to stop; the caller then gets NASHRA_OK. */
typedef int (*nashra_sentence_fn)(void *user, nashra_part part, size_t paragraph,
                                  const char *spoken_utf8);

/* Segments and expands an article into the sentences that will be spoken, exactly as the
 * synthesizer gets them: full diacritics on every generated word and every lexicon name,
 * no digits left, diacritics in the order espeak-ng reads. */
NASHRA_API nashra_status nashra_article_sentences(const nashra_article *article, nashra_sentence_fn fn,
                                       void *user, nashra_error *err);

/* A pronunciation lexicon: UTF-8 lines SURFACE<TAB>SPELLING, where SURFACE is one or more
 * words as text writes them (marks ignored; Arabic, or Latin matched without regard to case)
 * and SPELLING the fully diacritized Arabic to speak, or [[phonemes]] in espeak-ng's Arabic
 * phoneme mnemonics. '#' starts a comment line. Entries match also behind the proclitics
 * و ف ب ك ل and the article ال. A bad entry is an error naming the file and line. */
typedef struct nashra_lexicon nashra_lexicon;

NASHRA_API nashra_status nashra_lexicon_read(const char *path, nashra_lexicon **out,
                                             nashra_error *err);
NASHRA_API void nashra_lexicon_destroy(nashra_lexicon *lexicon);
NASHRA_API size_t nashra_lexicon_size(const nashra_lexicon *lexicon);

/* Which text stages run (all by default); the off switches are for measuring each one. */
#define NASHRA_SPEECH_NO_NUMBERS 1u     /* no spoken-form expansion of numbers and symbols */
#define NASHRA_SPEECH_NO_LEXICON 2u     /* neither the shipped nor a user lexicon */
#define NASHRA_SPEECH_NO_REWRITE 4u     /* diacritics passed on as they are */
#define NASHRA_SPEECH_LATIN_ENGLISH 8u  /* unknown Latin words read by espeak-ng in English
                                           rather than by their Arabic letter names */

typedef struct nashra_speech {
    const nashra_lexicon *lexicon; /* a user lexicon, winning over the shipped one; or NULL */
    unsigned flags;                /* NASHRA_SPEECH_* */
} nashra_speech;

/* nashra_article_sentences with options; speech may be NULL for the defaults. */
NASHRA_API nashra_status nashra_article_speech(const nashra_article *article,
                                               const nashra_speech *speech,
                                               nashra_sentence_fn fn, void *user,
                                               nashra_error *err);

/* Removes Arabic diacritics (harakat, tanween, shadda, sukun) from s in place. */
NASHRA_API void nashra_strip_diacritics(char *s);

/* ------------------------------------------------------------------------------------------ */
/* Bulletins                                                                                  */

/*
 * Output profiles: container, rate, depth, loudness target and true-peak ceiling.
 *   broadcast  WAV (BWF)  48 kHz 24-bit mono   -23 LUFS  -1 dBTP   (EBU R128)
 *   atsc       WAV (BWF)  48 kHz 24-bit mono   -24 LKFS  -2 dBTP   (ATSC A/85)
 *   podcast    MP3        44.1 kHz mono        -19 LUFS  -1 dBTP   (-16 LUFS in stereo)
 *   archive    FLAC       48 kHz 24-bit mono   -23 LUFS  -1 dBTP
 *   opus       Ogg Opus   48 kHz mono          -19 LUFS  -1 dBTP
 *   raw        WAV        synthesizer rate (22050 Hz), 16-bit, loudness untouched
 * NASHRA_PROFILE_AUTO takes the profile of the output's extension: .wav broadcast, .flac
 * archive, .mp3 podcast, .opus/.ogg opus.
 */
typedef enum nashra_profile {
    NASHRA_PROFILE_AUTO = 0,
    NASHRA_PROFILE_BROADCAST,
    NASHRA_PROFILE_ATSC,
    NASHRA_PROFILE_PODCAST,
    NASHRA_PROFILE_ARCHIVE,
    NASHRA_PROFILE_OPUS,
    NASHRA_PROFILE_RAW
} nashra_profile;

typedef enum nashra_format {
    NASHRA_FORMAT_AUTO = 0, /* the profile's container */
    NASHRA_FORMAT_WAV,
    NASHRA_FORMAT_FLAC,
    NASHRA_FORMAT_MP3,
    NASHRA_FORMAT_OPUS
} nashra_format;

/* Parse "broadcast", "atsc", ... and "wav", "flac", "mp3", "opus". NASHRA_EINVAL if unknown. */
NASHRA_API nashra_status nashra_profile_from_name(const char *name, nashra_profile *out);
NASHRA_API nashra_status nashra_format_from_name(const char *name, nashra_format *out);
NASHRA_API const char *nashra_profile_name(nashra_profile profile);

typedef struct nashra_config {
    /* A voice profile ("anchor-male", the default), a path to a .voice file, or a plain
     * espeak-ng voice, optionally "+variant" ("ar", "ar+f3"). A profile gives the espeak-ng
     * voice and variant; nashra_config_voice also copies its numbers below. */
    const char *voice;
    int rate;                /* words per minute as espeak-ng counts them, 80..450 */
    int pitch;               /* 0..100 (50: the voice's own base pitch) */
    int range;               /* pitch range, 0..100 (50: the voice's own; 0: monotone) */
    int word_gap;            /* extra pause between words, 10 ms units, 0..50 */
    /* When not NULL, headline sentences are spoken with this voice (a profile, a .voice file
     * or an espeak-ng voice). A profile brings its own rate, pitch, range and word gap; an
     * espeak-ng voice takes the fields above. Pauses always come from this config. */
    const char *headline_voice;
    int headline_pause_ms;   /* after a headline */
    int sentence_pause_ms;   /* between sentences of a paragraph */
    int paragraph_pause_ms;  /* between paragraphs */
    int story_pause_ms;      /* between stories */
    int overwrite;           /* non-zero: replace existing output files */
    /* When not NULL and set non-zero (by a signal handler, say), work stops at the next
     * sentence with NASHRA_ECANCELED. */
    const volatile sig_atomic_t *cancel;

    /* The output. Each field overrides the profile's value; 0 or NULL keeps it. */
    nashra_profile profile;
    nashra_format format;
    int sample_rate;         /* Hz, 8000..192000 (Opus: 8, 12, 16, 24 or 48 kHz) */
    int bit_depth;           /* 16 or 24, for WAV and FLAC */
    int stereo;              /* non-zero: two channels */
    double loudness;         /* integrated loudness target, LUFS, -70..-5 */
    double true_peak;        /* true-peak ceiling, dBTP, -20..-0.1 */
    int bitrate;             /* kbit/s for MP3 (32..320) and Opus (6..256) */
    int sidecars;            /* write NAME.json, NAME.vtt, NAME.srt beside the output (default 1) */

    /* What playout systems read (UTF-8). NULL: a title of "نشرة الأخبار", no station, and
     * the time of writing. slot is the scheduled air time, "YYYY-MM-DDTHH:MM[:SS]". */
    const char *title;
    const char *station;
    const char *slot;

    /* Jingles, any format libsndfile reads, any rate and channel count: before the bulletin,
     * after it, and between stories; and a music bed under each story's headline, ducked
     * under the voice. NULL: none. */
    const char *intro;
    const char *outro;
    const char *between;
    const char *bed;

    /* When not NULL, also write each story to DIR/NN.EXT with its own metadata. */
    const char *split_dir;

    /* A pronunciation lexicon file of the user's, winning over the shipped one; or NULL. */
    const char *lexicon;
    unsigned speech_flags;   /* NASHRA_SPEECH_* */
} nashra_config;

/* Fills the news defaults: the anchor-male voice profile and its pauses. */
NASHRA_API void nashra_config_init(nashra_config *config);

/* ------------------------------------------------------------------------------------------ */
/* Voice profiles                                                                             */

/*
 * A voice profile: an espeak-ng voice and variant, how fast and how high it speaks, and the
 * pauses of a bulletin. nashra ships anchor-male, anchor-female and briefing (from the
 * voices/profiles/ folder of its sources, compiled in); a user's own profile is a text file
 * ending in .voice, in the same format:
 *
 *   # a comment
 *   description = Calm male news anchor
 *   voice = ar
 *   variant = nashra-m
 *   rate = 150
 *
 * Keys: description (one line), voice (required), variant, rate (80..450), pitch (0..100),
 * range (0..100), word-gap (0..50), headline-pause, sentence-pause, paragraph-pause and
 * story-pause (milliseconds, 0..60000). Keys left out take nashra's base values: rate 165,
 * pitch 45, range 50, word gap 0, pauses 800, 350, 650 and 1600 ms. The variants nashra-m and
 * nashra-f are nashra's own; the others are espeak-ng's (f3, m3, ...).
 */
typedef struct nashra_voice {
    char name[256];          /* the profile's name, or the file's path as given */
    char description[256];
    char voice[33];          /* espeak-ng voice, "ar" */
    char variant[33];        /* espeak-ng variant, "" for none */
    int rate, pitch, range, word_gap;
    int headline_pause_ms, sentence_pause_ms, paragraph_pause_ms, story_pause_ms;
} nashra_voice;

/* The number of built-in profiles. */
NASHRA_API size_t nashra_voice_count(void);

/* The built-in profile at index (in name order, below nashra_voice_count()). */
NASHRA_API nashra_status nashra_voice_get(size_t index, nashra_voice *out, nashra_error *err);

/*
 * Loads a profile: a built-in one by name, or a file when name holds a '/' or ends in
 * ".voice". An unknown name fails with NASHRA_EINVAL and a message listing the built-in
 * profiles; a bad file with one naming the file and line.
 */
NASHRA_API nashra_status nashra_voice_load(const char *name, nashra_voice *out, nashra_error *err);

/* Loads the profile name and applies it to config: voice (set to name, which must outlive
 * the config's use), rate, pitch, range, word gap and the four pauses. */
NASHRA_API nashra_status nashra_config_voice(nashra_config *config, const char *name,
                                             nashra_error *err);

/* Checks every field; on failure names the field. */
NASHRA_API nashra_status nashra_config_check(const nashra_config *config, nashra_error *err);

typedef struct nashra_bulletin nashra_bulletin;

/*
 * Opens a bulletin that will be written to path in the configured profile. Audio is rendered
 * to an unnamed temporary file beside path; nashra_bulletin_finish measures it, brings it to
 * the loudness target, writes the file (and its sidecars) under temporary names and renames
 * them into place; until then nothing at path is touched. Fails with NASHRA_EEXIST if path or
 * a sidecar exists and config->overwrite is 0. Strings in config are copied.
 * The synthesizer is process-global: one bulletin at a time per process.
 */
NASHRA_API nashra_status nashra_bulletin_create(const nashra_config *config, const char *path,
                                     nashra_bulletin **out, nashra_error *err);

/* Synthesizes one story and appends it, with the story pause before it if it is not the
 * first. Audio is rendered as it is produced. */
NASHRA_API nashra_status nashra_bulletin_add(nashra_bulletin *bulletin, const nashra_article *article,
                                  nashra_error *err);

typedef struct nashra_bulletin_info {
    double seconds;       /* playing time */
    long long frames;     /* sample frames */
    int sample_rate;      /* Hz */
    size_t stories;
    size_t sentences;
    int channels;
    const char *container;   /* "WAV", "FLAC", "MP3", "Ogg Opus" */
    /* Measured on the file as written: */
    double loudness;         /* integrated, LUFS */
    double loudness_range;   /* LU */
    double true_peak;        /* dBTP */
    double gain;             /* dB applied to reach the target */
    double limited;          /* deepest true-peak limiter reduction, dB (0: none) */
} nashra_bulletin_info;

/* Completes the file and its sidecars and moves them into place. info may be NULL; its
 * strings live as long as the bulletin. */
NASHRA_API nashra_status nashra_bulletin_finish(nashra_bulletin *bulletin, nashra_bulletin_info *info,
                                     nashra_error *err);

/* Releases the bulletin; an unfinished one leaves no file behind. */
NASHRA_API void nashra_bulletin_destroy(nashra_bulletin *bulletin);

/* espeak-ng's phonemes for a spoken sentence (as nashra_article_sentences gives it), read by
 * the configured voice: its mnemonics, clause by clause, separated by spaces. *out is a new
 * string for the caller to free. */
NASHRA_API nashra_status nashra_phonemes(const nashra_config *config, const char *spoken,
                                         char **out, nashra_error *err);

/* Releases the synthesizer at the end of the process. After it no bulletin can be created. */
NASHRA_API void nashra_shutdown(void);

#ifdef __cplusplus
}
#endif

#endif /* NASHRA_H */
