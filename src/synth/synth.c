#include "synth/synth.h"

#include <espeak-ng/espeak_ng.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/utf8.h"
#include "pronounce/pronounce.h"
#include "synth/datadir.h"
#include "voice/voice.h"

static enum { ENGINE_OFF, ENGINE_ON, ENGINE_ENDED } engine_state = ENGINE_OFF;
static int sample_rate;
static char data_dir[256];        /* nashra's private data directory */
static char data_wrong[512];      /* why espeak-ng does not read it; "" when it does */
static char current_voice[64];    /* the voice last set in espeak-ng; "" for none */

/* Where the callback puts samples, and whether it ran out of memory. */
typedef struct synth_sink {
    clip *out;
    bool failed;
} synth_sink;

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
    synth_sink *sink = events ? events->user_data : NULL;
    if (!sink || !wav || n <= 0)
        return 0;
    if (!clip_append(sink->out, wav, (size_t)n)) {
        sink->failed = true;
        return 1; /* stops synthesis */
    }
    return 0;
}

static nashra_status espeak_failure(nashra_error *err, const char *what, espeak_ng_STATUS st)
{
    char msg[256];
    espeak_ng_GetStatusCodeMessage(st, msg, sizeof msg);
    return error_set(err, NASHRA_ESYNTH, "espeak-ng: %s: %s", what, msg);
}

bool synth_voice_name_ok(const char *name)
{
    size_t n = strlen(name), plus = 0;
    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '+') {
            if (++plus > 1 || i == 0 || i + 1 == n)
                return false;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '/'))
            return false;
    }
    return true;
}

static nashra_status engine_start(nashra_error *err)
{
    if (engine_state == ENGINE_ENDED)
        return error_set(err, NASHRA_ESYNTH, "espeak-ng was already shut down in this process");
    if (engine_state == ENGINE_ON)
        return data_wrong[0] ? error_set(err, NASHRA_ESYNTH, "%s", data_wrong) : NASHRA_OK;
    nashra_status rc = datadir_prepare(data_dir, sizeof data_dir, err);
    if (rc)
        return rc;
    espeak_ng_InitializePath(data_dir);
    espeak_ng_ERROR_CONTEXT ctx = NULL;
    espeak_ng_STATUS st = espeak_ng_Initialize(&ctx);
    if (st != ENS_OK) {
        espeak_ng_ClearErrorContext(&ctx);
        return espeak_failure(err, "cannot initialize (is espeak-ng-data installed?)", st);
    }
    st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
    if (st != ENS_OK)
        return espeak_failure(err, "cannot set up output", st);
    espeak_SetSynthCallback(on_samples);
    sample_rate = espeak_ng_GetSampleRate();
    engine_state = ENGINE_ON;
    /* espeak-ng falls back to other data without a word (a missing path, ~/espeak-ng-data);
     * nashra's variants are only in its own directory. */
    const char *path = NULL;
    espeak_Info(&path);
    if (!path || strcmp(path, data_dir) != 0) {
        snprintf(data_wrong, sizeof data_wrong, "espeak-ng reads its data from '%s', not from "
                 "nashra's '%s' (is a ~/espeak-ng-data folder in the way?)", path ? path : "",
                 data_dir);
        return error_set(err, NASHRA_ESYNTH, "%s", data_wrong);
    }
    return NASHRA_OK;
}

/* espeak-ng ignores an unknown variant without a word: look for its file. */
static bool variant_exists(const char *variant)
{
    const char *data = NULL;
    espeak_Info(&data);
    if (!data)
        return false;
    char path[4096];
    snprintf(path, sizeof path, "%s/voices/!v/%s", data, variant);
    return access(path, R_OK) == 0;
}

const char *synth_data_path(void)
{
    const char *path = NULL;
    if (engine_state == ENGINE_ON)
        espeak_Info(&path);
    return path ? path : "";
}

void synth_current_voice(const char **identifier, int *gender)
{
    espeak_VOICE *v = engine_state == ENGINE_ON ? espeak_GetCurrentVoice() : NULL;
    *identifier = v && v->identifier ? v->identifier : "";
    *gender = v ? v->gender : 0;
}

/* Selects the voice in espeak-ng and checks that its variant was taken. */
static nashra_status set_voice(const char *name, nashra_error *err)
{
    const char *plus = strchr(name, '+');
    if (plus && !variant_exists(plus + 1))
        return error_set(err, NASHRA_EINVAL, "unknown espeak-ng voice variant '%s'", plus + 1);
    current_voice[0] = '\0';
    if (espeak_ng_SetVoiceByName(name) != ENS_OK) {
        char names[256];
        voice_builtin_names(names, sizeof names);
        return error_set(err, NASHRA_EINVAL, "unknown voice '%s': neither a voice profile (%s) "
                         "nor an espeak-ng voice", name, names);
    }
    if (plus) {
        /* espeak-ng appends "+variant" to the identifier only when it loaded the file. */
        const char *id;
        int gender;
        synth_current_voice(&id, &gender);
        size_t n = strlen(id), m = strlen(plus);
        if (n < m || strcmp(id + n - m, plus) != 0)
            return error_set(err, NASHRA_ESYNTH, "espeak-ng did not take the variant '%s' (its "
                             "voice is '%s')", plus + 1, id);
    }
    snprintf(current_voice, sizeof current_voice, "%s", name);
    return NASHRA_OK;
}

