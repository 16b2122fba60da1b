#include "voice/voice.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/readfile.h"
#include "common/utf8.h"

/* Largest profile file read. */
#define VOICE_FILE_MAX (64 * 1024)

/* The values a profile starts from (keys it gives replace them), and a configuration's
 * before any profile is applied. */
const nashra_voice voice_defaults = {
    .rate = 165, .pitch = 45, .range = 50, .word_gap = 0,
    .headline_pause_ms = 800, .sentence_pause_ms = 350, .paragraph_pause_ms = 650,
    .story_pause_ms = 1600,
};

typedef struct number_key {
    const char *key;   /* in a profile */
    const char *label; /* in a configuration's messages */
    size_t offset;     /* of the int in nashra_voice */
    size_t config;     /* of the same int in nashra_config */
    int lo, hi;
} number_key;

#define NUMBER(key, label, field, lo, hi) \
    {key, label, offsetof(nashra_voice, field), offsetof(nashra_config, field), lo, hi}

/* espeak-ng's event positions overshoot above 450 words per minute. */
static const number_key number_keys[] = {
    NUMBER("rate", "rate", rate, 80, 450),
    NUMBER("pitch", "pitch", pitch, 0, 100),
    NUMBER("range", "range", range, 0, 100),
    NUMBER("word-gap", "word gap", word_gap, 0, 50),
    NUMBER("headline-pause", "headline pause", headline_pause_ms, 0, 60000),
    NUMBER("sentence-pause", "sentence pause", sentence_pause_ms, 0, 60000),
    NUMBER("paragraph-pause", "paragraph pause", paragraph_pause_ms, 0, 60000),
    NUMBER("story-pause", "story pause", story_pause_ms, 0, 60000),
};
#define NUMBER_KEYS (sizeof number_keys / sizeof *number_keys)
#define ALL_KEYS "description, voice, variant, rate, pitch, range, word-gap, headline-pause, " \
                 "sentence-pause, paragraph-pause, story-pause"

/* A variant name: 1 to 32 characters of [A-Za-z0-9_-]; an espeak-ng voice without a variant
 * (slash): the same and '/'. */
