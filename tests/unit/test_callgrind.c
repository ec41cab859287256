/* test_callgrind.c — the callgrind reader against the formats oracle, and
 * through the store and the API.
 *
 * Every valid file with an oracle (FILE.expected.json, written by
 * ../shared/formats/oracle_formats.py) must agree with it once callgrind's
 * recursion levels (fib'2) are merged into their functions: total and
 * self cost exactly, every caller->callee call count, every edge's
 * inclusive cost (outside recursion cycles: inside them only the count is
 * honest), every function's inclusive cost (outside cycles; inside, the
 * bounds the oracle proves), and each cycle's entry cost where the cycle
 * is the oracle's.  Every invalid one gets PV_E_FORMAT naming the
 * oracle's line.  Fixtures: tests/data/formats/callgrind; run as
 * callgrind_shared (PV_FIXTURES=shared) over ../shared/formats/callgrind,
 * which reports a skip when absent.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api_fixture.h"
#include "ctx.h"
#include "graph.h"
#include "loader.h"
#include "readers.h"
#include "testutil.h"
#include "testutil_api.h"

Suite *pv_callgrind_suite(void);

#define MAX_FILES 128

static char dir[1100];
static char *files[MAX_FILES];  /* fixture names with an oracle */
static size_t n_files;

/* ---- fixtures ---------------------------------------------------------- */

static void find_fixtures(void)
{
    int shared;
    const char *base = pv_test_fixtures(&shared);
    if (!base)
        return;
    snprintf(dir, sizeof dir, "%s/formats/callgrind", base);
    DIR *d = opendir(dir);
    if (!d) {
        pv_test_skip("no formats/callgrind directory in the fixtures");
        return;
    }
    const char *suffix = ".expected.json";
    for (struct dirent *e; (e = readdir(d)) && n_files < MAX_FILES;) {
        size_t n = strlen(e->d_name), k = strlen(suffix);
        if (n > k && strcmp(e->d_name + n - k, suffix) == 0)
            files[n_files++] = strndup(e->d_name, n - k);
    }
    closedir(d);
}

static cJSON *read_json(const char *path)
{
    size_t len;
    unsigned char *text = pv_test_read(path, &len);
    cJSON *j = cJSON_ParseWithLength((const char *)text, len);
    ck_assert_msg(j != NULL, "%s: not JSON", path);
    free(text);
    return j;
}

typedef struct parsed {
    pv_arena arena;
    pv_profile p;
    int rc;
    pv_err err;
} parsed;

static void parse(parsed *out, const char *path, const char *event)
{
    size_t len;
    unsigned char *buf = pv_test_read(path, &len);
    pv_arena_init(&out->arena, pv_load_memory_limit(len));
    pv_load_opts opts = {.event = event};
    out->rc = pv_callgrind_parse(buf, len, &opts, &out->arena, &out->p, &out->err);
    free(buf);
}

/* ---- the oracle, merged as the reader merges ------------------------- */

/* A function of the oracle once recursion levels are dropped: the reader
 * keys it (object, file, name); the model shows (file or object, name). */
typedef struct group {
    char *object, *file, *name;
    char *shown;     /* the name as the profile shows it */
    long line;       /* the line it shows when the name gave one, else 0 */
    double self;
    int n;           /* oracle functions in it */
    int mine;        /* index in the parsed profile, -1 when ambiguous */
} group;

typedef struct oracle_view {
    group *groups;
    size_t n_groups;
    int *of;         /* oracle function id -> group */
} oracle_view;

static char *base_name(const char *name)
{
    size_t n = strlen(name), k = n;
    while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
        k--;
    if (k < n && k >= 2 && name[k - 1] == '\'' && atol(name + k) >= 2)
        return strndup(name, k - 1);
    return strdup(name);
}

/* The name the profile shows: a Python writer's "NAME FILE:LINE" is NAME
 * when FILE is the function's file (yappi) or its module (lsprofcalltree). */
