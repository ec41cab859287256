/* test_marshal.c — the marshal reader, one type code at a time.
 *
 * Each test feeds a few hand-written bytes (the layouts of CPython's
 * Python/marshal.c) and checks the decoded object, or the error and the
 * byte offset it names.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "marshal.h"

Suite *pv_marshal_suite(void);

static pv_arena arena;
static pv_marshal m;
static pv_err err;

static void setup(void)
{
    pv_arena_init(&arena, 1 << 24);
}

static void teardown(void)
{
    pv_arena_release(&arena);
}

#define READ(bytes) pv_marshal_read((const unsigned char *)(bytes), sizeof(bytes) - 1, &arena, &m, &err)

/* Decodes `bytes` and returns the root, failing the test on error. */
#define ROOT(bytes) (ck_assert_msg(READ(bytes) == PV_OK, "%s", err.msg), m.root)

/* Expects decoding to fail with `text` in the message. */
#define REFUSED(bytes, text)                                                       \
    do {                                                                           \
        ck_assert_int_eq(READ(bytes), PV_E_FORMAT);                                \
        ck_assert_msg(strstr(err.msg, text) != NULL, "want '%s' in '%s'", text, err.msg); \
    } while (0)

START_TEST(singletons_decode_and_take_no_ref_slot)
{
    ck_assert_int_eq(ROOT("N")->type, PV_M_NONE);
    ck_assert_int_eq(ROOT("T")->v.i, 1);
    ck_assert_int_eq(ROOT("F")->v.i, 0);
    ck_assert_int_eq(ROOT("S")->type, PV_M_OTHER);
    ck_assert_int_eq(ROOT(".")->type, PV_M_OTHER);
    /* A flagged None takes no slot: the ref to #0 is the flagged int. */
    pv_mobj *t = ROOT("\xa9\x02\xce\xe9\x07\x00\x00\x00" "r\x01\x00\x00\x00");
    (void)t;
    REFUSED("\xa9\x03\xce\xe9\x07\x00\x00\x00" "r\x02\x00\x00\x00", "reference to object #2");
}
END_TEST

START_TEST(int_codes_cover_int32_int64_and_long)
{
    ck_assert_int_eq(ROOT("i\xff\xff\xff\xff")->v.i, -1);
    ck_assert_int_eq(ROOT("I\x00\x00\x00\x00\x01\x00\x00\x00")->v.i, (int64_t)1 << 32);
    /* 2**31 as three 15-bit digits: 0, 0, 2. */
    ck_assert_int_eq(ROOT("l\x03\x00\x00\x00\x00\x00\x00\x00\x02\x00")->v.i, (int64_t)1 << 31);
    /* A negative digit count is a negative number. */
    ck_assert_int_eq(ROOT("l\xff\xff\xff\xff\x05\x00")->v.i, -5);
    ck_assert_int_eq(ROOT("l\x00\x00\x00\x00")->v.i, 0);
    /* 2**63 does not fit: kept as a big int, value dropped. */
    ck_assert_int_eq(ROOT("l\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00")->type,
                     PV_M_BIGINT);
    /* -2**63 fits exactly. */
    ck_assert_int_eq(ROOT("l\xfb\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00")->v.i,
                     INT64_MIN);
    REFUSED("l\x01\x00\x00\x00\x00\x80", "digit 32768 out of range");
    REFUSED("l\x02\x00\x00\x00\x01\x00\x00\x00", "unnormalized");
    REFUSED("l\xff\xff\xff\x7f\x00\x00", "long integer of 2147483647 digits exceeds");
    REFUSED("i\x01\x00", "byte 1: file truncated: 4 more bytes expected, 2 left");
}
END_TEST

START_TEST(float_codes_parse_text_and_binary)
{
    ck_assert(ROOT("g\x00\x00\x00\x00\x00\x00\xf8\x3f")->v.f == 1.5);
    ck_assert(ROOT("f\x13" "0.10000000000000001")->v.f == 0.1);
    ck_assert(signbit(ROOT("f\x02-0")->v.f));
    ck_assert(isinf(ROOT("f\x04-inf")->v.f));
    ck_assert(isnan(ROOT("f\x03nan")->v.f));
    ck_assert(isinf(ROOT("f\x05" "1e400")->v.f));
    REFUSED("f\x04 1.5", "bad text float ' 1.5'");
    REFUSED("f\x04" "1.5 ", "bad text float '1.5 '");
    REFUSED("f\x03" "1_0", "bad text float '1_0'");
    REFUSED("f\x05" "0x1p3", "bad text float '0x1p3'");
    REFUSED("f\x00", "bad text float ''");
    ck_assert_int_eq(ROOT("y\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x00")->type,
                     PV_M_COMPLEX);
    ck_assert_int_eq(ROOT("x\x01" "1\x01" "2")->type, PV_M_COMPLEX);
}
END_TEST

