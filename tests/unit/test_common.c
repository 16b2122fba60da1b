/* Unit tests of src/common: UTF-8, buffers, embedded data tables. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/sha256.h"

#include "common/atomic.h"
#include "common/buf.h"
#include "common/data.h"
#include "common/error.h"
#include "common/readfile.h"
#include "common/utf8.h"

static void utf8_validity(void **state)
{
    (void)state;
    size_t off = 99;
    assert_true(utf8_valid("", 0, &off));
    assert_true(utf8_valid("abc", 3, &off));
    const char ar[] = "\xD9\x86\xD8\xB4\xD8\xB1\xD8\xA9"; /* نشرة */
    assert_true(utf8_valid(ar, sizeof ar - 1, &off));
    assert_true(utf8_valid("\xEF\xBF\xBD", 3, &off)); /* U+FFFD itself */
    assert_true(utf8_valid("\xF0\x9F\x98\x80", 4, &off));

    struct { const char *s; size_t len, offset; } bad[] = {
        {"ab\xFF", 3, 2},          /* never valid */
        {"\xC0\xAF", 2, 0},        /* overlong '/' */
        {"a\xE0\x80\xAF", 4, 1},   /* overlong three-byte */
        {"\xED\xA0\x80", 3, 0},    /* surrogate */
        {"\xF4\x90\x80\x80", 4, 0},/* past U+10FFFF */
        {"abc\xD9", 4, 3},         /* truncated */
        {"\xD9\x41", 2, 0},        /* bad continuation */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        off = 99;
        assert_false(utf8_valid(bad[i].s, bad[i].len, &off));
        assert_int_equal(off, bad[i].offset);
    }
}

static void utf8_round_trip(void **state)
{
    (void)state;
    unsigned cps[] = {0x41, 0x7F, 0x80, 0x644, 0x7FF, 0x800, 0xFDFA, 0xFFFF, 0x10000, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char b[4];
        size_t n = utf8_encode(cps[i], b), m;
        assert_true(n >= 1 && n <= 4);
        assert_int_equal(utf8_decode(b, n, &m), cps[i]);
        assert_int_equal(m, n);
        assert_int_equal(utf8_decode_last(b, n, &m), cps[i]);
    }
    char b[4];
    assert_int_equal(utf8_encode(0xD800, b), 0);
    assert_int_equal(utf8_encode(0x110000, b), 0);
}