static char *display_name(const char *name, const char *file, long *line)
{
    *line = 0;
    const char *colon = strrchr(name, ':');
    if (!colon || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
        return strdup(name);
    char want[1100];
    snprintf(want, sizeof want, " %s", file);
    size_t wn = strlen(want);
    const char *sp = NULL;
    if ((size_t)(colon - name) > wn && strncmp(colon - wn, want, wn) == 0) {
        sp = colon - wn + 1;
    } else {
        const char *at = colon;
        while (at > name && at[-1] != ' ')
            at--;
        char loc[1024];
        snprintf(loc, sizeof loc, "%.*s", (int)(colon - at), at);
        size_t fn = strlen(file), n = strlen(loc);
        int same = n > 0 && at > name + 1 && fn >= n + 4 && strcmp(file + fn - 3, ".py") == 0 &&
                   (fn == n + 3 || file[fn - 3 - n - 1] == '/');
        for (size_t i = 0; i < n && same; i++)
            same = file[fn - 3 - n + i] == (loc[i] == '.' ? '/' : loc[i]);
        if (same)
            sp = at;
    }
    if (!sp || sp < name + 2)
        return strdup(name);
    *line = atol(colon + 1);
    return strndup(name, (size_t)(sp - 1 - name));
}

static const char *display_file(const group *g)
{
    int unknown = g->file[0] == '\0' || strcmp(g->file, "???") == 0;
    return unknown && g->object[0] ? g->object : g->file;
}

static oracle_view merge_oracle(const cJSON *funcs, const pv_profile *p)
{
    size_t n = (size_t)cJSON_GetArraySize(funcs);
    oracle_view v = {calloc(n + 1, sizeof(group)), 0, calloc(n + 1, sizeof(int))};
    const cJSON *f;
    cJSON_ArrayForEach(f, funcs) {
        char *name = base_name(str(f, "name"));
        const char *object = str(f, "object"), *file = str(f, "file");
        size_t g = 0;
        while (g < v.n_groups && !(strcmp(v.groups[g].name, name) == 0 &&
                                   strcmp(v.groups[g].file, file) == 0 &&
                                   strcmp(v.groups[g].object, object) == 0))
            g++;
        if (g == v.n_groups) {
            v.groups[g] = (group){strdup(object), strdup(file), strdup(name), NULL, 0, 0, 0, -1};
            v.groups[g].shown = display_name(name, file, &v.groups[g].line);
            v.n_groups++;
        }
        free(name);
        v.groups[g].self += num(f, "self");
        v.groups[g].n++;
        v.of[(int)num(f, "id")] = (int)g;
    }
    /* Each group's function in the profile, by what the profile shows;
     * two groups showing the same are left out of the comparison. */
    for (size_t g = 0; g < v.n_groups; g++) {
        size_t same = 0;
        for (size_t h = 0; h < v.n_groups; h++)
            same += strcmp(v.groups[h].shown, v.groups[g].shown) == 0 &&
                    v.groups[h].line == v.groups[g].line &&
                    strcmp(display_file(&v.groups[h]), display_file(&v.groups[g])) == 0;
        for (size_t i = 0; same == 1 && i < p->n_funcs; i++)
            if (strcmp(p->funcs[i].name, v.groups[g].shown) == 0 &&
                (!v.groups[g].line || p->funcs[i].line == v.groups[g].line) &&
                strcmp(p->funcs[i].file, display_file(&v.groups[g])) == 0)
                v.groups[g].mine = (int)i;
    }
    return v;
}

static void free_view(oracle_view *v)
{
    for (size_t g = 0; g < v->n_groups; g++) {
        free(v->groups[g].object);
        free(v->groups[g].file);
        free(v->groups[g].name);
        free(v->groups[g].shown);
    }
    free(v->groups);
    free(v->of);
}

static const pv_edge *find_edge(const pv_profile *p, uint32_t caller, uint32_t callee)
{
    for (size_t e = 0; e < p->n_edges; e++)
        if (p->edges[e].caller == caller && p->edges[e].callee == callee)
            return &p->edges[e];
    return NULL;
}

/* The oracle's calls summed per pair of merged functions, in the
 * profile's indices: count, inclusive. */
typedef struct pair {
    int a, b;
    double count, incl;
} pair;

static pair *merge_calls(const cJSON *calls, const oracle_view *v, size_t *n_pairs,
                         char *partial)
{
    size_t cap = (size_t)cJSON_GetArraySize(calls) + 1, n = 0;
    pair *out = calloc(cap, sizeof *out);
    const cJSON *c;
    cJSON_ArrayForEach(c, calls) {
        int a = v->groups[v->of[(int)num(c, "caller")]].mine;
        int b = v->groups[v->of[(int)num(c, "callee")]].mine;
        if (a < 0 || b < 0) {
            /* The other end could not be told apart: this function's
             * sums are not all known to the test. */
            if (a >= 0)
                partial[a] = 1;
            if (b >= 0)
                partial[b] = 1;
            continue;
        }
        size_t k = 0;
        while (k < n && !(out[k].a == a && out[k].b == b))
            k++;
        if (k == n)
            out[n++] = (pair){a, b, 0, 0};
        out[k].count += num(c, "count");
        out[k].incl += num(c, "inclusive");
    }
    *n_pairs = n;
    return out;
}

static void check_valid(const char *name, const parsed *ps, const cJSON *o)
{
    const pv_profile *p = &ps->p;
    ck_assert_msg(ps->rc == PV_OK, "%s: %s", name, ps->err.msg);
    ck_assert_str_eq(p->format, "callgrind");
    ck_assert_str_eq(p->unit, str(o, "event"));
    ck_assert_str_eq(p->calls_unit, "calls");
    double total = num(o, "total_self_cost");
    ck_assert_msg(p->total_tt == total, "%s: total %.17g, oracle %.17g", name, p->total_tt, total);
    oracle_view v = merge_oracle(cJSON_GetObjectItem(o, "functions"), p);
    size_t compared = 0;
    for (size_t g = 0; g < v.n_groups; g++) {
        if (v.groups[g].mine < 0)
            continue;
        compared++;
        ck_assert_msg(p->funcs[v.groups[g].mine].tt == v.groups[g].self, "%s: %s self %.17g, oracle %.17g",
                      name, v.groups[g].name, p->funcs[v.groups[g].mine].tt, v.groups[g].self);
    }
    ck_assert_msg(p->n_funcs == v.n_groups, "%s: %zu functions, oracle %zu merged", name,
                  p->n_funcs, v.n_groups);
    ck_assert_msg(compared * 10 >= v.n_groups * 9, "%s: only %zu of %zu functions told apart",
                  name, compared, v.n_groups);

    size_t n_pairs;
    char *partial = calloc(p->n_funcs + 1, 1);
    pair *pairs = merge_calls(cJSON_GetObjectItem(o, "calls"), &v, &n_pairs, partial);
    double *out = calloc(p->n_funcs + 1, sizeof *out), *in = calloc(p->n_funcs + 1, sizeof *in);
    /* Functions with calls that carry counts only (in a recursion cycle,
     * or over-counted by their callers): their inclusive cost is bounded,
     * not the file's. */
    char *counted = calloc(p->n_funcs + 1, 1), *mapped = calloc(p->n_funcs + 1, 1);
    for (size_t g = 0; g < v.n_groups; g++)
        if (v.groups[g].mine >= 0)
            mapped[v.groups[g].mine] = 1;
    for (size_t e = 0; e < p->n_edges; e++) {
        const pv_edge *ed = &p->edges[e];
        if (ed->caller != ed->callee && ed->is_count)
            counted[ed->caller] = counted[ed->callee] = 1;
    }
    for (size_t k = 0; k < n_pairs; k++) {
        const pv_edge *e = find_edge(p, (uint32_t)pairs[k].a, (uint32_t)pairs[k].b);
        ck_assert_msg(e != NULL, "%s: no edge %s -> %s", name, p->funcs[pairs[k].a].name,
                      p->funcs[pairs[k].b].name);
        ck_assert_msg((double)e->nc == pairs[k].count, "%s: %s -> %s: %lld calls, oracle %.0f", name,
                      p->funcs[pairs[k].a].name, p->funcs[pairs[k].b].name, (long long)e->nc,
                      pairs[k].count);
        if (pairs[k].a == pairs[k].b) {
            ck_assert(e->is_count);
            continue;
        }
        if (e->is_count)
            continue;
        /* Nothing costs more than the program (lsprofcalltree's figures
         * can). */
        ck_assert_msg(e->ct == fmin(pairs[k].incl, total), "%s: %s -> %s: inclusive %.17g, oracle "
                      "%.17g", name, p->funcs[pairs[k].a].name, p->funcs[pairs[k].b].name, e->ct,
                      pairs[k].incl);
    }
    /* Each function's inclusive cost from the calls' (checked above). */
    for (size_t k = 0; k < n_pairs; k++) {
        if (pairs[k].a == pairs[k].b)
            continue;
        out[pairs[k].a] += pairs[k].incl;
        in[pairs[k].b] += pairs[k].incl;
    }
    for (size_t i = 0; i < p->n_funcs; i++) {
        const pv_func *f = &p->funcs[i];
        double incl = f->tt + out[i];
        double file = fmin(fmax(incl, in[i]), total);
        if (partial[i] || !mapped[i])
            continue;
        if (!counted[i])
            ck_assert_msg(f->ct == file, "%s: %s inclusive %.17g, oracle %.17g", name, f->name,
                          f->ct, file);
        else
            ck_assert_msg(f->ct >= f->tt && f->ct <= file, "%s: %s inclusive %.17g outside "
                          "[%.17g, %.17g]", name, f->name, f->ct, f->tt, file);
    }
    /* A cycle of the oracle that is one of ours: entered for exactly its
     * inclusive cost. */
    const cJSON *cycle;
    cJSON_ArrayForEach(cycle, cJSON_GetObjectItem(o, "cycles")) {
        char *member = calloc(p->n_funcs + 1, 1);
        const cJSON *m;
        int usable = 1;
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(cycle, "members")) {
            int g = v.of[(int)m->valuedouble];
            /* A member merged with its other recursion levels is more
             * than the oracle's member. */
            usable &= v.groups[g].mine >= 0 && v.groups[g].n == 1;
            if (usable)
                member[v.groups[g].mine] = 1;
        }
        double entry = 0;
        for (size_t e = 0; usable && e < p->n_edges; e++) {
            const pv_edge *ed = &p->edges[e];
            if (member[ed->callee] && !member[ed->caller]) {
                usable &= !ed->is_count;
                entry += ed->ct;
            }
        }
        if (usable)
            ck_assert_msg(entry == num(cycle, "inclusive"), "%s: a cycle entered for %.17g, oracle %.17g",
                          name, entry, num(cycle, "inclusive"));
        free(member);
    }
    free(out);
    free(in);
    free(counted);
    free(mapped);
    free(partial);
    free(pairs);
    free_view(&v);
}

