/* Pronunciation lexicons: parsing, checking and lookup.
 *
 * A lexicon file is UTF-8 text, one entry a line: SURFACE<TAB>SPELLING. SURFACE is one or more
 * words as news text writes them (Arabic or Latin; marks ignored); SPELLING is the fully
 * diacritized Arabic that espeak-ng is to read, or [[phonemes]] in espeak-ng's Arabic phoneme
 * mnemonics. Lines starting with '#' and blank lines are skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/data.h"
#include "common/error.h"
#include "common/readfile.h"
#include "common/utf8.h"
#include "pronounce/files.h"
#include "pronounce/internal.h"

typedef struct pron_entry {
    char *key;      /* the words' keys, one space between (pron_key) */
    char *spelling; /* shadda before its vowel */
    size_t first;   /* bytes of key's first word */
    size_t words;
    size_t order;   /* later entries win */
    const char *file;
    size_t line;
} pron_entry;

struct nashra_lexicon {
    pron_entry *entries;
    size_t count, cap;
    char **files;
    size_t nfiles;
};

pron_lexicon *pron_lexicon_create(void)
{
    return calloc(1, sizeof(pron_lexicon));
}

void pron_lexicon_destroy(pron_lexicon *lx)
{
    if (!lx)
        return;
    for (size_t i = 0; i < lx->count; i++) {
        free(lx->entries[i].key);
        free(lx->entries[i].spelling);
    }
    for (size_t i = 0; i < lx->nfiles; i++)
        free(lx->files[i]);
    free(lx->files);
    free(lx->entries);
    free(lx);
}

size_t pron_lexicon_count(const pron_lexicon *lx)
{
    return lx ? lx->count : 0;
}

bool pron_key(const char *s, size_t len, buf *out)
{
    bool space = false;
    size_t start = out->len;
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned cp = utf8_decode(s + i, len - i, &n);
        i += n;
        if (arabic_is_mark(cp) || cp == 0x0640)
            continue;
        if (cp == ' ' || cp == '\t') {
            space = out->len > start;
            continue;
        }
        if (space && !buf_putc(out, ' '))
            return false;
        space = false;
        if (cp >= 'A' && cp <= 'Z')
            cp += 'a' - 'A';
        if (!buf_put_cp(out, cp))
            return false;
    }
    return true;
}

/* Orders by first word, then more words first, then later entries first. */
static int entry_cmp(const void *pa, const void *pb)
{
    const pron_entry *a = pa, *b = pb;
    size_t n = a->first < b->first ? a->first : b->first;
    int c = memcmp(a->key, b->key, n);
    if (c)
        return c;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    if (a->words != b->words)
        return a->words > b->words ? -1 : 1;
    return a->order > b->order ? -1 : a->order < b->order;
}

static bool surface_char_ok(unsigned cp)
{
    return (cp >= 0x0621 && cp <= 0x064A) || arabic_is_mark(cp) || cp == 0x0640 ||
           cp == 0x0671 || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == ' ' ||
           cp == '-' || cp == '.' || cp == '\'';
}

static bool spelling_char_ok(unsigned cp)
{
    return (cp >= 0x0621 && cp <= 0x064A) || arabic_is_mark(cp) || cp == ' ';
}

