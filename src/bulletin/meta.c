/* The sidecars: NAME.json (Jansson), NAME.vtt and NAME.srt, one caption per sentence. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bulletin/layout.h"
#include "common/atomic.h"
#include "common/buf.h"
#include "common/error.h"

bool layout_add_story(layout *l, const char *kind, const char *title, const char *source,
                      const char *sha256, long long start)
{
    layout_story *p = array_grow(l->stories, &l->story_cap, l->story_count, sizeof *p, 16);
    if (!p)
        return false;
    l->stories = p;
    layout_story *s = &l->stories[l->story_count];
    memset(s, 0, sizeof *s);
    s->kind = kind ? kind : "story";
    s->title = strdup(title ? title : "");
    s->source = strdup(source ? source : "");
    if (!s->title || !s->source) {
        free(s->title);
        free(s->source);
        return false;
    }
    snprintf(s->sha256, sizeof s->sha256, "%s", sha256 ? sha256 : "");
    s->start = s->end = start;
    s->first = l->sentence_count;
    l->story_count++;
    return true;
}

bool layout_add_sentence(layout *l, nashra_part part, long long start, long long end,
                         const char *text)
{
    if (!l->story_count)
        return false;
    layout_sentence *p =
        array_grow(l->sentences, &l->sentence_cap, l->sentence_count, sizeof *p, 64);
    if (!p)
        return false;
    l->sentences = p;
    layout_sentence *s = &l->sentences[l->sentence_count];
    if (!(s->text = strdup(text)))
        return false;
    s->story = l->story_count - 1;
    s->part = part;
    s->start = start;
    s->end = end;
    layout_story *st = &l->stories[s->story];
    if (!st->count)
        st->start = start;
    st->end = end;
    st->count++;
    l->sentence_count++;
    return true;
}

void layout_pop_story(layout *l)
{
    if (!l->story_count)
        return;
    layout_story *s = &l->stories[--l->story_count];
    while (l->sentence_count > s->first)
        free(l->sentences[--l->sentence_count].text);
    free(s->title);
    free(s->source);
}

void layout_free(layout *l)
{
    for (size_t i = 0; i < l->story_count; i++) {
        free(l->stories[i].title);
        free(l->stories[i].source);
    }
    for (size_t i = 0; i < l->sentence_count; i++)
        free(l->sentences[i].text);
    free(l->stories);
    free(l->sentences);
    memset(l, 0, sizeof *l);
}

const char *const meta_sidecar_exts[META_SIDECAR_COUNT] = {".json", ".vtt", ".srt"};

char *meta_sidecar_path(const char *audio_path, const char *ext)
{
    const char *dot = strrchr(audio_path, '.');
    const char *slash = strrchr(audio_path, '/');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - audio_path) : strlen(audio_path);
    char *out = malloc(stem + strlen(ext) + 1);
    if (out) {
        memcpy(out, audio_path, stem);
        strcpy(out + stem, ext);
    }
    return out;
}

/* ---------------------------------------------------------------------------------------- */