/* "line N:" of the oracle's reason must start the reader's message. */
static void check_invalid(const char *name, const parsed *ps, const cJSON *o)
{
    ck_assert_msg(ps->rc == PV_E_FORMAT, "%s: accepted, oracle says %s", name, str(o, "reason"));
    const char *at = strstr(str(o, "reason"), "line ");
    ck_assert_msg(at != NULL, "%s: oracle reason without a line", name);
    size_t k = strcspn(at, ":");
    ck_assert_msg(strncmp(ps->err.msg, at, k + 1) == 0, "%s: \"%s\", oracle \"%s\"", name, ps->err.msg,
                  at);
}

START_TEST(every_callgrind_file_agrees_with_its_oracle)
{
    ck_assert_uint_gt(n_files, 0);
    for (size_t i = 0; i < n_files; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s.expected.json", dir, files[i]);
        cJSON *o = read_json(path);
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        parsed ps;
        parse(&ps, path, NULL);
        if (cJSON_IsTrue(cJSON_GetObjectItem(o, "valid")))
            check_valid(files[i], &ps, o);
        else
            check_invalid(files[i], &ps, o);
        pv_arena_release(&ps.arena);
        cJSON_Delete(o);
    }
}
END_TEST

/* ---- events ------------------------------------------------------------ */