/* Checks one entry; on failure writes the reason into why. */
static bool entry_ok(const char *surface, const char *spelling, char *why, size_t cap)
{
    size_t n;
    for (const char *p = surface; *p; p += n) {
        unsigned cp = utf8_decode(p, strlen(p), &n);
        if (!surface_char_ok(cp)) {
            snprintf(why, cap, "the surface form has a character (U+%04X) that is neither an "
                     "Arabic or Latin letter nor a space", cp);
            return false;
        }
    }
    size_t len = strlen(spelling);
    if (len >= 4 && !memcmp(spelling, "[[", 2)) {
        if (memcmp(spelling + len - 2, "]]", 2) || len == 4) {
            snprintf(why, cap, "phonemes must be written [[...]] with something inside");
            return false;
        }
        for (size_t i = 2; i + 2 < len; i++)
            if (spelling[i] < ' ' || spelling[i] > '~' || spelling[i] == '[' ||
                spelling[i] == ']') {
                snprintf(why, cap, "phonemes may hold only printable ASCII without brackets");
                return false;
            }
        return true;
    }
    bool letters = false;
    for (const char *p = spelling; *p; p += n) {
        unsigned cp = utf8_decode(p, strlen(p), &n);
        if (!spelling_char_ok(cp)) {
            snprintf(why, cap, "the spelling has a character (U+%04X) that is not an Arabic "
                     "letter, mark or space; write phonemes as [[...]]", cp);
            return false;
        }
        letters |= arabic_is_letter(cp);
    }
    if (!letters) {
        snprintf(why, cap, "the spelling is empty");
        return false;
    }
    for (const char *w = spelling; *w;) {
        size_t wl = strcspn(w, " ");
        size_t bad, letters_in = 0, marks_in = 0;
        for (size_t k = 0, m; k < wl; k += m) {
            unsigned cp = utf8_decode(w + k, wl - k, &m);
            marks_in += arabic_is_mark(cp);
            letters_in += !arabic_is_mark(cp);
        }
        if (letters_in >= 3 && !marks_in) {
            snprintf(why, cap, "'%.*s' has no diacritics: give the word fully vowelled",
                     (int)wl, w);
            return false;
        }
        if (wl && !pron_word_vowelled(w, wl, &bad)) {
            snprintf(why, cap, "'%.*s' leaves a letter without a vowel (byte %zu of the word)",
                     (int)wl, w, bad);
            return false;
        }
        w += wl;
        w += strspn(w, " ");
    }
    return true;
}

static const char *intern_file(pron_lexicon *lx, const char *name)
{
    if (lx->nfiles && !strcmp(lx->files[lx->nfiles - 1], name))
        return lx->files[lx->nfiles - 1];
    char **f = realloc(lx->files, (lx->nfiles + 1) * sizeof *f);
    if (!f)
        return NULL;
    lx->files = f;
    if (!(f[lx->nfiles] = strdup(name)))
        return NULL;
    return f[lx->nfiles++];
}

/* Appends an entry with its key and spelling made already (both taken over). */
static nashra_status add_entry_key(pron_lexicon *lx, const char *file, size_t line, char *key,
                                   char *spelling, nashra_error *err)
{
    pron_entry *grown = array_grow(lx->entries, &lx->cap, lx->count, sizeof *lx->entries, 256);
    if (!grown) {
        free(key);
        free(spelling);
        return error_set(err, NASHRA_ENOMEM, "out of memory while reading %s", file);
    }
    lx->entries = grown;
    pron_entry *e = &lx->entries[lx->count];
    e->first = strcspn(key, " ");
    e->words = 1;
    for (const char *k = key; *k; k++)
        e->words += *k == ' ';
    e->order = lx->count;
    e->file = file;
    e->line = line;
    e->key = key;
    e->spelling = spelling;
    lx->count++;
    return NASHRA_OK;
}

static nashra_status add_entry(pron_lexicon *lx, const char *file, size_t line,
                               const char *surface, size_t slen, const char *spelling,
                               size_t plen, nashra_error *err)
{
    buf key = BUF_INIT, sp = BUF_INIT;
    if (!pron_key(surface, slen, &key) || !pron_reorder_marks(spelling, plen, &sp)) {
        buf_free(&key);
        buf_free(&sp);
        return error_set(err, NASHRA_ENOMEM, "out of memory while reading %s", file);
    }
    if (!key.len) {
        buf_free(&key);
        buf_free(&sp);
        return error_set(err, NASHRA_EINPUT, "%s:%zu: the surface form is empty", file, line);
    }
    return add_entry_key(lx, file, line, buf_take(&key), buf_take(&sp), err);
}

