/* Tests of the feed stage: RSS and Atom, HTML reduced to text, dates, selection, the seen-items
 * state, and hostile XML (entity bombs, external entities, DTDs on the network). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "feed/feed.h"
#include "nashra.h"

#define FEEDS NASHRA_TEST_DATA "/feeds/"
#define SAMPLE_FEED NASHRA_SAMPLES_DIR "/feed.xml"

static nashra_feed *parse(const char *xml)
{
    nashra_feed *f = NULL;
    nashra_error err = {0};
    if (nashra_feed_parse("t.xml", xml, strlen(xml), &f, &err) != NASHRA_OK)
        fail_msg("%s", err.message);
    return f;
}

static void rss_items(void **state)
{
    (void)state;
    nashra_feed *f = NULL;
    nashra_error err = {0};
    assert_int_equal(nashra_feed_read(SAMPLE_FEED, &f, &err), NASHRA_OK);
    assert_int_equal(nashra_feed_item_count(f), 4);
    assert_string_equal(nashra_feed_item_title(f, 0), "افتتاح معرض الكتاب بمشاركة 40 دولة");
    /* CDATA HTML: paragraphs, &nbsp; decoded to a space. */
    assert_string_equal(nashra_feed_item_text(f, 0),
                        "افتتح معرض الكتاب الدولي أبوابه مساء اليوم بمشاركة 40 دولة و 900 دار "
                        "نشر.\n\nويستمر المعرض حتى 5 ديسمبر، ويضم أكثر من 200 فعالية ثقافية.");
    /* Escaped HTML, with an entity escaped twice: decoded once by XML, once by HTML. */
    assert_string_equal(nashra_feed_item_text(f, 1),
                        "ارتفعت أسعار النفط 2% في تعاملات اليوم، ليصل سعر البرميل إلى 84 "
                        "دولارا.\n\nوقال محللون إن الطلب \"ما زال قويا\".");
    /* <br> breaks a paragraph. */
    assert_non_null(strstr(nashra_feed_item_text(f, 3), "أمس.\n\nوسجل"));
    assert_string_equal(nashra_feed_item_id(f, 0), "news-1001");
    /* No guid: the link. */
    assert_string_equal(nashra_feed_item_id(f, 3), "https://example.org/news/0998");
    long long t;
    assert_int_equal(nashra_feed_item_date(f, 0, &t), 1);
    assert_int_equal(t, 1795536600LL); /* 2026-11-24T16:10:00Z */
    nashra_feed_destroy(f);
}

static void atom_entries(void **state)
{
    (void)state;
    nashra_feed *f = NULL;
    nashra_error err = {0};
    assert_int_equal(nashra_feed_read(FEEDS "atom.xml", &f, &err), NASHRA_OK);
    assert_int_equal(nashra_feed_item_count(f), 2);
    assert_string_equal(nashra_feed_item_title(f, 0), "قمة المناخ تختتم أعمالها");
    assert_string_equal(nashra_feed_item_text(f, 0), "اختتمت القمة أعمالها.\n\nوصدر بيان ختامي.");
    assert_string_equal(nashra_feed_item_id(f, 0), "urn:uuid:entry-1");
    assert_string_equal(nashra_feed_item_id(f, 1), "https://example.org/a/2");
    long long t;
    assert_int_equal(nashra_feed_item_date(f, 0, &t), 1); /* published, not updated */
    assert_int_equal(t, 1795527000LL);                    /* 2026-11-24T13:30:00Z */
    assert_int_equal(nashra_feed_item_date(f, 1, &t), 0);
    assert_string_equal(nashra_feed_item_text(f, 1), "ملخص الخبر الثاني.");
    nashra_feed_destroy(f);
}

