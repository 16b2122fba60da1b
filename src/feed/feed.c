/*
 * Feed documents with libxml2. The parser is held to what a feed needs: no network
 * (XML_PARSE_NONET), no external DTD (no XML_PARSE_DTDLOAD), no entity substitution (no
 * XML_PARSE_NOENT), and no entity declarations at all: the SAX hook for them stops the parser,
 * so neither an entity bomb nor an external entity (a local file, a URL) is ever expanded or
 * read. External entities are resolved to nothing, and errors go to a structured handler that
 * prints nothing; the message the caller gets names the file, line and column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "common/error.h"
#include "common/readfile.h"
#include "common/utf8.h"
#include "feed/feed.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"

/* Deepest element nesting followed inside an item's content. */
#define MAX_DEPTH 200

/* ---------------------------------------------------------------------------------------- */
/* Plain text out of markup                                                                 */

typedef struct text_sink {
    buf *out;
    bool space;  /* white space seen since the last character written */
    bool brk;    /* a block boundary seen since the last character written */
    bool ok;
} text_sink;

static bool is_space_cp(unsigned cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A);
}

/* Appends text collapsing white space; drops control characters. */
static void sink_text(text_sink *k, const char *s, size_t len)
{
    for (size_t i = 0; k->ok && i < len;) {
        size_t n;
        unsigned cp = utf8_decode(s + i, len - i, &n);
        if (is_space_cp(cp)) {
            k->space = true;
        } else if (cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) && cp != 0xFFFD) {
            if (k->out->len && k->brk)
                k->ok = buf_puts(k->out, "\n\n");
            else if (k->out->len && k->space)
                k->ok = buf_putc(k->out, ' ');
            k->brk = k->space = false;
            if (k->ok)
                k->ok = buf_append(k->out, s + i, n);
        }
        i += n;
    }
}

static bool name_in(const xmlChar *name, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (xmlStrcasecmp(name, (const xmlChar *)list[i]) == 0)
            return true;
    return false;
}

static const char *const block_tags[] = {
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "hr", "section", "article", "header", "footer",
    "figure", "figcaption", "aside", "address", "body", NULL};
static const char *const skipped_tags[] = {"script", "style", "head", "noscript", "template",
                                           "iframe", "object", NULL};

/* Text and CDATA under node (markup as HTML: blocks break paragraphs). Entity references are
 * never followed. */
static void sink_node(text_sink *k, const xmlNode *node, int depth)
{
    for (const xmlNode *n = node; n && k->ok; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                sink_text(k, (const char *)n->content, strlen((const char *)n->content));
        } else if (n->type == XML_ELEMENT_NODE && depth < MAX_DEPTH) {
            if (name_in(n->name, skipped_tags))
                continue;
            bool block = name_in(n->name, block_tags);
            k->brk |= block;
            sink_node(k, n->children, depth + 1);
            k->brk |= block;
        }
    }
}

static void ignore_error(void *user, xmlErrorPtr error)
{
    (void)user;
    (void)error;
}

nashra_status feed_html_text(const char *html, size_t len, buf *out, nashra_error *err)
{
    text_sink k = {out, false, false, true};
    if (!memchr(html, '<', len) && !memchr(html, '&', len)) {
        sink_text(&k, html, len);
        return k.ok ? NASHRA_OK : error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    if (len > FEED_MAX_BYTES)
        return error_set(err, NASHRA_EINPUT, "HTML content too large");
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(html, (int)len);
    if (!ctxt)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    ctxt->sax->serror = ignore_error;
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    /* Implied <html>, <head> and <body> put a leading <style> where it ends, in <head>. */
    htmlCtxtUseOptions(ctxt, HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_COMPACT);
    htmlParseDocument(ctxt);
    htmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    htmlFreeParserCtxt(ctxt);
    if (doc)
        sink_node(&k, doc->children, 0);
    xmlFreeDoc(doc);
    return k.ok ? NASHRA_OK : error_set(err, NASHRA_ENOMEM, "out of memory");
}

/* ---------------------------------------------------------------------------------------- */
/* Dates                                                                                    */

static int month_number(const char *s)
{
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    for (int m = 0; m < 12; m++)
        if (strncasecmp(s, names + 3 * m, 3) == 0)
            return m + 1;
    return 0;
}

static bool make_time(int y, int mo, int d, int h, int mi, int s, long offset, long long *out)
{
    if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 24 ||
        mi < 0 || mi > 59 || s < 0 || s > 60)
        return false;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return false;
    *out = (long long)t - offset;
    return true;
}