static void fixture(char *path, size_t cap, const char *name)
{
    const char *data = getenv("PV_TEST_DATA");
    ck_assert_msg(data != NULL, "PV_TEST_DATA is not set");
    snprintf(path, cap, "%s/formats/callgrind/%s", data, name);
}

START_TEST(another_event_is_chosen_by_name_and_an_unknown_one_is_refused)
{
    char path[1200];
    fixture(path, sizeof path, "speedscope__callgrind.multiple-event-types.log");
    parsed ps;
    parse(&ps, path, NULL);
    ck_assert_int_eq(ps.rc, PV_OK);
    ck_assert_str_eq(ps.p.unit, "Time_(10ns)");
    ck_assert_str_eq(ps.p.variant, "");
    ck_assert_str_eq(ps.p.writer, "xdebug");
    ck_assert_uint_eq(ps.p.n_choices, 2);
    ck_assert_str_eq(ps.p.choices[0], "event=Time_(10ns)");
    ck_assert_str_eq(ps.p.choices[1], "event=Memory_(bytes)");
    pv_arena_release(&ps.arena);

    /* The oracle's self_all_events[1] of each function, summed: 38000. */
    parse(&ps, path, "Memory_(bytes)");
    ck_assert_int_eq(ps.rc, PV_OK);
    ck_assert_str_eq(ps.p.unit, "Memory_(bytes)");
    ck_assert_str_eq(ps.p.variant, "event=Memory_(bytes)");
    ck_assert_double_eq(ps.p.total_tt, 38000);
    pv_arena_release(&ps.arena);
    parse(&ps, path, "event=Memory_(bytes)");
    ck_assert_int_eq(ps.rc, PV_OK);
    ck_assert_double_eq(ps.p.total_tt, 38000);
    pv_arena_release(&ps.arena);

    parse(&ps, path, "Ir");
    ck_assert_int_eq(ps.rc, PV_E_USAGE);
    ck_assert_ptr_nonnull(strstr(ps.err.msg, "Time_(10ns), Memory_(bytes)"));
    pv_arena_release(&ps.arena);
}
END_TEST

/* ---- what the model makes of recursion ---------------------------------- */

static const pv_func *func_named(const pv_profile *p, const char *name, uint32_t *at)
{
    for (size_t i = 0; i < p->n_funcs; i++)
        if (strcmp(p->funcs[i].name, name) == 0) {
            *at = (uint32_t)i;
            return &p->funcs[i];
        }
    ck_abort_msg("no function %s", name);
    return NULL;
}

