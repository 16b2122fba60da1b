/* Which items of a feed make the bulletin, in which order, and their articles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/error.h"
#include "feed/feed.h"

void nashra_feed_options_init(nashra_feed_options *o)
{
    memset(o, 0, sizeof *o);
    o->order = NASHRA_ORDER_NEWEST;
    o->now = (long long)time(NULL);
}

/* Newest first; undated items after dated ones; ties keep the feed's order. */
static int by_date(const void *a, const void *b)
{
    const feed_item *x = *(const feed_item *const *)a, *y = *(const feed_item *const *)b;
    if (x->dated != y->dated)
        return x->dated ? -1 : 1;
    if (x->dated && x->date != y->date)
        return x->date > y->date ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The id an item is remembered by: its guid or link, or for an item without either the
 * digest of its text (so that it is still not read twice). */
static char *item_key(const feed_item *it)
{
    buf b = BUF_INIT;
    bool ok = *it->id ? buf_puts(&b, it->id)
                      : buf_puts(&b, "text:") && buf_puts(&b, it->title) && buf_putc(&b, '\n') &&
                            buf_puts(&b, it->body);
    if (!ok) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

static nashra_status item_article(const nashra_feed *f, const feed_item *it, nashra_article **out,
                                  nashra_error *err)
{
    buf text = BUF_INIT, name = BUF_INIT;
    char num[32];
    snprintf(num, sizeof num, "#%zu", it->index);
    bool ok = buf_puts(&text, it->title) && buf_puts(&text, "\n\n") && buf_puts(&text, it->body) &&
              buf_puts(&name, f->name) && buf_puts(&name, num);
    nashra_status rc = ok ? nashra_article_parse(name.data, text.data, text.len, out, err)
                          : error_set(err, NASHRA_ENOMEM, "out of memory");
    buf_free(&text);
    buf_free(&name);
    return rc;
}

nashra_status nashra_feed_articles(const nashra_feed *f, const nashra_feed_options *o,
                                   nashra_article ***out, size_t *count, nashra_error *err)
{
    *out = NULL;
    *count = 0;
    if (!f || !o)
        return error_set(err, NASHRA_EINVAL, "no feed or options given");
    if (o->since < 0)
        return error_set(err, NASHRA_EINVAL, "since must not be negative");
    const feed_item **order = calloc(f->count ? f->count : 1, sizeof *order);
    nashra_article **arts = calloc(f->count ? f->count : 1, sizeof *arts);
    char **keys = calloc(f->count ? f->count : 1, sizeof *keys);
    if (!order || !arts || !keys) {
        free(order);
        free(arts);
        free(keys);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    size_t n = 0;
    for (size_t i = 0; i < f->count; i++) {
        const feed_item *it = &f->items[i];
        if (o->since > 0) {
            if (!it->dated && o->drop_undated)
                continue;
            if (it->dated && it->date < o->now - o->since)
                continue;
        }
        order[n++] = it;
    }
    if (o->order == NASHRA_ORDER_NEWEST)
        qsort(order, n, sizeof *order, by_date);

    nashra_status rc = NASHRA_OK;
    size_t picked = 0;
    for (size_t i = 0; !rc && i < n && (!o->max_items || picked < o->max_items); i++) {
        char *key = item_key(order[i]);
        if (!key) {
            rc = error_set(err, NASHRA_ENOMEM, "out of memory");
            break;
        }
        bool repeat = nashra_seen_has(o->seen, key) != 0;
        for (size_t k = 0; !repeat && k < picked; k++)
            repeat = strcmp(keys[k], key) == 0;
        if (repeat) {
            free(key);
            continue;
        }
        keys[picked] = key;
        rc = item_article(f, order[i], &arts[picked], err);
        if (!rc)
            picked++;
        else
            free(key);
    }
    for (size_t k = 0; !rc && o->seen && k < picked; k++)
        rc = nashra_seen_add(o->seen, keys[k], o->now, err);
    for (size_t k = 0; k < picked; k++)
        free(keys[k]);
    free(keys);
    free(order);
    if (rc) {
        nashra_articles_destroy(arts, picked);
        return rc;
    }
    *out = arts;
    *count = picked;
    return NASHRA_OK;
}

void nashra_articles_destroy(nashra_article **articles, size_t count)
{
    if (!articles)
        return;
    for (size_t i = 0; i < count; i++)
        nashra_article_destroy(articles[i]);
    free(articles);
}
