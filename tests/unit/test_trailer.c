/* test_trailer.c — the loader's side of recorded profiles
 * (docs/recorded-tree.md): a trailer read into the profile, every damaged
 * trailer of tests/data/recorded/damaged refused with the file, the byte
 * offset and what was wrong and nothing stored, the memory cap kept, and
 * a recorded file's tree through the store and back.
 * The fixtures are tests/groundtruth/trailer.py's (its --check run is a
 * test of its own).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "testutil.h"

Suite *pv_trailer_suite(void);

static const char *data_dir(void)
{
    const char *d = getenv("PV_TEST_DATA");
    return d ? d : "tests/data";
}

static unsigned char *read_recorded(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/recorded/%s", data_dir(), name);
    return pv_test_read(path, len);
}

static int64_t count_profiles(pv_store *s)
{
    pv_profile_info *infos;
    size_t n;
    pv_err err;
    ck_assert_int_eq(pv_store_list(s, &infos, &n, &err), PV_OK);
    pv_profile_info_free_array(infos, n);
    return (int64_t)n;
}

START_TEST(a_recorded_file_carries_its_tree)
{
    size_t len;
    unsigned char *buf = read_recorded("fib.prof", &len);
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(len));
    pv_profile p;
    pv_err err;
    ck_assert_msg(pv_pstats_parse(buf, len, &arena, &p, &err) == PV_OK, "%s", err.msg);
    ck_assert_ptr_nonnull(p.recorded);
    const pv_recorded *r = p.recorded;
    /* The trailer is not trailing garbage: no warning. */
    ck_assert_uint_eq(p.n_warnings, 0);
    ck_assert_uint_eq(p.trailing_bytes, 0);
    ck_assert_uint_eq(r->n_nodes, 37);
    ck_assert_int_eq(r->threads, 1);
    ck_assert_str_eq(r->recorder, "trailer.py");
    /* The tree agrees with the dict: per function, the calls of its nodes
     * are its nc. */
    for (size_t f = 0; f < p.n_entries; f++) {
        int64_t calls = 0;
        for (size_t i = 0; i < r->n_nodes; i++)
            calls += r->nodes[i].func == f ? r->nodes[i].calls : 0;
        ck_assert_msg(calls == p.funcs[f].nc, "%s: nodes hold %lld calls, nc is %lld",
                      p.funcs[f].name, (long long)calls, (long long)p.funcs[f].nc);
    }
    ck_assert_uint_eq(r->nodes[0].parent, PV_NODE_TOP);
    for (size_t i = 1; i < r->n_nodes; i++)
        ck_assert(r->nodes[i].parent == PV_NODE_TOP || r->nodes[i].parent < i);
    pv_arena_release(&arena);
    free(buf);
}
END_TEST

START_TEST(the_overflow_key_becomes_an_overflow_node)
{
    size_t len;
    unsigned char *buf = read_recorded("overflow.prof", &len);
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(len));
    pv_profile p;
    pv_err err;
    ck_assert_msg(pv_pstats_parse(buf, len, &arena, &p, &err) == PV_OK, "%s", err.msg);
    size_t overflow = 0;
    int64_t calls = 0;
    for (size_t i = 0; i < p.recorded->n_nodes; i++) {
        if (p.recorded->nodes[i].func == PV_NODE_OVERFLOW) {
            overflow++;
            calls += p.recorded->nodes[i].calls;
        }
    }
    ck_assert_uint_gt(overflow, 0);
    ck_assert_int_eq(calls, p.recorded->overflow_calls);
    pv_arena_release(&arena);
    free(buf);
}
END_TEST

START_TEST(a_name_holding_nul_matches_its_function)
{
    size_t len;
    unsigned char *buf = read_recorded("nul_name.prof", &len);
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(len));
    pv_profile p;
    pv_err err;
    ck_assert_msg(pv_pstats_parse(buf, len, &arena, &p, &err) == PV_OK, "%s", err.msg);
    ck_assert_str_eq(p.funcs[0].name, "f\xe2\x90\x80g");
    ck_assert_uint_eq(p.recorded->n_nodes, 1);
    ck_assert_uint_eq(p.recorded->nodes[0].func, 0);
    pv_arena_release(&arena);
    free(buf);
}
END_TEST

/* Every line of damaged/expected.tsv: FILE, OFFSET, WORDS. */
START_TEST(every_damaged_trailer_is_refused_with_its_offset_and_nothing_is_stored)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/recorded/damaged/expected.tsv", data_dir());
    size_t len;
    char *tsv = (char *)pv_test_read(path, &len);
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s;
    pv_err err;
    ck_assert_int_eq(pv_store_open(t.path, 0, &s, &err), PV_OK);
    size_t cases = 0;
    for (char *line = strtok(tsv, "\n"); line; line = strtok(NULL, "\n")) {
        char *name = line, *offset = strchr(name, '\t');
        ck_assert_ptr_nonnull(offset);
        *offset++ = '\0';
        char *words = strchr(offset, '\t');
        ck_assert_ptr_nonnull(words);
        *words++ = '\0';
        snprintf(path, sizeof path, "%s/recorded/damaged/%s", data_dir(), name);
        pv_load_result res;
        int rc = pv_load_file(s, path, NULL, &res, &err);
        ck_assert_msg(rc == PV_E_FORMAT, "%s: loaded (%d): %s", name, rc, err.msg);
        char want[1200];
        snprintf(want, sizeof want, "%s: byte %s: trailer", path, offset);
        ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s: message '%s', expected "
                      "it to start '%s'", name, err.msg, want);
        ck_assert_msg(strstr(err.msg, words), "%s: message '%s' does not say '%s'", name,
                      err.msg, words);
        cases++;
    }
    /* docs/recorded-tree.md's list, each case at least once. */
    ck_assert_uint_ge(cases, 20);
    ck_assert_int_eq(count_profiles(s), 0);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
    free(tsv);
}
END_TEST

