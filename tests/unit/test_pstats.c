/* test_pstats.c — the loader against Python's own pstats.
 *
 * Every valid dump with an oracle (NAME.expected.json, written by the
 * pstats of the Python that made the dump) must come out exactly the same:
 * every count equal, every time equal as a double, the same callers in
 * the same order — both straight from the parser and after a round trip
 * through the store.  Every damaged dump must get the outcome its manifest
 * entry asks for, with a message naming the byte offset, and must leave
 * the store unchanged.  Fixtures: tests/data/{pstats,realworld}; run as
 * pstats_shared (PV_FIXTURES=shared), ../shared/{corpus,realworld}, which
 * reports a skip when absent.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "loader.h"
#include "pstats_internal.h"
#include "store.h"
#include "testutil.h"

Suite *pv_pstats_suite(void);

#define MAX_FILES 512

static char *valid[MAX_FILES], *bad[MAX_FILES];
static size_t n_valid, n_bad;
static char manifest_path[1100];  /* the first bad_manifest.json found */
static cJSON *manifest;  /* read in the first test that needs it (asserts need a test) */

/* ---- fixtures ---------------------------------------------------------- */

/* The oracle is JSON with Python's escapes; a lone surrogate (\udce9, how
 * Python writes an undecodable file-name byte) is not something cJSON
 * accepts, so it is rewritten in place to the 3 WTF-8 bytes profviz uses. */
static void wtf8_lone_surrogates(char *s)
{
    char *o = s;
    int in_string = 0;
    while (*s) {
        if (*s == '"') {
            in_string = !in_string;
        } else if (in_string && s[0] == '\\' && s[1] == 'u') {
            unsigned cp = (unsigned)strtoul((char[]){s[2], s[3], s[4], s[5], 0}, NULL, 16);
            int high = cp >= 0xD800 && cp <= 0xDBFF && s[6] == '\\' && s[7] == 'u';
            if (cp >= 0xD800 && cp <= 0xDFFF && !high) {
                *o++ = (char)(0xE0 | (cp >> 12));
                *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *o++ = (char)(0x80 | (cp & 0x3F));
                s += 6;
                continue;
            }
            if (high) {  /* copy the pair untouched */
                memmove(o, s, 12);
                o += 12;
                s += 12;
                continue;
            }
        } else if (in_string && s[0] == '\\') {
            *o++ = *s++;  /* the escaped character is copied below */
        }
        *o++ = *s++;
    }
    *o = '\0';
}

static cJSON *load_json(const char *path)
{
    size_t len;
    char *text = NULL;
    size_t n = strlen(path);
    if (n > 3 && strcmp(path + n - 3, ".gz") == 0) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "gzip -dc '%s'", path);
        FILE *p = popen(cmd, "r");
        if (!p)
            return NULL;
        size_t cap = 1 << 20;
        text = malloc(cap + 1);
        len = 0;
        size_t got;
        while ((got = fread(text + len, 1, cap - len, p)) > 0)
            if ((len += got) == cap)
                text = realloc(text, (cap *= 2) + 1);
        pclose(p);
        text[len] = '\0';
    } else {
        text = (char *)pv_test_read(path, &len);
    }
    wtf8_lone_surrogates(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    return j;
}

static int has_file(char **list, size_t n, const char *base)
{
    for (size_t i = 0; i < n; i++) {
        const char *b = strrchr(list[i], '/');
        if (strcmp(b ? b + 1 : list[i], base) == 0)
            return 1;
    }
    return 0;
}

static int oracle_path(const char *prof, char *out, size_t cap)
{
    char stem[1024];
    snprintf(stem, sizeof stem, "%.*s", (int)(strlen(prof) - 5), prof);
    snprintf(out, cap, "%s.expected.json", stem);
    if (access(out, R_OK) == 0)
        return 1;
    snprintf(out, cap, "%s.expected.json.gz", stem);
    return access(out, R_OK) == 0;
}

