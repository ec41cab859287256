/* test_common.c — the arena's limit and alignment, pv_err formatting,
 * embedded-asset lookup, terminal escaping, JSON numbers and strings. */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "asset.h"
#include "err.h"
#include "term.h"
#include "json.h"
#include "utf8.h"
#include "lines.h"
#include "scc.h"

Suite *pv_common_suite(void);

START_TEST(arena_returns_aligned_distinct_blocks)
{
    pv_arena a;
    pv_arena_init(&a, 1 << 20);
    char *p = pv_arena_alloc(&a, 3);
    char *q = pv_arena_alloc(&a, 5);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(q);
    ck_assert_uint_eq((uintptr_t)p % 8, 0);
    ck_assert_uint_eq((uintptr_t)q % 8, 0);
    ck_assert_ptr_ne(p, q);
    memset(p, 1, 3);
    memset(q, 2, 5);
    ck_assert_int_eq(p[2], 1);
    pv_arena_release(&a);
}
END_TEST

START_TEST(arena_refuses_beyond_its_limit)
{
    pv_arena a;
    pv_arena_init(&a, 100 * 1024);
    ck_assert_ptr_nonnull(pv_arena_alloc(&a, 1000));
    /* A 30 KiB private chunk still fits in the 100 KiB budget... */
    ck_assert_ptr_nonnull(pv_arena_alloc(&a, 30 * 1024));
    /* ...but a request that would pass the limit gets NULL, not an abort. */
    ck_assert_ptr_null(pv_arena_alloc(&a, 200 * 1024));
    ck_assert_ptr_null(pv_arena_alloc(&a, SIZE_MAX - 4));
    ck_assert_ptr_null(PV_ARENA_NEW(&a, double, SIZE_MAX / 4));
    ck_assert_uint_le(a.used, a.limit);
    pv_arena_release(&a);
    ck_assert_uint_eq(a.used, 0);
}
END_TEST

START_TEST(arena_strndup_copies_and_terminates)
{
    pv_arena a;
    pv_arena_init(&a, 1 << 20);
    char *s = pv_arena_strndup(&a, "hello world", 5);
    ck_assert_str_eq(s, "hello");
    pv_arena_release(&a);
}
END_TEST

START_TEST(err_formats_prefixes_and_clears)
{
    pv_err e;
    ck_assert_int_eq(pv_err_set(&e, PV_E_FORMAT, "byte %d: %s", 4121, "bad"), PV_E_FORMAT);
    pv_err_prefix(&e, "out.prof");
    ck_assert_str_eq(e.msg, "out.prof: byte 4121: bad");
    ck_assert_int_eq(e.code, PV_E_FORMAT);
    pv_err_clear(&e);
    ck_assert_int_eq(e.code, PV_OK);
    ck_assert_str_eq(e.msg, "");
    /* A NULL buffer is allowed everywhere. */
    ck_assert_int_eq(pv_err_set(NULL, PV_E_IO, "x"), PV_E_IO);
}
END_TEST

START_TEST(asset_find_uses_the_sorted_table)
{
    static const unsigned char d[] = "x";
    const pv_asset table[] = {
        {"/a.js", "text/javascript", d, 1, "\"1\""},
        {"/index.html", "text/html", d, 1, "\"2\""},
        {"/js/main.js", "text/javascript", d, 1, "\"3\""},
    };
    ck_assert_str_eq(pv_asset_find(table, 3, "/index.html")->etag, "\"2\"");
    ck_assert_str_eq(pv_asset_find(table, 3, "/js/main.js")->etag, "\"3\"");
    ck_assert_ptr_null(pv_asset_find(table, 3, "/../etc/passwd"));
    ck_assert_ptr_null(pv_asset_find(table, 0, "/a.js"));
}
END_TEST

