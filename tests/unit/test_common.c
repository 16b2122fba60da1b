/* Unit tests of src/common: UTF-8, buffers, embedded data tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/sha256.h"

#include "common/buf.h"
#include "common/data.h"
#include "common/error.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_validity), cmocka_unit_test(utf8_round_trip),
        cmocka_unit_test(buffers),       cmocka_unit_test(data_tables),
        cmocka_unit_test(errors),        cmocka_unit_test(sha256_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
