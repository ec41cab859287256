/* test_json_pull.c — the pull JSON reader under the JSON formats: a walk
 * over every kind of value, strings decoded to the project's WTF-8
 * (escapes, surrogate pairs, lone surrogates, bytes that are not UTF-8,
 * NUL), numbers exact, skipping, two cursors on one text, the nesting cap,
 * and errors that name the byte.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "json_pull.h"

Suite *pv_json_pull_suite(void);

typedef struct fixture {
    pv_arena arena;
    pv_err err;
    pv_pull j;
} fixture;

static void open_text(fixture *f, const char *text)
{
    pv_arena_init(&f->arena, 1 << 20);
    pv_err_clear(&f->err);
    pv_pull_init(&f->j, (const unsigned char *)text, strlen(text), 0, &f->arena, &f->err);
}

static pv_pull_type value(fixture *f)
{
    pv_pull_type t;
    ck_assert_msg(pv_pull_value(&f->j, &t) == PV_OK, "%s", f->err.msg);
    return t;
}

static int more_members(fixture *f)
{
    bool more;
    ck_assert_msg(pv_pull_member(&f->j, &more) == PV_OK, "%s", f->err.msg);
    return more;
}

static int more_elements(fixture *f)
{
    bool more;
    ck_assert_msg(pv_pull_element(&f->j, &more) == PV_OK, "%s", f->err.msg);
    return more;
}

START_TEST(walks_every_kind_of_value)
{
    fixture f;
    open_text(&f, " {\"a\": [1, -2.5e1, true, false, null, \"s\", {}, []], \"b\" : {\"c\": 0}} ");
    ck_assert_int_eq(value(&f), PV_PULL_OBJECT);
    ck_assert(more_members(&f));
    ck_assert_str_eq(f.j.str, "a");
    ck_assert_int_eq(value(&f), PV_PULL_ARRAY);
    static const pv_pull_type want[] = {PV_PULL_NUMBER, PV_PULL_NUMBER, PV_PULL_TRUE, PV_PULL_FALSE,
                                        PV_PULL_NULL, PV_PULL_STRING, PV_PULL_OBJECT, PV_PULL_ARRAY};
    for (size_t i = 0; i < 8; i++) {
        ck_assert(more_elements(&f));
        pv_pull_type t = value(&f);
        ck_assert_int_eq(t, want[i]);
        if (i == 0)
            ck_assert(f.j.is_int && f.j.ival == 1);
        if (i == 1)
            ck_assert(!f.j.is_int && f.j.num == -25.0);
        if (t == PV_PULL_OBJECT)
            ck_assert(!more_members(&f));
        if (t == PV_PULL_ARRAY)
            ck_assert(!more_elements(&f));
    }
    ck_assert(!more_elements(&f));
    ck_assert(more_members(&f));
    ck_assert_str_eq(f.j.str, "b");
    ck_assert_int_eq(pv_pull_skip_value(&f.j), PV_OK);
    ck_assert(!more_members(&f));
    ck_assert_int_eq(pv_pull_end(&f.j), PV_OK);
    pv_arena_release(&f.arena);
}
END_TEST

static const char *decode(fixture *f, const char *text)
{
    open_text(f, text);
    ck_assert_int_eq(value(f), PV_PULL_STRING);
    return f->j.str;
}

START_TEST(strings_decode_to_wtf8)
{
    fixture f;
    ck_assert_str_eq(decode(&f, "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\""), "a\"b\\c/d\b\f\n\r\t");
    pv_arena_release(&f.arena);
    /* é as an escape and as UTF-8; 😀 as a surrogate pair */
    ck_assert_str_eq(decode(&f, "\"caf\\u00e9 caf\xc3\xa9 \\ud83d\\ude00\""),
                     "caf\xc3\xa9 caf\xc3\xa9 \xf0\x9f\x98\x80");
    pv_arena_release(&f.arena);
    /* A lone surrogate stays an encoded surrogate (ED A0 80), as json.c
     * writes it back as \ud800. */
    ck_assert_str_eq(decode(&f, "\"x\\ud800y\""), "x\xed\xa0\x80y");
    pv_arena_release(&f.arena);
    /* A byte that is not UTF-8 becomes U+DC80+byte, surrogateescape's way. */
    ck_assert_str_eq(decode(&f, "\"a\xff" "b\""), "a\xed\xb3\xbf" "b");
    pv_arena_release(&f.arena);
    /* NUL would cut a C string short: U+2400 instead. */
    const char *s = decode(&f, "\"a\\u0000b\"");
    ck_assert_str_eq(s, "a\xe2\x90\x80" "b");
    ck_assert_uint_eq(f.j.str_len, 5);
    pv_arena_release(&f.arena);
}
END_TEST

