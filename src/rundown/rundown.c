/*
 * Rundowns: a JSON file (read with Jansson) that describes one bulletin item by item, checked
 * whole before anything is synthesized. Jansson reports where a syntax error is, but keeps no
 * positions for values; an error about a value (an unknown field, a wrong type, a missing
 * file) is located by walking the text, which Jansson has already found well-formed, along the
 * value's path.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/atomic.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/readfile.h"
#include "rundown/greeting.h"
#include "synth/synth.h"
#include "voice/voice.h"

/* Largest rundown file accepted, in bytes. */
#define RUNDOWN_MAX_BYTES (1024u * 1024u)
#define PAUSE_MAX_MS 60000

typedef enum item_kind {
    ITEM_GREETING,
    ITEM_HEADLINES,
    ITEM_STORY,
    ITEM_AUDIO,
    ITEM_PAUSE,
    ITEM_TEXT,
    ITEM_OUTRO,
    ITEM_KINDS
} item_kind;

static const char *const kind_names[ITEM_KINDS] = {"greeting", "headlines", "story", "audio",
                                                    "pause",    "text",      "outro"};

/* The fields each kind accepts besides "kind". */
static const char *const kind_fields[ITEM_KINDS][8] = {
    [ITEM_GREETING] = {"hijri", NULL},
    [ITEM_HEADLINES] = {NULL},
    [ITEM_STORY] = {"file", "feed", "max", "voice", "pause_before", "headline_pause",
                    "sentence_pause", "paragraph_pause"},
    [ITEM_AUDIO] = {"file", NULL},
    [ITEM_PAUSE] = {"ms", NULL},
    [ITEM_TEXT] = {"text", NULL},
    [ITEM_OUTRO] = {"text", NULL},
};

static const char *const top_fields[] = {"title",    "station", "voice", "headline_voice",
                                         "profile",  "slot",    "timezone", "items", NULL};

typedef struct rundown_item {
    item_kind kind;
    char *file;          /* story article or audio file, resolved against the folder */
    char *feed;          /* story: a feed file, resolved */
    size_t max;          /* feed: most items (0: the options' limit) */
    char *text;          /* text, outro (NULL: the default outro) */
    char *voice;
    int pause_before, headline_pause, sentence_pause, paragraph_pause; /* -1: default */
    int ms;              /* pause */
    bool hijri;          /* greeting */
} rundown_item;

struct nashra_rundown {
    char *name, *dir;
    char *title, *station, *voice, *headline_voice, *slot, *timezone;
    nashra_profile profile;
    rundown_item *items;
    size_t count, cap;
};

/* ---------------------------------------------------------------------------------------- */
/* Where a value is in the text                                                             */

typedef struct jstep {
    const char *key; /* a member of an object, or NULL for index */
    size_t index;    /* an element of an array */
} jstep;

typedef struct source {
    const char *name;
    const char *text;
    size_t len;
} source;

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* Past a string starting at its opening quote. */
static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end && *p != '"'; p++)
        if (*p == '\\')
            p++;
    return p < end ? p + 1 : end;
}

/* Past one well-formed value. */
static const char *skip_value(const char *p, const char *end)
{
    p = skip_ws(p, end);
    if (p >= end)
        return end;
    if (*p == '"')
        return skip_string(p, end);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        for (; p < end; p++) {
            if (*p == '"') {
                p = skip_string(p, end) - 1;
            } else if (*p == '{' || *p == '[') {
                depth++;
            } else if (*p == '}' || *p == ']') {
                if (--depth == 0)
                    return p + 1;
            }
        }
        return end;
    }
    while (p < end && !strchr(",}] \t\r\n", *p))
        p++;
    return p;
}

/* The value at path (or, with at_key, the last step's key) in well-formed JSON; the start of
 * the deepest value found when the path goes no further. */
