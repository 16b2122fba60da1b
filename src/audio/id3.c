#include "audio/id3.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"

static bool put_u32(buf *b, uint32_t v)
{
    char c[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
    return buf_append(b, c, 4);
}

/* ID3v2.4 sizes are "syncsafe": 7 bits a byte. */
static bool put_syncsafe(buf *b, uint32_t v)
{
    char c[4] = {(char)((v >> 21) & 0x7f), (char)((v >> 14) & 0x7f), (char)((v >> 7) & 0x7f),
                 (char)(v & 0x7f)};
    return buf_append(b, c, 4);
}

/* A frame: id, syncsafe size, no flags, then body. */
static bool put_frame(buf *b, const char *id, const char *body, size_t len)
{
    return len < (1u << 28) && buf_append(b, id, 4) && put_syncsafe(b, (uint32_t)len) &&
           buf_append(b, "\0\0", 2) && buf_append(b, body, len);
}

/* A text frame in UTF-8 (encoding byte 3). */
static bool put_text(buf *b, const char *id, const char *text)
{
    if (!text || !*text)
        return true;
    buf body = BUF_INIT;
    bool ok = buf_putc(&body, 3) && buf_puts(&body, text) &&
              put_frame(b, id, body.data, body.len);
    buf_free(&body);
    return ok;
}

static uint32_t to_ms(long long frames, int rate)
{
    return (uint32_t)((frames * 1000 + rate / 2) / rate);
}

nashra_status audio_id3_build(const audio_tags *t, int rate, buf *out, nashra_error *err)
{
    buf frames = BUF_INIT, body = BUF_INIT;
    bool ok = true;
    char date[32] = "";
    if (t->date && t->time)
        snprintf(date, sizeof date, "%.10sT%.8s", t->date, t->time);
    ok = put_text(&frames, "TIT2", t->title) && put_text(&frames, "TPE1", t->artist) &&
         put_text(&frames, "TDRC", date) && put_text(&frames, "TSSE", t->software) &&
         put_text(&frames, "TCON", "News");
    if (ok && t->chapter_count) {
        /* The table of contents: top level (bit 1) and ordered (bit 0). */
        buf_clear(&body);
        ok = buf_append(&body, "toc", 4) && buf_putc(&body, 3) &&
             buf_putc(&body, (char)(t->chapter_count > 255 ? 255 : t->chapter_count));
        for (size_t i = 0; ok && i < t->chapter_count && i < 255; i++) {
            char id[16];
            int n = snprintf(id, sizeof id, "chp%zu", i + 1);
            ok = buf_append(&body, id, (size_t)n + 1);
        }
        ok = ok && put_text(&body, "TIT2", t->title) && put_frame(&frames, "CTOC", body.data,
                                                                   body.len);
        for (size_t i = 0; ok && i < t->chapter_count && i < 255; i++) {
            const audio_chapter *c = &t->chapters[i];
            char id[16];
            int n = snprintf(id, sizeof id, "chp%zu", i + 1);
            buf_clear(&body);
            ok = buf_append(&body, id, (size_t)n + 1) && put_u32(&body, to_ms(c->start, rate)) &&
                 put_u32(&body, to_ms(c->end, rate)) && put_u32(&body, 0xffffffffu) &&
                 put_u32(&body, 0xffffffffu) && put_text(&body, "TIT2", c->title) &&
                 put_frame(&frames, "CHAP", body.data, body.len);
        }
    }
    ok = ok && frames.len < (1u << 28) && buf_append(out, "ID3\x04\0\0", 6) &&
         put_syncsafe(out, (uint32_t)frames.len) && buf_append(out, frames.data, frames.len);
    buf_free(&frames);
    buf_free(&body);
    return ok ? NASHRA_OK : error_set(err, NASHRA_ENOMEM, "out of memory");
}