START_TEST(numbers_are_exact)
{
    fixture f;
    open_text(&f, "[9007199254740993, 0.1, -0, 1e400, 123456789012345678901234567890, 5E-3]");
    ck_assert_int_eq(value(&f), PV_PULL_ARRAY);
    ck_assert(more_elements(&f));
    value(&f);
    ck_assert(f.j.is_int);
    ck_assert_int_eq(f.j.ival, 9007199254740993LL);  /* past 2^53: the double would lose it */
    ck_assert(more_elements(&f));
    value(&f);
    ck_assert(f.j.num == 0.1);
    ck_assert(more_elements(&f));
    value(&f);
    ck_assert(f.j.is_int && f.j.ival == 0);
    ck_assert(more_elements(&f));
    value(&f);
    ck_assert(isinf(f.j.num) && !f.j.is_int);
    ck_assert(more_elements(&f));
    value(&f);
    ck_assert(!f.j.is_int);  /* too big for int64: only the double */
    ck_assert(f.j.num == 123456789012345678901234567890.0);
    ck_assert(more_elements(&f));
    value(&f);
    ck_assert(f.j.num == 5e-3);
    pv_arena_release(&f.arena);
}
END_TEST

/* Two cursors on one text walk two arrays side by side. */
START_TEST(two_cursors_walk_side_by_side)
{
    fixture f;
    const char *text = "{\"w\": [10, 20, 30], \"s\": [\"a\", \"b\", \"c\"]}";
    open_text(&f, text);
    pv_pull a, b;
    pv_pull_init(&a, (const unsigned char *)text, strlen(text), strchr(text, '[') - text,
                 &f.arena, &f.err);
    pv_pull_init(&b, (const unsigned char *)text, strlen(text), strrchr(text, '[') - text - 1,
                 &f.arena, &f.err);
    ck_assert_int_eq(pv_pull_expect(&a, PV_PULL_ARRAY, "w"), PV_OK);
    ck_assert_int_eq(pv_pull_expect(&b, PV_PULL_ARRAY, "s"), PV_OK);
    bool ma, mb;
    int sum = 0;
    char names[8] = "";
    while (pv_pull_element(&a, &ma) == PV_OK && ma && pv_pull_element(&b, &mb) == PV_OK && mb) {
        int64_t v;
        ck_assert_int_eq(pv_pull_int(&a, "w", &v), PV_OK);
        ck_assert_int_eq(pv_pull_expect(&b, PV_PULL_STRING, "s"), PV_OK);
        sum += (int)v;
        strcat(names, b.str);
    }
    ck_assert_int_eq(sum, 60);
    ck_assert_str_eq(names, "abc");
    pv_arena_release(&f.arena);
}
END_TEST

/* The error for `text` after walking it as far as it goes. */
static int walk_all(fixture *f, const char *text)
{
    open_text(f, text);
    pv_pull_type t;
    int rc = pv_pull_value(&f->j, &t);
    if (rc == PV_OK)
        rc = pv_pull_skip(&f->j, t);
    if (rc == PV_OK)
        rc = pv_pull_end(&f->j);
    return rc;
}

