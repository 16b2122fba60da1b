/* Diacritics in the forms espeak-ng 1.51 reads right (see pronounce.h). Words are handled as
 * arrays of letters, each with the marks written after it. */
#include <string.h>

#include "common/utf8.h"
#include "pronounce/internal.h"

#define WORD_MAX_LETTERS 64
#define LETTER_MAX_MARKS 4

typedef struct letter {
    unsigned cp;
    unsigned mark[LETTER_MAX_MARKS];
    unsigned nmarks;
} letter;

typedef struct word {
    letter l[WORD_MAX_LETTERS];
    size_t n;
} word;

/* Splits s[0..len) into letters; false if it has too many letters or marks. Tatweel and the
 * dagger alif are dropped. */
static bool word_parse(const char *s, size_t len, word *w)
{
    w->n = 0;
    for (size_t i = 0; i < len;) {
        size_t k;
        unsigned cp = utf8_decode(s + i, len - i, &k);
        i += k;
        if (cp == 0x0640 || cp == 0x0670)
            continue;
        if (arabic_is_mark(cp)) {
            if (!w->n)
                continue; /* a mark on nothing */
            letter *l = &w->l[w->n - 1];
            if (l->nmarks == LETTER_MAX_MARKS)
                return false;
            l->mark[l->nmarks++] = cp;
            continue;
        }
        if (w->n == WORD_MAX_LETTERS)
            return false;
        w->l[w->n++] = (letter){cp, {0}, 0};
    }
    return true;
}

static bool has_mark(const letter *l, unsigned mark)
{
    for (unsigned i = 0; i < l->nmarks; i++)
        if (l->mark[i] == mark)
            return true;
    return false;
}

/* A short vowel, tanween or sukun (shadda alone leaves the letter's vowel unknown). */
static bool has_vowel(const letter *l)
{
    for (unsigned i = 0; i < l->nmarks; i++)
        if (l->mark[i] >= AR_FATHATAN && l->mark[i] <= AR_SUKUN && l->mark[i] != AR_SHADDA)
            return true;
    return false;
}

static void drop_mark(letter *l, unsigned mark)
{
    unsigned k = 0;
    for (unsigned i = 0; i < l->nmarks; i++)
        if (l->mark[i] != mark)
            l->mark[k++] = l->mark[i];
    l->nmarks = k;
}

/* Puts l at index i, moving the letters from i on; the caller checks there is room. */
static void insert_letter(word *w, size_t i, letter l)
{
    memmove(&w->l[i + 1], &w->l[i], (w->n - i) * sizeof w->l[0]);
    w->l[i] = l;
    w->n++;
}

static void drop_letter(word *w, size_t i)
{
    memmove(&w->l[i], &w->l[i + 1], (w->n - i - 1) * sizeof w->l[0]);
    w->n--;
}

/* وَ or فَ, which come before any other proclitic */
static bool is_conjunction(unsigned cp)
{
    return cp == AR_WAW || cp == AR_FA;
}

static bool is_clitic(unsigned cp)
{
    return is_conjunction(cp) || cp == AR_BA || cp == AR_KAF || cp == AR_LAM;
}

/* The index of the lam of an article the word starts with (ال, وال, بال, وبال, and لل where
 * a preposition lam took the article's alif), or -1. The article's lam carries no vowel
 * (فَالِيتَا is a name, not فَ + ال). */
static long article_lam(const word *w)
{
    for (size_t a = 0; a <= 2 && a + 1 < w->n; a++) {
        if (has_vowel(&w->l[a + 1]) && !has_mark(&w->l[a + 1], AR_SUKUN))
            continue;
        bool clitics = true;
        for (size_t k = 0; k < a; k++)
            clitics &= is_clitic(w->l[k].cp) && w->l[k].cp != AR_LAM;
        if (!clitics)
            break;
        if (w->l[a].cp == AR_ALIF && w->l[a + 1].cp == AR_LAM)
            return (long)a + 1;
        /* لل: a preposition lam on the article whose alif is not written */
        if (w->l[a].cp == AR_LAM && w->l[a + 1].cp == AR_LAM && w->n > a + 2)
            return (long)a + 1;
    }
    return -1;
}

static bool bare(const letter *l)
{
    return l->nmarks == 0;
}

/* A bare letter read as a long vowel: ا ى آ, and و ي after a damma, a kasra or a bare letter
 * (writers leave the letter before a long vowel unmarked). */