/* Adds every *.prof of `dir` not already listed (by name), valid ones
 * only when they have an oracle. */
static void collect(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".prof") != 0)
            continue;
        char path[1300], oracle[1400];  /* a directory path and a file name */
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (strncmp(e->d_name, "bad_", 4) == 0) {
            if (!has_file(bad, n_bad, e->d_name) && n_bad < MAX_FILES)
                bad[n_bad++] = strdup(path);
            if (!manifest_path[0])
                snprintf(manifest_path, sizeof manifest_path, "%s/bad_manifest.json", dir);
        } else if (oracle_path(path, oracle, sizeof oracle) &&
                   !has_file(valid, n_valid, e->d_name) && n_valid < MAX_FILES) {
            valid[n_valid++] = strdup(path);
        }
    }
    closedir(d);
}

/* The committed fixtures (tests/data/{pstats,realworld}) or, in the
 * pstats_shared run, the shared corpus ({corpus,realworld}). */
static void collect_all(void)
{
    int shared_run;
    const char *root = pv_test_fixtures(&shared_run);
    if (!root)
        return;
    const char *local_sub[] = {"pstats", "realworld"}, *shared_sub[] = {"corpus", "realworld"};
    char dir[1024];
    for (int i = 0; i < 2; i++) {
        snprintf(dir, sizeof dir, "%s/%s", root, (shared_run ? shared_sub : local_sub)[i]);
        collect(dir);
    }
}

/* ---- comparing with an oracle ----------------------------------------- */

static const char *cur;  /* file under test, for messages */
/* The parser keeps -0.0 as the file has it; SQLite stores REAL -0.0 as 0,
 * so after a round trip through the store only IEEE equality holds. */
static int check_zero_sign;

static void expect_str(const cJSON *j, const char *got, const char *what)
{
    ck_assert_msg(cJSON_IsString(j), "%s: %s: oracle is not a string", cur, what);
    ck_assert_msg(strcmp(j->valuestring, got) == 0, "%s: %s: want '%s', got '%s'", cur, what,
                  j->valuestring, got);
}

static void expect_int(const cJSON *j, int64_t got, const char *what)
{
    ck_assert_msg(cJSON_IsNumber(j), "%s: %s: oracle is not a number", cur, what);
    /* Oracle integers in this corpus stay below 2**53, so the double cJSON
     * holds is exact. */
    ck_assert_msg(fabs(j->valuedouble) < 9007199254740992.0, "%s: %s too large to check", cur,
                  what);
    ck_assert_msg((double)got == j->valuedouble, "%s: %s: want %.0f, got %lld", cur, what,
                  j->valuedouble, (long long)got);
}

static void expect_double(const cJSON *j, double got, const char *what)
{
    ck_assert_msg(cJSON_IsNumber(j), "%s: %s: oracle is not a number", cur, what);
    ck_assert_msg(j->valuedouble == got,
                  "%s: %s: want %.17g, got %.17g", cur, what, j->valuedouble, got);
    ck_assert_msg(!check_zero_sign || signbit(j->valuedouble) == signbit(got),
                  "%s: %s: sign of zero differs", cur, what);
}

/* [file, line, name-or-{"code": {...}}] at arr[0..2]. */
static void expect_key(const cJSON *arr, const pv_func *f, const char *what)
{
    expect_str(cJSON_GetArrayItem(arr, 0), f->file, what);
    expect_int(cJSON_GetArrayItem(arr, 1), f->line, what);
    const cJSON *name = cJSON_GetArrayItem(arr, 2);
    if (cJSON_IsObject(name)) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(name, "code");
        ck_assert_msg(f->code_name != NULL, "%s: %s: want a code object name", cur, what);
        expect_str(cJSON_GetObjectItemCaseSensitive(code, "co_filename"), f->code_file, what);
        expect_str(cJSON_GetObjectItemCaseSensitive(code, "co_name"), f->code_name, what);
        expect_int(cJSON_GetObjectItemCaseSensitive(code, "co_firstlineno"), f->code_line, what);
    } else {
        expect_str(name, f->name, what);
        ck_assert_msg(f->code_name == NULL, "%s: %s: unexpected code object", cur, what);
    }
}