static const char *find_path(const source *s, const jstep *path, size_t depth, bool at_key)
{
    const char *p = skip_ws(s->text, s->text + s->len), *end = s->text + s->len;
    for (size_t d = 0; d < depth && p < end; d++) {
        const char *container = p;
        bool found = false;
        if (path[d].key && *p == '{') {
            size_t klen = strlen(path[d].key);
            p = skip_ws(p + 1, end);
            while (p < end && *p == '"') {
                const char *key = p;
                const char *after = skip_string(p, end);
                bool match = (size_t)(after - key) == klen + 2 &&
                             memcmp(key + 1, path[d].key, klen) == 0;
                p = skip_ws(after, end);
                if (p < end && *p == ':')
                    p = skip_ws(p + 1, end);
                if (match) {
                    if (at_key && d + 1 == depth)
                        return key;
                    found = true;
                    break;
                }
                p = skip_ws(skip_value(p, end), end);
                if (p < end && *p == ',')
                    p = skip_ws(p + 1, end);
            }
        } else if (!path[d].key && *p == '[') {
            p = skip_ws(p + 1, end);
            size_t i = 0;
            while (p < end && *p != ']') {
                if (i == path[d].index) {
                    found = true;
                    break;
                }
                p = skip_ws(skip_value(p, end), end);
                if (p < end && *p == ',')
                    p = skip_ws(p + 1, end);
                i++;
            }
        }
        if (!found)
            return container;
    }
    return p;
}

/* Line and column (1-based, columns in characters as Jansson counts them) of p. */
static void line_column(const source *s, const char *p, int *line, int *column)
{
    *line = 1;
    *column = 1;
    for (const char *q = s->text; q < p && q < s->text + s->len; q++) {
        if (*q == '\n') {
            ++*line;
            *column = 1;
        } else if (((unsigned char)*q & 0xC0) != 0x80) {
            ++*column;
        }
    }
}

static nashra_status fail_at(const source *s, const jstep *path, size_t depth, bool at_key,
                             nashra_error *err, nashra_status st, const char *fmt, ...)
    NASHRA_PRINTF(7, 8);

static nashra_status fail_at(const source *s, const jstep *path, size_t depth, bool at_key,
                             nashra_error *err, nashra_status st, const char *fmt, ...)
{
    int line, column;
    line_column(s, find_path(s, path, depth, at_key), &line, &column);
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_set(err, st, "%s:%d:%d: %s", s->name, line, column, msg);
}

/* ---------------------------------------------------------------------------------------- */
/* Checking                                                                                 */

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "true or false";
    default: return "null";
    }
}

typedef struct checker {
    const source *src;
    nashra_rundown *r;
    jstep path[3];
    size_t depth;
    nashra_error *err;
} checker;

static nashra_status bad(checker *c, bool at_key, const char *fmt, ...) NASHRA_PRINTF(3, 4);

static nashra_status bad(checker *c, bool at_key, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail_at(c->src, c->path, c->depth, at_key, c->err, NASHRA_EINPUT, "%s", msg);
}

/* Descends into field key of the current object for an error's position. */
static void enter(checker *c, const char *key)
{
    c->path[c->depth++] = (jstep){key, 0};
}

static void leave(checker *c)
{
    c->depth--;
}

static nashra_status bad_at(checker *c, const char *key, bool at_key, const char *fmt, ...)
    NASHRA_PRINTF(4, 5);

/* An error at field key of the current object. */
static nashra_status bad_at(checker *c, const char *key, bool at_key, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    enter(c, key);
    nashra_status rc = bad(c, at_key, "%s", msg);
    leave(c);
    return rc;
}

/* A non-empty one-line UTF-8 string field; *out gets a copy. */
static nashra_status get_string(checker *c, const json_t *obj, const char *key, char **out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return NASHRA_OK;
    enter(c, key);
    nashra_status rc = NASHRA_OK;
    if (!json_is_string(v))
        rc = bad(c, false, "\"%s\" must be a string, not %s", key, type_name(v));
    else if (!*json_string_value(v) || strlen(json_string_value(v)) != json_string_length(v))
        rc = bad(c, false, "\"%s\" must be non-empty text", key);
    else if (!(*out = strdup(json_string_value(v))))
        rc = error_set(c->err, NASHRA_ENOMEM, "out of memory");
    leave(c);
    return rc;
}

