/* test_pstats_write.c — the pstats writer (export/pstats_write.h) and
 * merging (loader/merge.h), in process.
 *
 * Writer: every committed profile that loads (pstats dumps, recorded
 * dumps, folded, speedscope, cpuprofile and callgrind files) is written,
 * the dump parsed again, and the two profiles compared field by field:
 * keys, counts, times (divided by the unit's per-second count, exactly as
 * the writer divides), edges and their kind, the exact tree, and the unit
 * when the dump can carry it; writing the reloaded profile gives the same
 * bytes.  (Python's pstats reading the output is tests/cli's
 * test_pstats_write.py.)  With PV_FIXTURES=shared (pstats_write_shared)
 * the writer's round trip runs over the shared corpus and formats.
 * Merge: N copies give N times every figure (summed in the same order, so
 * compared exactly); two different trees give the union of their paths,
 * figures summed; units that do not add up, a count edge meeting a tuple
 * edge, and a tree only some inputs have are refused or said.
 * The writer sees only stored profiles, which a reader has checked, never
 * a file: it needs no fuzzing of its own.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "merge.h"
#include "pstats_write.h"
#include "testutil.h"
#include "units.h"

Suite *pv_pstats_write_suite(void);

#define ARENA ((size_t)1 << 30)

static const char *data_dir(void)
{
    const char *d = getenv("PV_TEST_DATA");
    return d ? d : "tests/data";
}

/* A file parsed by content; the buffer is kept in *buf (caller frees). */
static int parse_file(const char *path, pv_arena *arena, pv_profile *p, unsigned char **buf)
{
    size_t len;
    *buf = pv_test_read(path, &len);
    pv_parsed parsed;
    pv_err err;
    int rc = pv_parse_bytes("x", "test", *buf, len, NULL, &parsed, &err);
    if (rc != PV_OK)
        return rc;
    /* The parse's arena joins the caller's lifetime by moving it. */
    *arena = parsed.arena;
    *p = parsed.profile;
    return PV_OK;
}

static int parse_dump(const pv_jbuf *dump, pv_arena *arena, pv_profile *p)
{
    pv_err err;
    pv_arena_init(arena, ARENA);
    int rc = pv_pstats_parse((const unsigned char *)dump->s, dump->len, arena, p, &err);
    ck_assert_msg(rc == PV_OK, "the written dump does not parse: %s", err.msg);
    return rc;
}

