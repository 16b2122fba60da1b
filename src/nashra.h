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
    NASHRA_ECANCELED, /* stopped through nashra_config.cancel */
    NASHRA_EBUSY     /* another run holds the output's lock */
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

/* The SHA-256 of the article's bytes as read, less a leading UTF-8 byte order mark (the same
 * text with or without one is the same article), 64 lowercase hex digits. Borrowed. */
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
 * the diacritizer's on every other word, no digits left, diacritics in the order espeak-ng
 * reads. */
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
#define NASHRA_SPEECH_NO_DIACRITIZE 16u /* bare letters left for espeak-ng to guess */
#define NASHRA_SPEECH_PAUSAL 32u        /* case endings the diacritizer gives less than an even
                                           chance read with sukun (measured worse; offered for
                                           listening against the default) */

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

/* Segments and expands free text (a line of a rundown, a greeting) into the sentences that
 * will be spoken, through the same normalization, segmentation and expansion as an article's
 * body; blank lines separate paragraphs. The text must be valid UTF-8 without control
 * characters other than tabs and line breaks. name is used in error messages. */
NASHRA_API nashra_status nashra_text_sentences(const char *name, const char *text,
                                               nashra_sentence_fn fn, void *user,
                                               nashra_error *err);

/* nashra_text_sentences with options; speech may be NULL for the defaults. */
NASHRA_API nashra_status nashra_text_speech(const char *name, const char *text,
                                            const nashra_speech *speech, nashra_sentence_fn fn,
                                            void *user, nashra_error *err);

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
    /* Non-zero when nashra_bulletin_audio will be called: the bulletin then measures and
     * mixes its speech as it does for jingles. */
    int audio_items;

    /*
     * Parallel synthesis. With jobs > 1 the bulletin forks that many worker processes when it
     * is created (libespeak-ng is process-global and not thread-safe); each segment's
     * sentences are synthesized by them while earlier ones are rendered, and the clips are
     * rendered in order with the same pauses, so the bulletin does not depend on the number
     * of jobs (espeak-ng's output for a sentence drifts a little with what it synthesized
     * before, by up to about 1% for a sentence and 0.01% for a bulletin, so the samples may
     * differ slightly). 1 (the default): everything in this process, no
     * fork. 0: one worker per processor this process may run on. At most 64. Workers end
     * with the bulletin; a worker that dies fails the bulletin with one line naming it. The
     * workers are copies of the calling process made by fork(): create such a bulletin from a
     * process with one thread, or while no other thread holds a lock.
     */
    int jobs;

    /*
     * The sentence cache: the synthesizer's output for each sentence, kept between runs and
     * keyed by the spoken text, the voice, rate, pitch, range and word gap, and the versions
     * of nashra and espeak-ng, so that a sentence spoken before is not synthesized again.
     * The clip kept is the raw synthesizer output, trimmed like a fresh one, so a bulletin is
     * the same from the cache or from espeak-ng. Damaged entries are detected (checksums) and
     * made again; the least recently used entries go when the folder passes its cap; runs
     * may share the folder.
     */
    int no_cache;               /* non-zero: neither read nor write the cache */
    const char *cache_dir;      /* NULL: $XDG_CACHE_HOME/nashra/clips (else ~/.cache/...) */
    long long cache_max_bytes;  /* 0: NASHRA_CACHE_DEFAULT_BYTES */

    /*
     * Events, one line each without a newline (the caller adds a time stamp), of the given
     * level: NASHRA_LOG_INFO for what a run did (stories read, cache hits and misses, workers,
     * timings), NASHRA_LOG_DEBUG for more. NULL: none. Errors are never logged, only returned.
     */
    void (*log)(void *user, int level, const char *message);
    /* Called after each sentence is rendered: segment counts spoken segments from 0, done and
     * total the sentences of that segment. NULL: none. */
    void (*progress)(void *user, size_t segment, size_t done, size_t total);
    void *log_user;             /* passed to log and progress */
} nashra_config;

#define NASHRA_CACHE_DEFAULT_BYTES (500LL * 1000 * 1000)
#define NASHRA_LOG_INFO 1
#define NASHRA_LOG_DEBUG 2

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

/* Checks that name (a profile, a .voice file or an espeak-ng voice) can speak, as a story's or
 * the headlines' voice would with config's numbers. Sets the synthesizer up. */