/* "+0300", "-05:00", "Z", "GMT", "EST" ...: seconds east of UTC. */
static bool zone_offset(const char *z, long *out)
{
    static const struct {
        const char *name;
        int hours;
    } named[] = {{"Z", 0},   {"UT", 0},  {"UTC", 0}, {"GMT", 0}, {"EST", -5}, {"EDT", -4},
                 {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
    while (*z == ' ')
        z++;
    if (!*z) {
        *out = 0;
        return true;
    }
    if (*z == '+' || *z == '-') {
        int h, m;
        if (strlen(z) == 5 && sscanf(z + 1, "%2d%2d", &h, &m) == 2) {
        } else if (strlen(z) == 6 && z[3] == ':' && sscanf(z + 1, "%2d:%2d", &h, &m) == 2) {
        } else {
            return false;
        }
        if (h > 14 || m > 59)
            return false;
        *out = (*z == '-' ? -1 : 1) * (h * 3600L + m * 60L);
        return true;
    }
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (strcasecmp(z, named[i].name) == 0) {
            *out = named[i].hours * 3600L;
            return true;
        }
    return false;
}

static bool parse_rfc3339(const char *s, long long *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return false;
    const char *p = s + n;
    long offset = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        int m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5)
            return false;
        p += 1 + m;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &sec, &m) != 1 || m != 2)
                return false;
            p += 1 + m;
            if (*p == '.' || *p == ',')
                for (p++; *p >= '0' && *p <= '9'; p++) {
                }
        }
        if (!zone_offset(p, &offset))
            return false;
    } else if (*p) {
        return false;
    }
    return make_time(y, mo, d, h, mi, sec, offset, out);
}

static bool parse_rfc822(const char *s, long long *out)
{
    const char *p = s;
    while (*p == ' ')
        p++;
    const char *comma = strchr(p, ',');
    if (comma)
        p = comma + 1;
    int d, y, h, mi, sec = 0, n = 0;
    char mon[4] = {0};
    if (sscanf(p, " %2d %3s %4d %2d:%2d%n", &d, mon, &y, &h, &mi, &n) != 5)
        return false;
    p += n;
    if (*p == ':') {
        int m = 0;
        if (sscanf(p + 1, "%2d%n", &sec, &m) != 1)
            return false;
        p += 1 + m;
    }
    int mo = month_number(mon);
    if (!mo)
        return false;
    if (y < 100)
        y += y < 50 ? 2000 : 1900;
    long offset;
    while (*p == ' ')
        p++;
    char zone[16];
    size_t zl = strcspn(p, " ");
    if (zl >= sizeof zone)
        return false;
    memcpy(zone, p, zl);
    zone[zl] = '\0';
    if (!zone_offset(zone, &offset))
        return false;
    return make_time(y, mo, d, h, mi, sec, offset, out);
}

bool feed_parse_date(const char *s, long long *out)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    char tmp[64];
    size_t len = strlen(s);
    while (len && strchr(" \t\r\n", s[len - 1]))
        len--;
    if (!len || len >= sizeof tmp)
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    return parse_rfc3339(tmp, out) || parse_rfc822(tmp, out);
}

/* ---------------------------------------------------------------------------------------- */
/* Documents                                                                                */

typedef struct guard {
    bool entity_declared;
    int line, column;
} guard;

/* An <!ENTITY> declaration in the document: refuse it before anything can refer to it. */
static void refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                          const xmlChar *system_id, xmlChar *content)
{
    (void)name;
    (void)type;
    (void)public_id;
    (void)system_id;
    (void)content;
    xmlParserCtxtPtr ctxt = ctx;
    guard *g = ctxt->_private;
    if (!g->entity_declared) {
        g->entity_declared = true;
        g->line = ctxt->input ? ctxt->input->line : 0;
        g->column = ctxt->input ? ctxt->input->col : 0;
    }
    xmlStopParser(ctxt);
}

static xmlParserInputPtr resolve_nothing(void *ctx, const xmlChar *public_id,
                                         const xmlChar *system_id)
{
    (void)ctx;
    (void)public_id;
    (void)system_id;
    return NULL;
}

static void no_external_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                               const xmlChar *system_id)
{
    (void)ctx;
    (void)name;
    (void)external_id;
    (void)system_id;
}