nashra_status synth_setup(const synth_params *p, nashra_error *err)
{
    if (!synth_voice_name_ok(p->voice))
        return error_set(err, NASHRA_EINVAL,
                         "bad voice name '%s' (up to 32 letters, digits, '_', '-', '/', "
                         "with an optional +variant)", p->voice);
    nashra_status rc = engine_start(err);
    if (rc)
        return rc;
    if (strcmp(current_voice, p->voice) != 0 && (rc = set_voice(p->voice, err)))
        return rc;
    espeak_ng_STATUS st;
    if ((st = espeak_ng_SetParameter(espeakRATE, p->rate, 0)) != ENS_OK ||
        (st = espeak_ng_SetParameter(espeakPITCH, p->pitch, 0)) != ENS_OK ||
        (st = espeak_ng_SetParameter(espeakRANGE, p->range, 0)) != ENS_OK ||
        (st = espeak_ng_SetParameter(espeakWORDGAP, p->word_gap, 0)) != ENS_OK)
        return espeak_failure(err, "cannot set rate, pitch, range or word gap", st);
    return NASHRA_OK;
}

int synth_sample_rate(void)
{
    return sample_rate;
}

/* The text as espeak-ng is given it, in the spellings it needs (pronounce_espeak), into ready
 * (emptied first), its NUL counted in ready->len as espeak_ng_Synthesize wants. On failure
 * ready is freed. */
static bool espeak_text(const char *text, buf *ready)
{
    buf_clear(ready);
    if (pronounce_espeak(text, strlen(text), ready) && buf_putc(ready, '\0'))
        return true;
    buf_free(ready);
    return false;
}

nashra_status synth_say(const char *text, clip *out, nashra_error *err)
{
    if (engine_state != ENGINE_ON)
        return error_set(err, NASHRA_ESYNTH, "espeak-ng is not initialized");
    buf ready = BUF_INIT;
    if (!espeak_text(text, &ready))
        return error_set(err, NASHRA_ENOMEM, "out of memory while synthesizing");
    synth_sink sink = {out, false};
    /* Inline [[phonemes]] come only from pronunciation lexicons: the spoken-form stage turns
     * every bracket of the article's own text into a pause. */
    espeak_ng_STATUS st = espeak_ng_Synthesize(ready.data, ready.len, 0, POS_CHARACTER, 0,
                                               espeakCHARS_UTF8 | espeakPHONEMES, NULL, &sink);
    buf_free(&ready);
    if (sink.failed)
        return error_set(err, NASHRA_ENOMEM, "out of memory while synthesizing");
    if (st != ENS_OK)
        return espeak_failure(err, "synthesis failed", st);
    return NASHRA_OK;
}

/* Appends espeak-ng's phonemes for ready[0..] (NUL-terminated), clause by clause. */
static bool text_phonemes(const char *ready, char sep, buf *out)
{
    const void *p = ready;
    while (p && *(const char *)p) {
        const char *ph = espeak_TextToPhonemes(&p, espeakCHARS_UTF8, (unsigned char)sep << 8);
        if (!ph || !*ph)
            continue;
        if ((out->len && out->data[out->len - 1] != ' ' && !buf_putc(out, ' ')) ||
            !buf_puts(out, ph))
            return false;
    }
    return true;
}

/* Inline phonemes as espeak-ng speaks them: as written, sep between each letter and its
 * length or quality marks and the next. */
static bool inline_phonemes(const char *ph, size_t len, char sep, buf *out)
{
    if (out->len && out->data[out->len - 1] != ' ' && !buf_putc(out, ' '))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = ph[i];
        bool starts = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '?' || c == '@';
        if (sep && starts && i > 0 && ph[i - 1] != ' ' && ph[i - 1] != '\'' &&
            ph[i - 1] != ',' && !buf_putc(out, sep))
            return false;
        if (!buf_putc(out, c))
            return false;
    }
    return true;
}

static nashra_status phonemes(const char *text, bool espeak_forms, char sep, buf *out,
                              nashra_error *err)
{
    if (engine_state != ENGINE_ON)
        return error_set(err, NASHRA_ESYNTH, "the synthesizer is not set up");
    /* espeak_TextToPhonemes ignores inline [[phonemes]]: those are copied. */
    buf ready = BUF_INIT, part = BUF_INIT;
    bool ok = espeak_forms ? espeak_text(text, &ready) : buf_puts(&ready, text);
    const char *s = ok ? ready.data : "";
    while (ok && *s) {
        const char *open = strstr(s, "[[");
        const char *close = open ? strstr(open + 2, "]]") : NULL;
        size_t plain = close ? (size_t)(open - s) : strlen(s);
        buf_clear(&part);
        ok = buf_append(&part, s, plain) && (!plain || text_phonemes(part.data, sep, out));
        s += plain;
        if (ok && close) {
            ok = inline_phonemes(open + 2, (size_t)(close - open - 2), sep, out);
            s = close + 2;
        }
    }
    buf_free(&ready);
    buf_free(&part);
    if (!ok)
        return error_set(err, NASHRA_ENOMEM, "out of memory while reading phonemes");
    return NASHRA_OK;
}

nashra_status synth_phonemes(const char *text, char sep, buf *out, nashra_error *err)
{
    return phonemes(text, true, sep, out, err);
}

nashra_status synth_phonemes_as_written(const char *text, char sep, buf *out, nashra_error *err)
{
    return phonemes(text, false, sep, out, err);
}

const char *synth_version(void)
{
    const char *data = NULL;
    return espeak_Info(&data);
}

void synth_shutdown(void)
{
    if (engine_state == ENGINE_ON)
        espeak_ng_Terminate();
    engine_state = ENGINE_ENDED;
}