START_TEST(string_codes_decode_to_wtf8)
{
    pv_mobj *o = ROOT("u\x03\x00\x00\x00\xc3\xa9x");
    ck_assert_int_eq(o->type, PV_M_TEXT);
    ck_assert_int_eq(o->n, 3);
    ck_assert(memcmp(o->v.s, "\xc3\xa9x", 3) == 0);
    /* An encoded lone surrogate (surrogatepass) is accepted as is. */
    o = ROOT("u\x03\x00\x00\x00\xed\xb3\xa9");
    ck_assert(memcmp(o->v.s, "\xed\xb3\xa9", 3) == 0);
    REFUSED("u\x02\x00\x00\x00\xc3\x28", "invalid UTF-8");
    /* Short ASCII codes read bytes >= 0x80 as Latin-1. */
    o = ROOT("z\x02" "a\xe9");
    ck_assert_int_eq(o->n, 3);
    ck_assert(memcmp(o->v.s, "a\xc3\xa9", 3) == 0);
    ck_assert_uint_eq(m.n_latin1, 1);
    o = ROOT("Z\x01q");
    ck_assert(o->n == 1 && o->v.s[0] == 'q');
    o = ROOT("a\x01\x00\x00\x00q");
    ck_assert(o->n == 1 && o->v.s[0] == 'q');
    o = ROOT("A\x00\x00\x00\x00");
    ck_assert_int_eq(o->n, 0);
    /* Bytes stay bytes, without copying or checking. */
    o = ROOT("s\x02\x00\x00\x00\xff\x00");
    ck_assert_int_eq(o->type, PV_M_BYTES);
    ck_assert_int_eq(o->n, 2);
    REFUSED("s\xff\xff\xff\xff", "negative string length -1");
    REFUSED("u\x10\x00\x00\x00" "abc", "string length 16 exceeds the 3 bytes left");
}
END_TEST

START_TEST(python2_interned_strings_feed_the_string_table)
{
    /* ( 3: t"ab"  R#0  s"c" ) — a Python-2 file: t without FLAG_REF. */
    pv_mobj *o = ROOT("(\x03\x00\x00\x00" "t\x02\x00\x00\x00" "ab" "R\x00\x00\x00\x00"
                      "s\x01\x00\x00\x00" "c");
    ck_assert_int_eq(o->n, 3);
    ck_assert_ptr_eq(o->v.items[0], o->v.items[1]);
    ck_assert_int_eq(m.py2, 1);
    ck_assert_int_eq(m.version, 1);
    REFUSED("(\x01\x00\x00\x00" "R\x05\x00\x00\x00", "string reference #5, but only 0 strings");
    /* A Python-2 interned str that is not UTF-8 has its bytes escaped. */
    o = ROOT("t\x01\x00\x00\x00\xe9");
    ck_assert_int_eq(o->n, 3);
    ck_assert(memcmp(o->v.s, "\xed\xb3\xa9", 3) == 0);
}
END_TEST

START_TEST(containers_decode_with_their_items)
{
    pv_mobj *o = ROOT(")\x02i\x01\x00\x00\x00N");
    ck_assert_int_eq(o->type, PV_M_TUPLE);
    ck_assert_int_eq(o->n, 2);
    ck_assert_int_eq(o->v.items[0]->v.i, 1);
    ck_assert_int_eq(m.version, 4);
    ck_assert_int_eq(ROOT("(\x00\x00\x00\x00")->n, 0);
    ck_assert_int_eq(ROOT("[\x01\x00\x00\x00N")->type, PV_M_LIST);
    ck_assert_int_eq(ROOT("<\x01\x00\x00\x00N")->type, PV_M_SET);
    ck_assert_int_eq(ROOT(">\x00\x00\x00\x00")->type, PV_M_SET);
    o = ROOT("{i\x01\x00\x00\x00i\x02\x00\x00\x00" "0");
    ck_assert_int_eq(o->type, PV_M_DICT);
    ck_assert_int_eq(o->n, 1);
    ck_assert_int_eq(o->v.items[1]->v.i, 2);
    ck_assert_int_eq(ROOT("{0")->n, 0);
    /* A slice (marshal 5) is read and set aside. */
    ck_assert_int_eq(ROOT(":NNN")->type, PV_M_OTHER);
    REFUSED("(\xff\xff\xff\x7fN", "tuple of 2147483647 items cannot fit in the 1 bytes left");
    REFUSED("(\xfb\xff\xff\xff", "negative tuple length -5");
    REFUSED(")\x02N0", "NULL marker inside a tuple");
    REFUSED("{N0", "NULL marker in dict value position");
    REFUSED("{[\x00\x00\x00\x00N0", "unhashable dict key of type list");
    REFUSED("{)\x01[\x00\x00\x00\x00N0", "unhashable dict key of type tuple");
    REFUSED("<\x01\x00\x00\x00{0", "unhashable set item of type dict");
    REFUSED("{N", "byte 2: file truncated");
    REFUSED("0", "NULL marker where an object was expected");
}
END_TEST