static bool long_vowel_at(const word *w, size_t i, long lam)
{
    const letter *l = &w->l[i];
    if (!bare(l))
        return false;
    if (l->cp == AR_ALIF || l->cp == AR_ALIF_MAQSURA || l->cp == AR_ALIF_MADDA)
        return true;
    if ((l->cp != AR_WAW && l->cp != AR_YA) || i == 0 || (long)i - 1 == lam)
        return false;
    const letter *p = &w->l[i - 1];
    return bare(p) || has_mark(p, l->cp == AR_WAW ? AR_DAMMA : AR_KASRA);
}

static bool letters_vowelled(const word *w, size_t *bad_letter)
{
    long lam = article_lam(w);
    for (size_t i = 0; i < w->n; i++) {
        const letter *l = &w->l[i];
        if (has_vowel(l) || !arabic_is_letter(l->cp))
            continue;
        if (l->cp == AR_ALIF || l->cp == AR_ALIF_MADDA || l->cp == AR_ALIF_MAQSURA ||
            l->cp == AR_ALIF_WASLA || i + 1 == w->n || (long)i == lam)
            continue;
        if (long_vowel_at(w, i, lam) || long_vowel_at(w, i + 1, lam))
            continue;
        if (bad_letter)
            *bad_letter = i;
        return false;
    }
    return true;
}

static size_t mark_count(const word *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++)
        n += w->l[i].nmarks;
    return n;
}

bool pron_word_vowelled(const char *s, size_t len, size_t *bad)
{
    word w;
    if (!word_parse(s, len, &w))
        return true; /* too long to judge: left as written */
    size_t i;
    if (letters_vowelled(&w, &i))
        return true;
    if (bad) {
        /* the byte offset of letter i */
        size_t off = 0, seen = 0;
        for (size_t k; off < len; off += k) {
            unsigned cp = utf8_decode(s + off, len - off, &k);
            if (!arabic_is_mark(cp) && cp != 0x0640 && seen++ == i)
                break;
        }
        *bad = off;
    }
    return false;
}

static bool word_emit(const word *w, buf *out)
{
    for (size_t i = 0; i < w->n; i++) {
        const letter *l = &w->l[i];
        if (!buf_put_cp(out, l->cp))
            return false;
        if (has_mark(l, AR_SHADDA) && !buf_put_cp(out, AR_SHADDA))
            return false;
        for (unsigned k = 0; k < l->nmarks; k++)
            if (l->mark[k] != AR_SHADDA && !buf_put_cp(out, l->mark[k]))
                return false;
    }
    return true;
}

/* A sun letter after the article is doubled by the article's silent lam: at the start of a
 * word espeak-ng 1.51 reads a shadda written on it as a third copy (النَّقْدِ: n n n), and the
 * letter without it as the geminate it is (النَقْدِ: n n). So the shadda goes there, when a
 * vowel stays on the letter. Behind a proclitic (وَالنِّصْفُ) espeak-ng needs the shadda. */
static void sun_letter_after_article(word *w)
{
    long lam = article_lam(w);
    if (lam != 1 || w->n < 3 || w->l[0].cp != AR_ALIF || !bare(&w->l[1]))
        return;
    letter *sun = &w->l[lam + 1];
    if (arabic_is_sun_letter(sun->cp) && has_mark(sun, AR_SHADDA) && has_vowel(sun))
        drop_mark(sun, AR_SHADDA);
}

/* A doubled و or ي is read by espeak-ng 1.51 as a long vowel (قُوَّاتُ: u: a:, -ِيَّةُ: i: a):
 * written twice, with a sukun on the first, it is read as the consonant it is (قُوْوَاتُ). */
static void double_glides(word *w)
{
    for (size_t i = 1; i < w->n && w->n < WORD_MAX_LETTERS; i++) {
        letter *l = &w->l[i];
        if ((l->cp != AR_WAW && l->cp != AR_YA) || !has_mark(l, AR_SHADDA) || !has_vowel(l))
            continue;
        letter second = *l;
        drop_mark(&second, AR_SHADDA);
        *l = (letter){l->cp, {AR_SUKUN}, 1};
        insert_letter(w, ++i, second);
    }
}


static bool only_mark(const letter *l, unsigned mark)
{
    return l->nmarks == 1 && l->mark[0] == mark;
}

static bool has_short_vowel(const letter *l)
{
    for (unsigned i = 0; i < l->nmarks; i++)
        if (l->mark[i] >= AR_FATHATAN && l->mark[i] <= AR_KASRA)
            return true;
    return false;
}