static nashra_status get_int(checker *c, const json_t *obj, const char *key, int lo, int hi,
                             int *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return NASHRA_OK;
    enter(c, key);
    nashra_status rc = NASHRA_OK;
    if (!json_is_integer(v))
        rc = bad(c, false, "\"%s\" must be a whole number, not %s", key, type_name(v));
    else if (json_integer_value(v) < lo || json_integer_value(v) > hi)
        rc = bad(c, false, "\"%s\" must be between %d and %d", key, lo, hi);
    else
        *out = (int)json_integer_value(v);
    leave(c);
    return rc;
}

static nashra_status check_fields(checker *c, const json_t *obj, const char *const *allowed,
                                  const char *what)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        bool known = !strcmp(key, "kind") && strcmp(what, "the rundown") != 0;
        for (size_t i = 0; !known && allowed[i]; i++)
            known = !strcmp(key, allowed[i]);
        if (!known)
            return bad_at(c, key, true, "unknown field \"%s\" in %s", key, what);
    }
    return NASHRA_OK;
}

/* A path relative to the rundown's folder, checked to be a readable regular file. */
static nashra_status resolve_file(checker *c, const char *key, char **path)
{
    if (!*path)
        return NASHRA_OK;
    if ((*path)[0] != '/' && c->r->dir) {
        size_t n = strlen(c->r->dir) + strlen(*path) + 2;
        char *full = malloc(n);
        if (!full)
            return error_set(c->err, NASHRA_ENOMEM, "out of memory");
        snprintf(full, n, "%s/%s", c->r->dir, *path);
        free(*path);
        *path = full;
    }
    struct stat st;
    enter(c, key);
    nashra_status rc = NASHRA_OK;
    if (stat(*path, &st) != 0)
        rc = bad(c, false, "%s: %s", *path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = bad(c, false, "%s: not a regular file", *path);
    leave(c);
    return rc;
}

static nashra_status check_item(checker *c, const json_t *obj, rundown_item *it)
{
    it->pause_before = it->headline_pause = it->sentence_pause = it->paragraph_pause = -1;
    it->ms = -1;
    if (!json_is_object(obj))
        return bad(c, false, "an item must be an object, not %s", type_name(obj));
    const json_t *kind = json_object_get(obj, "kind");
    if (!kind)
        return bad(c, false, "item without \"kind\" (greeting, headlines, story, audio, pause, "
                             "text, outro)");
    enter(c, "kind");
    nashra_status rc = NASHRA_OK;
    if (!json_is_string(kind)) {
        rc = bad(c, false, "\"kind\" must be a string, not %s", type_name(kind));
    } else {
        it->kind = ITEM_KINDS;
        for (int k = 0; k < ITEM_KINDS; k++)
            if (!strcmp(json_string_value(kind), kind_names[k]))
                it->kind = (item_kind)k;
        if (it->kind == ITEM_KINDS)
            rc = bad(c, false, "unknown item kind \"%s\" (greeting, headlines, story, audio, "
                               "pause, text, outro)", json_string_value(kind));
    }
    leave(c);
    if (rc || (rc = check_fields(c, obj, kind_fields[it->kind], "this kind of item")))
        return rc;

    switch (it->kind) {
    case ITEM_GREETING: {
        const json_t *h = json_object_get(obj, "hijri");
        if (h && !json_is_boolean(h))
            rc = bad_at(c, "hijri", false, "\"hijri\" must be true or false, not %s",
                        type_name(h));
        it->hijri = h && json_is_true(h);
        break;
    }
    case ITEM_HEADLINES: break;
    case ITEM_STORY: {
        int max = 0;
        if ((rc = get_string(c, obj, "file", &it->file)) ||
            (rc = get_string(c, obj, "feed", &it->feed)) ||
            (rc = get_int(c, obj, "max", 1, 1000, &max)) ||
            (rc = get_string(c, obj, "voice", &it->voice)) ||
            (rc = get_int(c, obj, "pause_before", 0, PAUSE_MAX_MS, &it->pause_before)) ||
            (rc = get_int(c, obj, "headline_pause", 0, PAUSE_MAX_MS, &it->headline_pause)) ||
            (rc = get_int(c, obj, "sentence_pause", 0, PAUSE_MAX_MS, &it->sentence_pause)) ||
            (rc = get_int(c, obj, "paragraph_pause", 0, PAUSE_MAX_MS, &it->paragraph_pause)))
            return rc;
        it->max = (size_t)max;
        if (!it->file == !it->feed)
            return bad(c, false, "a story needs either \"file\" (an article) or \"feed\"");
        if (it->max && !it->feed)
            return bad_at(c, "max", true, "\"max\" applies to a feed story only");
        if (it->voice && !voice_is_path(it->voice) && !synth_voice_name_ok(it->voice))
            return bad_at(c, "voice", false, "bad voice name \"%s\"", it->voice);
        rc = it->file ? resolve_file(c, "file", &it->file) : resolve_file(c, "feed", &it->feed);
        break;
    }
    case ITEM_AUDIO:
        if (!(rc = get_string(c, obj, "file", &it->file)) && !it->file)
            rc = bad(c, false, "an audio item needs \"file\"");
        if (!rc)
            rc = resolve_file(c, "file", &it->file);
        break;
    case ITEM_PAUSE:
        if (!(rc = get_int(c, obj, "ms", 0, PAUSE_MAX_MS, &it->ms)) && it->ms < 0)
            rc = bad(c, false, "a pause item needs \"ms\"");
        break;
    case ITEM_TEXT:
    case ITEM_OUTRO:
        if (!(rc = get_string(c, obj, "text", &it->text)) && !it->text && it->kind == ITEM_TEXT)
            rc = bad(c, false, "a text item needs \"text\"");
        break;
    case ITEM_KINDS: break;
    }
    return rc;
}

static nashra_status check_rundown(checker *c, const json_t *root)
{
    nashra_rundown *r = c->r;
    if (!json_is_object(root))
        return bad(c, false, "a rundown is a JSON object, not %s", type_name(root));
    nashra_status rc = check_fields(c, root, top_fields, "the rundown");
    char *profile = NULL;
    if (rc || (rc = get_string(c, root, "title", &r->title)) ||
        (rc = get_string(c, root, "station", &r->station)) ||
        (rc = get_string(c, root, "voice", &r->voice)) ||
        (rc = get_string(c, root, "headline_voice", &r->headline_voice)) ||
        (rc = get_string(c, root, "profile", &profile)) ||
        (rc = get_string(c, root, "slot", &r->slot)) ||
        (rc = get_string(c, root, "timezone", &r->timezone))) {
        free(profile);
        return rc;
    }
    if (profile) {
        bool known = nashra_profile_from_name(profile, &r->profile) == NASHRA_OK;
        free(profile);
        if (!known)
            return bad_at(c, "profile", false,
                          "unknown profile (broadcast, atsc, podcast, archive, opus, raw)");
    }
    const char *const voice_fields[] = {"voice", "headline_voice"};
    const char *const voices[] = {r->voice, r->headline_voice};
    for (int i = 0; i < 2; i++)
        if (voices[i] && !voice_is_path(voices[i]) && !synth_voice_name_ok(voices[i]))
            return bad_at(c, voice_fields[i], false, "bad voice name \"%s\"", voices[i]);
    if (r->timezone && nashra_timezone_check(r->timezone, NULL))
        return bad_at(c, "timezone", false,
                      "unknown time zone \"%s\" (give an IANA name such as Asia/Riyadh)",
                      r->timezone);
    long long t;
    if (r->slot && (strlen(r->slot) > 19 || nashra_time_parse(r->slot, r->timezone, &t, NULL)))
        return bad_at(c, "slot", false,
                      "bad slot \"%s\" (give YYYY-MM-DDTHH:MM[:SS], local time)", r->slot);
    const json_t *items = json_object_get(root, "items");
    if (!items)
        return bad(c, false, "the rundown has no \"items\"");
    enter(c, "items");
    if (!json_is_array(items))
        rc = bad(c, false, "\"items\" must be an array, not %s", type_name(items));
    else if (!json_array_size(items))
        rc = bad(c, false, "\"items\" is empty");
    else if (!(r->items = calloc(json_array_size(items), sizeof *r->items)))
        rc = error_set(c->err, NASHRA_ENOMEM, "out of memory");
    bool spoken = false;
    for (size_t i = 0; !rc && i < json_array_size(items); i++) {
        c->path[c->depth++] = (jstep){NULL, i};
        r->count = i + 1;
        rc = check_item(c, json_array_get(items, i), &r->items[i]);
        spoken |= r->items[i].kind != ITEM_PAUSE && r->items[i].kind != ITEM_AUDIO;
        c->depth--;
    }
    if (!rc && !spoken)
        rc = bad(c, false, "the rundown has nothing to speak");
    leave(c);
    return rc;
}

nashra_status nashra_rundown_parse(const char *name, const char *dir, const char *json,
                                   size_t len, nashra_rundown **out, nashra_error *err)
{
    *out = NULL;
    if (!name)
        name = "<rundown>";
    if (len > RUNDOWN_MAX_BYTES)
        return error_set(err, NASHRA_EINPUT, "%s: rundown larger than %u KiB", name,
                         RUNDOWN_MAX_BYTES / 1024u);
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    /* Jansson quotes the text near the error as it is: keep the message on one line. */
    for (char *t = jerr.text; *t; t++)
        if ((unsigned char)*t < ' ')
            *t = ' ';
    if (!root)
        return error_set(err, NASHRA_EINPUT, "%s:%d:%d: %s", name, jerr.line < 1 ? 1 : jerr.line,
                         jerr.column < 1 ? 1 : jerr.column, jerr.text);
    nashra_rundown *r = calloc(1, sizeof *r);
    nashra_status rc = NASHRA_OK;
    if (!r || !(r->name = strdup(name)) || (dir && !(r->dir = strdup(dir))))
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
    if (!rc) {
        source src = {name, json, len};
        checker c = {&src, r, {{NULL, 0}}, 0, err};
        rc = check_rundown(&c, root);
    }
    json_decref(root);
    if (rc) {
        nashra_rundown_destroy(r);
        return rc;
    }
    *out = r;
    return NASHRA_OK;
}

nashra_status nashra_rundown_read(const char *path, nashra_rundown **out, nashra_error *err)
{
    *out = NULL;
    static const file_kind rundown = {.noun = "rundown", .max_bytes = RUNDOWN_MAX_BYTES};
    buf b = BUF_INIT;
    nashra_status rc = file_read(path, &rundown, &b, err);
    char *dir = rc ? NULL : atomic_dirname(path);
    if (!rc && !dir)
        rc = error_set(err, NASHRA_ENOMEM, "out of memory");
    if (!rc)
        rc = nashra_rundown_parse(path, dir, b.data ? b.data : "", b.len, out, err);
    free(dir);
    buf_free(&b);
    return rc;
}

void nashra_rundown_destroy(nashra_rundown *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        free(r->items[i].file);
        free(r->items[i].feed);
        free(r->items[i].text);
        free(r->items[i].voice);
    }
    free(r->items);
    free(r->name);
    free(r->dir);
    free(r->title);
    free(r->station);
    free(r->voice);
    free(r->headline_voice);
    free(r->slot);
    free(r->timezone);
    free(r);
}