/* The entries [from, count) must not repeat a key among themselves. */
static nashra_status check_duplicates(const pron_lexicon *lx, size_t from, nashra_error *err)
{
    size_t n = lx->count - from;
    const pron_entry **v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return error_set(err, NASHRA_ENOMEM, "out of memory while checking a lexicon");
    for (size_t i = 0; i < n; i++)
        v[i] = &lx->entries[from + i];
    /* Insertion into a sorted list would be quadratic; sort pointers by key, then line. */
    for (size_t gap = n / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap; j -= gap) {
                int c = strcmp(v[j - gap]->key, v[j]->key);
                if (c < 0 || (c == 0 && v[j - gap]->line < v[j]->line))
                    break;
                const pron_entry *t = v[j];
                v[j] = v[j - gap];
                v[j - gap] = t;
            }
    nashra_status rc = NASHRA_OK;
    for (size_t i = 1; i < n && !rc; i++)
        if (!strcmp(v[i - 1]->key, v[i]->key))
            rc = error_set(err, NASHRA_EINPUT, "%s:%zu: '%s' is already given on line %zu",
                           v[i]->file, v[i]->line, v[i]->key, v[i - 1]->line);
    free(v);
    return rc;
}

static const pron_entry *first_word_range_in(const pron_entry *entries, size_t count,
                                             const char *key, size_t len, size_t *found);

/* Writers often leave out the hamza of an alif (اسرائيل for إسرائيل): each new entry whose
 * surface has أ إ آ or ٱ is also found under the bare alif, unless another entry is known by
 * that spelling (إن and أن stay apart: only a text's own seat decides between them). */
static nashra_status add_bare_alif_variants(pron_lexicon *lx, size_t from, nashra_error *err)
{
    size_t end = lx->count;
    for (size_t i = from; i < end; i++) {
        const char *key = lx->entries[i].key;
        if (!strstr(key, "\xD8\xA3") && !strstr(key, "\xD8\xA5") && !strstr(key, "\xD8\xA2") &&
            !strstr(key, "\xD9\xB1"))
            continue;
        buf bare = BUF_INIT;
        size_t len = strlen(key);
        for (size_t k = 0, n; k < len; k += n) {
            unsigned cp = utf8_decode(key + k, len - k, &n);
            if (cp == 0x0623 || cp == 0x0625 || cp == 0x0622 || cp == 0x0671)
                cp = 0x0627;
            if (!buf_put_cp(&bare, cp)) {
                buf_free(&bare);
                return error_set(err, NASHRA_ENOMEM, "out of memory while reading a lexicon");
            }
        }
        /* Known already: in the sorted entries of earlier files, or among this file's. */
        size_t n;
        const pron_entry *same = first_word_range_in(lx->entries, from, bare.data,
                                                     strcspn(bare.data, " "), &n);
        bool taken = false;
        for (size_t j = 0; j < n && !taken; j++)
            taken = !strcmp(same[j].key, bare.data);
        for (size_t j = from; j < lx->count && !taken; j++)
            taken = !strcmp(lx->entries[j].key, bare.data);
        nashra_status rc = NASHRA_OK;
        if (!taken) {
            const pron_entry *e = &lx->entries[i];
            char *spelling = strdup(e->spelling);
            rc = spelling ? add_entry_key(lx, e->file, e->line, buf_take(&bare), spelling, err)
                          : error_set(err, NASHRA_ENOMEM, "out of memory");
        }
        buf_free(&bare);
        if (rc)
            return rc;
    }
    return NASHRA_OK;
}