static bool is_named(const xmlNode *n, const char *ns, const char *name)
{
    if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, (const xmlChar *)name) != 0)
        return false;
    if (!ns)
        return !n->ns || !n->ns->href || !*n->ns->href;
    return n->ns && n->ns->href && xmlStrcmp(n->ns->href, (const xmlChar *)ns) == 0;
}

static const xmlNode *child(const xmlNode *parent, const char *ns, const char *name)
{
    for (const xmlNode *n = parent->children; n; n = n->next)
        if (is_named(n, ns, name))
            return n;
    return NULL;
}

/* The text and CDATA directly and deeply inside n, as written (markup not interpreted). */
static bool raw_text(const xmlNode *n, buf *out, int depth)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            if (!buf_puts(out, (const char *)c->content))
                return false;
        } else if (c->type == XML_ELEMENT_NODE && depth < MAX_DEPTH) {
            if (!raw_text(c, out, depth + 1))
                return false;
        }
    }
    return true;
}

/* The text of element n: as HTML when html, as XHTML markup when xhtml, else as plain text.
 * one_line joins paragraphs with a space. Returns a malloc'd string or NULL (out of memory). */
static char *element_text(const xmlNode *n, bool html, bool xhtml, bool one_line)
{
    buf raw = BUF_INIT, text = BUF_INIT;
    bool ok = true;
    /* HTML written as markup rather than escaped (<description>a<br/>b</description>). */
    for (const xmlNode *c = n && html ? n->children : NULL; c && !xhtml; c = c->next)
        xhtml = c->type == XML_ELEMENT_NODE;
    if (n && xhtml) {
        text_sink k = {&text, false, false, true};
        sink_node(&k, n->children, 0);
        ok = k.ok;
    } else if (n) {
        ok = raw_text(n, &raw, 0);
        if (ok && raw.len) {
            if (html) {
                ok = feed_html_text(raw.data, raw.len, &text, NULL) == NASHRA_OK;
            } else {
                text_sink k = {&text, false, false, true};
                /* Plain text keeps its blank lines as paragraph breaks. */
                const char *p = raw.data;
                while (ok && *p) {
                    const char *para = strstr(p, "\n\n");
                    size_t len = para ? (size_t)(para - p) : strlen(p);
                    sink_text(&k, p, len);
                    k.brk = true;
                    p += len;
                    while (*p == '\n')
                        p++;
                }
                ok = k.ok;
            }
        }
    }
    buf_free(&raw);
    if (!ok) {
        buf_free(&text);
        return NULL;
    }
    char *s = text.data ? buf_take(&text) : strdup("");
    if (s && one_line)
        for (char *p = s; *p; p++)
            if (*p == '\n')
                *p = ' ';
    if (s && one_line) { /* "a\n\nb" became "a  b" */
        char *w = s;
        for (char *r = s; *r; r++)
            if (!(*r == ' ' && w > s && w[-1] == ' '))
                *w++ = *r;
        *w = '\0';
    }
    return s;
}

/* Atom text constructs say how they are written: type="text" (default), "html", "xhtml". */
static char *atom_text(const xmlNode *n, bool one_line)
{
    if (!n)
        return strdup("");
    xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
    bool html = type && (xmlStrcmp(type, (const xmlChar *)"html") == 0 ||
                         xmlStrcmp(type, (const xmlChar *)"text/html") == 0);
    bool xhtml = type && (xmlStrcmp(type, (const xmlChar *)"xhtml") == 0 ||
                          xmlStrcmp(type, (const xmlChar *)"application/xhtml+xml") == 0);
    xmlFree(type);
    return element_text(n, html, xhtml, one_line);
}

static char *trimmed_text(const xmlNode *n)
{
    buf raw = BUF_INIT;
    if (n && !raw_text(n, &raw, 0)) {
        buf_free(&raw);
        return NULL;
    }
    char *s = raw.data ? buf_take(&raw) : strdup("");
    if (!s)
        return NULL;
    size_t start = strspn(s, " \t\r\n"), len = strlen(s);
    while (len > start && strchr(" \t\r\n", s[len - 1]))
        len--;
    memmove(s, s + start, len - start);
    s[len - start] = '\0';
    return s;
}

static void item_free(feed_item *it)
{
    free(it->title);
    free(it->body);
    free(it->id);
}