static int same_double(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

static void compare(const char *what, const pv_profile *a, const pv_profile *b)
{
    double d = pv_unit_per_second(a->unit);
    if (!d)
        d = 1;
    ck_assert_msg(a->n_entries == b->n_entries && a->n_funcs == b->n_funcs,
                  "%s: %zu/%zu functions, %zu/%zu back", what, a->n_entries, a->n_funcs,
                  b->n_entries, b->n_funcs);
    for (size_t i = 0; i < a->n_funcs; i++) {
        const pv_func *x = &a->funcs[i], *y = &b->funcs[i];
        /* Functions sharing a key come back as "name [2]", ... */
        size_t nl = strlen(x->name);
        int same_name = strcmp(x->name, y->name) == 0 ||
                        (strncmp(x->name, y->name, nl) == 0 && strncmp(y->name + nl, " [", 2) == 0);
        ck_assert_msg(strcmp(x->file, y->file) == 0 && x->line == y->line && same_name,
                      "%s: function %zu is %s:%lld(%s), back "
                      "%s:%lld(%s)", what, i, x->file, (long long)x->line, x->name, y->file,
                      (long long)y->line, y->name);
        ck_assert_msg(x->cc == y->cc && x->nc == y->nc && same_double(x->tt / d, y->tt) &&
                      same_double(x->ct / d, y->ct), "%s: %s's figures differ", what, x->name);
    }
    ck_assert_uint_eq(a->n_edges, b->n_edges);
    for (size_t i = 0; i < a->n_edges; i++) {
        const pv_edge *x = &a->edges[i], *y = &b->edges[i];
        ck_assert_msg(x->caller == y->caller && x->callee == y->callee &&
                      x->is_count == y->is_count && x->nc == y->nc,
                      "%s: edge %zu differs", what, i);
        if (!x->is_count)
            ck_assert_msg(x->cc == y->cc && same_double(x->tt / d, y->tt) &&
                          same_double(x->ct / d, y->ct), "%s: edge %zu's figures differ",
                          what, i);
    }
    ck_assert_msg(!a->recorded == !b->recorded, "%s: the tree was %s", what,
                  a->recorded ? "lost" : "made up");
    if (a->recorded) {
        const pv_recorded *x = a->recorded, *y = b->recorded;
        ck_assert_uint_eq(x->n_nodes, y->n_nodes);
        for (size_t i = 0; i < x->n_nodes; i++) {
            const pv_node *m = &x->nodes[i], *n = &y->nodes[i];
            ck_assert_msg(m->parent == n->parent && m->func == n->func && m->calls == n->calls &&
                          m->tt / d == n->tt && m->ct / d == n->ct, "%s: node %zu differs", what, i);
        }
        ck_assert_int_eq(x->threads, y->threads);
        ck_assert_int_eq(x->max_paths, y->max_paths);
        ck_assert_int_eq(x->overflow_calls, y->overflow_calls);
        ck_assert_str_eq(x->timer ? x->timer : "", y->timer);
        ck_assert_str_eq(x->recorder ? x->recorder : "", y->recorder);
    }
    if (pv_pstats_unit_kept(a)) {
        ck_assert_str_eq(pv_pstats_in_seconds(a) ? "seconds" : a->unit, b->unit);
        ck_assert_str_eq(a->calls_unit ? a->calls_unit : "calls", b->calls_unit);
    }
}

/* Writes, parses back, compares, and writes again: the same bytes. */
static void round_trip(const char *path)
{
    pv_arena a1, a2, a3;
    pv_profile p, back, again;
    unsigned char *buf;
    if (parse_file(path, &a1, &p, &buf) != PV_OK) {
        free(buf);
        return;  /* a damaged fixture: nothing to write */
    }
    if (!p.n_entries) {
        pv_arena_release(&a1);  /* no function: export refuses it */
        free(buf);
        return;
    }
    pv_jbuf w1, w2;
    pv_jbuf_init(&w1, 1024);
    pv_pstats_write(&p, &w1);
    parse_dump(&w1, &a2, &back);
    compare(path, &p, &back);
    pv_jbuf_init(&w2, 1024);
    pv_pstats_write(&back, &w2);
    ck_assert_msg(w1.len == w2.len && memcmp(w1.s, w2.s, w1.len) == 0,
                  "%s: writing what was read back gives other bytes", path);
    parse_dump(&w2, &a3, &again);
    compare(path, &back, &again);
    pv_jbuf_free(&w1);
    pv_jbuf_free(&w2);
    pv_arena_release(&a1);
    pv_arena_release(&a2);
    pv_arena_release(&a3);
    free(buf);
}

/* The fixture set: the committed one, or the shared corpus (PV_FIXTURES). */
static const char *fixtures;
static int use_shared;

static void round_trip_dir(const char *sub, int *n)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", fixtures, sub);
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        size_t len = strlen(name);
        if (name[0] == '.' || strstr(name, ".expected.json") || strstr(name, ".summary.json") ||
            strcmp(name, "MANIFEST.json") == 0 || strcmp(name, "bad_manifest.json") == 0 ||
            (len > 3 && strcmp(name + len - 3, ".md") == 0) ||
            (len > 3 && strcmp(name + len - 3, ".py") == 0) ||
            (len > 2 && strcmp(name + len - 2, ".c") == 0) || strcmp(name, "damaged") == 0)
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        round_trip(path);
        (*n)++;
    }
    closedir(d);
}

