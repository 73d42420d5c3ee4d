/* test_sha256.c — FIPS 180-4 test vectors, padding boundaries, chunked
 * updates, and files (including the error paths). */
#include "sim/sha256.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define MILLION 1000000

static void hash_text(const char *text, size_t n, char hex[SHA256_HEX_SIZE])
{
    struct sha256 c;
    sha256_start(&c);
    sha256_add(&c, text, n);
    sha256_final_hex(&c, hex);
}

static void expect(const char *text, const char *want)
{
    char hex[SHA256_HEX_SIZE];
    hash_text(text, strlen(text), hex);
    assert_string_equal(hex, want);
}

static void test_vectors(void **state)
{
    (void)state;
    expect("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
           "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a(void **state)
{
    (void)state;
    char *a = malloc(MILLION);
    assert_non_null(a);
    memset(a, 'a', MILLION);
    char hex[SHA256_HEX_SIZE];
    hash_text(a, MILLION, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    /* The same in uneven pieces, crossing block boundaries every way. */
    static const size_t piece[] = {1, 63, 64, 65, 127, 1000, 7};
    struct sha256 c;
    sha256_start(&c);
    size_t done = 0;
    for (size_t i = 0; done < MILLION; i++) {
        size_t n = piece[i % (sizeof piece / sizeof piece[0])];
        if (n > MILLION - done)
            n = MILLION - done;
        sha256_add(&c, a + done, n);
        done += n;
    }
    sha256_final_hex(&c, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* Lengths around the padding boundary (55 bytes fit one block with the
 * length, 56 do not). Reference values from Python's hashlib. */
static void test_padding_boundaries(void **state)
{
    (void)state;
    static const struct {
        size_t n;
        const char *hex;
    } cases[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
    };
    char text[64 + 1];
    memset(text, 'a', sizeof text);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char hex[SHA256_HEX_SIZE];
        hash_text(text, cases[i].n, hex);
        assert_string_equal(hex, cases[i].hex);
    }
}

static void test_file(void **state)
{
    (void)state;
    char path[] = "/tmp/caseload-sha256-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    char hex[SHA256_HEX_SIZE];
    assert_true(sha256_file(path, hex));
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);

    errno = 0;
    assert_false(sha256_file(path, hex));   /* gone */
    assert_int_equal(errno, ENOENT);
    errno = 0;
    assert_false(sha256_file("/tmp", hex)); /* a folder cannot be read */
    assert_int_equal(errno, EISDIR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_padding_boundaries),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