size_t nashra_rundown_item_count(const nashra_rundown *r)
{
    return r ? r->count : 0;
}

const char *nashra_rundown_item_kind(const nashra_rundown *r, size_t i)
{
    return r && i < r->count ? kind_names[r->items[i].kind] : NULL;
}

const char *nashra_rundown_timezone(const nashra_rundown *r)
{
    return r ? r->timezone : NULL;
}

void nashra_rundown_configure(const nashra_rundown *r, nashra_config *c)
{
    if (!c->title)
        c->title = r->title;
    if (!c->station)
        c->station = r->station;
    if (!c->slot)
        c->slot = r->slot;
    if (c->profile == NASHRA_PROFILE_AUTO)
        c->profile = r->profile;
    if (r->voice)
        c->voice = r->voice;
    if (!c->headline_voice)
        c->headline_voice = r->headline_voice;
}

void nashra_rundown_options_init(nashra_rundown_options *o)
{
    memset(o, 0, sizeof *o);
    nashra_feed_options_init(&o->feed);
    o->now = o->feed.now;
}

/* ---------------------------------------------------------------------------------------- */
/* Building                                                                                 */

typedef struct story_list {
    nashra_article **articles;
    size_t count, cap;
    size_t *first;   /* by item: its first article */
    size_t *number;  /* by item: how many */
} story_list;