START_TEST(every_fixture_writes_and_reads_back_the_same)
{
    static const char *const committed[] = {"pstats", "realworld", "recorded", "groundtruth",
                                            "formats/folded", "formats/speedscope",
                                            "formats/cpuprofile", "formats/callgrind", NULL};
    static const char *const corpus[] = {"corpus", "realworld", "formats/folded",
                                         "formats/speedscope", "formats/cpuprofile",
                                         "formats/callgrind", NULL};
    int n = 0;
    for (const char *const *d = use_shared ? corpus : committed; *d; d++)
        round_trip_dir(*d, &n);
    ck_assert_int_gt(n, 150);
}
END_TEST

/* ---- merge ------------------------------------------------------------ */

/* A committed fixture (the merge tests use only those). */
static void load_named(const char *sub, pv_arena *arena, pv_profile *p, unsigned char **buf)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", data_dir(), sub);
    ck_assert_msg(parse_file(path, arena, p, buf) == PV_OK, "%s does not load", path);
}

START_TEST(n_copies_give_n_times_every_figure)
{
    static const char *const files[] = {"pstats/recursion.prof", "realworld/gprof2dot__2007_hotshot.prof",
                                        "recorded/fib.prof"};
    for (size_t f = 0; f < 3; f++) {
        pv_arena a, m;
        pv_profile p, out;
        unsigned char *buf;
        load_named(files[f], &a, &p, &buf);
        const pv_profile *in[3] = {&p, &p, &p};
        const char *names[3] = {"a", "b", "c"};
        pv_err err;
        pv_arena_init(&m, ARENA);
        ck_assert_int_eq(pv_merge(in, names, 3, &m, &out, &err), PV_OK);
        ck_assert_uint_eq(out.n_funcs, p.n_funcs);
        ck_assert_uint_eq(out.n_entries, p.n_entries);
        ck_assert_uint_eq(out.n_edges, p.n_edges);
        ck_assert_int_eq(out.total_calls, 3 * p.total_calls);
        ck_assert_int_eq(out.prim_calls, 3 * p.prim_calls);
        ck_assert(out.total_tt == 0.0 + p.total_tt + p.total_tt + p.total_tt);
        for (size_t i = 0; i < p.n_funcs; i++) {
            const pv_func *x = &p.funcs[i], *y = &out.funcs[i];
            ck_assert_str_eq(x->name, y->name);
            ck_assert_int_eq(y->nc, 3 * x->nc);
            ck_assert_int_eq(y->cc, 3 * x->cc);
            ck_assert(y->tt == 0.0 + x->tt + x->tt + x->tt);
            ck_assert(y->ct == 0.0 + x->ct + x->ct + x->ct);
        }
        for (size_t i = 0; i < p.n_edges; i++) {
            ck_assert_int_eq(out.edges[i].caller, p.edges[i].caller);
            ck_assert_int_eq(out.edges[i].callee, p.edges[i].callee);
            ck_assert_int_eq(out.edges[i].nc, 3 * p.edges[i].nc);
            ck_assert_int_eq(out.edges[i].is_count, p.edges[i].is_count);
        }
        ck_assert(!p.recorded == !out.recorded);
        if (p.recorded) {
            ck_assert_uint_eq(out.recorded->n_nodes, p.recorded->n_nodes);
            for (size_t i = 0; i < p.recorded->n_nodes; i++) {
                ck_assert_int_eq(out.recorded->nodes[i].parent, p.recorded->nodes[i].parent);
                ck_assert_int_eq(out.recorded->nodes[i].calls, 3 * p.recorded->nodes[i].calls);
            }
            ck_assert_int_eq(out.recorded->threads, 3 * p.recorded->threads);
        }
        pv_arena_release(&m);
        pv_arena_release(&a);
        free(buf);
    }
}
END_TEST

/* Every node's path, as text ("key;key;..."), with its figures. */
typedef struct path_fig {
    char *path;
    int64_t calls;
    double tt, ct;
} path_fig;