static void expect_term(const char *in, size_t len, const char *want)
{
    char *got = pv_term_escape(in, len);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(term_escape_shows_controls_as_text)
{
    /* The title-setting sequence of the issue, a bell, DEL, NUL, newline. */
    expect_term("\x1b]0;pwned\a GET", 14, "\\x1b]0;pwned\\x07 GET");
    expect_term("a\x7f" "b\0c\n", 6, "a\\x7fb\\x00c\\x0a");
    /* C1 controls as UTF-8 (U+009B is CSI) and as lone bytes. */
    expect_term("x\xc2\x9b" "31m", 6, "x\xe2\x9f\xa8U+009B\xe2\x9f\xa9" "31m");
    expect_term("\x9b" "31m", 4, "\\x9b31m");
}
END_TEST

START_TEST(term_escape_names_bidi_controls_and_bad_utf8)
{
    /* RIGHT-TO-LEFT OVERRIDE and FIRST STRONG ISOLATE. */
    expect_term("a\xe2\x80\xae" "b\xe2\x81\xa8", 8,
                "a\xe2\x9f\xa8U+202E\xe2\x9f\xa9" "b\xe2\x9f\xa8U+2068\xe2\x9f\xa9");
    /* Invalid: a lone continuation, an overlong '/', a surrogate, a cut
     * sequence at the end. */
    expect_term("\x80\xc0\xaf\xed\xb3\xa9\xe2\x82", 8,
                "\\x80\\xc0\\xaf\\xed\\xb3\\xa9\\xe2\\x82");
}
END_TEST

START_TEST(term_escape_keeps_ordinary_text)
{
    const char *ok = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\xa5 C:\\dir\\f.py:12(<lambda>)";
    expect_term(ok, strlen(ok), ok);
    char *empty = pv_term_safe(NULL);
    ck_assert_str_eq(empty, "");
    free(empty);
}
END_TEST

/* What pv_format_double promises, the slow way: the first of %.15g,
 * %.16g, %.17g that reads back exactly. */
static void reference_double(double v, char *buf, size_t cap)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

START_TEST(doubles_print_as_the_shortest_of_15_16_17_digits)
{
    /* Random bit patterns, random magnitudes, and what profiles hold:
     * whole nanoseconds as seconds and sums of them (17 digits). */
    uint64_t x = 88172645463325252u;
    double edges[] = {0.0, -0.0, 0.1, 0.3, 1e-5, 1e-4, 1e15, 1e16, 9.999999999999999e14,
                      123456789012345.6, 5e-324, 1.7976931348623157e308, -2.5, 76.06402260900096,
                      0.033181758000000006, 1e22, 1e23, 8.920000000000001e-07,
                      /* ties at the 18th digit, to even: ...12|5 and ...37|5 */
                      123456789012345.125, 123456789012345.375, 9999999999999999.0,
                      0.99999999999999994, 1e-15, 9.9999999999999998e-16, 1e16 - 2};
    size_t n_edges = sizeof edges / sizeof *edges;
    for (size_t i = 0; i < 300000 + n_edges; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        if (i < n_edges) {
            v = edges[i];
        } else if (i % 4 == 0) {
            memcpy(&v, &x, sizeof v);
            if (!isfinite(v))
                continue;
        } else if (i % 4 == 1) {
            v = (double)(x >> 11) / 9007199254740992.0 * pow(10, (int)(x % 40) - 20);
            if (x & 1)  /* near a power of ten */
                v = nextafter(pow(10, (int)(x % 40) - 20), (x & 2) ? 0 : INFINITY);
        } else if (i % 4 == 2) {
            v = (double)(x % 100000000000u) * 1e-9;
        } else {
            v = (double)(x % 1000000) * 1e-9 + (double)((x >> 20) % 1000000) * 1e-9;
        }
        char want[40], got[40];
        reference_double(v, want, sizeof want);
        size_t n = pv_format_double(v, got, sizeof got);
        ck_assert_msg(strcmp(want, got) == 0, "%a: %s, wanted %s", v, got, want);
        ck_assert_uint_eq(n, strlen(got));
    }
}
END_TEST

START_TEST(json_buffer_writes_what_the_cjson_items_print)
{
    const char *names[] = {"plain", "<tag> & \"q\" \\", "caf\xc3\xa9", "lone \xed\xb2\x80",
                           "bad \xff byte", "ctl \x01\x1f", ""};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        pv_jbuf b;
        pv_jbuf_init(&b, 0);
        pv_jbuf_string(&b, names[i]);
        cJSON *item = pv_json_string(names[i]);
        ck_assert_str_eq(b.s, item->valuestring);
        cJSON_Delete(item);
        pv_jbuf_free(&b);
    }
    double values[] = {NAN, INFINITY, -INFINITY, 1.5, 3.0, -0.0};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        pv_jbuf b;
        pv_jbuf_init(&b, 0);
        pv_jbuf_double(&b, values[i]);
        cJSON *item = pv_json_double(values[i]);
        char *printed = cJSON_PrintUnformatted(item);
        ck_assert_str_eq(b.s, printed);
        cJSON_free(printed);
        cJSON_Delete(item);
        pv_jbuf_free(&b);
    }
    pv_jbuf b;
    pv_jbuf_init(&b, 0);
    pv_jbuf_int(&b, INT64_MIN);
    pv_jbuf_lit(&b, ",");
    pv_jbuf_int(&b, 0);
    /* Repeated past the buffer's first capacity (it moves). */
    for (int i = 0; i < 3; i++)
        pv_jbuf_repeat(&b, 0, 20);
    size_t len;
    char *text = pv_jbuf_take(&b, &len);
    ck_assert_str_eq(text, "-9223372036854775808,0-9223372036854775808"
                           "-9223372036854775808-9223372036854775808");
    ck_assert_uint_eq(len, strlen(text));
    ck_assert_ptr_null(b.s);
    free(text);
}
END_TEST