/* A story item's options. */
static nashra_story_options story_options(const rundown_item *it)
{
    nashra_story_options so;
    nashra_story_options_init(&so);
    so.voice = it->voice;
    so.pause_before_ms = it->pause_before;
    so.headline_pause_ms = it->headline_pause;
    so.sentence_pause_ms = it->sentence_pause;
    so.paragraph_pause_ms = it->paragraph_pause;
    return so;
}

/* Tells the bulletin which story follows the piece about to be added (item i's k-th story, or
 * item i itself): the next one of the same item, or the first of the next story item when
 * nothing spoken stands between (pauses and audio inserts may). */
static void say_next_story(nashra_bulletin *b, const nashra_rundown *r, const story_list *s,
                           size_t i, size_t k)
{
    if (r->items[i].kind == ITEM_STORY && k + 1 < s->number[i]) {
        nashra_story_options so = story_options(&r->items[i]);
        nashra_bulletin_next(b, s->articles[s->first[i] + k + 1], &so);
        return;
    }
    for (size_t j = i + 1; j < r->count; j++) {
        const rundown_item *it = &r->items[j];
        if (it->kind == ITEM_PAUSE || it->kind == ITEM_AUDIO)
            continue;
        if (it->kind == ITEM_STORY && s->number[j]) {
            nashra_story_options so = story_options(it);
            nashra_bulletin_next(b, s->articles[s->first[j]], &so);
        }
        return;
    }
}