static const cJSON *field(const cJSON *o, const char *name)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, name);
    ck_assert_msg(j != NULL, "%s: oracle has no '%s'", cur, name);
    return j;
}

static void expect_profile(const pv_profile *p, const cJSON *o)
{
    expect_int(field(o, "nfuncs"), (int64_t)p->n_entries, "nfuncs");
    expect_int(field(o, "ncaller_edges"), (int64_t)p->n_edges, "ncaller_edges");
    expect_int(field(o, "total_calls"), p->total_calls, "total_calls");
    expect_int(field(o, "prim_calls"), p->prim_calls, "prim_calls");
    expect_double(field(o, "total_tt"), p->total_tt, "total_tt");
    expect_str(field(o, "marshal_dialect"), p->dialect, "dialect");
    const cJSON *trailing = cJSON_GetObjectItemCaseSensitive(o, "trailing_bytes");
    if (trailing)
        expect_int(trailing, (int64_t)p->trailing_bytes, "trailing_bytes");

    const cJSON *funcs = field(o, "functions");
    ck_assert_int_eq(cJSON_GetArraySize(funcs), (int)p->n_entries);
    size_t e = 0;
    char what[64];
    /* cJSON arrays are linked lists: walk them, never index them. */
    const cJSON *row = funcs->child;
    for (size_t i = 0; i < p->n_entries; i++, row = row->next) {
        const pv_func *f = &p->funcs[i];
        snprintf(what, sizeof what, "function %zu", i);
        expect_key(row, f, what);
        expect_int(cJSON_GetArrayItem(row, 3), f->cc, what);
        expect_int(cJSON_GetArrayItem(row, 4), f->nc, what);
        expect_double(cJSON_GetArrayItem(row, 5), f->tt, what);
        expect_double(cJSON_GetArrayItem(row, 6), f->ct, what);
        ck_assert_msg(!(f->flags & PV_FUNC_CALLER_ONLY), "%s: %s marked caller-only", cur, what);
        const cJSON *callers = cJSON_GetArrayItem(row, 7), *c;
        cJSON_ArrayForEach(c, callers) {
            snprintf(what, sizeof what, "function %zu caller %zu", i, e);
            ck_assert_msg(e < p->n_edges && p->edges[e].callee == i, "%s: %s missing", cur, what);
            const pv_edge *ed = &p->edges[e++];
            expect_key(c, &p->funcs[ed->caller], what);
            int n = cJSON_GetArraySize(c);
            ck_assert_msg(n == (ed->is_count ? 4 : 7), "%s: %s: wrong caller kind", cur, what);
            expect_int(cJSON_GetArrayItem(c, 3), ed->nc, what);
            if (!ed->is_count) {
                expect_int(cJSON_GetArrayItem(c, 4), ed->cc, what);
                expect_double(cJSON_GetArrayItem(c, 5), ed->tt, what);
                expect_double(cJSON_GetArrayItem(c, 6), ed->ct, what);
            } else {
                ck_assert(ed->nc == ed->cc);
            }
        }
    }
    ck_assert_msg(e == p->n_edges, "%s: %zu edges beyond the oracle's", cur, p->n_edges - e);
    /* Caller-only functions come after the entries, flagged. */
    for (size_t i = p->n_entries; i < p->n_funcs; i++)
        ck_assert(p->funcs[i].flags & PV_FUNC_CALLER_ONLY);
}

/* ---- tests ------------------------------------------------------------- */

static char db_path[64];

static void setup_db(void)
{
    snprintf(db_path, sizeof db_path, "/tmp/pv-test-pstats-%d.db", (int)getpid());
    unlink(db_path);
}