static path_fig *paths_of(const pv_profile *p)
{
    const pv_recorded *r = p->recorded;
    path_fig *out = calloc(r->n_nodes + 1, sizeof *out);
    for (size_t i = 0; i < r->n_nodes; i++) {
        const pv_node *n = &r->nodes[i];
        const char *up = n->parent == PV_NODE_TOP ? "" : out[n->parent].path;
        char key[2000];
        if (n->func == PV_NODE_OVERFLOW)
            snprintf(key, sizeof key, "%s;(overflow)", up);
        else
            snprintf(key, sizeof key, "%s;%s:%lld:%s", up, p->funcs[n->func].file,
                     (long long)p->funcs[n->func].line, p->funcs[n->func].name);
        out[i] = (path_fig){strdup(key), n->calls, n->tt, n->ct};
    }
    return out;
}

static const path_fig *find_path(const path_fig *ps, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ps[i].path, path) == 0)
            return &ps[i];
    return NULL;
}

static void free_paths(path_fig *ps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ps[i].path);
    free(ps);
}

START_TEST(two_trees_merge_into_the_union_of_their_paths)
{
    pv_arena a1, a2, m;
    pv_profile p1, p2, out;
    unsigned char *b1, *b2;
    load_named("recorded/fib.prof", &a1, &p1, &b1);
    load_named("recorded/diamond.prof", &a2, &p2, &b2);
    const pv_profile *in[2] = {&p1, &p2};
    const char *names[2] = {"fib.prof", "diamond.prof"};
    pv_err err;
    pv_arena_init(&m, ARENA);
    ck_assert_int_eq(pv_merge(in, names, 2, &m, &out, &err), PV_OK);
    ck_assert_ptr_nonnull(out.recorded);
    path_fig *x = paths_of(&p1), *y = paths_of(&p2), *z = paths_of(&out);
    size_t nx = p1.recorded->n_nodes, ny = p2.recorded->n_nodes, nz = out.recorded->n_nodes;
    /* Every merged path is in one input or both, with the figures summed;
     * every input path is merged. */
    size_t shared = 0;
    for (size_t i = 0; i < nz; i++) {
        const path_fig *u = find_path(x, nx, z[i].path), *v = find_path(y, ny, z[i].path);
        ck_assert_msg(u || v, "merged path %s is in neither input", z[i].path);
        shared += u && v;
        ck_assert_int_eq(z[i].calls, (u ? u->calls : 0) + (v ? v->calls : 0));
        ck_assert(z[i].tt == 0.0 + (u ? u->tt : 0) + (v ? v->tt : 0));
        ck_assert(z[i].ct == 0.0 + (u ? u->ct : 0) + (v ? v->ct : 0));
    }
    ck_assert_uint_eq(nz, nx + ny - shared);
    /* Pre-order, as pv_recorded wants: a parent comes first. */
    for (size_t i = 0; i < nz; i++)
        ck_assert(out.recorded->nodes[i].parent == PV_NODE_TOP ||
                  out.recorded->nodes[i].parent < i);
    /* And the writer keeps it: written and read back, the same tree. */
    pv_jbuf w;
    pv_jbuf_init(&w, 1024);
    pv_pstats_write(&out, &w);
    pv_arena a3;
    pv_profile back;
    parse_dump(&w, &a3, &back);
    compare("merged trees", &out, &back);
    pv_jbuf_free(&w);
    pv_arena_release(&a3);
    free_paths(x, nx);
    free_paths(y, ny);
    free_paths(z, nz);
    pv_arena_release(&m);
    pv_arena_release(&a1);
    pv_arena_release(&a2);
    free(b1);
    free(b2);
}
END_TEST