NASHRA_API nashra_status nashra_voice_check(const nashra_config *config, const char *name,
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

/*
 * A bulletin can also be built piece by piece, as a rundown describes it. Between two spoken
 * pieces (stories, headlines, greetings, lines of text) the story pause is kept, unless a
 * pause or an audio insert stands between them; each spoken piece is a segment of the
 * sidecars and chapters, with its kind ("story", "headlines", "greeting", "text", "outro").
 */

/* How one story is read; negative numbers and NULL keep the bulletin's settings. */
typedef struct nashra_story_options {
    const char *voice;      /* espeak-ng voice for this story */
    int pause_before_ms;    /* instead of the story pause before it */
    int headline_pause_ms;
    int sentence_pause_ms;
    int paragraph_pause_ms;
} nashra_story_options;

/* Fills "keep the bulletin's" everywhere. */
NASHRA_API void nashra_story_options_init(nashra_story_options *options);

/* nashra_bulletin_add with options (NULL: none). */
NASHRA_API nashra_status nashra_bulletin_add_story(nashra_bulletin *bulletin,
                                                   const nashra_article *article,
                                                   const nashra_story_options *options,
                                                   nashra_error *err);

/* Says which story will be added right after the piece added next (options as it will be
 * added with, or NULL), so that with more than one job its sentences are synthesized while
 * that piece is still being read, and no worker waits at the end of each story. Only a hint:
 * if anything else comes next, the work begun on it is dropped; a story in a voice of its own
 * is not read ahead. The article must stay valid until the piece added next is in. */
NASHRA_API void nashra_bulletin_next(nashra_bulletin *bulletin, const nashra_article *article,
                                     const nashra_story_options *options);

/* Speaks text (as nashra_text_sentences reads it) as one segment of the given kind. */
NASHRA_API nashra_status nashra_bulletin_say(nashra_bulletin *bulletin, const char *kind,
                                             const char *text, nashra_error *err);

/* Reads the headlines of the articles together, as a bulletin opens: one segment of kind
 * "headlines", the headline pause between them. The bed, if any, plays under it. */
NASHRA_API nashra_status nashra_bulletin_headlines(nashra_bulletin *bulletin,
                                                   const nashra_article *const *articles,
                                                   size_t count, nashra_error *err);

/* Silence of ms milliseconds (0..60000), in place of the pause before the next segment. */
NASHRA_API nashra_status nashra_bulletin_pause(nashra_bulletin *bulletin, int ms,
                                               nashra_error *err);

/* Inserts a sound file (any format libsndfile reads) here, brought to the speech's loudness
 * like the jingles. Needs config->audio_items; the file is read at once. */
NASHRA_API nashra_status nashra_bulletin_audio(nashra_bulletin *bulletin, const char *path,
                                               nashra_error *err);

typedef struct nashra_bulletin_info {
    double seconds;       /* playing time */
    long long frames;     /* sample frames */
    int sample_rate;      /* Hz */
    size_t stories;       /* segments of kind "story" */
    size_t segments;      /* every spoken segment */
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

/*
 * A lock on an output, so that two runs never write the same bulletin: an exclusive lock
 * (flock) on PATH.lock beside it, created if missing and left in place. Taken before any work
 * and released by nashra_output_unlock or when the process ends, however it ends. When another
 * process holds it, fails with NASHRA_EBUSY ("another nashra run is writing PATH"), or with
 * wait waits for it. Once it holds the lock, it removes the temporary files a killed run of
 * the same output left (PATH.tmp-* and its sidecars'). *out receives a handle for
 * nashra_output_unlock.
 */
typedef struct nashra_lock nashra_lock;

NASHRA_API nashra_status nashra_output_lock(const char *path, int wait, nashra_lock **out,
                                            nashra_error *err);
NASHRA_API void nashra_output_unlock(nashra_lock *lock);

/* When a sentence cache folder (NULL: the default) holds more than max_bytes (0: the default
 * cap), removes its least recently used entries until it holds at most nine tenths of that;
 * *removed (may be NULL) receives the number removed. */
NASHRA_API nashra_status nashra_cache_trim(const char *dir, long long max_bytes, size_t *removed,
                                           nashra_error *err);

/* Releases the synthesizer at the end of the process. After it no bulletin can be created. */
NASHRA_API void nashra_shutdown(void);

/* ------------------------------------------------------------------------------------------ */
/* Time                                                                                       */

/*
 * Times are seconds since the epoch (UTC). Time zones are IANA names ("Asia/Riyadh") read
 * through ICU; NULL means the system's (TZ, /etc/localtime).
 */

/* Checks that timezone names a zone ICU knows. */
NASHRA_API nashra_status nashra_timezone_check(const char *timezone, nashra_error *err);

/* Parses "YYYY-MM-DDTHH:MM[:SS]" (a space instead of T too), optionally followed by "Z" or an
 * offset such as "+03:00"; without one the time is local time in timezone. */
NASHRA_API nashra_status nashra_time_parse(const char *text, const char *timezone,
                                           long long *out, nashra_error *err);

/* Writes t as local time in timezone, "YYYY-MM-DDTHH:MM:SS", into out (20 bytes). */
NASHRA_API nashra_status nashra_time_local(long long t, const char *timezone, char out[20],
                                           nashra_error *err);

/* The slot of an hourly bulletin made at now: the local hour nearest to now (19:40 and 20:20
 * both give 20:00; half past goes to the next hour). */
NASHRA_API nashra_status nashra_slot_nearest_hour(long long now, const char *timezone,
                                                  long long *slot, nashra_error *err);

/*
 * The anchor's opening words for a bulletin at slot, fully diacritized, e.g.
 * "نَشْرَةُ أَخْبَارِ السَّاعَةِ الثَّامِنَةِ مَسَاءً، الثُّلَاثَاءُ الرَّابِعُ وَالْعِشْرُونَ مِنْ نُوفَمْبَرْ":
 * the clock hour in the slot's time zone with its part of the day (midnight and noon by
 * name), the weekday, the ordinal day and the month; with hijri, also the date in the
 * Umm al-Qura calendar. *out is malloc'd (the caller frees it with free).
 */
NASHRA_API nashra_status nashra_greeting_text(long long slot, const char *timezone, int hijri,
                                              char **out, nashra_error *err);

/* ------------------------------------------------------------------------------------------ */
/* Feeds                                                                                      */

/*
 * RSS 2.0 (also RSS 0.9x and 1.0) and Atom documents. nashra never opens the network: the XML
 * is read with network access off, no DTD is loaded, entities are never substituted, and a
 * document that declares entities is refused. HTML in titles, descriptions and content is
 * reduced to text (entities decoded, <p> and <br> breaking paragraphs). Items with neither
 * title nor text are skipped.
 */
typedef struct nashra_feed nashra_feed;

/* Reads a feed from a file, or standard input when path is "-". */
NASHRA_API nashra_status nashra_feed_read(const char *path, nashra_feed **out, nashra_error *err);

/* The same from a buffer; name is used in error messages (with line:column). */
NASHRA_API nashra_status nashra_feed_parse(const char *name, const char *data, size_t len,
                                           nashra_feed **out, nashra_error *err);

NASHRA_API void nashra_feed_destroy(nashra_feed *feed);

/* The items in document order: title (one line), text (paragraphs separated by blank lines),
 * id (guid or Atom id, else link; "" when neither), and date. Borrowed; NULL past the end. */
NASHRA_API size_t nashra_feed_item_count(const nashra_feed *feed);
NASHRA_API const char *nashra_feed_item_title(const nashra_feed *feed, size_t index);
NASHRA_API const char *nashra_feed_item_text(const nashra_feed *feed, size_t index);
NASHRA_API const char *nashra_feed_item_id(const nashra_feed *feed, size_t index);
/* Returns 1 and stores the date (seconds since the epoch) when the item has one, else 0. */
NASHRA_API int nashra_feed_item_date(const nashra_feed *feed, size_t index, long long *seconds);

/*
 * Items already read, remembered across runs in a small state file (ids hashed, one line
 * each, at most NASHRA_SEEN_MAX, the most recent kept). nashra_seen_open reads it (a missing
 * file is an empty state); nashra_seen_save replaces it atomically. Save only once the
 * bulletin is written, so that a failed run does not lose its items.
 */
typedef struct nashra_seen nashra_seen;

#define NASHRA_SEEN_MAX 5000

NASHRA_API nashra_status nashra_seen_open(const char *path, nashra_seen **out, nashra_error *err);
NASHRA_API int nashra_seen_has(const nashra_seen *seen, const char *id);
NASHRA_API nashra_status nashra_seen_add(nashra_seen *seen, const char *id, long long when,
                                         nashra_error *err);
NASHRA_API size_t nashra_seen_count(const nashra_seen *seen);
NASHRA_API nashra_status nashra_seen_save(nashra_seen *seen, nashra_error *err);
NASHRA_API void nashra_seen_destroy(nashra_seen *seen);

typedef enum nashra_feed_order {
    NASHRA_ORDER_NEWEST = 0, /* newest first; undated items last, in feed order */
    NASHRA_ORDER_FEED        /* as the feed lists them */
} nashra_feed_order;

typedef struct nashra_feed_options {
    size_t max_items;        /* 0: no limit */
    long long since;         /* seconds: only items dated after now - since; 0: any age */
    int drop_undated;        /* with since: drop items without a date too (default: kept) */
    nashra_feed_order order;
    long long now;           /* the clock since counts from, seconds since the epoch */
    nashra_seen *seen;       /* NULL, or: items in it are skipped, and the chosen are added */
} nashra_feed_options;

/* No limits, newest first, now = the current time, no seen state. */
NASHRA_API void nashra_feed_options_init(nashra_feed_options *options);

/*
 * The chosen items as articles (headline = title, body = text) through nashra_article_parse,
 * named "FEED#N" (N: the item's position). Items with the same id are read once. On success
 * *out is a new array of *count articles (possibly none), released with
 * nashra_articles_destroy.
 */
NASHRA_API nashra_status nashra_feed_articles(const nashra_feed *feed,
                                              const nashra_feed_options *options,
                                              nashra_article ***out, size_t *count,
                                              nashra_error *err);

NASHRA_API void nashra_articles_destroy(nashra_article **articles, size_t count);

/* ------------------------------------------------------------------------------------------ */
/* Rundowns                                                                                   */

/*
 * A rundown is a JSON file describing one bulletin (README.md has the format): title,
 * station, voice, output profile, slot time, time zone, and an ordered list of items:
 * greeting, headlines, story (an article file, or items of a feed), audio, pause, text and
 * outro. Relative paths are relative to the rundown's folder. Every error names the file and
 * the line:column of the offending value.
 */
typedef struct nashra_rundown nashra_rundown;

/* Reads and checks a rundown, including that the files it names exist. */
NASHRA_API nashra_status nashra_rundown_read(const char *path, nashra_rundown **out,
                                             nashra_error *err);

/* The same from a buffer: name for messages, dir for relative paths. */
NASHRA_API nashra_status nashra_rundown_parse(const char *name, const char *dir,
                                              const char *json, size_t len,
                                              nashra_rundown **out, nashra_error *err);

NASHRA_API void nashra_rundown_destroy(nashra_rundown *rundown);

/* Items in the rundown. */
NASHRA_API size_t nashra_rundown_item_count(const nashra_rundown *rundown);
/* The kind of an item ("greeting", "story", ...), or NULL past the end. */
NASHRA_API const char *nashra_rundown_item_kind(const nashra_rundown *rundown, size_t index);

/* Copies the rundown's title, station, slot, profile and voice into config where config has
 * none (title, station, slot NULL; profile AUTO) and, for the voice, always when the rundown
 * names one. The strings stay the rundown's. */
NASHRA_API void nashra_rundown_configure(const nashra_rundown *rundown, nashra_config *config);

/* The rundown's time zone, or NULL. Borrowed. */
NASHRA_API const char *nashra_rundown_timezone(const nashra_rundown *rundown);

typedef struct nashra_rundown_options {
    long long now;                 /* the clock: the slot when none is given, and feed ages */
    const char *timezone;          /* NULL: the rundown's, else the system's */
    nashra_feed_options feed;      /* for feed stories: since, order, seen (max is per item) */
} nashra_rundown_options;

/* now = the current time, no time zone, nashra_feed_options_init. */
NASHRA_API void nashra_rundown_options_init(nashra_rundown_options *options);

/*
 * Builds the bulletin the rundown describes into path: reads every story first (bad input
 * fails before any synthesis), then synthesizes the items in order and finishes the file as
 * nashra_bulletin_finish does. config is used as given (see nashra_rundown_configure); when it
 * has no slot, the slot is options->now's nearest hour. info may be NULL.
 */
NASHRA_API nashra_status nashra_rundown_build(const nashra_rundown *rundown,
                                              const nashra_config *config, const char *path,
                                              const nashra_rundown_options *options,
                                              nashra_bulletin_info *info, nashra_error *err);

#ifdef __cplusplus
}
#endif

#endif /* NASHRA_H */