/* Strict UTF-8 refuses encoded surrogates, WTF-8 takes them; both refuse
 * overlongs, values past U+10FFFF and cut sequences. */
START_TEST(utf8_and_wtf8_decode_the_same_except_surrogates)
{
    uint32_t cp;
    const unsigned char euro[] = {0xE2, 0x82, 0xAC}, sur[] = {0xED, 0xA0, 0x80},
                        over[] = {0xC0, 0xAF}, big[] = {0xF4, 0x90, 0x80, 0x80},
                        four[] = {0xF0, 0x9F, 0x94, 0xA5};
    ck_assert_uint_eq(pv_utf8_decode(euro, 3, &cp), 3);
    ck_assert_uint_eq(cp, 0x20AC);
    ck_assert_uint_eq(pv_utf8_decode(euro, 2, &cp), 0);
    ck_assert_uint_eq(pv_utf8_decode(sur, 3, &cp), 0);
    ck_assert_uint_eq(pv_wtf8_decode(sur, 3, &cp), 3);
    ck_assert_uint_eq(cp, 0xD800);
    ck_assert_uint_eq(pv_wtf8_decode(over, 2, &cp), 0);
    ck_assert_uint_eq(pv_wtf8_decode(big, 4, &cp), 0);
    ck_assert_uint_eq(pv_wtf8_decode(four, 4, &cp), 4);
    ck_assert_uint_eq(cp, 0x1F525);
    const unsigned char text[] = "ab\xE2\x82\xAC\xED\xA0\x80z\xFFq";
    ck_assert_uint_eq(pv_wtf8_valid_prefix(text, sizeof text - 1), 9);
    ck_assert_uint_eq(pv_wtf8_valid_prefix(text, 4), 2);  /* the euro sign cut short */
}
END_TEST

/* Every code point comes back from its encoding, and every byte from its
 * U+DC80 escape, which nothing else is mistaken for. */
START_TEST(utf8_encode_and_byte_escapes_round_trip)
{
    unsigned char buf[4];
    for (uint32_t c = 0; c <= 0x10FFFF; c += c < 0x1000 ? 1 : 97) {
        uint32_t back;
        size_t n = pv_utf8_encode(c, buf);
        ck_assert_uint_eq(pv_wtf8_decode(buf, n, &back), n);
        ck_assert_uint_eq(back, c);
    }
    for (unsigned b = 0x80; b <= 0xFF; b++) {
        unsigned char esc[4] = {0}, back = 0;
        ck_assert_uint_eq(pv_wtf8_escape_byte((unsigned char)b, esc), PV_WTF8_ESCAPED_LEN);
        ck_assert(pv_wtf8_is_escaped_byte(esc, &back));
        ck_assert_uint_eq(back, b);
    }
    unsigned char other[4] = {0}, byte;
    pv_utf8_encode(0xDC7F, other);
    ck_assert(!pv_wtf8_is_escaped_byte(other, &byte));
    pv_utf8_encode(0xDD00, other);
    ck_assert(!pv_wtf8_is_escaped_byte(other, &byte));
    ck_assert(!pv_wtf8_is_escaped_byte((const unsigned char *)"\xED", &byte));
}
END_TEST