START_TEST(a_tree_only_some_inputs_have_is_left_out_and_said)
{
    pv_arena a1, a2, m;
    pv_profile p1, p2, out;
    unsigned char *b1, *b2;
    load_named("recorded/fib.prof", &a1, &p1, &b1);
    load_named("pstats/recursion.prof", &a2, &p2, &b2);
    const pv_profile *in[2] = {&p1, &p2};
    const char *names[2] = {"fib.prof", "recursion.prof"};
    pv_err err;
    pv_arena_init(&m, ARENA);
    ck_assert_int_eq(pv_merge(in, names, 2, &m, &out, &err), PV_OK);
    ck_assert_ptr_null(out.recorded);
    ck_assert_uint_eq(out.n_warnings, 1);
    ck_assert_ptr_nonnull(strstr(out.warnings[0], "recursion.prof has none"));
    /* Entries: the union of both inputs' keys. */
    size_t both = 0;
    for (size_t i = 0; i < p1.n_entries; i++)
        for (size_t j = 0; j < p2.n_entries; j++)
            both += strcmp(p1.funcs[i].file, p2.funcs[j].file) == 0 &&
                    p1.funcs[i].line == p2.funcs[j].line &&
                    strcmp(p1.funcs[i].name, p2.funcs[j].name) == 0;
    ck_assert_uint_eq(out.n_entries, p1.n_entries + p2.n_entries - both);
    pv_arena_release(&m);
    pv_arena_release(&a1);
    pv_arena_release(&a2);
    free(b1);
    free(b2);
}
END_TEST

/* Two one-function profiles: main calls f, by a tuple or a count edge. */
static void tiny(pv_profile *p, pv_func funcs[2], pv_edge *e, const char *unit, double t,
                 int is_count)
{
    funcs[0] = (pv_func){.file = "a.py", .name = "main", .line = 1, .cc = 1, .nc = 1, .tt = t,
                         .ct = 3 * t};
    funcs[1] = (pv_func){.file = "a.py", .name = "f", .line = 5, .cc = 2, .nc = 2, .tt = 2 * t,
                         .ct = 2 * t};
    *e = (pv_edge){.caller = 0, .callee = 1, .nc = 2, .cc = 2, .tt = is_count ? 0 : 2 * t,
                   .ct = is_count ? 0 : 2 * t, .is_count = (uint8_t)is_count};
    *p = (pv_profile){.format = "pstats", .unit = unit, .calls_unit = "calls", .funcs = funcs,
                      .n_funcs = 2, .n_entries = 2, .edges = e, .n_edges = 1, .total_calls = 3,
                      .prim_calls = 3, .total_tt = 3 * t};
}

START_TEST(time_units_convert_and_other_units_are_refused)
{
    pv_func f1[2], f2[2];
    pv_edge e1, e2;
    pv_profile p1, p2, out;
    const pv_profile *in[2] = {&p1, &p2};
    const char *names[2] = {"ms.json", "s.prof"};
    pv_arena m;
    pv_err err;
    pv_arena_init(&m, ARENA);
    tiny(&p1, f1, &e1, "milliseconds", 1500, 0);
    tiny(&p2, f2, &e2, "seconds", 0.5, 0);
    ck_assert_int_eq(pv_merge(in, names, 2, &m, &out, &err), PV_OK);
    ck_assert_str_eq(out.unit, "seconds");
    ck_assert(out.funcs[0].tt == 2.0 && out.funcs[1].tt == 4.0 && out.edges[0].ct == 4.0);
    ck_assert(out.total_tt == 6.0);
    /* The same unit stays as it is. */
    tiny(&p2, f2, &e2, "milliseconds", 500, 0);
    ck_assert_int_eq(pv_merge(in, names, 2, &m, &out, &err), PV_OK);
    ck_assert_str_eq(out.unit, "milliseconds");
    ck_assert(out.funcs[0].tt == 2000.0);
    /* Samples and seconds: refused, naming both. */
    tiny(&p2, f2, &e2, "samples", 5, 0);
    ck_assert_int_eq(pv_merge(in, names, 2, &m, &out, &err), PV_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "s.prof (in samples)"));
    ck_assert_ptr_nonnull(strstr(err.msg, "ms.json (in milliseconds)"));
    /* Calls and samples: refused. */
    tiny(&p2, f2, &e2, "milliseconds", 5, 0);
    p2.calls_unit = "samples";
    ck_assert_int_eq(pv_merge(in, names, 2, &m, &out, &err), PV_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "a call and a sample"));
    pv_arena_release(&m);
}
END_TEST