static void teardown_db(void)
{
    char side[80];
    unlink(db_path);
    snprintf(side, sizeof side, "%s-wal", db_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db_path);
    unlink(side);
}

START_TEST(valid_dump_matches_its_oracle_parsed_and_stored)
{
    cur = valid[_i];
    char oracle_file[1100];
    ck_assert(oracle_path(cur, oracle_file, sizeof oracle_file));
    cJSON *o = load_json(oracle_file);
    ck_assert_msg(o != NULL, "%s: unreadable oracle", oracle_file);
    size_t len;
    unsigned char *buf = pv_test_read(cur, &len);

    pv_arena arena;
    pv_profile p;
    pv_err err;
    check_zero_sign = 1;
    /* Both readers: the fast one (with its fallback) and the generic one. */
    for (int generic = 0; generic <= 1; generic++) {
        pv_arena_init(&arena, pv_load_memory_limit(len));
        int rc = pv_pstats_parse_with(buf, len, &arena, &p, generic, &err);
        ck_assert_msg(rc == PV_OK, "%s: %s", cur, err.msg);
        expect_profile(&p, o);
        pv_arena_release(&arena);
    }

    /* The same through the store: load, read back, compare again. */
    pv_store *s;
    ck_assert_int_eq(pv_store_open(db_path, 0, &s, &err), PV_OK);
    pv_load_result res;
    ck_assert_msg(pv_load_bytes(s, "x.prof", cur, buf, len, NULL, &res, &err) == PV_OK, "%s: %s", cur,
                  err.msg);
    ck_assert_int_eq(res.existed, 0);
    free(res.warnings);
    pv_arena_init(&arena, (size_t)1 << 32);
    ck_assert_int_eq(pv_store_read(s, res.id, &arena, &p, &err), PV_OK);
    check_zero_sign = 0;
    expect_profile(&p, o);
    pv_arena_release(&arena);
    pv_store_close(s);
    free(buf);
    cJSON_Delete(o);
}
END_TEST