/* Whether a word's letter after a wasl alif starts it with two consonants: the letter has a
 * sukun (اسْتَمَرَّ) or is doubled (اتِّفَاق), so the alif is silent. */
static bool starts_cluster(const letter *l)
{
    return has_mark(l, AR_SUKUN) || (has_mark(l, AR_SHADDA) && has_short_vowel(l));
}

/* The article's lam before a sun letter is not said: the letter is doubled instead. At a
 * word's start (الشَّمْسُ) and after a one-letter proclitic on the alif (وَالشَّمْسُ،
 * كَالشَّمْسِ), or after لِ alone (لِلشَّمْسِ), espeak-ng 1.51 reads that right; where the
 * alif or lam is gone from the spelling after one of the steps below, or after وَلِ and فَلِ,
 * it says the lam (بِلنِّسْبَةِ: b i l n n, وَلِلشَّمْسِ: w a l i l S S). There the lam is left
 * out too and the sun letter keeps, or gets, its shadda (بِنِّسْبَةِ، وَلِشَّمْسِ). */
static void drop_article_lam(word *w, size_t lam)
{
    if (lam + 1 >= w->n || w->l[lam].cp != AR_LAM || has_short_vowel(&w->l[lam]))
        return;
    letter *sun = &w->l[lam + 1];
    if (!arabic_is_sun_letter(sun->cp) || !has_short_vowel(sun))
        return;
    if (!has_mark(sun, AR_SHADDA)) {
        if (sun->nmarks == LETTER_MAX_MARKS)
            return;
        memmove(&sun->mark[1], &sun->mark[0], sun->nmarks * sizeof sun->mark[0]);
        sun->mark[0] = AR_SHADDA;
        sun->nmarks++;
    }
    drop_letter(w, lam);
}

/* The article before a word that starts with a wasl alif (الِاجْتِمَاعُ) takes a kasra on its
 * lam, the alif being silent; written with a sukun there instead (الْاجْتِمَاعُ، الْاِثْنَيْنِ, as
 * some texts and at times the diacritizer write it) espeak-ng 1.51 reads a long a or a glottal
 * stop (a l a: dZ t; a l ? i T n). So the lam gets the kasra, and the alif goes below. */
static void kasra_before_wasl(word *w)
{
    long lam = article_lam(w);
    if (lam < 1 || (size_t)lam + 2 >= w->n)
        return;
    letter *l = &w->l[lam], *a = &w->l[lam + 1], *next = &w->l[lam + 2];
    if (a->cp != AR_ALIF || !(bare(a) || only_mark(a, AR_KASRA)) ||
        !(bare(l) || only_mark(l, AR_SUKUN)) || !starts_cluster(next))
        return;
    *l = (letter){AR_LAM, {AR_KASRA}, 1};
    a->nmarks = 0;
}

/* A one-letter proclitic at k with its vowel: بِ or لِ, or وَ or فَ first in the word. */
static bool proclitic_at(const word *w, size_t k)
{
    const letter *l = &w->l[k];
    if (l->cp == AR_BA || l->cp == AR_LAM)
        return only_mark(l, AR_KASRA);
    return k == 0 && is_conjunction(l->cp) && only_mark(l, AR_FATHA);
}

/* Wasl alifs that espeak-ng 1.51 reads as a long a: after the article's lam with a kasra
 * (الِاقْتِصَادِ: a l i a: q; after وَ the article's alif as well), after the preposition بِ
 * before the article (بِالْقَمَرِ: b i a: l), and after a proclitic before a word that starts
 * with two consonants (بِاسْمِ: b i a: s m;
 * وَاسْتَمَرَّ: w a: s t; وَالْتَقَى, whose lam is the verb's and not the article's: w a t a q).
 * Left out, the words are read as they are said (الِقْتِصَادِ، بِلْقَمَرِ، بِسْمِ، وَسْتَمَرَّ،
 * وَلْتَقَى), and after بِ an article's lam before a sun letter goes with the alif (above). The
 * article after وَ or فَ is left alone: espeak-ng reads it right (وَالْقَمَرِ، وَالشَّمْسِ). كَ is
 * not taken for a proclitic here: كَافَّةُ is one word, its alif long. */