nashra_status pron_lexicon_add(pron_lexicon *lx, const char *name, const char *text, size_t len,
                               nashra_error *err)
{
    if (!len)
        return NASHRA_OK;
    size_t bad;
    if (!utf8_valid(text, len, &bad)) {
        size_t line = 1;
        for (size_t i = 0; i < bad; i++)
            line += text[i] == '\n';
        return error_set(err, NASHRA_EINPUT, "%s:%zu: invalid UTF-8", name, line);
    }
    if (memchr(text, '\0', len))
        return error_set(err, NASHRA_EINPUT, "%s: a NUL byte in a lexicon file", name);
    const char *file = intern_file(lx, name);
    if (!file)
        return error_set(err, NASHRA_ENOMEM, "out of memory while reading %s", name);
    size_t from = lx->count;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        text += 3;
        len -= 3;
    }
    nashra_status rc = NASHRA_OK;
    size_t line = 0;
    for (size_t i = 0; i < len && !rc;) {
        const char *s = text + i;
        const char *nl = memchr(s, '\n', len - i);
        size_t n = nl ? (size_t)(nl - s) : len - i;
        i += n + (nl != NULL);
        line++;
        if (n && s[n - 1] == '\r')
            n--;
        size_t lead = 0;
        while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
            lead++;
        if (lead == n || s[lead] == '#')
            continue;
        const char *tab = memchr(s, '\t', n);
        if (!tab) {
            rc = error_set(err, NASHRA_EINPUT, "%s:%zu: expected SURFACE<TAB>SPELLING", name,
                           line);
            break;
        }
        size_t slen = (size_t)(tab - s);
        const char *sp = tab + 1;
        size_t plen = n - slen - 1;
        while (plen && (sp[plen - 1] == ' ' || sp[plen - 1] == '\t'))
            plen--;
        if (memchr(sp, '\t', plen)) {
            rc = error_set(err, NASHRA_EINPUT, "%s:%zu: more than two fields", name, line);
            break;
        }
        if (slen > 1000 || plen > 4000) {
            rc = error_set(err, NASHRA_EINPUT, "%s:%zu: entry too long", name, line);
            break;
        }
        char surface[1001], spelling[4001], why[256];
        memcpy(surface, s, slen);
        surface[slen] = '\0';
        memcpy(spelling, sp, plen);
        spelling[plen] = '\0';
        if (!entry_ok(surface, spelling, why, sizeof why))
            rc = error_set(err, NASHRA_EINPUT, "%s:%zu: %s", name, line, why);
        else
            rc = add_entry(lx, file, line, surface, slen, spelling, plen, err);
    }
    if (!rc)
        rc = check_duplicates(lx, from, err);
    if (!rc)
        rc = add_bare_alif_variants(lx, from, err);
    if (rc) {
        for (size_t k = from; k < lx->count; k++) {
            free(lx->entries[k].key);
            free(lx->entries[k].spelling);
        }
        lx->count = from;
        return rc;
    }
    if (lx->count)
        qsort(lx->entries, lx->count, sizeof *lx->entries, entry_cmp);
    return NASHRA_OK;
}

#define LEXICON_MAX_BYTES (64u * 1024u * 1024u)

nashra_status pron_lexicon_add_file(pron_lexicon *lx, const char *path, nashra_error *err)
{
    static const file_kind lexicon = {.noun = "lexicon", .max_bytes = LEXICON_MAX_BYTES};
    buf b = BUF_INIT;
    nashra_status rc = file_read(path, &lexicon, &b, err);
    if (!rc)
        rc = pron_lexicon_add(lx, path, b.data ? b.data : "", b.len, err);
    buf_free(&b);
    return rc;
}

/* The entries whose first word's key is key[0..len): *count of them from the returned one. */
static const pron_entry *first_word_range_in(const pron_entry *entries, size_t count,
                                             const char *key, size_t len, size_t *found)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const pron_entry *e = &entries[mid];
        size_t n = e->first < len ? e->first : len;
        int c = memcmp(e->key, key, n);
        if (c < 0 || (c == 0 && e->first < len))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < count && entries[end].first == len && !memcmp(entries[end].key, key, len))
        end++;
    *found = end - lo;
    return *found ? &entries[lo] : NULL;
}

static const pron_entry *first_word_range(const pron_lexicon *lx, const char *key, size_t len,
                                          size_t *count)
{
    return first_word_range_in(lx->entries, lx->count, key, len, count);
}