/* What each damaged file's message must say, beyond "byte N:". */
static const struct { const char *file, *text; } expected_text[] = {
    {"bad_bool_counts.prof", "primitive call count is a bool, not an int"},
    {"bad_caller_missing_function.prof", "1 callers have no entry of their own"},
    {"bad_caller_value_arity3.prof", "a caller's value is a tuple of 3 items"},
    {"bad_callers_not_dict.prof", "callers is a list, not a dict"},
    {"bad_code_object_garbage.prof", "code object matches no known layout"},
    {"bad_count_int64_overflow_sum.prof", "total call count does not fit in 64 bits"},
    {"bad_deep_lists.prof", "it starts with 0x5b (a marshalled list)"},
    {"bad_deep_nesting.prof", "nesting deeper than 2000 levels"},
    {"bad_duplicate_keys.prof", "1 function keys occur twice"},
    {"bad_empty.prof", "the file is empty"},
    {"bad_empty_dict.prof", "the profile holds no functions"},
    {"bad_hotshot_raw_log.prof", "not a profile profviz can read: not a cProfile/profile dump"},
    {"bad_huge_int.prof", "line number is an int beyond 64 bits"},
    {"bad_huge_list_len.prof", "not a profile profviz can read"},
    {"bad_huge_long.prof", "long integer of 2147483647 digits exceeds the 2 bytes left"},
    {"bad_huge_string_len.prof", "string length 2147483647 exceeds the 3 bytes left"},
    {"bad_huge_tuple_len.prof", "tuple of 2147483647 items cannot fit in the 16 bytes left"},
    {"bad_invalid_utf8.prof", "invalid UTF-8"},
    {"bad_key_arity2.prof", "function key is a tuple of 2 items"},
    {"bad_key_types.prof", "file name is an int, not a str"},
    {"bad_long_digit_range.prof", "long integer digit 32768 out of range"},
    {"bad_long_unnormalized.prof", "unnormalized long integer"},
    {"bad_mixed_string_types.prof", "byte strings where Python 3 writes str"},
    {"bad_nan_timings.prof", "NaN times"},
    {"bad_negative_string_len.prof", "negative string length -1"},
    {"bad_negative_tuple_len.prof", "negative tuple length -5"},
    {"bad_nonutf8_bytes_filename.prof", "not valid UTF-8"},
    {"bad_null_as_value.prof", "NULL marker in dict value position"},
    {"bad_null_in_tuple.prof", "NULL marker inside a tuple"},
    {"bad_random.prof", "not a profile profviz can read"},
    {"bad_random_dict_prefix.prof", "unknown type code"},
    {"bad_ref_future.prof", "reference to object #1, but only 1 objects are defined"},
    {"bad_ref_negative.prof", "reference to object #-1"},
    {"bad_ref_out_of_range.prof", "reference to object #99, but only 2 objects are defined"},
    {"bad_ref_self_cycle.prof", "a tuple still being read (a cycle)"},
    {"bad_ref_to_dict_in_progress.prof", "a dict still being read (a cycle)"},
    {"bad_stringref_out_of_range.prof", "string reference #5, but only 1 strings"},
    {"bad_text_float_garbage.prof", "bad text float '1.0e+'"},
    {"bad_text_float_nan.prof", "NaN times"},
    {"bad_text_float_spaces.prof", "bad text float ' 1.5'"},
    {"bad_trailing_garbage.prof", "9 bytes after the end of the profile (byte 1310)"},
    {"bad_trunc_1byte.prof", "file truncated"},
    {"bad_trunc_half.prof", "file truncated: 4 more bytes expected, 3 left"},
    {"bad_trunc_header.prof", "tuple of 3 items cannot fit in the 1 bytes left"},
    {"bad_trunc_last_float.prof", "file truncated: 8 more bytes expected"},
    {"bad_trunc_mid_string.prof", "string length 39 exceeds the 15 bytes left"},
    {"bad_trunc_no_terminator.prof", "file truncated: 1 more bytes expected, 0 left"},
    {"bad_type_unknown_marker.prof", "unknown type code 0x3f ('?')"},
    {"bad_unhashable_key.prof", "unhashable dict key of type list"},
    {"bad_unknown_code.prof", "unknown type code 0x51 ('Q')"},
    {"bad_value_arity4.prof", "value is a tuple of 4 items"},
    {"bad_value_arity6.prof", "value is a tuple of 6 items"},
    {"bad_value_types.prof", "primitive call count is a str, not an int"},
    {"bad_wrong_shape_int.prof", "(a marshalled int)"},
    {"bad_wrong_shape_list.prof", "(a marshalled list)"},
    {"bad_wrong_shape_none.prof", "(a marshalled None)"},
};

static int64_t count_profiles(pv_store *s)
{
    pv_profile_info *all;
    size_t n;
    pv_err err;
    ck_assert_int_eq(pv_store_list(s, &all, &n, &err), PV_OK);
    pv_profile_info_free_array(all, n);
    return (int64_t)n;
}