static bool name_ok(const char *name, bool slash)
{
    size_t n = strlen(name);
    if (n == 0 || n > VOICE_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || (slash && c == '/')))
            return false;
    }
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Copies the bytes [s, e) into out as a string; false if they do not fit. */
static bool copy_span(char *out, size_t cap, const char *s, const char *e)
{
    size_t n = (size_t)(e - s);
    if (n >= cap)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

static nashra_status parse_number(const char *where, size_t line, const number_key *k,
                                  const char *value, nashra_voice *out, nashra_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (!*value || *end || errno == ERANGE || is_blank(*value))
        return error_set(err, NASHRA_EINPUT, "%s:%zu: %s: '%s' is not a whole number", where,
                         line, k->key, value);
    if (v < k->lo || v > k->hi)
        return error_set(err, NASHRA_EINPUT, "%s:%zu: %s: %ld is out of range (%d to %d)",
                         where, line, k->key, v, k->lo, k->hi);
    *(int *)((char *)out + k->offset) = (int)v;
    return NASHRA_OK;
}

/* Handles one "key = value" line; seen marks the keys given so far (bit i: number key i,
 * then description, voice, variant). */
static nashra_status parse_line(const char *where, size_t line, const char *key,
                                const char *value, unsigned *seen, nashra_voice *out,
                                nashra_error *err)
{
    static const char *const text_keys[] = {"description", "voice", "variant"};
    unsigned bit = 0;
    bool known = false;
    for (size_t i = 0; !known && i < NUMBER_KEYS; i++)
        if (!strcmp(key, number_keys[i].key)) {
            bit = 1u << i;
            known = true;
        }
    for (size_t i = 0; !known && i < 3; i++)
        if (!strcmp(key, text_keys[i])) {
            bit = 1u << (NUMBER_KEYS + i);
            known = true;
        }
    if (!known)
        return error_set(err, NASHRA_EINPUT, "%s:%zu: unknown key '%s' (known: " ALL_KEYS ")",
                         where, line, key);
    if (*seen & bit)
        return error_set(err, NASHRA_EINPUT, "%s:%zu: '%s' is given twice", where, line, key);
    *seen |= bit;
    if (!*value)
        return error_set(err, NASHRA_EINPUT, "%s:%zu: '%s' has no value", where, line, key);
    for (size_t i = 0; i < NUMBER_KEYS; i++)
        if (!strcmp(key, number_keys[i].key))
            return parse_number(where, line, &number_keys[i], value, out, err);
    if (!strcmp(key, "description")) {
        if (strlen(value) >= sizeof out->description)
            return error_set(err, NASHRA_EINPUT, "%s:%zu: description is longer than %zu bytes",
                             where, line, sizeof out->description - 1);
        strcpy(out->description, value);
    } else if (!strcmp(key, "voice")) {
        if (strchr(value, '+'))
            return error_set(err, NASHRA_EINPUT, "%s:%zu: voice '%s': give the variant on a "
                             "line of its own ('variant = ...')", where, line, value);
        if (!name_ok(value, true))
            return error_set(err, NASHRA_EINPUT, "%s:%zu: bad voice name '%s' (up to 32 "
                             "letters, digits, '_', '-', '/')", where, line, value);
        strcpy(out->voice, value);
    } else {
        if (!name_ok(value, false))
            return error_set(err, NASHRA_EINPUT, "%s:%zu: bad variant name '%s' (up to 32 "
                             "letters, digits, '_', '-')", where, line, value);
        strcpy(out->variant, value);
    }
    return NASHRA_OK;
}

nashra_status voice_profile_parse(const char *where, const char *name, const char *text,
                                  size_t len, nashra_voice *out, nashra_error *err)
{
    *out = voice_defaults;
    if (strlen(name) >= sizeof out->name)
        return error_set(err, NASHRA_EINVAL, "%s: the profile's name is too long", where);
    strcpy(out->name, name);
    size_t bad;
    if (memchr(text, '\0', len))
        return error_set(err, NASHRA_EINPUT, "%s: NUL byte in a profile", where);
    if (!utf8_valid(text, len, &bad))
        return error_set(err, NASHRA_EINPUT, "%s: invalid UTF-8 at byte offset %zu", where, bad);
    unsigned seen = 0;
    size_t line = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        const char *s = p, *e = eol ? eol : end;
        p = next;
        line++;
        while (s < e && is_blank(*s))
            s++;
        while (e > s && (is_blank(e[-1]) || e[-1] == '\r'))
            e--;
        if (s == e || *s == '#')
            continue;
        for (const char *c = s; c < e; c++)
            if ((unsigned char)*c < 0x20 && *c != '\t')
                return error_set(err, NASHRA_EINPUT, "%s:%zu: control character in a line",
                                 where, line);
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (!eq)
            return error_set(err, NASHRA_EINPUT, "%s:%zu: expected 'key = value'", where, line);
        const char *ke = eq, *vs = eq + 1;
        while (ke > s && is_blank(ke[-1]))
            ke--;
        while (vs < e && is_blank(*vs))
            vs++;
        char key[32], value[512];
        if (ke == s)
            return error_set(err, NASHRA_EINPUT, "%s:%zu: no key before '='", where, line);
        if (!copy_span(key, sizeof key, s, ke))
            return error_set(err, NASHRA_EINPUT, "%s:%zu: unknown key (known: " ALL_KEYS ")",
                             where, line);
        if (!copy_span(value, sizeof value, vs, e))
            return error_set(err, NASHRA_EINPUT, "%s:%zu: '%s': value too long", where, line,
                             key);
        nashra_status rc = parse_line(where, line, key, value, &seen, out, err);
        if (rc)
            return rc;
    }
    if (!out->voice[0])
        return error_set(err, NASHRA_EINPUT, "%s:%zu: no 'voice' line (add one such as "
                         "'voice = ar')", where, line ? line : 1);
    return NASHRA_OK;
}