START_TEST(recursion_levels_merge_and_cycles_keep_only_what_is_proven)
{
    char path[1200];
    fixture(path, sizeof path, "edge_recursion.callgrind");
    parsed ps;
    parse(&ps, path, NULL);
    ck_assert_int_eq(ps.rc, PV_OK);
    const pv_profile *p = &ps.p;
    uint32_t main_at, fib_at, even_at, odd_at, count_at;
    const pv_func *fib = func_named(p, "fib", &fib_at), *even = func_named(p, "even", &even_at);
    const pv_func *odd = func_named(p, "odd", &odd_at);
    func_named(p, "main", &main_at);
    func_named(p, "count", &count_at);
    ck_assert_uint_eq(p->n_funcs, 5);  /* fib'2, even'2, odd'2 are no functions of their own */
    /* fib: 1 call from main, 2 + 6 from itself, as cProfile writes 9/1. */
    ck_assert_int_eq(fib->nc, 9);
    ck_assert_int_eq(fib->cc, 1);
    ck_assert_double_eq(fib->tt, 100);
    ck_assert_double_eq(fib->ct, 100);
    const pv_edge *self = find_edge(p, fib_at, fib_at);
    ck_assert(self && self->is_count && self->nc == 8);
    /* even <-> odd: the cycle's calls are counts; entered once for 44. */
    const pv_edge *in = find_edge(p, main_at, even_at), *within = find_edge(p, even_at, odd_at);
    ck_assert(in && !in->is_count && in->ct == 44 && in->nc == 1);
    ck_assert(within && within->is_count && within->nc == 3);
    ck_assert_double_eq(even->ct, 44);
    ck_assert_double_le(odd->ct, 44);
    ck_assert_double_ge(odd->ct, odd->tt);
    /* count has two callers: how much of its own cost each call made is
     * not in the file. */
    ck_assert(isnan(find_edge(p, main_at, count_at)->tt));
    ck_assert(isnan(find_edge(p, even_at, count_at)->tt));
    /* fib's calls to itself hold some of its own cost: not main's. */
    ck_assert(isnan(find_edge(p, main_at, fib_at)->tt));
    ck_assert_uint_eq(p->n_warnings, 2);
    ck_assert_ptr_nonnull(strstr(p->warnings[0], "fib'2"));
    ck_assert_ptr_nonnull(strstr(p->warnings[1], "even, odd"));
    pv_arena_release(&ps.arena);
}
END_TEST

/* The graph reads a NaN edge tt as unknown within bounds: count, a leaf
 * called by main (2 calls, inclusive 8) and by even (1 call, 4), has an
 * own cost of 12, so each edge's own cost is proven: all of its inclusive. */
START_TEST(the_graph_bounds_what_the_file_does_not_say)
{
    char path[1200];
    fixture(path, sizeof path, "edge_recursion.callgrind");
    parsed ps;
    parse(&ps, path, NULL);
    ck_assert_int_eq(ps.rc, PV_OK);
    uint32_t count_at, main_at;
    func_named(&ps.p, "count", &count_at);
    func_named(&ps.p, "main", &main_at);
    pv_graph *g = pv_graph_new(&ps.p);
    const pv_gfunc *f = &g->funcs[count_at];
    ck_assert_uint_eq(f->n_callers, 2);
    for (uint32_t k = 0; k < f->n_callers; k++) {
        const pv_gedge *e = &g->callers[f->callers_at + k];
        double want = e->other == main_at ? 8 : 4;
        ck_assert_double_eq(e->own_lo, want);
        ck_assert_double_eq(e->own_hi, want);
        ck_assert_double_eq(e->tt, want);
    }
    /* fib's own cost under main is unknown (its calls to itself hold some
     * of it): anything from 0 to all of it. */
    uint32_t fib_at;
    func_named(&ps.p, "fib", &fib_at);
    const pv_gedge *in = &g->callers[g->funcs[fib_at].callers_at];
    for (uint32_t k = 0; k < g->funcs[fib_at].n_callers; k++, in++)
        if (in->other == main_at) {
            ck_assert_double_eq(in->own_lo, 0);
            ck_assert_double_eq(in->own_hi, 100);
        }
    pv_graph_free(g);
    pv_arena_release(&ps.arena);
}
END_TEST

START_TEST(inline_switches_parts_and_disagreeing_summaries)
{
    char path[1200];
    fixture(path, sizeof path, "edge_inline_parts.callgrind");
    parsed ps;
    parse(&ps, path, NULL);
    ck_assert_int_eq(ps.rc, PV_OK);
    const pv_profile *p = &ps.p;
    ck_assert_uint_eq(p->n_funcs, 3);  /* fi=/fe= made none */
    uint32_t at;
    const pv_func *main_f = func_named(p, "main", &at), *helper = func_named(p, "helper", &at);
    ck_assert_str_eq(main_f->file, "prog.c");
    ck_assert_int_eq(main_f->line, 10);
    ck_assert_double_eq(main_f->tt, 116);   /* both parts, the inlined lines included */
    ck_assert_str_eq(helper->file, "inline.h");  /* the callee in the inlined file */
    /* main is helper's only way in: all helper's own cost was made there. */
    uint32_t main_at, helper_at;
    func_named(p, "main", &main_at);
    func_named(p, "helper", &helper_at);
    ck_assert_double_eq(find_edge(p, main_at, helper_at)->tt, 14);
    ck_assert_str_eq(p->writer, "valgrind");
    ck_assert_uint_eq(p->n_warnings, 1);
    ck_assert_ptr_nonnull(strstr(p->warnings[0], "summary: line says 1000 Ir"));
    pv_arena_release(&ps.arena);
}
END_TEST