/* Adds an item (taking its strings) unless it has no text at all. */
static bool push_item(nashra_feed *f, feed_item *it)
{
    if (!it->title || !it->body || !it->id) {
        item_free(it);
        return false;
    }
    if (!*it->title && !*it->body) {
        item_free(it);
        return true;
    }
    feed_item *p = array_grow(f->items, &f->cap, f->count, sizeof *p, 16);
    if (!p) {
        item_free(it);
        return false;
    }
    f->items = p;
    f->items[f->count++] = *it;
    return true;
}

static bool date_of(const xmlNode *n, feed_item *it)
{
    if (!n)
        return true;
    char *s = trimmed_text(n);
    if (!s)
        return false;
    it->dated = feed_parse_date(s, &it->date);
    free(s);
    return true;
}

static bool read_rss_item(nashra_feed *f, const xmlNode *item, size_t index)
{
    feed_item it = {0};
    it.index = index;
    const xmlNode *content = child(item, NS_CONTENT, "encoded");
    const xmlNode *desc = child(item, NULL, "description");
    if (!desc)
        desc = child(item, "http://purl.org/rss/1.0/", "description");
    it.title = element_text(child(item, NULL, "title") ? child(item, NULL, "title")
                                                        : child(item, "http://purl.org/rss/1.0/",
                                                                "title"),
                            true, false, true);
    it.body = element_text(content ? content : desc, true, false, false);
    const xmlNode *guid = child(item, NULL, "guid");
    const xmlNode *link = child(item, NULL, "link");
    if (!link)
        link = child(item, "http://purl.org/rss/1.0/", "link");
    it.id = trimmed_text(guid ? guid : link);
    if (it.id && !*it.id && guid && link) {
        free(it.id);
        it.id = trimmed_text(link);
    }
    const xmlNode *date = child(item, NULL, "pubDate");
    if (!date_of(date ? date : child(item, NS_DC, "date"), &it)) {
        item_free(&it);
        return false;
    }
    return push_item(f, &it);
}

static char *atom_link(const xmlNode *entry)
{
    const xmlNode *best = NULL;
    for (const xmlNode *n = entry->children; n; n = n->next) {
        if (!is_named(n, NS_ATOM, "link"))
            continue;
        xmlChar *rel = xmlGetProp(n, (const xmlChar *)"rel");
        bool alternate = !rel || xmlStrcmp(rel, (const xmlChar *)"alternate") == 0;
        xmlFree(rel);
        if (alternate) {
            best = n;
            break;
        }
    }
    xmlChar *href = best ? xmlGetProp(best, (const xmlChar *)"href") : NULL;
    char *s = strdup(href ? (const char *)href : "");
    xmlFree(href);
    return s;
}

static bool read_atom_entry(nashra_feed *f, const xmlNode *entry, size_t index)
{
    feed_item it = {0};
    it.index = index;
    const xmlNode *content = child(entry, NS_ATOM, "content");
    /* Content given by reference (src=) has no text here: use the summary. */
    if (content && xmlHasProp(content, (const xmlChar *)"src"))
        content = NULL;
    it.title = atom_text(child(entry, NS_ATOM, "title"), true);
    it.body = atom_text(content ? content : child(entry, NS_ATOM, "summary"), false);
    it.id = trimmed_text(child(entry, NS_ATOM, "id"));
    if (it.id && !*it.id) {
        free(it.id);
        it.id = atom_link(entry);
    }
    const xmlNode *date = child(entry, NS_ATOM, "published");
    if (!date_of(date ? date : child(entry, NS_ATOM, "updated"), &it)) {
        item_free(&it);
        return false;
    }
    return push_item(f, &it);
}