bool voice_is_path(const char *name)
{
    size_t n = strlen(name);
    return strchr(name, '/') || (n > 6 && !strcmp(name + n - 6, ".voice"));
}

static const voice_file *builtin(const char *name)
{
    for (size_t i = 0; i < voice_profile_file_count; i++)
        if (!strcmp(voice_profile_files[i].name, name))
            return &voice_profile_files[i];
    return NULL;
}

bool voice_is_builtin(const char *name)
{
    return builtin(name) != NULL;
}

void voice_builtin_names(char *out, size_t cap)
{
    size_t used = 0;
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < voice_profile_file_count && used < cap; i++) {
        int n = snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
                         voice_profile_files[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

void voice_espeak_name(const nashra_voice *v, char *out, size_t cap)
{
    if (v->variant[0])
        snprintf(out, cap, "%s+%s", v->voice, v->variant);
    else
        snprintf(out, cap, "%s", v->voice);
}

static nashra_status load_builtin(const voice_file *f, nashra_voice *out, nashra_error *err)
{
    char where[64];
    snprintf(where, sizeof where, "%s.voice", f->name);
    return voice_profile_parse(where, f->name, (const char *)f->blob->bytes, f->blob->len, out,
                               err);
}

static nashra_status load_file(const char *path, nashra_voice *out, nashra_error *err)
{
    static const file_kind profile = {.noun = "voice profile", .max_bytes = VOICE_FILE_MAX};
    buf b = BUF_INIT;
    nashra_status rc = file_read(path, &profile, &b, err);
    if (!rc)
        rc = voice_profile_parse(path, path, b.data ? b.data : "", b.len, out, err);
    buf_free(&b);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* The public API.                                                                          */

size_t nashra_voice_count(void)
{
    return voice_profile_file_count;
}

nashra_status nashra_voice_get(size_t index, nashra_voice *out, nashra_error *err)
{
    if (!out || index >= voice_profile_file_count)
        return error_set(err, NASHRA_EINVAL, "no voice profile number %zu (there are %zu)",
                         index, voice_profile_file_count);
    return load_builtin(&voice_profile_files[index], out, err);
}

nashra_status nashra_voice_load(const char *name, nashra_voice *out, nashra_error *err)
{
    if (!name || !*name || !out)
        return error_set(err, NASHRA_EINVAL, "no voice profile given");
    if (voice_is_path(name))
        return load_file(name, out, err);
    const voice_file *f = builtin(name);
    if (!f) {
        char names[512];
        voice_builtin_names(names, sizeof names);
        return error_set(err, NASHRA_EINVAL, "unknown voice profile '%s' (known: %s; or a "
                         "path to a .voice file)", name, names);
    }
    return load_builtin(f, out, err);
}

void voice_apply_numbers(const nashra_voice *v, nashra_config *config)
{
    for (size_t i = 0; i < NUMBER_KEYS; i++)
        memcpy((char *)config + number_keys[i].config, (const char *)v + number_keys[i].offset,
               sizeof(int));
}

nashra_status voice_check_numbers(const nashra_config *config, nashra_error *err)
{
    for (size_t i = 0; i < NUMBER_KEYS; i++) {
        const number_key *k = &number_keys[i];
        int value;
        memcpy(&value, (const char *)config + k->config, sizeof value);
        if (value < k->lo || value > k->hi)
            return error_set(err, NASHRA_EINVAL, "%s must be between %d and %d (got %d)",
                             k->label, k->lo, k->hi, value);
    }
    return NASHRA_OK;
}

nashra_status nashra_config_voice(nashra_config *config, const char *name, nashra_error *err)
{
    nashra_voice v;
    nashra_status rc = nashra_voice_load(name, &v, err);
    if (rc)
        return rc;
    config->voice = name;
    voice_apply_numbers(&v, config);
    return NASHRA_OK;
}