/* ---- who wrote it -------------------------------------------------------- */

static const char *writer_of(const char *text)
{
    static char writer[64];
    pv_arena a;
    pv_arena_init(&a, 1 << 20);
    pv_profile p;
    pv_err err;
    int rc = pv_callgrind_parse((const unsigned char *)text, strlen(text), NULL, &a, &p, &err);
    ck_assert_msg(rc == PV_OK, "%s", err.msg);
    snprintf(writer, sizeof writer, "%s", p.writer);
    pv_arena_release(&a);
    return writer;
}

START_TEST(the_writer_comes_from_the_creator_or_the_style)
{
    ck_assert_str_eq(writer_of("creator: callgrind-3.19.0\nevents: Ir\n"), "valgrind");
    ck_assert_str_eq(writer_of("creator: yappi\nevents: Ticks\n"), "yappi");
    ck_assert_str_eq(writer_of("creator: xdebug 3.0.2 (PHP 7.4.14)\nevents: Time_(10ns)\n"), "xdebug");
    /* pyprof2calltree writes an event: line before events:. */
    ck_assert_str_eq(writer_of("event: ns : Nanoseconds\nevents: ns\nsummary: 3\nfl=a.py\nfn=f\n0 3\n"),
                     "pyprof2calltree");
    /* lsprofcalltree puts fi= before fn= (bzr's file). */
    ck_assert_str_eq(writer_of("events: Ticks\nfi=~\nfn=<len>\n0  3\n"), "lsprofcalltree");
    ck_assert_str_eq(writer_of("events: Instructions\nfl=a.c\nfn=main\n1 3\n"), "");
}
END_TEST

START_TEST(a_summary_before_the_events_is_checked_too)
{
    const char *text = "summary: 7\nevents: Ir\nfl=a.c\nfn=main\n1 3\n";
    pv_arena a;
    pv_arena_init(&a, 1 << 20);
    pv_profile p;
    pv_err err;
    ck_assert_int_eq(pv_callgrind_parse((const unsigned char *)text, strlen(text), NULL, &a, &p, &err),
                     PV_OK);
    ck_assert_uint_eq(p.n_warnings, 1);
    ck_assert_ptr_nonnull(strstr(p.warnings[0], "summary: line says 7 Ir, the cost lines add up to 3"));
    pv_arena_release(&a);
}
END_TEST

/* ---- damaged input ------------------------------------------------------ */

static void expect_format_error(const char *text, const char *message)
{
    pv_arena a;
    pv_arena_init(&a, 1 << 20);
    pv_profile p;
    pv_err err;
    int rc = pv_callgrind_parse((const unsigned char *)text, strlen(text), NULL, &a, &p, &err);
    ck_assert_msg(rc == PV_E_FORMAT, "accepted: %s", text);
    ck_assert_msg(strncmp(err.msg, message, strlen(message)) == 0, "\"%s\", wanted \"%s\"", err.msg,
                  message);
    pv_arena_release(&a);
}

START_TEST(damaged_files_get_an_error_naming_the_line)
{
    expect_format_error("fn=main\n1 2\n", "line 2: a cost line before events:");
    expect_format_error("events: Ir\n1 2\n", "line 2: a cost line or call before any fn=");
    expect_format_error("events: Ir\nfn=a\n1 2 3\n", "line 3: 2 costs but only 1 events");
    expect_format_error("events: Ir\nfn=a\n* 2\n", "line 3: relative subposition with no previous");
    expect_format_error("events: Ir\nfn=a\n1 x\n", "line 3: bad cost 'x'");
    expect_format_error("events: Ir\nfn=a\n1 99999999999999999999\n", "line 3: cost 9999");
    expect_format_error("events: Ir\nfn=a\ncfn=b\ncalls=1 1\n", "line 4: the file ends right after");
    expect_format_error("events: Ir\nfn=a\ncfn=b\ncalls=x 1\n1 2\n", "line 4: bad calls= line");
    expect_format_error("events: Ir\nevents: Dr\n", "line 2: events: changed");
    expect_format_error("events: Ir\npositions: instr col\n", "line 2: bad positions");
    expect_format_error("events: Ir\nfn=a\nhello world\n", "line 3: not a callgrind line");
    expect_format_error("events: Ir\nfn=a\xff\n1 2\n", "line 2: a name is not UTF-8");
    expect_format_error("version: 1\n", "line 1: no events: line");
    expect_format_error("\xff\xfe" "e\0", "byte 0: UTF-16");
}
END_TEST

