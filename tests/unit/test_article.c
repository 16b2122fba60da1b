/* Tests of article reading: tests/data/articles.tsv, and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "nashra.h"
#include "table.h"

static void article_table(void **state)
{
    (void)state;
    table t;
    table_load(&t, "articles.tsv");
    size_t failures = 0;
    for (size_t i = 0; i < t.count; i++) {
        table_row *r = &t.rows[i];
        nashra_article *a = NULL;
        nashra_error err = {0};
        nashra_status st = nashra_article_parse("t", r->field[0], strlen(r->field[0]), &a, &err);
        if (st != NASHRA_OK) {
            printf("articles.tsv:%zu: failed: %s\n", r->line, err.message);
            failures++;
            continue;
        }
        buf got = BUF_INIT;
        buf_puts(&got, nashra_article_headline(a));
        for (size_t p = 0; p < nashra_article_paragraph_count(a); p++) {
            buf_puts(&got, " || ");
            buf_puts(&got, nashra_article_paragraph(a, p));
        }
        if (strcmp(got.data, r->field[1]) != 0) {
            printf("articles.tsv:%zu:\n  expected '%s'\n  got      '%s'\n", r->line, r->field[1],
                   got.data);
            failures++;
        }
        buf_free(&got);
        nashra_article_destroy(a);
    }
    table_free(&t);
    assert_int_equal(failures, 0);
}

static void expect_error(const char *text, size_t len, nashra_status status, const char *needle)
{
    nashra_article *a = (nashra_article *)1;
    nashra_error err = {0};
    assert_int_equal(nashra_article_parse("in.txt", text, len, &a, &err), status);
    assert_null(a);
    assert_non_null(strstr(err.message, needle));
    assert_non_null(strstr(err.message, "in.txt"));
    assert_null(strchr(err.message, '\n'));
}

static void bad_input(void **state)
{
    (void)state;
    expect_error("", 0, NASHRA_EINPUT, "empty");
    expect_error("  \n\n \t\n", 7, NASHRA_EINPUT, "no text");
    expect_error("abc\xFF", 4, NASHRA_EINPUT, "invalid UTF-8 at byte offset 3");
    expect_error("\xD9\x86\xD8", 3, NASHRA_EINPUT, "byte offset 2");
    expect_error("ab\0cd", 5, NASHRA_EINPUT, "NUL byte at byte offset 2");
    expect_error("\x01\x02junk", 6, NASHRA_EINPUT, "control byte 0x01 at byte offset 0");
    expect_error("\n\nاقرأ أيضا: خبر", strlen("\n\nاقرأ أيضا: خبر"), NASHRA_EINPUT, "no text");
}

static void too_large(void **state)
{
    (void)state;
    size_t n = NASHRA_ARTICLE_MAX_BYTES + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'a', n);
    expect_error(big, n, NASHRA_EINPUT, "larger than");
    free(big);
}

static void read_files(void **state)
{
    (void)state;
    nashra_article *a = NULL;
    nashra_error err = {0};
    assert_int_equal(nashra_article_read("/nonexistent/article.txt", &a, &err), NASHRA_EINPUT);
    assert_non_null(strstr(err.message, "/nonexistent/article.txt: cannot open"));
    assert_int_equal(nashra_article_read("/", &a, &err), NASHRA_EINPUT);
    assert_non_null(strstr(err.message, "is a directory"));

    char path[] = "/tmp/nashra-article-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "\xEF\xBB\xBF" "عنوان\n\nنص الخبر.\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    assert_int_equal(nashra_article_read(path, &a, &err), NASHRA_OK);
    assert_string_equal(nashra_article_headline(a), "عنوان");
    assert_string_equal(nashra_article_name(a), path);
    assert_int_equal(nashra_article_paragraph_count(a), 1);
    assert_null(nashra_article_paragraph(a, 1));
    nashra_article_destroy(a);
    nashra_article_destroy(NULL);
    unlink(path);
}

/* The digest identifies the text: the bytes as read, a byte order mark aside. */
static void digest(void **state)
{
    (void)state;
    const char text[] = "\xD9\x86\xD8\xB4\xD8\xB1\xD8\xA9\n"; /* نشرة */
    const char marked[] = "\xEF\xBB\xBF\xD9\x86\xD8\xB4\xD8\xB1\xD8\xA9\n";
    const char other[] = "\xD9\x86\xD8\xB4\xD8\xB1\xD8\xA9 \n"; /* one more space */
    nashra_article *a, *b, *c;
    nashra_error err = {0};
    assert_int_equal(nashra_article_parse("a", text, sizeof text - 1, &a, &err), NASHRA_OK);
    assert_int_equal(nashra_article_parse("b", marked, sizeof marked - 1, &b, &err), NASHRA_OK);
    assert_int_equal(nashra_article_parse("c", other, sizeof other - 1, &c, &err), NASHRA_OK);
    /* bash: printf "\xd9\x86\xd8\xb4\xd8\xb1\xd8\xa9\n" | sha256sum */
    assert_string_equal(nashra_article_sha256(a),
                        "062af668ef54a50ec0bec0864a90bbae77631abe008ec133e463ef63e7989a27");
    assert_string_equal(nashra_article_sha256(b), nashra_article_sha256(a));
    assert_string_not_equal(nashra_article_sha256(c), nashra_article_sha256(a));
    nashra_article_destroy(a);
    nashra_article_destroy(b);
    nashra_article_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(article_table),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(too_large),
        cmocka_unit_test(read_files),
        cmocka_unit_test(digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