const char *pron_lexicon_match(const pron_lexicon *lx, const char *first, size_t first_len,
                               const char *const *next, size_t nnext, size_t *words)
{
    size_t n = 0;
    const pron_entry *e = lx ? first_word_range(lx, first, first_len, &n) : NULL;
    for (size_t i = 0; i < n; i++, e++) {
        if (e->words - 1 > nnext)
            continue;
        const char *k = e->key + e->first;
        size_t w = 0;
        for (; w + 1 < e->words; w++) {
            size_t l = strlen(next[w]);
            if (k[0] != ' ' || strncmp(k + 1, next[w], l) || (k[1 + l] && k[1 + l] != ' '))
                break;
            k += 1 + l;
        }
        if (w + 1 == e->words) {
            *words = e->words;
            return e->spelling;
        }
    }
    return NULL;
}

const char *pron_lexicon_lookup(const pron_lexicon *lx, const char *words)
{
    buf key = BUF_INIT;
    const char *found = NULL;
    if (lx && pron_key(words, strlen(words), &key) && key.len) {
        size_t n;
        const pron_entry *e = first_word_range(lx, key.data, strcspn(key.data, " "), &n);
        for (size_t i = 0; i < n && !found; i++)
            if (!strcmp(e[i].key, key.data))
                found = e[i].spelling;
    }
    buf_free(&key);
    return found;
}

void pron_lexicon_each(const pron_lexicon *lx,
                       bool (*fn)(void *user, const char *words, const char *spelling,
                                  const char *file, size_t line),
                       void *user)
{
    if (!lx)
        return;
    /* File order: the entries are sorted for lookup, so walk them by insertion order. */
    size_t *by_order = malloc((lx->count ? lx->count : 1) * sizeof *by_order);
    if (!by_order)
        return;
    for (size_t i = 0; i < lx->count; i++)
        by_order[lx->entries[i].order] = i;
    for (size_t i = 0; i < lx->count; i++) {
        const pron_entry *e = &lx->entries[by_order[i]];
        if (!fn(user, e->key, e->spelling, e->file, e->line))
            break;
    }
    free(by_order);
}

/* ------------------------------------------------------------------------------------------ */

static pron_lexicon *load_files(bool words)
{
    pron_lexicon *lx = pron_lexicon_create();
    for (const lexicon_file *f = nashra_lexicon_files; lx && f->name; f++) {
        nashra_error err = {0};
        if ((words || !f->words) &&
            pron_lexicon_add(lx, f->name, (const char *)f->blob->bytes, f->blob->len, &err)) {
            pron_lexicon_destroy(lx);
            lx = NULL;
        }
    }
    return lx;
}

/* Each variant is loaded the first time it is asked for: a run with the diacritizer never
 * parses the words' files. */
static pron_lexicon *shipped_names, *shipped_all;

static void load_names(void)
{
    shipped_names = load_files(false);
}

static void load_all(void)
{
    shipped_all = load_files(true);
}

const pron_lexicon *pron_lexicon_shipped(bool words)
{
    static pthread_once_t names_once = PTHREAD_ONCE_INIT, all_once = PTHREAD_ONCE_INIT;
    if (words) {
        pthread_once(&all_once, load_all);
        return shipped_all;
    }
    pthread_once(&names_once, load_names);
    return shipped_names;
}

nashra_status nashra_lexicon_read(const char *path, nashra_lexicon **out, nashra_error *err)
{
    *out = NULL;
    if (!path)
        return error_set(err, NASHRA_EINVAL, "no lexicon file given");
    pron_lexicon *lx = pron_lexicon_create();
    if (!lx)
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    nashra_status rc = pron_lexicon_add_file(lx, path, err);
    if (rc) {
        pron_lexicon_destroy(lx);
        return rc;
    }
    *out = lx;
    return NASHRA_OK;
}

void nashra_lexicon_destroy(nashra_lexicon *lexicon)
{
    pron_lexicon_destroy(lexicon);
}

size_t nashra_lexicon_size(const nashra_lexicon *lexicon)
{
    return pron_lexicon_count(lexicon);
}
