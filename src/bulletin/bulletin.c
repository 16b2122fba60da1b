/* A bulletin: stories -> sentences -> synthesized clips with pauses -> one WAV file, written
 * as it is produced so memory does not grow with the bulletin's length. */
#include <stdlib.h>
#include <string.h>

#include "audio/clip.h"
#include "audio/writer.h"
#include "common/error.h"
#include "synth/synth.h"

/* Samples quieter than this (about -50 dBFS) at a clip's ends count as silence. */
#define TRIM_THRESHOLD 100
/* Audio kept on each side of the audible part, so soft onsets and releases survive. */
#define TRIM_MARGIN_MS 15

struct nashra_bulletin {
    nashra_config config;
    audio_writer *writer;
    int rate;
    clip clip;
    size_t stories;
    size_t sentences;
    /* Within the story being added: */
    bool story_started;
    nashra_part last_part;
    size_t last_paragraph;
    nashra_status failure;
    nashra_error *err;
};

void nashra_config_init(nashra_config *c)
{
    memset(c, 0, sizeof *c);
    c->voice = "ar";
    c->rate = 165;
    c->pitch = 45;
    c->headline_pause_ms = 800;
    c->sentence_pause_ms = 350;
    c->paragraph_pause_ms = 650;
    c->story_pause_ms = 1600;
    c->overwrite = 0;
}

static nashra_status check_range(nashra_error *err, const char *name, int v, int lo, int hi)
{
    if (v < lo || v > hi)
        return error_set(err, NASHRA_EINVAL, "%s must be between %d and %d (got %d)", name, lo,
                         hi, v);
    return NASHRA_OK;
}

nashra_status nashra_config_check(const nashra_config *c, nashra_error *err)
{
    nashra_status rc;
    if (!c->voice || !synth_voice_name_ok(c->voice))
        return error_set(err, NASHRA_EINVAL,
                         "bad voice name '%s' (up to 32 letters, digits, '_', '-', '/', with an "
                         "optional +variant)", c->voice ? c->voice : "");
    /* espeak-ng's event positions overshoot above 450 words per minute. */
    if ((rc = check_range(err, "rate", c->rate, 80, 450)) ||
        (rc = check_range(err, "pitch", c->pitch, 0, 100)) ||
        (rc = check_range(err, "headline pause", c->headline_pause_ms, 0, 60000)) ||
        (rc = check_range(err, "sentence pause", c->sentence_pause_ms, 0, 60000)) ||
        (rc = check_range(err, "paragraph pause", c->paragraph_pause_ms, 0, 60000)) ||
        (rc = check_range(err, "story pause", c->story_pause_ms, 0, 60000)))
        return rc;
    return NASHRA_OK;
}

static size_t ms_to_frames(int rate, int ms)
{
    return (size_t)((long long)rate * ms / 1000);
}

nashra_status nashra_bulletin_create(const nashra_config *config, const char *path,
                                     nashra_bulletin **out, nashra_error *err)
{
    *out = NULL;
    nashra_status rc = nashra_config_check(config, err);
    if (rc)
        return rc;
    if (!path || !*path)
        return error_set(err, NASHRA_EINVAL, "no output file given");
    synth_params params = {config->voice, config->rate, config->pitch};
    if ((rc = synth_setup(&params, err)))
        return rc;
    nashra_bulletin *b = calloc(1, sizeof *b);
    if (!b)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    b->config = *config;
    b->rate = synth_sample_rate();
    rc = audio_writer_open(path, b->rate, config->overwrite != 0, &b->writer, err);
    if (rc) {
        free(b);
        return rc;
    }
    *out = b;
    return NASHRA_OK;
}

/* The pause before a sentence, from where it stands in the story. */
static int pause_before(const nashra_bulletin *b, nashra_part part, size_t paragraph)
{
    if (!b->story_started)
        return 0;
    if (b->last_part == NASHRA_PART_HEADLINE && part == NASHRA_PART_BODY)
        return b->config.headline_pause_ms;
    if (part == NASHRA_PART_BODY && paragraph != b->last_paragraph)
        return b->config.paragraph_pause_ms;
    return b->config.sentence_pause_ms;
}

static int on_sentence(void *user, nashra_part part, size_t paragraph, const char *text)
{
    nashra_bulletin *b = user;
    if (b->config.cancel && *b->config.cancel) {
        b->failure = error_set(b->err, NASHRA_ECANCELED, "interrupted");
        return 1;
    }
    nashra_status rc = audio_writer_silence(
        b->writer, ms_to_frames(b->rate, pause_before(b, part, paragraph)), b->err);
    clip_clear(&b->clip);
    if (!rc)
        rc = synth_say(text, &b->clip, b->err);
    if (!rc) {
        size_t start, end;
        clip_audible(&b->clip, TRIM_THRESHOLD, ms_to_frames(b->rate, TRIM_MARGIN_MS), &start,
                     &end);
        rc = audio_writer_write(b->writer, b->clip.samples + start, end - start, b->err);
    }
    if (rc) {
        b->failure = rc;
        return 1;
    }
    b->story_started = true;
    b->last_part = part;
    b->last_paragraph = paragraph;
    b->sentences++;
    return 0;
}

nashra_status nashra_bulletin_add(nashra_bulletin *b, const nashra_article *article,
                                  nashra_error *err)
{
    if (!b || !b->writer || !article)
        return error_set(err, NASHRA_EINVAL, "no open bulletin or no article given");
    nashra_status rc = NASHRA_OK;
    if (b->stories)
        rc = audio_writer_silence(b->writer, ms_to_frames(b->rate, b->config.story_pause_ms),
                                  err);
    if (rc)
        return rc;
    b->story_started = false;
    b->failure = NASHRA_OK;
    b->err = err;
    rc = nashra_article_sentences(article, on_sentence, b, err);
    b->err = NULL;
    if (!rc)
        rc = b->failure;
    if (!rc)
        b->stories++;
    return rc;
}

nashra_status nashra_bulletin_finish(nashra_bulletin *b, nashra_bulletin_info *info,
                                     nashra_error *err)
{
    if (!b || !b->writer)
        return error_set(err, NASHRA_EINVAL, "no open bulletin");
    if (!b->stories)
        return error_set(err, NASHRA_EINPUT, "the bulletin has no stories");
    long long frames = audio_writer_frames(b->writer);
    nashra_status rc = audio_writer_commit(b->writer, err);
    b->writer = NULL;
    if (rc)
        return rc;
    if (info) {
        info->frames = frames;
        info->sample_rate = b->rate;
        info->seconds = (double)frames / b->rate;
        info->stories = b->stories;
        info->sentences = b->sentences;
    }
    return NASHRA_OK;
}

void nashra_bulletin_destroy(nashra_bulletin *b)
{
    if (!b)
        return;
    audio_writer_discard(b->writer);
    clip_free(&b->clip);
    free(b);
}

void nashra_shutdown(void)
{
    synth_shutdown();
}