START_TEST(detection_looks_at_content)
{
    const char *yes[] = {"# callgrind format\n", "version: 1\ncreator: x\n\nevents: Ir\n",
                         "\xef\xbb\xbf" "events: Ticks\n", "version: 1\ncreator: yappi\nfl=(1) a\nfn=(1) b\n"};
    const char *no[] = {"main;foo;bar 12\n", "{\"nodes\": []}", "version: 1\n", "fn=x 3\n",
                        "events:poll;handle 3\n"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        ck_assert_msg(pv_callgrind_sniff((const unsigned char *)yes[i], strlen(yes[i])), "%s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg(!pv_callgrind_sniff((const unsigned char *)no[i], strlen(no[i])), "%s", no[i]);
    /* Through the table, by content alone. */
    char path[1200];
    fixture(path, sizeof path, "yappi_prog.callgrind");
    size_t len;
    unsigned char *buf = pv_test_read(path, &len);
    pv_parsed out;
    pv_err err;
    ck_assert_int_eq(pv_parse_bytes("out", "test", buf, len, NULL, &out, &err), PV_OK);
    ck_assert_str_eq(out.profile.format, "callgrind");
    ck_assert_str_eq(out.profile.writer, "yappi");
    ck_assert_str_eq(out.profile.unit, "Ticks");
    pv_parsed_release(&out);
    free(buf);
}
END_TEST

/* ---- end to end: stored, then served ------------------------------------ */

/* No box wider than its parent (within eps, the graph's: a billionth of
 * the program), bounds around the time, children and self adding up to
 * the box (within rel of it, or eps a box: the graph calls a box exact
 * when its bounds are that close, and takes the upper one). */
static size_t check_box(const cJSON *box, double parent, double rel, int roots_overlap, double eps)
{
    double time = num(box, "time");
    ck_assert_msg(time <= parent + eps, "%s: %.17g wider than its parent %.17g",
                  str(box, "name"), time, parent);
    ck_assert_msg(num(box, "lo") <= time + eps && time <= num(box, "hi") + eps,
                  "%s: %.17g outside [%.17g, %.17g]", str(box, "name"), time, num(box, "lo"),
                  num(box, "hi"));
    double sum = 0;
    size_t n = 1, kids = 0;
    const cJSON *kid;
    cJSON_ArrayForEach(kid, cJSON_GetObjectItem(box, "children")) {
        sum += num(kid, "time");
        n += check_box(kid, time, rel, 0, eps);
        kids++;
    }
    if (!cJSON_IsTrue(cJSON_GetObjectItem(box, "more")) && !roots_overlap)
        ck_assert_msg(fabs(sum + num(box, "self") - time) <= fmax(eps * (double)(kids + 1), rel * time),
                      "%s: children %.17g + self %.17g, "
                      "time %.17g", str(box, "name"), sum, num(box, "self"), time);
    return n;
}

/* Loads the file at `path` into the context's store and checks what the
 * API serves of it against its oracle: the top holds the program's whole
 * cost, every box within its parent and its bounds, the table holds every
 * function.  The Python writers leave callers out (yappi: builtins, exec
 * among them, so a module body run by exec is a top-level call of its
 * own, inside run_path's time; lsprofcalltree: who called a builtin):
 * their top-level boxes overlap; and their inclusive figures are
 * cProfile's, measured apart from the self costs, and pass their sum by
 * 0.04 %: a box's children may pass it by as much (the API's documented
 * exception).  Not `strict`: valgrind's top-level boxes may overlap too
 * (xapian's std::string::resize has no recorded caller). */
static void check_served(const char *path, const char *name, int strict)
{
    char json[1300], target[128];
    snprintf(json, sizeof json, "%s.expected.json", path);
    cJSON *o = read_json(json);
    if (!cJSON_IsTrue(cJSON_GetObjectItem(o, "valid"))) {
        cJSON_Delete(o);
        return;
    }
    pv_load_result res;
    pv_err err;
    pv_store *w = pv_ctx_writer_lock(ctx);
    int rc = pv_load_file(w, path, NULL, &res, &err);
    pv_ctx_writer_unlock(ctx);
    ck_assert_msg(rc == PV_OK, "%s: %s", name, err.msg);
    free(res.warnings);

    snprintf(target, sizeof target, "/api/profiles/%lld", (long long)res.id);
    reply *r = get_ok(target, 200);
    ck_assert_str_eq(str(r->json, "format"), "callgrind");
    int valgrind = strcmp(str(r->json, "writer"), "valgrind") == 0;
    reply_free(r);

    snprintf(target, sizeof target, "/api/profiles/%lld/tree?depth=12&cutoff=0", (long long)res.id);
    r = get_ok(target, 200);
    const cJSON *root = cJSON_GetObjectItem(r->json, "root");
    double total = num(o, "total_self_cost");
    ck_assert_msg(num(root, "time") == total, "%s: the top is %.17g, the program %.17g", name,
                  num(root, "time"), total);
    check_box(root, total, valgrind ? 1e-9 : 1e-3, !valgrind || !strict, 1e-9 * total);
    reply_free(r);

    snprintf(target, sizeof target, "/api/profiles/%lld/functions?limit=1", (long long)res.id);
    r = get_ok(target, 200);
    ck_assert_uint_eq((size_t)num(r->json, "total"), res.n_funcs);
    reply_free(r);
    cJSON_Delete(o);
}

START_TEST(every_valid_file_is_served_with_each_box_inside_its_parent)
{
    for (size_t i = 0; i < n_files; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        check_served(path, files[i], 0);
    }
}
END_TEST

START_TEST(a_loaded_callgrind_file_is_served_with_the_program_at_the_top)
{
    const char *names[] = {"c_prog.callgrind", "yappi_prog.callgrind", "edge_recursion.callgrind",
                           "gprof2dot__bzr.callgrind"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[1200];
        fixture(path, sizeof path, names[i]);
        check_served(path, names[i], 1);
    }
}
END_TEST

/* Another event, chosen on upload, is another profile of the same file,
 * in that event's unit; an event the file does not have is a 400. */
START_TEST(an_upload_picks_its_event)
{
    char path[1200];
    fixture(path, sizeof path, "speedscope__callgrind.multiple-event-types.log");
    size_t len;
    unsigned char *buf = pv_test_read(path, &len);
    reply *r = request_with(ctx, "POST", "/api/profiles?name=x.log&event=Memory_(bytes)", NULL, buf, len);
    ck_assert_msg(r->status == 201, "%d %s", r->status, r->text);
    int64_t id = (int64_t)num(r->json, "id");
    reply_free(r);
    r = request_with(ctx, "POST", "/api/profiles?name=x.log", NULL, buf, len);
    ck_assert_msg(r->status == 201, "%d %s", r->status, r->text);
    ck_assert_int_ne((int64_t)num(r->json, "id"), id);
    reply_free(r);
    r = request_with(ctx, "POST", "/api/profiles?name=x.log&event=Ir", NULL, buf, len);
    ck_assert_int_eq(r->status, 400);
    ck_assert_ptr_nonnull(strstr(r->text, "Time_(10ns), Memory_(bytes)"));
    reply_free(r);

    char target[64];
    snprintf(target, sizeof target, "/api/profiles/%lld", (long long)id);
    r = get_ok(target, 200);
    ck_assert_str_eq(str(r->json, "unit"), "Memory_(bytes)");
    ck_assert_str_eq(str(r->json, "calls_unit"), "calls");
    ck_assert_str_eq(str(r->json, "variant"), "event=Memory_(bytes)");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "choices")), 2);
    ck_assert_double_eq(num(r->json, "total_tt"), 38000);
    reply_free(r);
    free(buf);
}
END_TEST