static nashra_status read_document(nashra_feed *f, const xmlNode *root, nashra_error *err)
{
    size_t index = 0;
    bool ok = true;
    if (is_named(root, NULL, "rss")) {
        const xmlNode *channel = child(root, NULL, "channel");
        if (!channel)
            return error_set(err, NASHRA_EINPUT, "%s: RSS document without a channel", f->name);
        for (const xmlNode *n = channel->children; ok && n; n = n->next)
            if (is_named(n, NULL, "item"))
                ok = read_rss_item(f, n, ++index);
    } else if (is_named(root, "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "RDF")) {
        for (const xmlNode *n = root->children; ok && n; n = n->next)
            if (is_named(n, "http://purl.org/rss/1.0/", "item"))
                ok = read_rss_item(f, n, ++index);
    } else if (is_named(root, NS_ATOM, "feed")) {
        for (const xmlNode *n = root->children; ok && n; n = n->next)
            if (is_named(n, NS_ATOM, "entry"))
                ok = read_atom_entry(f, n, ++index);
    } else {
        return error_set(err, NASHRA_EINPUT, "%s: not an RSS or Atom feed (root element <%s>)",
                         f->name, (const char *)root->name);
    }
    return ok ? NASHRA_OK : error_set(err, NASHRA_ENOMEM, "%s: out of memory", f->name);
}

nashra_status nashra_feed_parse(const char *name, const char *data, size_t len, nashra_feed **out,
                                nashra_error *err)
{
    *out = NULL;
    if (!name)
        name = "<feed>";
    if (len > FEED_MAX_BYTES)
        return error_set(err, NASHRA_EINPUT, "%s: feed larger than %u MiB", name,
                         FEED_MAX_BYTES / (1024u * 1024u));
    if (len == 0)
        return error_set(err, NASHRA_EINPUT, "%s: feed is empty", name);
    xmlInitParser();
    nashra_feed *f = calloc(1, sizeof *f);
    if (!f || !(f->name = strdup(name))) {
        free(f);
        return error_set(err, NASHRA_ENOMEM, "%s: out of memory", name);
    }
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(data, (int)len);
    if (!ctxt) {
        nashra_feed_destroy(f);
        return error_set(err, NASHRA_ENOMEM, "%s: out of memory", name);
    }
    guard g = {false, 0, 0};
    ctxt->_private = &g;
    ctxt->sax->entityDecl = refuse_entity;
    ctxt->sax->resolveEntity = resolve_nothing;
    ctxt->sax->externalSubset = no_external_subset;
    ctxt->sax->serror = ignore_error;
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
    /* xmlCtxtUseOptions may reset handlers: set the guards again. */
    ctxt->sax->entityDecl = refuse_entity;
    ctxt->sax->resolveEntity = resolve_nothing;
    ctxt->sax->externalSubset = no_external_subset;
    ctxt->sax->serror = ignore_error;
    int parsed = xmlParseDocument(ctxt);
    xmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    nashra_status rc = NASHRA_OK;
    if (g.entity_declared) {
        rc = error_set(err, NASHRA_EINPUT,
                       "%s:%d:%d: entity declarations are not accepted in a feed", name, g.line,
                       g.column);
    } else if (parsed != 0 || !ctxt->wellFormed || !doc) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char msg[200] = "not well-formed XML";
        if (e && e->message) {
            snprintf(msg, sizeof msg, "%s", e->message);
            msg[strcspn(msg, "\n")] = '\0';
        }
        rc = error_set(err, NASHRA_EINPUT, "%s:%d:%d: %s", name, e ? e->line : 0,
                       e ? e->int2 : 0, msg);
    }
    xmlFreeParserCtxt(ctxt);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!rc && !root)
        rc = error_set(err, NASHRA_EINPUT, "%s: no root element", name);
    if (!rc)
        rc = read_document(f, root, err);
    xmlFreeDoc(doc);
    if (rc) {
        nashra_feed_destroy(f);
        return rc;
    }
    *out = f;
    return NASHRA_OK;
}

nashra_status nashra_feed_read(const char *path, nashra_feed **out, nashra_error *err)
{
    *out = NULL;
    static const file_kind feed = {.noun = "feed", .max_bytes = FEED_MAX_BYTES, .dash_stdin = true};
    buf b = BUF_INIT;
    nashra_status rc = file_read(path, &feed, &b, err);
    if (!rc)
        rc = nashra_feed_parse(file_display_name(path, &feed), b.data ? b.data : "", b.len, out,
                               err);
    buf_free(&b);
    return rc;
}

void nashra_feed_destroy(nashra_feed *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->count; i++)
        item_free(&f->items[i]);
    free(f->items);
    free(f->name);
    free(f);
}

size_t nashra_feed_item_count(const nashra_feed *f)
{
    return f ? f->count : 0;
}

const char *nashra_feed_item_title(const nashra_feed *f, size_t i)
{
    return f && i < f->count ? f->items[i].title : NULL;
}

const char *nashra_feed_item_text(const nashra_feed *f, size_t i)
{
    return f && i < f->count ? f->items[i].body : NULL;
}

const char *nashra_feed_item_id(const nashra_feed *f, size_t i)
{
    return f && i < f->count ? f->items[i].id : NULL;
}

int nashra_feed_item_date(const nashra_feed *f, size_t i, long long *seconds)
{
    if (!f || i >= f->count || !f->items[i].dated)
        return 0;
    *seconds = f->items[i].date;
    return 1;
}