static nashra_status collect_stories(const nashra_rundown *r, const nashra_rundown_options *o,
                                     story_list *s, nashra_error *err)
{
    if (!(s->first = calloc(r->count, sizeof *s->first)) ||
        !(s->number = calloc(r->count, sizeof *s->number)))
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    nashra_status rc = NASHRA_OK;
    for (size_t i = 0; !rc && i < r->count; i++) {
        const rundown_item *it = &r->items[i];
        s->first[i] = s->count;
        if (it->kind != ITEM_STORY)
            continue;
        nashra_article **got = NULL;
        size_t n = 0;
        if (it->file) {
            nashra_article *a = NULL;
            rc = nashra_article_read(it->file, &a, err);
            if (!rc && !(got = malloc(sizeof *got))) {
                nashra_article_destroy(a);
                rc = error_set(err, NASHRA_ENOMEM, "out of memory");
            }
            if (!rc) {
                got[0] = a;
                n = 1;
            }
        } else {
            nashra_feed *feed = NULL;
            nashra_feed_options fo = o->feed;
            if (it->max)
                fo.max_items = it->max;
            rc = nashra_feed_read(it->feed, &feed, err);
            if (!rc)
                rc = nashra_feed_articles(feed, &fo, &got, &n, err);
            nashra_feed_destroy(feed);
        }
        if (!rc && s->count + n > s->cap) {
            size_t cap = (s->count + n) * 2;
            nashra_article **p = realloc(s->articles, cap * sizeof *p);
            if (!p)
                rc = error_set(err, NASHRA_ENOMEM, "out of memory");
            else {
                s->articles = p;
                s->cap = cap;
            }
        }
        if (!rc) {
            if (n)
                memcpy(s->articles + s->count, got, n * sizeof *got);
            s->count += n;
            s->number[i] = n;
            free(got);
        } else {
            nashra_articles_destroy(got, n);
        }
    }
    return rc;
}