static json_t *number_or_null(double v)
{
    return isfinite(v) ? json_real(round(v * 100) / 100) : json_null();
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static json_t *position(json_t *o, const char *what, long long frames, int rate)
{
    char key[32];
    snprintf(key, sizeof key, "%s_sample", what);
    json_object_set_new(o, key, json_integer(frames));
    snprintf(key, sizeof key, "%s_seconds", what);
    json_object_set_new(o, key, json_real(round((double)frames / rate * 1e6) / 1e6));
    return o;
}

static json_t *build_json(const layout *l, const meta_facts *f)
{
    const audio_spec *sp = f->spec;
    const audio_result *r = f->result;
    json_t *root = json_object();
    json_t *b = json_object();
    json_object_set_new(b, "file", json_string(base_name(f->audio_path)));
    json_object_set_new(b, "title", json_string(f->title));
    json_object_set_new(b, "station", f->station ? json_string(f->station) : json_null());
    json_object_set_new(b, "slot", f->slot ? json_string(f->slot) : json_null());
    json_object_set_new(b, "created", json_string(f->made));
    json_object_set_new(b, "profile", json_string(f->profile));
    json_object_set_new(b, "container", json_string(f->container));
    json_object_set_new(b, "sample_rate", json_integer(sp->rate));
    json_object_set_new(b, "channels", json_integer(sp->channels));
    json_object_set_new(b, "bit_depth", sp->container == AUDIO_WAV || sp->container == AUDIO_FLAC
                                            ? json_integer(sp->depth)
                                            : json_null());
    position(b, "duration", f->frames, sp->rate);
    json_object_del(b, "duration_sample");
    json_object_set_new(b, "frames", json_integer(f->frames));
    json_object_set_new(root, "bulletin", b);

    json_t *ld = json_object();
    json_object_set_new(ld, "normalized", json_boolean(sp->normalize));
    json_object_set_new(ld, "target_lufs", sp->normalize ? json_real(sp->target) : json_null());
    json_object_set_new(ld, "true_peak_ceiling_dbtp",
                        sp->normalize ? json_real(sp->ceiling) : json_null());
    json_object_set_new(ld, "integrated_lufs", number_or_null(r->loudness.integrated));
    json_object_set_new(ld, "range_lu", number_or_null(r->loudness.range));
    json_object_set_new(ld, "true_peak_dbtp", number_or_null(r->loudness.true_peak));
    json_object_set_new(ld, "max_momentary_lufs", number_or_null(r->loudness.max_momentary));
    json_object_set_new(ld, "max_short_term_lufs", number_or_null(r->loudness.max_short_term));
    json_object_set_new(ld, "gain_db", number_or_null(r->gain_db));
    json_object_set_new(ld, "limiter_max_reduction_db", number_or_null(r->limited_db));
    json_object_set_new(ld, "measured_on", json_string("the file as written"));
    json_object_set_new(root, "loudness", ld);

    json_t *v = json_object();
    json_object_set_new(v, "nashra", json_string(nashra_version()));
    json_object_set_new(v, "espeak_ng", json_string(f->espeak_version));
    json_object_set_new(v, "voice", json_string(f->voice));
    json_object_set_new(root, "versions", v);

    json_t *inputs = json_array(), *stories = json_array();
    for (size_t i = f->first_story; i < f->first_story + f->story_count; i++) {
        const layout_story *st = &l->stories[i];
        json_t *in = json_object();
        json_object_set_new(in, "file", json_string(st->source));
        json_object_set_new(in, "sha256", json_string(st->sha256));
        json_array_append_new(inputs, in);

        json_t *s = json_object();
        json_object_set_new(s, "index", json_integer((json_int_t)(i + 1)));
        json_object_set_new(s, "kind", json_string(st->kind));
        json_object_set_new(s, "title", json_string(st->title));
        json_object_set_new(s, "source", json_string(st->source));
        position(s, "start", st->start - f->offset, sp->rate);
        position(s, "end", st->end - f->offset, sp->rate);
        json_t *sents = json_array();
        for (size_t k = st->first; k < st->first + st->count; k++) {
            const layout_sentence *se = &l->sentences[k];
            json_t *o = json_object();
            json_object_set_new(o, "part", json_string(se->part == NASHRA_PART_HEADLINE
                                                           ? "headline"
                                                           : "body"));
            position(o, "start", se->start - f->offset, sp->rate);
            position(o, "end", se->end - f->offset, sp->rate);
            json_object_set_new(o, "text", json_string(se->text));
            json_array_append_new(sents, o);
        }
        json_object_set_new(s, "sentences", sents);
        json_array_append_new(stories, s);
    }
    json_object_set_new(root, "inputs", inputs);
    json_object_set_new(root, "stories", stories);
    return root;
}

/* "HH:MM:SS.mmm" (sep '.') or "HH:MM:SS,mmm" (sep ','). */
static bool put_time(buf *b, long long frames, int rate, char sep)
{
    long long ms = (frames * 1000 + rate / 2) / rate;
    char t[32];
    snprintf(t, sizeof t, "%02lld:%02lld:%02lld%c%03lld", ms / 3600000, ms / 60000 % 60,
             ms / 1000 % 60, sep, ms % 1000);
    return buf_puts(b, t);
}

static bool build_captions(const layout *l, const meta_facts *f, bool vtt, buf *out)
{
    const int rate = f->spec->rate;
    bool ok = !vtt || buf_puts(out, "WEBVTT\n\n");
    size_t n = 0;
    for (size_t i = f->first_story; ok && i < f->first_story + f->story_count; i++) {
        const layout_story *st = &l->stories[i];
        for (size_t k = st->first; ok && k < st->first + st->count; k++) {
            const layout_sentence *se = &l->sentences[k];
            char num[32];
            snprintf(num, sizeof num, "%zu\n", ++n);
            ok = buf_puts(out, num) && put_time(out, se->start - f->offset, rate, vtt ? '.' : ',') &&
                 buf_puts(out, " --> ") &&
                 put_time(out, se->end - f->offset, rate, vtt ? '.' : ',') &&
                 buf_putc(out, '\n') && buf_puts(out, se->text) && buf_puts(out, "\n\n");
        }
    }
    return ok;
}

nashra_status meta_stage_sidecars(const layout *l, const meta_facts *f, meta_staged *out,
                                  nashra_error *err)
{
    nashra_status rc = NASHRA_OK;
    for (int i = 0; !rc && i < META_SIDECAR_COUNT; i++) {
        char *path = meta_sidecar_path(f->audio_path, meta_sidecar_exts[i]);
        buf text = BUF_INIT;
        bool ok = path != NULL;
        if (ok && i == 0) {
            json_t *root = build_json(l, f);
            char *s = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                                  JSON_REAL_PRECISION(10)) : NULL;
            ok = s && buf_puts(&text, s) && buf_putc(&text, '\n');
            free(s);
            json_decref(root);
        } else if (ok) {
            ok = build_captions(l, f, i == 1, &text);
        }
        if (!ok)
            rc = error_set(err, NASHRA_ENOMEM, "out of memory");
        else
            rc = atomic_stage(path, text.data, text.len, &out->tmp[i], err);
        out->path[i] = path;
        buf_free(&text);
    }
    if (rc)
        meta_unstage(out);
    return rc;
}

nashra_status meta_place_sidecars(meta_staged *s, bool overwrite, nashra_error *err)
{
    nashra_status rc = NASHRA_OK;
    for (int i = 0; !rc && i < META_SIDECAR_COUNT; i++) {
        rc = atomic_place(s->tmp[i], s->path[i], overwrite, err);
        free(s->tmp[i]);
        s->tmp[i] = NULL; /* placed, or removed by atomic_place */
    }
    meta_unstage(s);
    return rc;
}

void meta_unstage(meta_staged *s)
{
    for (int i = 0; i < META_SIDECAR_COUNT; i++) {
        if (s->tmp[i])
            unlink(s->tmp[i]);
        free(s->tmp[i]);
        free(s->path[i]);
        s->tmp[i] = s->path[i] = NULL;
    }
}