static void html_to_text(void **state)
{
    (void)state;
    static const struct {
        const char *html, *text;
    } cases[] = {
        {"<p>أ</p><p>ب</p>", "أ\n\nب"},
        {"سطر<br>سطر<br/>آخر", "سطر\n\nسطر\n\nآخر"},
        {"<div><script>alert(1)</script>نص <b>عريض</b>&amp; &quot;مقتبس&quot;</div>",
         "نص عريض& \"مقتبس\""},
        {"  كثير    من\n\n  الفراغ  ", "كثير من الفراغ"},
        {"<style>p{}</style><ul><li>أول</li><li>ثان</li></ul>", "أول\n\nثان"},
        {"&#1606;&#x635; &lt;tag&gt;", "نص <tag>"},
        {"<p>\x01" "control\x7f</p>", "control"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        buf out = BUF_INIT;
        nashra_error err = {0};
        assert_int_equal(feed_html_text(cases[i].html, strlen(cases[i].html), &out, &err),
                         NASHRA_OK);
        if (strcmp(out.data ? out.data : "", cases[i].text) != 0)
            fail_msg("case %zu: '%s' gave '%s', want '%s'", i, cases[i].html,
                     out.data ? out.data : "", cases[i].text);
        buf_free(&out);
    }
}

static void dates(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        long long t; /* -1: not a date */
    } cases[] = {
        {"Tue, 24 Nov 2026 20:00:00 +0300", 1795539600},
        {"24 Nov 2026 17:00:00 GMT", 1795539600},
        {"Tue, 24 Nov 2026 12:00 EST", 1795539600},
        {"Tue, 24 Nov 26 17:00:00 Z", 1795539600},
        {"2026-11-24T17:00:00Z", 1795539600},
        {"2026-11-24T20:00:00.123+03:00", 1795539600},
        {"2026-11-24", 1795478400},
        {" 2026-11-24T17:00:00Z\n", 1795539600},
        {"yesterday", -1},
        {"2026-13-01T00:00:00Z", -1},
        {"Tue, 24 Foo 2026 20:00:00 +0300", -1},
        {"2026-11-24T17:00:00+25:00", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        long long t = -1;
        bool ok = feed_parse_date(cases[i].text, &t);
        if (ok != (cases[i].t >= 0) || (ok && t != cases[i].t))
            fail_msg("'%s': got %d %lld, want %lld", cases[i].text, ok, t, cases[i].t);
    }
}

/* The articles' headlines, joined with '|'. */
static void expect_headlines(nashra_article **a, size_t n, const char *want)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, '|');
        buf_puts(&b, nashra_article_headline(a[i]));
    }
    if (strcmp(b.data ? b.data : "", want) != 0)
        fail_msg("got '%s', want '%s'", b.data ? b.data : "", want);
    buf_free(&b);
}

static const char select_feed[] =
    "<rss version=\"2.0\"><channel><title>t</title>"
    "<item><title>ب</title><guid>b</guid><pubDate>Tue, 24 Nov 2026 18:00:00 GMT</pubDate>"
    "<description>نص ب.</description></item>"
    "<item><title>أ</title><guid>a</guid><pubDate>Tue, 24 Nov 2026 19:00:00 GMT</pubDate>"
    "<description>نص أ.</description></item>"
    "<item><title>ج</title><guid>c</guid><description>بلا تاريخ.</description></item>"
    "<item><title>د</title><guid>d</guid><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate>"
    "<description>قديم.</description></item>"
    "<item><title>ب</title><guid>b</guid><description>مكرر.</description></item>"
    "<item><title></title><description></description></item>"
    "</channel></rss>";

static void selection(void **state)
{
    (void)state;
    nashra_feed *f = parse(select_feed);
    assert_int_equal(nashra_feed_item_count(f), 5); /* the empty item is skipped */
    nashra_feed_options o;
    nashra_feed_options_init(&o);
    o.now = 1795546800; /* 2026-11-24T19:00:00Z */
    nashra_article **a;
    size_t n;
    nashra_error err = {0};

    assert_int_equal(nashra_feed_articles(f, &o, &a, &n, &err), NASHRA_OK);
    expect_headlines(a, n, "أ|ب|د|ج"); /* newest first, undated last, the repeat once */
    assert_string_equal(nashra_article_name(a[0]), "t.xml#2");
    nashra_articles_destroy(a, n);

    o.order = NASHRA_ORDER_FEED;
    assert_int_equal(nashra_feed_articles(f, &o, &a, &n, &err), NASHRA_OK);
    expect_headlines(a, n, "ب|أ|ج|د");
    nashra_articles_destroy(a, n);

    o.order = NASHRA_ORDER_NEWEST;
    o.since = 2 * 3600;
    assert_int_equal(nashra_feed_articles(f, &o, &a, &n, &err), NASHRA_OK);
    expect_headlines(a, n, "أ|ب|ج");
    nashra_articles_destroy(a, n);
    o.drop_undated = 1;
    o.max_items = 1;
    assert_int_equal(nashra_feed_articles(f, &o, &a, &n, &err), NASHRA_OK);
    expect_headlines(a, n, "أ");
    nashra_articles_destroy(a, n);
    nashra_feed_destroy(f);
}