static void drop_silent_alifs(word *w)
{
    for (size_t i = 0; i + 2 < w->n && i <= 2; i++) {
        letter *a = &w->l[i], *lam = &w->l[i + 1], *wasl = &w->l[i + 2];
        if ((a->cp == AR_ALIF || a->cp == AR_LAM) && lam->cp == AR_LAM &&
            only_mark(lam, AR_KASRA) && wasl->cp == AR_ALIF && bare(wasl) && i + 3 < w->n) {
            drop_letter(w, i + 2);
            /* after وَ or فَ the article's own alif is then read as a long a (وَالِقْتِصَادُ:
             * w a: l i q), so it goes too (وَلِقْتِصَادُ) */
            if (i == 1 && a->cp == AR_ALIF && is_conjunction(w->l[0].cp))
                drop_letter(w, 1);
            break;
        }
    }
    bool conjunction = w->n && is_conjunction(w->l[0].cp);
    for (size_t k = 0; k <= 1 && k + 3 < w->n; k++) {
        if (k == 1 && !conjunction)
            break;
        if (!proclitic_at(w, k) || w->l[k + 1].cp != AR_ALIF || !bare(&w->l[k + 1]))
            continue;
        const letter *next = &w->l[k + 2], *after = &w->l[k + 3];
        if (next->cp == AR_LAM) {
            if (w->l[k].cp == AR_BA) { /* بِال */
                drop_letter(w, k + 1);
                drop_article_lam(w, k + 1);
            } else if (only_mark(next, AR_SUKUN) && arabic_is_sun_letter(after->cp) &&
                       !has_mark(after, AR_SHADDA)) {
                drop_letter(w, k + 1); /* a lam of the word itself: وَالْتَقَى */
            }
            return;
        }
        if (starts_cluster(next))
            drop_letter(w, k + 1);
        return;
    }
    /* وَلِلشَّمْسِ: the preposition's lam, then the article's */
    if (conjunction && w->n > 3 && w->l[1].cp == AR_LAM && only_mark(&w->l[1], AR_KASRA))
        drop_article_lam(w, 2);
}

/* The alif written after the و of a plural verb (كَانُوا، قَالُوا، رَمَوْا) is not said, but
 * espeak-ng 1.51 reads it as a long a (k a: n u: a:); it is left out (كَانُو). */
static void drop_plural_alif(word *w)
{
    size_t n = w->n;
    if (n < 3 || w->l[n - 1].cp != AR_ALIF || !bare(&w->l[n - 1]) || w->l[n - 2].cp != AR_WAW)
        return;
    const letter *waw = &w->l[n - 2], *before = &w->l[n - 3];
    bool long_u = (bare(waw) || only_mark(waw, AR_SUKUN)) && has_mark(before, AR_DAMMA);
    bool diphthong = only_mark(waw, AR_SUKUN) && has_mark(before, AR_FATHA);
    if (long_u || diphthong)
        drop_letter(w, n - 1);
}

/* A ي with a kasra before the ي of a long i (صَحَفِيِّينَ، مَعَايِيرُ) is read by espeak-ng 1.51
 * as j i: then another i (j i: i n). Without the second ي it reads j i: (صَحَفِيْيِنَ،
 * مَعَايِرُ), which is what is said. */
static void drop_long_i_after_ya(word *w)
{
    for (size_t i = 1; i + 1 < w->n; i++)
        if (w->l[i].cp == AR_YA && only_mark(&w->l[i], AR_KASRA) && w->l[i + 1].cp == AR_YA &&
            bare(&w->l[i + 1]))
            drop_letter(w, i + 1);
}

/* Two word-final tanween that espeak-ng 1.51 misreads are written as their short vowel and a
 * nun with sukun, in place of the alif of fathatan:
 * - on a ي, a consonant with its vowel (رَأْيٌ، دَاعِيًا), doubled or not (صَحَفِيٍّ، سِيَاسِيًّا,
 *   written twice above), which espeak-ng reads as a vowel (رَأْيٌ: r a ? i u n; صَحَفِيْيٍ:
 *   i: i n); written رَأْيُنْ، صَحَفِيْيِنْ، دَاعِيَنْ it reads ? j u n, i: j i: n (only that last
 *   vowel long), i j a n;
 * - fathatan on a ك, whose a it reads twice (مُشْتَرَكًا: k a a n, where كِتَابًا is b a n);
 *   written مُشْتَرَكَنْ it reads k a n. */