START_TEST(a_count_edge_meeting_a_tuple_edge_is_refused_as_pstats_does)
{
    pv_func f1[2], f2[2];
    pv_edge e1, e2;
    pv_profile p1, p2, out;
    const pv_profile *in[2] = {&p1, &p2};
    const char *names[2] = {"cprofile.prof", "profile.prof"};
    pv_arena m;
    pv_err err;
    pv_arena_init(&m, ARENA);
    tiny(&p1, f1, &e1, "seconds", 1, 0);
    tiny(&p2, f2, &e2, "seconds", 1, 1);
    ck_assert_int_eq(pv_merge(in, names, 2, &m, &out, &err), PV_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot merge profile.prof"));
    ck_assert_ptr_nonnull(strstr(err.msg, "a.py:1(main) to a.py:5(f)"));
    /* Count edges with count edges add up, as Stats.add adds ints. */
    tiny(&p1, f1, &e1, "seconds", 1, 1);
    ck_assert_int_eq(pv_merge(in, names, 2, &m, &out, &err), PV_OK);
    ck_assert(out.edges[0].is_count && out.edges[0].nc == 4);
    pv_arena_release(&m);
}
END_TEST

START_TEST(the_trailer_carries_a_unit_that_is_not_time)
{
    pv_func f[2];
    pv_edge e;
    pv_profile p;
    tiny(&p, f, &e, "samples", 3, 0);
    p.calls_unit = "samples";
    pv_node nodes[2] = {{.parent = PV_NODE_TOP, .func = 0, .calls = 3, .tt = 3, .ct = 9},
                        {.parent = 0, .func = 1, .calls = 2, .tt = 6, .ct = 6}};
    pv_recorded rec = {.nodes = nodes, .n_nodes = 2, .threads = 1, .timer = "samples",
                       .recorder = "test"};
    p.recorded = &rec;
    ck_assert(!pv_pstats_in_seconds(&p) && pv_pstats_unit_kept(&p));
    pv_jbuf w;
    pv_jbuf_init(&w, 256);
    pv_pstats_write(&p, &w);
    pv_arena a;
    pv_profile back;
    parse_dump(&w, &a, &back);
    ck_assert_str_eq(back.unit, "samples");
    ck_assert_str_eq(back.calls_unit, "samples");
    ck_assert(back.funcs[1].tt == 6 && back.recorded->nodes[1].tt == 6);
    pv_arena_release(&a);
    pv_jbuf_free(&w);
    /* A unit no page could print is refused, with the trailer's offset. */
    char long_unit[70];
    memset(long_unit, 'x', 65);
    long_unit[65] = '\0';
    p.unit = long_unit;
    pv_jbuf_init(&w, 256);
    pv_pstats_write(&p, &w);
    pv_err err;
    pv_arena_init(&a, ARENA);
    ck_assert_int_eq(pv_pstats_parse((const unsigned char *)w.s, w.len, &a, &back, &err),
                     PV_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "trailer: meta \"unit\" is 65 bytes long, not 1 to 64"));
    pv_arena_release(&a);
    pv_jbuf_free(&w);
    /* Without a tree the dump cannot say it: the unit is not kept. */
    p.unit = "samples";
    p.recorded = NULL;
    ck_assert(!pv_pstats_unit_kept(&p));
}
END_TEST

Suite *pv_pstats_write_suite(void)
{
    Suite *s = suite_create("pstats_write");
    fixtures = pv_test_fixtures(&use_shared);
    if (!fixtures)
        return s;
    TCase *tc = tcase_create("pstats_write");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_fixture_writes_and_reads_back_the_same);
    tcase_add_test(tc, n_copies_give_n_times_every_figure);
    tcase_add_test(tc, two_trees_merge_into_the_union_of_their_paths);
    tcase_add_test(tc, a_tree_only_some_inputs_have_is_left_out_and_said);
    tcase_add_test(tc, time_units_convert_and_other_units_are_refused);
    tcase_add_test(tc, a_count_edge_meeting_a_tuple_edge_is_refused_as_pstats_does);
    tcase_add_test(tc, the_trailer_carries_a_unit_that_is_not_time);
    suite_add_tcase(s, tc);
    return s;
}