START_TEST(errors_name_the_byte)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"{\"a\": 1 \"b\": 2}", "byte 8: expected ',' or '}'"},
        {"[1 2]", "byte 3: expected ',' or ']'"},
        {"[1,]", "byte 3: expected a value"},
        {"[1}", "byte 2: expected ',' or ']'"},
        {"{1: 2}", "byte 1: expected a string key"},
        {"{\"a\" 2}", "byte 5: expected ':' after a key"},
        {"\"abc", "byte 0: the string never ends"},
        {"\"a\nb\"", "byte 2: control character 0x0a inside a string"},
        {"\"\\x\"", "byte 1: unknown escape \\x"},
        {"\"\\u12g4\"", "byte 5: \\u needs four hex digits"},
        {"-", "byte 0: a number needs a digit after '-'"},
        {"1.", "byte 1: a number needs digits after '.'"},
        {"1e+", "byte 1: a number needs digits in its exponent"},
        {"01", "byte 1: text after the end of the JSON value"},
        {"tru", "byte 0: expected a value"},
        {"[1, 2", "byte 5: expected ',' or ']', found the end of the file"},
        {"", "byte 0: expected a value, found the end of the file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fixture f;
        ck_assert_int_eq(walk_all(&f, cases[i].text), PV_E_FORMAT);
        ck_assert_msg(strcmp(f.err.msg, cases[i].msg) == 0, "%s: got \"%s\", want \"%s\"",
                      cases[i].text, f.err.msg, cases[i].msg);
        pv_arena_release(&f.arena);
    }
}
END_TEST

START_TEST(nesting_is_capped)
{
    static char text[2 * PV_PULL_MAX_DEPTH + 8];
    memset(text, '[', PV_PULL_MAX_DEPTH + 1);
    memset(text + PV_PULL_MAX_DEPTH + 1, ']', PV_PULL_MAX_DEPTH + 1);
    fixture f;
    ck_assert_int_eq(walk_all(&f, text), PV_E_TOO_BIG);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "nested deeper than the limit"));
    pv_arena_release(&f.arena);
    text[PV_PULL_MAX_DEPTH] = ' ';  /* one level less: accepted */
    text[PV_PULL_MAX_DEPTH + 1] = ' ';
    ck_assert_int_eq(walk_all(&f, text), PV_OK);
    pv_arena_release(&f.arena);
}
END_TEST

/* A string longer than the arena allows is a limit error, not a crash. */
START_TEST(strings_stay_inside_the_arena_limit)
{
    static char text[300000];
    memset(text, 'x', sizeof text - 1);
    text[0] = '"';
    text[sizeof text - 2] = '"';
    fixture f;
    open_text(&f, text);
    f.arena.limit = 100000;
    pv_pull_type t;
    ck_assert_int_eq(pv_pull_value(&f.j, &t), PV_E_TOO_BIG);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "memory limit"));
    pv_arena_release(&f.arena);
}
END_TEST

START_TEST(sniffing_finds_keys_as_keys)
{
    const char *text = "\xef\xbb\xbf  {\"x\": \"nodes\", \"nodes\" : []}";
    const unsigned char *u = (const unsigned char *)text;
    ck_assert(pv_pull_starts_object(u, strlen(text)));
    ck_assert(pv_pull_has_key(u, strlen(text), 1 << 16, "nodes"));
    ck_assert(!pv_pull_has_key(u, strlen(text), 1 << 16, "x\": \"nodes"));
    ck_assert(!pv_pull_has_key(u, 20, 1 << 16, "nodes"));  /* only the value is in the window */
    ck_assert(!pv_pull_starts_object((const unsigned char *)"[{}]", 4));
}
END_TEST

Suite *pv_json_pull_suite(void)
{
    Suite *s = suite_create("json_pull");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, walks_every_kind_of_value);
    tcase_add_test(tc, strings_decode_to_wtf8);
    tcase_add_test(tc, numbers_are_exact);
    tcase_add_test(tc, two_cursors_walk_side_by_side);
    tcase_add_test(tc, errors_name_the_byte);
    tcase_add_test(tc, nesting_is_capped);
    tcase_add_test(tc, strings_stay_inside_the_arena_limit);
    tcase_add_test(tc, sniffing_finds_keys_as_keys);
    suite_add_tcase(s, tc);
    return s;
}