/* Splitting gives back exactly what was joined, empty warnings included. */
START_TEST(lines_split_is_the_inverse_of_join)
{
    static const char *const lists[][3] = {{"a"}, {"one", "", "three"}, {"", "x"}, {"x", ""}};
    static const size_t sizes[] = {1, 3, 2, 2};
    for (size_t l = 0; l < 4; l++) {
        char *text = pv_lines_join(lists[l], sizes[l]);
        ck_assert_uint_eq(pv_lines_count(text, strlen(text)), sizes[l]);
        pv_lines_iter it;
        pv_lines_begin(&it, text, strlen(text));
        const char *w;
        size_t n, i = 0;
        while ((w = pv_lines_next(&it, &n))) {
            ck_assert_uint_lt(i, sizes[l]);
            ck_assert_uint_eq(n, strlen(lists[l][i]));
            ck_assert(memcmp(w, lists[l][i], n) == 0);
            i++;
        }
        ck_assert_uint_eq(i, sizes[l]);
        free(text);
    }
    char *none = pv_lines_join(NULL, 0);
    ck_assert_str_eq(none, "");
    free(none);
    pv_lines_iter it;
    size_t n;
    pv_lines_begin(&it, NULL, 0);
    ck_assert_ptr_null(pv_lines_next(&it, &n));
    ck_assert_uint_eq(pv_lines_count("", 0), 0);
}
END_TEST

/* cJSON's allocator is pv_xmalloc: a request no allocator can meet aborts
 * instead of coming back NULL, so callers need no NULL checks. */
START_TEST(cjson_allocation_failure_aborts)
{
    void *p = cJSON_malloc(SIZE_MAX / 2);
    cJSON_free(p);
}
END_TEST

/* 0 -> 1 -> 2 -> 0 is a cycle, 3 -> 4 a chain, 5 calls itself only:
 * four components, the cycle's closed after what it reaches (none). */
START_TEST(scc_finds_cycles_and_numbers_them_after_what_they_reach)
{
    static const uint32_t first[] = {0, 1, 2, 4, 5, 5, 6};
    static const uint32_t adj[] = {1, 2, 0, 3, 4, 5};
    uint32_t comp[6];
    ck_assert_uint_eq(pv_scc(6, first, adj, comp), 4);
    ck_assert(comp[0] == comp[1] && comp[1] == comp[2]);
    ck_assert(comp[3] != comp[4] && comp[3] != comp[0] && comp[5] != comp[0]);
    ck_assert_uint_lt(comp[4], comp[3]);  /* 3 reaches 4: 4 closes first */
    ck_assert_uint_lt(comp[3], comp[0]);  /* the cycle reaches 3 */
}
END_TEST

/* A 200,000-deep chain closing into one cycle needs no C stack. */
START_TEST(scc_walks_deep_chains_without_recursion)
{
    size_t n = 200000;
    uint32_t *first = malloc((n + 1) * sizeof *first), *adj = malloc(n * sizeof *adj);
    uint32_t *comp = malloc(n * sizeof *comp);
    for (size_t v = 0; v <= n; v++)
        first[v] = (uint32_t)v;
    for (size_t v = 0; v < n; v++)
        adj[v] = (uint32_t)((v + 1) % n);
    ck_assert_uint_eq(pv_scc(n, first, adj, comp), 1);
    ck_assert_uint_eq(comp[n - 1], comp[0]);
    free(first);
    free(adj);
    free(comp);
}
END_TEST

Suite *pv_common_suite(void)
{
    Suite *s = suite_create("common");
    TCase *tc = tcase_create("core");
    /* The doubles' test prints each value the slow way too: seconds under
     * the sanitizers. */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, arena_returns_aligned_distinct_blocks);
    tcase_add_test(tc, scc_finds_cycles_and_numbers_them_after_what_they_reach);
    tcase_add_test(tc, scc_walks_deep_chains_without_recursion);
    tcase_add_test(tc, arena_refuses_beyond_its_limit);
    tcase_add_test(tc, arena_strndup_copies_and_terminates);
    tcase_add_test(tc, err_formats_prefixes_and_clears);
    tcase_add_test(tc, term_escape_shows_controls_as_text);
    tcase_add_test(tc, term_escape_names_bidi_controls_and_bad_utf8);
    tcase_add_test(tc, term_escape_keeps_ordinary_text);
    tcase_add_test(tc, asset_find_uses_the_sorted_table);
    tcase_add_test(tc, doubles_print_as_the_shortest_of_15_16_17_digits);
    tcase_add_test(tc, json_buffer_writes_what_the_cjson_items_print);
    tcase_add_test(tc, utf8_and_wtf8_decode_the_same_except_surrogates);
    tcase_add_test(tc, utf8_encode_and_byte_escapes_round_trip);
    tcase_add_test(tc, lines_split_is_the_inverse_of_join);
    tcase_add_test_raise_signal(tc, cjson_allocation_failure_aborts, SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}
