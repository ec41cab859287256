/* test_sha256.c — SHA-256 against the FIPS 180-4 / NIST example vectors,
 * one-shot and fed in pieces of awkward sizes.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

Suite *pv_sha256_suite(void);

static const char *const ABC_448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char *const ABC_896 =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
    "klmnopqrlmnopqrsmnopqrstnopqrstu";

/* Hex of digest bytes, as pv_sha256_hex writes it. */
static void to_hex(const unsigned char d[32], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

/* The digest of data fed `step` bytes at a time. */
static void hex_in_pieces(const char *data, size_t len, size_t step, char out[65])
{
    pv_sha256 c;
    unsigned char d[32];
    pv_sha256_init(&c);
    for (size_t i = 0; i < len; i += step)
        pv_sha256_update(&c, data + i, len - i < step ? len - i : step);
    pv_sha256_final(&c, d);
    to_hex(d, out);
}

START_TEST(sha256_matches_the_standard_vectors)
{
    char out[65];
    pv_sha256_hex("", 0, out);
    ck_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    pv_sha256_hex(NULL, 0, out);
    ck_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    pv_sha256_hex("abc", 3, out);
    ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    pv_sha256_hex(ABC_448, strlen(ABC_448), out);
    ck_assert_str_eq(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    pv_sha256_hex(ABC_896, strlen(ABC_896), out);
    ck_assert_str_eq(out, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

START_TEST(sha256_of_a_million_a_in_one_call_and_in_pieces)
{
    static const char want[] = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    size_t len = 1000000;
    char *a = malloc(len);
    ck_assert_ptr_nonnull(a);
    memset(a, 'a', len);
    char out[65];
    pv_sha256_hex(a, len, out);
    ck_assert_str_eq(out, want);
    /* Pieces that straddle block boundaries every way. */
    static const size_t steps[] = {1, 3, 55, 56, 63, 64, 65, 127, 1000, 4096};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        hex_in_pieces(a, len, steps[i], out);
        ck_assert_msg(strcmp(out, want) == 0, "step %zu: %s", steps[i], out);
    }
    free(a);
}
END_TEST

START_TEST(sha256_pads_lengths_around_the_block_edge)
{
    /* 55 bytes fit the padding in one block, 56..63 need a second one;
     * pieces must agree with one-shot hashing at every length. */
    char buf[130];
    memset(buf, 'x', sizeof buf);
    for (size_t len = 50; len <= sizeof buf; len++) {
        char one[65], pieces[65];
        pv_sha256_hex(buf, len, one);
        hex_in_pieces(buf, len, 7, pieces);
        ck_assert_str_eq(one, pieces);
    }
    char out[65];
    pv_sha256_hex(buf, 55, out);
    ck_assert_str_eq(out, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
    pv_sha256_hex(buf, 64, out);
    ck_assert_str_eq(out, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
}
END_TEST

Suite *pv_sha256_suite(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sha256_matches_the_standard_vectors);
    tcase_add_test(tc, sha256_of_a_million_a_in_one_call_and_in_pieces);
    tcase_add_test(tc, sha256_pads_lengths_around_the_block_edge);
    suite_add_tcase(s, tc);
    return s;
}