static void spell_tanween_with_nun(word *w)
{
    size_t n = w->n;
    bool alif = n >= 3 && w->l[n - 1].cp == AR_ALIF && bare(&w->l[n - 1]);
    if (alif)
        n--; /* fathatan sits on the letter before the alif */
    if (n < 2 || w->l[n - 1].nmarks != 1)
        return;
    letter *l = &w->l[n - 1];
    unsigned vowel = l->mark[0] == AR_FATHATAN   ? AR_FATHA
                     : l->mark[0] == AR_DAMMATAN ? AR_DAMMA
                     : l->mark[0] == AR_KASRATAN ? AR_KASRA
                                                 : 0;
    bool misread = l->cp == AR_YA || (l->cp == AR_KAF && vowel == AR_FATHA);
    if (!vowel || !misread || (alif && vowel != AR_FATHA) ||
        (!alif && w->n == WORD_MAX_LETTERS))
        return;
    l->mark[0] = vowel;
    letter nun = {AR_NUN, {AR_SUKUN}, 1};
    if (alif)
        w->l[n] = nun; /* in place of the alif */
    else
        w->l[w->n++] = nun;
}

/* A و or ي with its own vowel after a vowel is a consonant, but espeak-ng 1.51 reads it as a
 * vowel (بَيَانٌ: b a i a: n; دُوَلٌ: d u: a l). A tatweel before it, which changes nothing but
 * the letters' joining, makes espeak-ng read the consonant (بَـيَانٌ: b a j a: n). */
static void mark_glides(word *w)
{
    for (size_t i = 1; i < w->n && w->n < WORD_MAX_LETTERS; i++) {
        letter *l = &w->l[i];
        if ((l->cp != AR_WAW && l->cp != AR_YA) || !has_short_vowel(l) ||
            has_mark(l, AR_SHADDA) || !has_short_vowel(&w->l[i - 1]))
            continue;
        insert_letter(w, i++, (letter){0x0640, {0}, 0});
    }
}

/* Rewrites one word (letters and marks only) and appends it to out. */
static bool rewrite_word(const char *s, size_t len, pron_partial partial, buf *out)
{
    word w;
    if (!word_parse(s, len, &w))
        return buf_append(out, s, len);
    size_t n = w.n;
    /* Fathatan after a final alif goes on the letter before it. */
    if (n >= 2 && w.l[n - 1].cp == AR_ALIF && has_mark(&w.l[n - 1], AR_FATHATAN)) {
        w.l[n - 1].nmarks = 0;
        letter *p = &w.l[n - 2];
        if (!has_vowel(p) && p->nmarks < LETTER_MAX_MARKS)
            p->mark[p->nmarks++] = AR_FATHATAN;
    }
    /* No mark on a word-initial wasl alif, nor on one after a one-letter proclitic. */
    if (n && w.l[0].cp == AR_ALIF)
        w.l[0].nmarks = 0;
    if (n >= 2 && w.l[1].cp == AR_ALIF && is_clitic(w.l[0].cp))
        w.l[1].nmarks = 0;
    if (!mark_count(&w))
        return word_emit(&w, out);
    if (!letters_vowelled(&w, NULL)) {
        if (partial == PRON_PARTIAL_KEEP)
            return word_emit(&w, out);
        bool keep_tanween = partial == PRON_PARTIAL_STRIP && n >= 2 &&
                            w.l[n - 1].cp == AR_ALIF && has_mark(&w.l[n - 2], AR_FATHATAN);
        for (size_t i = 0; i < n; i++)
            w.l[i].nmarks = 0;
        if (keep_tanween)
            w.l[n - 2].mark[w.l[n - 2].nmarks++] = AR_FATHATAN;
        return word_emit(&w, out);
    }
    /* A vowelled word: the article's lam takes a sukun before a moon letter, or espeak
     * starts the word with a glottal stop. */
    long lam = article_lam(&w);
    if (lam > 0 && (size_t)lam + 1 < n && bare(&w.l[lam]) &&
        !arabic_is_sun_letter(w.l[lam + 1].cp) && arabic_is_letter(w.l[lam + 1].cp) &&
        w.l[lam - 1].cp == AR_ALIF && w.l[lam].nmarks < LETTER_MAX_MARKS)
        w.l[lam].mark[w.l[lam].nmarks++] = AR_SUKUN;
    return word_emit(&w, out);
}