/* A trailer counts against the load's memory cap: below what it needs
 * the load is refused, naming the limit, never a crash. */
START_TEST(a_trailer_keeps_the_memory_cap)
{
    size_t len;
    unsigned char *buf = read_recorded("random_graph.prof", &len);
    size_t limit = 4096;
    int refused = 0;
    for (;; limit *= 2) {
        pv_arena arena;
        pv_arena_init(&arena, limit);
        pv_profile p;
        pv_err err;
        int rc = pv_pstats_parse(buf, len, &arena, &p, &err);
        pv_arena_release(&arena);
        if (rc == PV_OK)
            break;
        ck_assert_msg(rc == PV_E_TOO_BIG && strstr(err.msg, "limit"), "%zu: %s", limit, err.msg);
        refused++;
    }
    ck_assert_int_gt(refused, 0);
    ck_assert_uint_le(limit, pv_load_memory_limit(len));
    free(buf);
}
END_TEST

START_TEST(a_recorded_profile_round_trips_through_the_store)
{
    pv_test_tmp t;
    pv_test_tmp_init(&t);
    pv_store *s;
    pv_err err;
    ck_assert_int_eq(pv_store_open(t.path, 0, &s, &err), PV_OK);
    char path[1024];
    snprintf(path, sizeof path, "%s/recorded/overflow.prof", data_dir());
    pv_load_result res;
    ck_assert_msg(pv_load_file(s, path, NULL, &res, &err) == PV_OK, "%s", err.msg);
    free(res.warnings);
    size_t len;
    unsigned char *buf = pv_test_read(path, &len);
    pv_arena a1, a2;
    pv_arena_init(&a1, pv_load_memory_limit(len));
    pv_arena_init(&a2, pv_load_memory_limit(len));
    pv_profile parsed, back;
    ck_assert_int_eq(pv_pstats_parse(buf, len, &a1, &parsed, &err), PV_OK);
    ck_assert_msg(pv_store_read(s, res.id, &a2, &back, &err) == PV_OK, "%s", err.msg);
    const pv_recorded *r = parsed.recorded, *q = back.recorded;
    ck_assert_ptr_nonnull(q);
    ck_assert_uint_eq(q->n_nodes, r->n_nodes);
    ck_assert_int_eq(q->overflow_calls, r->overflow_calls);
    ck_assert_int_eq(q->max_paths, r->max_paths);
    ck_assert_str_eq(q->timer, r->timer);
    for (size_t i = 0; i < r->n_nodes; i++) {
        ck_assert_uint_eq(q->nodes[i].parent, r->nodes[i].parent);
        ck_assert_uint_eq(q->nodes[i].func, r->nodes[i].func);
        ck_assert_int_eq(q->nodes[i].calls, r->nodes[i].calls);
        ck_assert(q->nodes[i].tt == r->nodes[i].tt && q->nodes[i].ct == r->nodes[i].ct);
    }
    /* A plain pstats profile reads back without a tree. */
    snprintf(path, sizeof path, "%s/groundtruth/fib.prof", data_dir());
    ck_assert_int_eq(pv_load_file(s, path, NULL, &res, &err), PV_OK);
    free(res.warnings);
    pv_arena_release(&a2);
    pv_arena_init(&a2, pv_load_memory_limit(len));
    ck_assert_int_eq(pv_store_read(s, res.id, &a2, &back, &err), PV_OK);
    ck_assert_ptr_null(back.recorded);
    pv_arena_release(&a1);
    pv_arena_release(&a2);
    free(buf);
    pv_store_close(s);
    pv_test_tmp_remove(&t);
}
END_TEST

Suite *pv_trailer_suite(void)
{
    Suite *s = suite_create("trailer");
    TCase *tc = tcase_create("trailer");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_recorded_file_carries_its_tree);
    tcase_add_test(tc, the_overflow_key_becomes_an_overflow_node);
    tcase_add_test(tc, a_name_holding_nul_matches_its_function);
    tcase_add_test(tc, every_damaged_trailer_is_refused_with_its_offset_and_nothing_is_stored);
    tcase_add_test(tc, a_trailer_keeps_the_memory_cap);
    tcase_add_test(tc, a_recorded_profile_round_trips_through_the_store);
    suite_add_tcase(s, tc);
    return s;
}