Suite *pv_callgrind_suite(void)
{
    Suite *s = suite_create("callgrind");
    find_fixtures();
    TCase *tc = tcase_create("reader");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_callgrind_file_agrees_with_its_oracle);
    int shared = 0;
    pv_test_fixtures(&shared);
    if (!shared) {
        tcase_add_test(tc, another_event_is_chosen_by_name_and_an_unknown_one_is_refused);
        tcase_add_test(tc, recursion_levels_merge_and_cycles_keep_only_what_is_proven);
        tcase_add_test(tc, the_graph_bounds_what_the_file_does_not_say);
        tcase_add_test(tc, inline_switches_parts_and_disagreeing_summaries);
        tcase_add_test(tc, damaged_files_get_an_error_naming_the_line);
        tcase_add_test(tc, the_writer_comes_from_the_creator_or_the_style);
        tcase_add_test(tc, a_summary_before_the_events_is_checked_too);
        tcase_add_test(tc, detection_looks_at_content);
    }
    suite_add_tcase(s, tc);
    TCase *e2e = tcase_create("served");
    tcase_set_timeout(e2e, 300);
    tcase_add_checked_fixture(e2e, setup, teardown);
    if (shared)
        tcase_add_test(e2e, every_valid_file_is_served_with_each_box_inside_its_parent);
    else {
        tcase_add_test(e2e, a_loaded_callgrind_file_is_served_with_the_program_at_the_top);
        tcase_add_test(e2e, an_upload_picks_its_event);
    }
    suite_add_tcase(s, e2e);
    return s;
}