static void stories_free(story_list *s)
{
    nashra_articles_destroy(s->articles, s->count);
    free(s->first);
    free(s->number);
}

nashra_status nashra_rundown_build(const nashra_rundown *r, const nashra_config *config,
                                   const char *path, const nashra_rundown_options *o,
                                   nashra_bulletin_info *info, nashra_error *err)
{
    if (!r || !config || !path || !o)
        return error_set(err, NASHRA_EINVAL, "no rundown, configuration, output or options");
    nashra_config cfg = *config;
    const char *tz = o->timezone ? o->timezone : r->timezone;
    long long slot;
    char slot_text[20];
    nashra_status rc = NASHRA_OK;
    if (tz && (rc = nashra_timezone_check(tz, err)))
        return rc;
    if (cfg.slot) {
        if ((rc = nashra_time_parse(cfg.slot, tz, &slot, err)))
            return rc;
    } else {
        if ((rc = nashra_slot_nearest_hour(o->now, tz, &slot, err)) ||
            (rc = nashra_time_local(slot, tz, slot_text, err)))
            return rc;
        cfg.slot = slot_text;
    }
    bool has_story = false;
    for (size_t i = 0; i < r->count; i++) {
        cfg.audio_items |= r->items[i].kind == ITEM_AUDIO;
        has_story |= r->items[i].kind == ITEM_STORY;
    }
    if ((rc = nashra_config_check(&cfg, err)))
        return rc;

    /* Every story first: bad input fails before any synthesis. */
    story_list stories = {0};
    rc = collect_stories(r, o, &stories, err);
    if (!rc && has_story && !stories.count)
        rc = error_set(err, NASHRA_EINPUT, "%s: no stories to read (the feeds have no new "
                       "items)", r->name);
    /* Each story's own voice must exist before the bulletin starts. */
    for (size_t i = 0; !rc && i < r->count; i++)
        if (r->items[i].voice)
            rc = nashra_voice_check(&cfg, r->items[i].voice, err);
    nashra_bulletin *b = NULL;
    if (!rc)
        rc = nashra_bulletin_create(&cfg, path, &b, err);
    for (size_t i = 0; !rc && i < r->count; i++) {
        const rundown_item *it = &r->items[i];
        if (it->kind != ITEM_STORY && it->kind != ITEM_PAUSE && it->kind != ITEM_AUDIO)
            say_next_story(b, r, &stories, i, 0);
        switch (it->kind) {
        case ITEM_GREETING: {
            char *text = NULL;
            rc = nashra_greeting_text(slot, tz, it->hijri, &text, err);
            if (!rc)
                rc = nashra_bulletin_say(b, "greeting", text, err);
            free(text);
            break;
        }
        case ITEM_HEADLINES:
            rc = nashra_bulletin_headlines(b, (const nashra_article *const *)stories.articles,
                                           stories.count, err);
            break;
        case ITEM_STORY: {
            nashra_story_options so = story_options(it);
            for (size_t k = 0; !rc && k < stories.number[i]; k++) {
                say_next_story(b, r, &stories, i, k);
                rc = nashra_bulletin_add_story(b, stories.articles[stories.first[i] + k], &so,
                                               err);
            }
            break;
        }
        case ITEM_AUDIO: rc = nashra_bulletin_audio(b, it->file, err); break;
        case ITEM_PAUSE: rc = nashra_bulletin_pause(b, it->ms, err); break;
        case ITEM_TEXT: rc = nashra_bulletin_say(b, "text", it->text, err); break;
        case ITEM_OUTRO: {
            const char *text = it->text ? it->text : greeting_word("outro");
            rc = text ? nashra_bulletin_say(b, "outro", text, err)
                      : error_set(err, NASHRA_ENOMEM, "out of memory");
            break;
        }
        case ITEM_KINDS: break;
        }
    }
    if (!rc)
        rc = nashra_bulletin_finish(b, info, err);
    nashra_bulletin_destroy(b);
    stories_free(&stories);
    return rc;
}