/* The name of God, الله, has a long a that its spelling leaves out (a dagger alif, which
 * writers and the diacritizer rarely give and espeak-ng 1.51 does not read), and espeak-ng
 * reads it allahi, or allhi where the doubling is not written either. Spelled with the alif
 * (اللَّاهِ) it is read allaahi, the way it is said; the passes after this one then put that
 * spelling in the forms espeak-ng needs at the start of a word and after بِ. The word is the
 * name alone, or with its proclitics (وَاللَّهِ، بِاللَّهِ، لِلَّهِ، وَلِلَّهِ) or the vocative mim
 * (اللَّهُمَّ); اللَّهْو or اللَّهَجَات are other words. */
static void spell_the_name(word *w)
{
    size_t end = w->n;
    if (end >= 4 && w->l[end - 1].cp == AR_MEEM)
        end--;
    if (end < 3 || w->n >= WORD_MAX_LETTERS || w->l[end - 1].cp != AR_HEH ||
        w->l[end - 2].cp != AR_LAM || w->l[end - 3].cp != AR_LAM)
        return;
    size_t first = end - 3; /* the article's lam, or the preposition's where the alif went */
    bool article = first >= 1 && w->l[first - 1].cp == AR_ALIF;
    size_t clitics = article ? first - 1 : first;
    /* وَ or فَ first, then (before the article's alif) بِ or كَ */
    for (size_t i = 0; i < clitics; i++) {
        unsigned c = w->l[i].cp;
        bool conjunction = i == 0 && is_conjunction(c);
        bool preposition = article && (c == AR_BA || c == AR_KAF) && i + 1 == clitics;
        if (clitics > 2 || !(conjunction || preposition))
            return;
    }
    if (article)
        w->l[first].nmarks = 0;
    else
        w->l[first] = (letter){AR_LAM, {AR_KASRA}, 1};
    w->l[end - 2] = (letter){AR_LAM, {AR_SHADDA, AR_FATHA}, 2};
    insert_letter(w, end - 1, (letter){AR_ALIF, {0}, 0});
}

/* espeak-ng's own spellings of a word with marks (see pronounce_espeak). */
static bool espeak_word(const char *s, size_t len, pron_partial unused, buf *out)
{
    (void)unused;
    word w;
    if (!word_parse(s, len, &w))
        return buf_append(out, s, len);
    if (mark_count(&w)) {
        spell_the_name(&w);
        sun_letter_after_article(&w);
        double_glides(&w);
        drop_long_i_after_ya(&w);
        spell_tanween_with_nun(&w);
        kasra_before_wasl(&w);
        drop_silent_alifs(&w);
        drop_plural_alif(&w);
        mark_glides(&w);
    }
    return word_emit(&w, out);
}

static bool in_word(unsigned cp)
{
    return arabic_is_letter(cp) || arabic_is_mark(cp) || cp == 0x0640;
}

/* Calls fn on each Arabic word of text[0..len) and copies what lies between. */
static bool each_word(const char *text, size_t len, pron_partial partial, buf *out,
                      bool (*fn)(const char *, size_t, pron_partial, buf *))
{
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned cp = utf8_decode(text + i, len - i, &n);
        if (!in_word(cp)) {
            if (!buf_append(out, text + i, n))
                return false;
            i += n;
            continue;
        }
        size_t end = i;
        while (end < len) {
            unsigned c = utf8_decode(text + end, len - end, &n);
            if (!in_word(c))
                break;
            end += n;
        }
        if (!fn(text + i, end - i, partial, out))
            return false;
        i = end;
    }
    return true;
}

bool pronounce_rewrite(const char *text, size_t len, pron_partial partial, buf *out)
{
    return each_word(text, len, partial, out, rewrite_word);
}

bool pronounce_espeak(const char *text, size_t len, buf *out)
{
    return each_word(text, len, PRON_PARTIAL_KEEP, out, espeak_word);
}

bool pron_reorder_marks(const char *s, size_t len, buf *out)
{
    for (size_t i = 0; i < len;) {
        size_t n;
        unsigned cp = utf8_decode(s + i, len - i, &n);
        if (!arabic_is_letter(cp)) {
            if (cp != 0x0670 && !buf_append(out, s + i, n))
                return false;
            i += n;
            continue;
        }
        size_t end = i + n;
        while (end < len) {
            size_t k;
            unsigned c = utf8_decode(s + end, len - end, &k);
            if (!arabic_is_mark(c) && c != 0x0640)
                break;
            end += k;
        }
        word w;
        if (!word_parse(s + i, end - i, &w) ? !buf_append(out, s + i, end - i)
                                             : !word_emit(&w, out))
            return false;
        i = end;
    }
    return true;
}