START_TEST(damaged_dump_gets_its_manifest_outcome)
{
    cur = bad[_i];
    const char *base = strrchr(cur, '/') + 1;
    if (!manifest)
        manifest = load_json(manifest_path);
    const cJSON *entry = cJSON_GetObjectItemCaseSensitive(manifest, base);
    ck_assert_msg(entry != NULL, "%s is not in bad_manifest.json", base);
    const char *expect = cJSON_GetObjectItemCaseSensitive(entry, "expect")->valuestring;
    const char *text = NULL;
    for (size_t k = 0; k < sizeof expected_text / sizeof expected_text[0]; k++)
        if (strcmp(expected_text[k].file, base) == 0)
            text = expected_text[k].text;
    ck_assert_msg(text != NULL, "%s: no expected message in the test table", base);

    pv_store *s;
    pv_err err;
    ck_assert_int_eq(pv_store_open(db_path, 0, &s, &err), PV_OK);
    int64_t before = count_profiles(s);
    pv_load_result res;
    int rc = pv_load_file(s, cur, NULL, &res, &err);
    if (strcmp(expect, "reject") == 0) {
        ck_assert_msg(rc == PV_E_FORMAT, "%s: want a format error, got %d", base, rc);
        /* One line naming the file, the byte offset and what was wrong. */
        ck_assert_msg(strncmp(err.msg, cur, strlen(cur)) == 0, "%s: message lacks the file: %s",
                      base, err.msg);
        ck_assert_msg(strstr(err.msg, ": byte ") != NULL, "%s: no byte offset: %s", base,
                      err.msg);
        ck_assert_msg(strstr(err.msg, text) != NULL, "%s: want '%s' in '%s'", base, text,
                      err.msg);
        ck_assert_msg(strchr(err.msg, '\n') == NULL, "%s: message spans lines", base);
        ck_assert_int_eq(count_profiles(s), before);
    } else {
        ck_assert_str_eq(expect, "accept-with-warning");
        ck_assert_msg(rc == PV_OK, "%s: %s", base, err.msg);
        ck_assert_msg(res.warnings && strstr(res.warnings, text), "%s: want warning '%s', got '%s'",
                      base, text, res.warnings ? res.warnings : "(none)");
        ck_assert_int_eq(count_profiles(s), before + 1);
        free(res.warnings);
    }
    pv_store_close(s);
}
END_TEST

START_TEST(fixtures_are_present)
{
    /* Each set holds 40+ valid dumps and 50+ damaged ones: an empty list
     * would make the loop tests pass vacuously. */
    ck_assert_uint_ge(n_valid, 40);
    ck_assert_uint_ge(n_bad, 50);
    cJSON *m = load_json(manifest_path);
    ck_assert_ptr_nonnull(m);
    cJSON_Delete(m);
}
END_TEST

START_TEST(nul_in_a_name_is_kept_visible_with_a_warning)
{
    /* marshal.dumps({('a\x00b.py', 1, 'f\x00g'): (1, 1, 0.5, 0.5, {})}) */
    static const unsigned char dump[] =
        "\xfb\xa9\x03\xfa\x06" "a\x00" "b.py\xe9\x01\x00\x00\x00\xfa\x03" "f\x00" "g"
        "\x29\x05\x72\x03\x00\x00\x00\x72\x03\x00\x00\x00\xe7\x00\x00\x00\x00\x00"
        "\x00\xe0\x3f\x72\x05\x00\x00\x00\x7b\x30\x30";
    pv_arena arena;
    pv_arena_init(&arena, 1 << 24);
    pv_profile p;
    pv_err err;
    ck_assert_int_eq(pv_pstats_parse(dump, sizeof dump - 1, &arena, &p, &err), PV_OK);
    ck_assert_str_eq(p.funcs[0].file, "a\xe2\x90\x80" "b.py");
    ck_assert_str_eq(p.funcs[0].name, "f\xe2\x90\x80" "g");
    ck_assert_uint_eq(p.n_warnings, 1);
    ck_assert_ptr_nonnull(strstr(p.warnings[0], "NUL"));
    pv_arena_release(&arena);
}
END_TEST

Suite *pv_pstats_suite(void)
{
    collect_all();
    Suite *s = suite_create("pstats");
    TCase *tc = tcase_create("oracles");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup_db, teardown_db);
    tcase_add_test(tc, fixtures_are_present);
    tcase_add_test(tc, nul_in_a_name_is_kept_visible_with_a_warning);
    tcase_add_loop_test(tc, valid_dump_matches_its_oracle_parsed_and_stored, 0, (int)n_valid);
    tcase_add_loop_test(tc, damaged_dump_gets_its_manifest_outcome, 0, (int)n_bad);
    suite_add_tcase(s, tc);
    return s;
}