START_TEST(refs_resolve_and_refuse_bad_indexes_and_cycles)
{
    /* A flagged 3-tuple (#0) holding a flagged int 7 (#1), then r#1. */
    pv_mobj *o = ROOT("\xa9\x02\xe9\x07\x00\x00\x00r\x01\x00\x00\x00");
    ck_assert_ptr_eq(o->v.items[0], o->v.items[1]);
    ck_assert_int_eq(m.version, 4);
    ck_assert_int_eq(m.py2, 0);
    REFUSED("\xa9\x01r\x00\x00\x00\x00", "reference to object #0, a tuple still being read");
    REFUSED("\xfbi\x01\x00\x00\x00r\x00\x00\x00\x00" "0", "a dict still being read (a cycle)");
    REFUSED(")\x01r\xff\xff\xff\xff", "reference to object #-1");
    REFUSED(")\x01r\x00\x00\x00\x00", "reference to object #0, but only 0 objects");
    /* A reference to a tuple holding a list is unhashable as a key. */
    REFUSED("(\x02\x00\x00\x00\xa9\x01[\x00\x00\x00\x00{r\x00\x00\x00\x00N0",
            "unhashable dict key of type tuple");
}
END_TEST

START_TEST(unknown_codes_and_deep_nesting_are_refused)
{
    REFUSED("Q", "byte 0: unknown type code 0x51 ('Q')");
    REFUSED("?", "unknown type code 0x3f ('?')");
    REFUSED("\x13", "unknown type code 0x13");
    REFUSED("", "file truncated");
    /* 3000 nested one-item tuples: refused without recursion. */
    static unsigned char deep[3000 * 2 + 1];
    for (int i = 0; i < 3000; i++) {
        deep[2 * i] = ')';
        deep[2 * i + 1] = 1;
    }
    deep[6000] = 'N';
    ck_assert_int_eq(pv_marshal_read(deep, sizeof deep, &arena, &m, &err), PV_E_FORMAT);
    ck_assert_msg(strstr(err.msg, "nesting deeper than 2000") != NULL, "%s", err.msg);
}
END_TEST

/* A Python 3.11 code object: 5 raw ints, then code, consts, names,
 * localsplusnames, localspluskinds, filename, name, qualname, the raw
 * firstlineno, linetable and exceptiontable. */
#define INTS5 "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
#define PY311_CODE "c" INTS5 "s\x00\x00\x00\x00" ")\x00" ")\x00" ")\x00" "s\x00\x00\x00\x00" \
    "z\x04" "f.py" "z\x03" "fun" "z\x03" "fun" "\x07\x00\x00\x00" "s\x00\x00\x00\x00" "s\x00\x00\x00\x00"

START_TEST(code_objects_are_decoded_by_trying_each_layout)
{
    pv_mobj *o = ROOT(PY311_CODE);
    ck_assert_int_eq(o->type, PV_M_CODE);
    ck_assert_str_eq(o->v.code->layout, "py311+");
    ck_assert_int_eq(o->v.code->firstlineno, 7);
    ck_assert(memcmp(o->v.code->name->v.s, "fun", 3) == 0);
    ck_assert(memcmp(o->v.code->filename->v.s, "f.py", 4) == 0);
    /* Python 2: 4 ints, code, consts, names, varnames, freevars, cellvars,
     * filename, name, firstlineno, lnotab. */
    o = ROOT("c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
             "s\x00\x00\x00\x00" "(\x00\x00\x00\x00" "(\x00\x00\x00\x00" "(\x00\x00\x00\x00"
             "(\x00\x00\x00\x00" "(\x00\x00\x00\x00" "t\x04\x00\x00\x00" "g.py"
             "t\x01\x00\x00\x00" "g" "\x02\x00\x00\x00" "s\x00\x00\x00\x00");
    ck_assert_str_eq(o->v.code->layout, "py2");
    ck_assert_int_eq(o->v.code->firstlineno, 2);
    REFUSED("c" INTS5 "\x00\x00\x00\x00\x00\x00\x00\x00", "code object matches no known layout");
}
END_TEST

Suite *pv_marshal_suite(void)
{
    Suite *s = suite_create("marshal");
    TCase *tc = tcase_create("codes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, singletons_decode_and_take_no_ref_slot);
    tcase_add_test(tc, int_codes_cover_int32_int64_and_long);
    tcase_add_test(tc, float_codes_parse_text_and_binary);
    tcase_add_test(tc, string_codes_decode_to_wtf8);
    tcase_add_test(tc, python2_interned_strings_feed_the_string_table);
    tcase_add_test(tc, containers_decode_with_their_items);
    tcase_add_test(tc, refs_resolve_and_refuse_bad_indexes_and_cycles);
    tcase_add_test(tc, unknown_codes_and_deep_nesting_are_refused);
    tcase_add_test(tc, code_objects_are_decoded_by_trying_each_layout);
    suite_add_tcase(s, tc);
    return s;
}