static void buffers(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    for (int i = 0; i < 1000; i++)
        assert_true(buf_puts(&b, "ab"));
    assert_int_equal(b.len, 2000);
    assert_true(buf_put_cp(&b, 0x0646));
    assert_int_equal(b.len, 2002);
    assert_memory_equal(b.data + 2000, "\xD9\x86", 2);
    buf_clear(&b);
    assert_string_equal(b.data, "");
    char *s = buf_take(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    assert_null(b.data);
    buf_free(&b);
}

static void data_tables(void **state)
{
    (void)state;
    static const unsigned char text[] = "# comment\n\nk1\tv1\nk2\tv2\textra\r\nlone\n";
    data_blob blob = {text, sizeof text - 1};
    data_table t;
    assert_true(data_table_load(&t, &blob));
    assert_int_equal(t.count, 3);
    assert_string_equal(data_table_get(&t, "k1"), "v1");
    assert_string_equal(data_table_get(&t, "k2"), "v2");
    assert_string_equal(t.rows[1].field[2], "extra");
    assert_string_equal(data_table_get(&t, "lone"), "");
    assert_null(data_table_get(&t, "missing"));
    data_table_free(&t);
}

static void sha256_vectors(void **state)
{
    (void)state;
    char hex[65];
    sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* A million 'a's, fed in uneven pieces. */
    sha256_ctx c;
    sha256_init(&c);
    char block[1000];
    memset(block, 'a', sizeof block);
    for (int i = 0; i < 1000; i++)
        sha256_update(&c, block, 1000);
    unsigned char d[32];
    sha256_final(&c, d);
    assert_int_equal(d[0], 0xcd);
    assert_int_equal(d[31], 0xd0);
}

static void errors(void **state)
{
    (void)state;
    nashra_error err = {0};
    assert_int_equal(error_set(&err, NASHRA_EIO, "%s: %d", "file", 42), NASHRA_EIO);
    assert_string_equal(err.message, "file: 42");
    assert_int_equal(err.status, NASHRA_EIO);
    assert_int_equal(error_set(NULL, NASHRA_EINPUT, "x"), NASHRA_EINPUT);
    for (int s = NASHRA_OK; s <= NASHRA_EBUSY; s++)
        assert_string_not_equal(nashra_status_text((nashra_status)s), "unknown error");
    assert_string_equal(nashra_version(), NASHRA_VERSION);
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Reads path with kind, expecting failure with status and a message holding want. */
static void expect_read_error(const char *path, const file_kind *kind, nashra_status status,
                              const char *want)
{
    buf b = BUF_INIT;
    nashra_error err = {0};
    assert_int_equal(file_read(path, kind, &b, &err), status);
    if (!strstr(err.message, want))
        fail_msg("\"%s\" lacks \"%s\"", err.message, want);
    assert_null(strchr(err.message, '\n'));
    buf_free(&b);
}

static void whole_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/nashra-readfile-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64], big[64], empty[64];
    snprintf(path, sizeof path, "%s/a.txt", dir);
    snprintf(big, sizeof big, "%s/big.txt", dir);
    snprintf(empty, sizeof empty, "%s/empty.txt", dir);
    const char text[] = "\xD9\x86\xD8\xB4\xD8\xB1\xD8\xA9\n"; /* نشرة */
    write_file(path, text, sizeof text - 1);
    write_file(empty, "", 0);
    char block[3000];
    memset(block, 'x', sizeof block);
    write_file(big, block, sizeof block);

    const file_kind small = {.noun = "rundown", .max_bytes = 2048};
    buf b = BUF_INIT;
    nashra_error err = {0};
    assert_int_equal(file_read(path, &small, &b, &err), NASHRA_OK);
    assert_int_equal(b.len, sizeof text - 1);
    assert_memory_equal(b.data, text, b.len);
    /* A second read appends, and the limit counts this file alone. */
    assert_int_equal(file_read(path, &small, &b, &err), NASHRA_OK);
    assert_int_equal(b.len, 2 * (sizeof text - 1));
    buf_free(&b);
    assert_int_equal(file_read(empty, &small, &b, &err), NASHRA_OK);
    assert_int_equal(b.len, 0);
    buf_free(&b);

    char missing[80];
    snprintf(missing, sizeof missing, "%s/missing.txt", dir);
    expect_read_error(missing, &small, NASHRA_EINPUT, "missing.txt: cannot open rundown: No such");
    const file_kind optional = {.noun = "state file", .max_bytes = 2048, .missing_ok = true};
    assert_int_equal(file_read(missing, &optional, &b, &err), NASHRA_OK);
    assert_int_equal(b.len, 0);
    expect_read_error(dir, &optional, NASHRA_EINPUT, "is a directory, not a state file");
    expect_read_error(dir, &small, NASHRA_EINPUT, "is a directory, not a rundown");
    const file_kind article = {.noun = "article", .max_bytes = 1024 * 1024, .dash_stdin = true};
    expect_read_error(dir, &article, NASHRA_EINPUT, "is a directory, not an article");
    expect_read_error(big, &small, NASHRA_EINPUT, "big.txt: rundown larger than 2 KiB");
    assert_int_equal(file_read(big, &article, &b, &err), NASHRA_OK);
    buf_free(&b);

    /* A pipe has no size to check first: the limit stops the reading. "-" is standard input
     * only where the kind says so. */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], block, sizeof block), (ssize_t)sizeof block);
    close(fds[1]);
    int saved = dup(STDIN_FILENO);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    const file_kind feed = {.noun = "feed", .max_bytes = 2048, .dash_stdin = true};
    expect_read_error("-", &feed, NASHRA_EINPUT,
                      "<stdin>: feed larger than 2 KiB");
    expect_read_error("-", &small, NASHRA_EINPUT, "-: cannot open rundown");
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    assert_string_equal(file_display_name("-", &article), "<stdin>");
    assert_string_equal(file_display_name("-", &small), "-");

    if (geteuid() != 0) { /* root reads whatever the mode says */
        assert_int_equal(chmod(path, 0), 0);
        expect_read_error(path, &small, NASHRA_EIO, "a.txt: cannot open rundown: Permission");
    }
    unlink(path);
    unlink(big);
    unlink(empty);
    rmdir(dir);
}

static void nested_folders(void **state)
{
    (void)state;
    char dir[] = "/tmp/nashra-mkdirs-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char deep[96], file[96], under[128], failed[128] = "";
    snprintf(deep, sizeof deep, "%s/a/b//c/", dir);
    assert_int_equal(atomic_mkdirs(deep, 0700, failed, sizeof failed), 0);
    struct stat st;
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(atomic_mkdirs(deep, 0700, NULL, 0), 0); /* already there */

    /* A file in the way: the folder under it cannot be made, and is named. */
    snprintf(file, sizeof file, "%s/a/f", dir);
    write_file(file, "x", 1);
    snprintf(under, sizeof under, "%s/g/h", file);
    assert_int_equal(atomic_mkdirs(under, 0700, failed, sizeof failed), -1);
    assert_int_equal(errno, ENOTDIR);
    char want[128];
    snprintf(want, sizeof want, "%s/g", file);
    assert_string_equal(failed, want);
    /* Something other than a folder at the path itself is left for the caller to find. */
    assert_int_equal(atomic_mkdirs(file, 0700, NULL, 0), 0);
    assert_int_equal(atomic_mkdirs("", 0700, NULL, 0), -1);

    snprintf(file, sizeof file, "rm -r '%s'", dir);
    assert_int_equal(system(file), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_validity), cmocka_unit_test(utf8_round_trip),
        cmocka_unit_test(buffers),       cmocka_unit_test(data_tables),
        cmocka_unit_test(errors),        cmocka_unit_test(sha256_vectors),
        cmocka_unit_test(whole_files),     cmocka_unit_test(nested_folders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