static void seen_across_runs(void **state)
{
    (void)state;
    char path[] = "/tmp/nashra-seen-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);

    nashra_feed *f = parse(select_feed);
    nashra_feed_options o;
    nashra_feed_options_init(&o);
    o.now = 1795546800;
    o.max_items = 2;
    nashra_error err = {0};
    nashra_article **a;
    size_t n;
    /* First run: a missing file is an empty state. */
    nashra_seen *seen = NULL;
    assert_int_equal(nashra_seen_open(path, &seen, &err), NASHRA_OK);
    o.seen = seen;
    assert_int_equal(nashra_feed_articles(f, &o, &a, &n, &err), NASHRA_OK);
    expect_headlines(a, n, "أ|ب");
    nashra_articles_destroy(a, n);
    assert_int_equal(nashra_seen_count(seen), 2);
    assert_int_equal(nashra_seen_save(seen, &err), NASHRA_OK);
    nashra_seen_destroy(seen);

    /* Second run: what was read is skipped. */
    assert_int_equal(nashra_seen_open(path, &seen, &err), NASHRA_OK);
    assert_true(nashra_seen_has(seen, "a"));
    assert_false(nashra_seen_has(seen, "c"));
    o.seen = seen;
    assert_int_equal(nashra_feed_articles(f, &o, &a, &n, &err), NASHRA_OK);
    expect_headlines(a, n, "د|ج");
    nashra_articles_destroy(a, n);
    /* A run that is not saved records nothing. */
    nashra_seen_destroy(seen);
    assert_int_equal(nashra_seen_open(path, &seen, &err), NASHRA_OK);
    assert_int_equal(nashra_seen_count(seen), 2);

    /* Bounded: the most recent ids are kept. */
    for (int i = 0; i < NASHRA_SEEN_MAX + 10; i++) {
        char id[32];
        snprintf(id, sizeof id, "id-%d", i);
        assert_int_equal(nashra_seen_add(seen, id, 1795546800LL + 10 + i, &err), NASHRA_OK);
    }
    assert_int_equal(nashra_seen_save(seen, &err), NASHRA_OK);
    nashra_seen_destroy(seen);
    assert_int_equal(nashra_seen_open(path, &seen, &err), NASHRA_OK);
    assert_int_equal(nashra_seen_count(seen), NASHRA_SEEN_MAX);
    assert_true(nashra_seen_has(seen, "id-5009"));
    assert_false(nashra_seen_has(seen, "a"));
    nashra_seen_destroy(seen);

    /* A damaged state file is refused with its line. */
    FILE *w = fopen(path, "w");
    assert_non_null(w);
    fputs("# header\nnot a line\n", w);
    fclose(w);
    assert_int_equal(nashra_seen_open(path, &seen, &err), NASHRA_EINPUT);
    assert_non_null(strstr(err.message, ":2: "));
    unlink(path);
    nashra_feed_destroy(f);
}

static void expect_refused(const char *file, const char *needle)
{
    nashra_feed *f = NULL;
    nashra_error err = {0};
    clock_t start = clock();
    nashra_status st = nashra_feed_read(file, &f, &err);
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    if (st != NASHRA_EINPUT || !strstr(err.message, needle))
        fail_msg("%s: status %d, '%s'", file, st, err.message);
    assert_null(f);
    assert_true(seconds < 1.0);
}

static void hostile_xml(void **state)
{
    (void)state;
    expect_refused(FEEDS "billion-laughs.xml",
                   "billion-laughs.xml:3:");
    expect_refused(FEEDS "billion-laughs.xml", "entity declarations are not accepted");
    expect_refused(FEEDS "xxe-file.xml", "xxe-file.xml:3:");
    expect_refused(FEEDS "xxe-parameter.xml", "entity declarations are not accepted");

    /* A DTD on the network is never fetched; the feed is read without it. */
    nashra_feed *f = NULL;
    nashra_error err = {0};
    assert_int_equal(nashra_feed_read(FEEDS "dtd-network.xml", &f, &err), NASHRA_OK);
    assert_int_equal(nashra_feed_item_count(f), 1);
    assert_string_equal(nashra_feed_item_title(f, 0), "خبر عاجل");
    nashra_feed_destroy(f);

    /* An entity reference with nothing declared: an error with its place, no expansion. */
    const char *undeclared = "<rss version=\"2.0\"><channel>\n<item><title>&nope;</title>"
                             "</item></channel></rss>";
    assert_int_equal(nashra_feed_parse("u.xml", undeclared, strlen(undeclared), &f, &err),
                     NASHRA_EINPUT);
    assert_non_null(strstr(err.message, "u.xml:2:"));
}

static void bad_feeds(void **state)
{
    (void)state;
    static const struct {
        const char *xml, *needle;
    } cases[] = {
        {"<rss><channel><item>", "t.xml:1:"},
        {"<html><body/></html>", "not an RSS or Atom feed (root element <html>)"},
        {"<rss version=\"2.0\"/>", "without a channel"},
        {"not xml", "t.xml:1:1:"},
        {"<feed><entry/></feed>", "not an RSS or Atom feed"}, /* Atom needs its namespace */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nashra_feed *f = NULL;
        nashra_error err = {0};
        nashra_status st = nashra_feed_parse("t.xml", cases[i].xml, strlen(cases[i].xml), &f, &err);
        if (st != NASHRA_EINPUT || !strstr(err.message, cases[i].needle))
            fail_msg("case %zu: status %d, '%s'", i, st, err.message);
    }
    nashra_feed *f = NULL;
    nashra_error err = {0};
    assert_int_equal(nashra_feed_parse("e.xml", "", 0, &f, &err), NASHRA_EINPUT);
    assert_int_equal(nashra_feed_read("/nonexistent/feed.xml", &f, &err), NASHRA_EINPUT);
    assert_non_null(strstr(err.message, "/nonexistent/feed.xml: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rss_items),     cmocka_unit_test(atom_entries),
        cmocka_unit_test(html_to_text),  cmocka_unit_test(dates),
        cmocka_unit_test(selection),     cmocka_unit_test(seen_across_runs),
        cmocka_unit_test(hostile_xml),   cmocka_unit_test(bad_feeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
