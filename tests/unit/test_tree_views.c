/* test_tree_views.c — the inverted tree and the sandwich (tree_views.c,
 * tree_views_recorded.c through tree.c's builder).
 *
 * On every valid dump of tests/data (tree_views_shared: the shared
 * corpus): the inverted tree's first level is each function's own time
 * and its second each caller edge's tt, as pstats' print_callers prints
 * them (the oracle NAME.expected.json, written by Python's pstats),
 * exactly; the sandwich's roots are the function's row (ct, nc) and the
 * upper half's first level its caller edges' ct; every deeper box's
 * estimate lies within its bounds and children never hold more than their
 * box (recursion counts time once).  On the ground-truth programs
 * (tests/data/groundtruth: the exact time of every call stack) every box's
 * bounds hold its true time, and exact boxes have it.  On the recorded
 * fixtures every box of every view equals a brute-force walk over the
 * recorded nodes.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "testutil.h"
#include "tree.h"
#include "truth.h"

Suite *pv_tree_views_suite(void);

#define MAX_FILES 256
static char *files[MAX_FILES];
static size_t n_files;
static const char *cur;


static int close_to(double a, double b, double scale)
{
    return fabs(a - b) <= 1e-9 * fmax(scale, fmax(fabs(a), fabs(b))) + 1e-12;
}

static pv_tree view(const pv_graph *g, pv_tree_view v, uint32_t fn, unsigned depth)
{
    pv_tree t;
    pv_err err;
    int rc = pv_tree_build_view(g, v, fn, NULL, 0, depth, 0.0, NULL, &t, &err);
    ck_assert_msg(rc == PV_OK, "%s: %s", cur, err.msg);
    return t;
}

/* The oracle of dump `path` (NAME.expected.json beside it), or NULL. */
static cJSON *oracle(const char *path)
{
    char name[1100];
    size_t n = strlen(path) - 5;
    snprintf(name, sizeof name, "%.*s.expected.json", (int)n, path);
    FILE *f = fopen(name, "rb");
    if (!f)
        return NULL;
    fclose(f);
    size_t len;
    unsigned char *text = pv_test_read(name, &len);
    cJSON *j = cJSON_Parse((const char *)text);
    free(text);
    return j;
}

/* Boxes hold their bounds, and children never hold more than their box:
 * widths add up, and a recursion's time is not counted again. */
static void check_sums(const pv_graph *g, const pv_tree *t, const char *what)
{
    double scale = t->nodes[0].time;
    for (size_t i = 0; i < t->n_nodes; i++) {
        const pv_tree_node *b = &t->nodes[i];
        ck_assert_msg(b->lo <= b->time + g->eps && b->time <= b->hi + g->eps,
                      "%s: %s box %zu: %g outside [%g, %g]", cur, what, i, b->time, b->lo, b->hi);
        ck_assert_msg(b->self >= 0, "%s: %s box %zu: negative self", cur, what, i);
        if (b->exact)
            ck_assert(b->lo == b->time && b->hi == b->time);
        if (b->more)
            continue;  /* its children are past the view's depth */
        double kids = 0.0;
        for (uint32_t k = 0; k < b->n_children; k++)
            kids += t->nodes[b->first_child + k].time;
        ck_assert_msg(close_to(kids + b->self, b->time, scale),
                      "%s: %s box %zu: children %g + self %g != %g", cur, what, i, kids, b->self,
                      b->time);
    }
}

/* The child of box p for function f, or NULL. */
static const pv_tree_node *child(const pv_tree *t, const pv_tree_node *p, int64_t f)
{
    for (uint32_t k = 0; k < p->n_children; k++)
        if (t->nodes[p->first_child + k].func == f)
            return &t->nodes[p->first_child + k];
    return NULL;
}

START_TEST(inverted_first_levels_are_print_callers_figures)
{
    cur = files[_i];
    cJSON *o = oracle(cur);
    if (!o)
        return;  /* realworld dumps without an oracle: the shape checks below cover them */
    pv_graph *g = pv_test_graph(cur);
    pv_tree t = view(g, PV_VIEW_INVERTED, 0, 2);
    ck_assert_uint_eq(t.capped, PV_TREE_FULL);
    check_sums(g, &t, "inverted");
    const pv_tree_node *root = &t.nodes[0];
    const cJSON *row = cJSON_GetObjectItemCaseSensitive(o, "functions")->child;
    size_t checked = 0;
    for (uint32_t f = 0; row; f++, row = row->next) {
        double tt = cJSON_GetArrayItem(row, 5)->valuedouble;
        ck_assert_int_eq(g->funcs[f].line, (int64_t)cJSON_GetArrayItem(row, 1)->valuedouble);
        const pv_tree_node *b = child(&t, root, f);
        if (!(tt > 0)) {
            ck_assert_msg(!b, "%s: function %u without own time has a box", cur, f);
            continue;
        }
        ck_assert_msg(b && b->time == tt && b->exact, "%s: function %u: own time %.17g, box %.17g",
                      cur, f, tt, b ? b->time : -1.0);
        const cJSON *c;
        uint32_t k = 0;
        cJSON_ArrayForEach(c, cJSON_GetArrayItem(row, 7)) {
            const pv_gedge *e = &g->callers[g->funcs[f].callers_at + k++];
            ck_assert_int_eq(g->funcs[e->other].line,
                             (int64_t)cJSON_GetArrayItem(c, 1)->valuedouble);
            const pv_tree_node *up = child(&t, b, e->other);
            ck_assert_msg(up, "%s: function %u: no box for caller %u", cur, f, e->other);
            if (cJSON_GetArraySize(c) == 7) {
                double edge_tt = cJSON_GetArrayItem(c, 5)->valuedouble;
                ck_assert_msg(up->time == edge_tt && up->exact && up->calls_exact &&
                                  up->calls == cJSON_GetArrayItem(c, 3)->valuedouble,
                              "%s: %u <- %u: tt %.17g, box %.17g", cur, f, e->other, edge_tt,
                              up->time);
                checked++;
            }
        }
    }
    /* Only bare call counts (the `profile` module's dumps) leave none. */
    ck_assert_msg(checked > 0 || strstr(cur, "profile") || strstr(cur, "hotshot") ||
                      strstr(cur, "sampled"),
                  "%s: no caller edge compared", cur);
    pv_tree_release(&t);
    cJSON_Delete(o);
    pv_graph_free(g);
}
END_TEST

/* How many functions' sandwiches a dump is checked on (all of a small
 * one's). */
#define SANDWICHES 60

START_TEST(sandwich_roots_are_the_row_and_the_upper_first_level_the_edges)
{
    cur = files[_i];
    pv_graph *g = pv_test_graph(cur);
    size_t step = g->n_funcs > SANDWICHES ? g->n_funcs / SANDWICHES : 1;
    for (uint32_t f = 0; f < g->n_funcs; f += (uint32_t)step) {
        const pv_gfunc *gf = &g->funcs[f];
        if (!isfinite(gf->ct))
            continue;
        pv_tree up = view(g, PV_VIEW_CALLERS, f, 4), down = view(g, PV_VIEW_CALLEES, f, 4);
        check_sums(g, &up, "callers");
        check_sums(g, &down, "callees");
        for (int h = 0; h < 2; h++) {
            const pv_tree_node *r = &(h ? down : up).nodes[0];
            ck_assert_msg(r->func == f && r->time == gf->ct && r->calls == (double)gf->nc &&
                              r->exact,
                          "%s: sandwich of %u: root %g/%g, row %g/%lld", cur, f, r->time, r->calls,
                          gf->ct, (long long)gf->nc);
        }
        /* fn is never above itself: its time is its outermost calls'. */
        ck_assert(!child(&up, &up.nodes[0], f) && !child(&down, &down.nodes[0], f));
        for (uint32_t k = 0; k < gf->n_callers; k++) {
            const pv_gedge *e = &g->callers[gf->callers_at + k];
            if (e->other == f || e->is_count)
                continue;
            const pv_tree_node *b = child(&up, &up.nodes[0], e->other);
            ck_assert(b && b->hi <= e->ct + g->eps);
            if (gf->cc == gf->nc)
                ck_assert_msg(b->time == e->ct && b->exact && b->calls == (double)e->nc,
                              "%s: %u <- %u: ct %.17g, box %.17g", cur, f, e->other, e->ct,
                              b->time);
        }
        /* When f never runs inside itself its callees' edges are the boxes. */
        double sum = 0.0;
        for (uint32_t k = 0; k < gf->n_callees; k++)
            sum += g->callees[gf->callees_at + k].other == f ? 0.0 : g->callees[gf->callees_at + k].ct;
        for (uint32_t k = 0; k < gf->n_callees; k++) {
            const pv_gedge *e = &g->callees[gf->callees_at + k];
            if (e->other == f || e->is_count || gf->cc != gf->nc || sum > gf->ct + g->eps)
                continue;
            const pv_tree_node *b = child(&down, &down.nodes[0], e->other);
            ck_assert_msg(b && b->time == e->ct && b->exact && b->calls == (double)e->nc,
                          "%s: %u -> %u: ct %.17g, box %.17g", cur, f, e->other, e->ct,
                          b ? b->time : -1.0);
        }
        pv_tree_release(&up);
        pv_tree_release(&down);
    }
    pv_graph_free(g);
}
END_TEST

START_TEST(deeper_inverted_boxes_hold_their_bounds)
{
    cur = files[_i];
    pv_graph *g = pv_test_graph(cur);
    pv_tree t = view(g, PV_VIEW_INVERTED, 0, g->n_funcs > 5000 ? 5 : 12);
    check_sums(g, &t, "inverted");
    /* Every box of a whole function's own time, all of it accounted for. */
    ck_assert(close_to(t.nodes[0].time, g->total_tt, g->total_tt));
    pv_tree_release(&t);
    pv_graph_free(g);
}
END_TEST

/* ---- recorded trees: every view against a brute-force walk ------------- */


static int64_t node_func(const pv_graph *g, uint32_t i)
{
    uint32_t f = g->rec_nodes[i].func;
    return f == PV_NODE_OVERFLOW ? PV_TREE_OVERFLOW : (int64_t)f;
}

/* The functions from box i up to the view root, i's first; with
 * `reversed`, the view root's first. */
static size_t chain_of(const pv_tree *t, size_t i, int64_t *chain, int reversed)
{
    size_t n = 0;
    for (uint32_t m = (uint32_t)i; m != UINT32_MAX; m = t->nodes[m].parent)
        chain[n++] = t->nodes[m].func;
    for (size_t k = 0; reversed && k < n / 2; k++) {
        int64_t x = chain[k];
        chain[k] = chain[n - 1 - k];
        chain[n - 1 - k] = x;
    }
    return n;
}

/* Whether node i has an ancestor of function f. */
static int below(const pv_graph *g, uint32_t i, uint32_t f)
{
    for (uint32_t a = g->rec_nodes[i].parent; a != PV_NODE_TOP; a = g->rec_nodes[a].parent)
        if (g->rec_nodes[a].func == f)
            return 1;
    return 0;
}

/* Inverted: node i's own time counts toward the box whose chain (the
 * function first, then up, excluding the root) is i's stack read upward. */
static double brute_up(const pv_graph *g, const int64_t *chain, size_t n, pv_tree_view v,
                       uint32_t fn)
{
    double sum = 0.0;
    for (uint32_t i = 0; i < g->n_rec_nodes; i++) {
        const pv_gnode *nd = &g->rec_nodes[i];
        if (v == PV_VIEW_CALLERS && (nd->func != fn || below(g, i, fn)))
            continue;
        uint32_t a = i;
        size_t k = 0;
        while (k < n && a != PV_NODE_TOP && node_func(g, a) == chain[k]) {
            a = g->rec_nodes[a].parent;
            k++;
        }
        if (k == n)
            sum += v == PV_VIEW_CALLERS ? nd->ct
                   : nd->func == PV_NODE_OVERFLOW ? nd->ct : nd->tt;
    }
    return sum;
}

/* Callees: node i counts toward the box of its stack read down from its
 * outermost fn ancestor, fn's own recursion right below it merged. */
static double brute_down(const pv_graph *g, const int64_t *chain, size_t n, uint32_t fn)
{
    double sum = 0.0;
    int64_t stack[256];
    for (uint32_t i = 0; i < g->n_rec_nodes; i++) {
        size_t d = 0;
        for (uint32_t a = i; a != PV_NODE_TOP && d < 256; a = g->rec_nodes[a].parent)
            stack[d++] = (int64_t)a;
        /* stack[d-1] is the top; find the outermost fn node. */
        size_t top = d;
        while (top > 0 && g->rec_nodes[stack[top - 1]].func != fn)
            top--;
        if (top == 0)
            continue;
        size_t at = top - 1;  /* the outermost fn node */
        while (at > 0 && g->rec_nodes[stack[at - 1]].func == fn)
            at--;  /* fn's calls of itself right below it are it */
        if (at == 0 && n == 1)
            continue;  /* the root: checked by its own sum */
        /* chain is box-first (deepest first), the root last. */
        size_t len = at + 1;
        if (len != n)
            continue;
        int match = 1;
        for (size_t k = 0; k + 1 < n && match; k++)
            match = node_func(g, (uint32_t)stack[k]) == chain[k];
        if (match && at > 0)
            sum += g->rec_nodes[i].ct;
    }
    return sum;
}

static const char *const recorded[] = {"random_graph.prof", "fib.prof",     "mutual.prof",
                                       "recursive_root.prof", "rec_shared.prof", "cycle3.prof",
                                       "diamond.prof",       "overflow.prof", "generators.prof"};

START_TEST(recorded_views_equal_a_brute_force_walk_of_the_nodes)
{
    cur = recorded[_i];
    pv_graph *g = pv_test_recorded_graph(cur);
    int64_t chain[PV_TREE_MAX_DEPTH + 2];
    pv_tree inv = view(g, PV_VIEW_INVERTED, 0, 16);
    check_sums(g, &inv, "inverted");
    for (size_t i = 1; i < inv.n_nodes; i++) {
        /* Read upward from the function: the "(all)" root left out. */
        size_t n = chain_of(&inv, i, chain, 1) - 1;
        double want = brute_up(g, chain + 1, n, PV_VIEW_INVERTED, 0);
        ck_assert_msg(inv.nodes[i].exact && close_to(inv.nodes[i].time, want, inv.nodes[0].time),
                      "%s: inverted box %zu: %g, nodes say %g", cur, i, inv.nodes[i].time, want);
    }
    pv_tree_release(&inv);
    for (uint32_t f = 0; f < g->n_funcs; f++) {
        pv_tree up = view(g, PV_VIEW_CALLERS, f, 16), down = view(g, PV_VIEW_CALLEES, f, 16);
        check_sums(g, &up, "callers");
        check_sums(g, &down, "callees");
        double root = brute_up(g, (int64_t[]){f}, 1, PV_VIEW_CALLERS, f);
        ck_assert(close_to(up.nodes[0].time, root, root) && close_to(down.nodes[0].time, root, root));
        for (size_t i = 1; i < up.n_nodes; i++) {
            size_t n = chain_of(&up, i, chain, 1);
            double want = brute_up(g, chain, n, PV_VIEW_CALLERS, f);
            ck_assert_msg(up.nodes[i].exact && close_to(up.nodes[i].time, want, root),
                          "%s: callers of %u, box %zu: %g, nodes say %g", cur, f, i,
                          up.nodes[i].time, want);
        }
        for (size_t i = 1; i < down.n_nodes; i++) {
            size_t n = chain_of(&down, i, chain, 0);
            double want = brute_down(g, chain, n, f);
            ck_assert_msg(down.nodes[i].exact && close_to(down.nodes[i].time, want, root),
                          "%s: callees of %u, box %zu: %g, nodes say %g", cur, f, i,
                          down.nodes[i].time, want);
        }
        pv_tree_release(&up);
        pv_tree_release(&down);
    }
    pv_graph_free(g);
}
END_TEST

/* recursion.prof: fib calls itself 8,490 times.  Its time is counted
 * once in every view: the inverted tree's callers of fib share out its own
 * time (fib <- fib included) and add up to it; the sandwich is worth its
 * ct, never shows fib inside fib, and what fib's callers and callees hold
 * fits in it. */
START_TEST(recursion_counts_time_once)
{
    char path[1024];
    const char *d = getenv("PV_TEST_DATA");
    snprintf(path, sizeof path, "%s/pstats/recursion.prof", d ? d : "tests/data");
    cur = path;
    pv_graph *g = pv_test_graph(path);
    uint32_t fib = 0;
    while (fib < g->n_funcs && strcmp(g->funcs[fib].name, "fib") != 0)
        fib++;
    ck_assert_uint_lt(fib, g->n_funcs);
    const pv_gfunc *f = &g->funcs[fib];
    ck_assert_int_lt(f->cc, f->nc);  /* the fixture is recursive */
    pv_tree inv = view(g, PV_VIEW_INVERTED, 0, 6);
    const pv_tree_node *own = child(&inv, &inv.nodes[0], fib);
    ck_assert(own && own->time == f->tt);
    double callers = own->self;
    for (uint32_t k = 0; k < own->n_children; k++)
        callers += inv.nodes[own->first_child + k].time;
    ck_assert(close_to(callers, f->tt, f->tt));
    /* fib <- fib <- fib ...: each level within the one below. */
    const pv_tree_node *b = own;
    for (const pv_tree_node *up; (up = child(&inv, b, fib)); b = up)
        ck_assert(up->time <= b->time && up->hi <= b->hi);
    ck_assert_uint_gt(b->depth, 2);
    pv_tree_release(&inv);
    for (int h = 0; h < 2; h++) {
        pv_tree t = view(g, h ? PV_VIEW_CALLEES : PV_VIEW_CALLERS, fib, 6);
        check_sums(g, &t, h ? "callees" : "callers");
        ck_assert(t.nodes[0].time == f->ct && !child(&t, &t.nodes[0], fib));
        double kids = 0.0;
        for (uint32_t k = 0; k < t.nodes[0].n_children; k++)
            kids += t.nodes[t.nodes[0].first_child + k].time;
        ck_assert(kids <= f->ct * (1 + 1e-12));
        pv_tree_release(&t);
    }
    pv_graph_free(g);
}
END_TEST

/* ---- the ground truth: every box's bounds hold its true time ---------- */

static const char *const programs[] = {"builtins", "chain", "cycle3", "diamond", "enable_disable",
                                       "fib", "generators", "many_callers", "mutual",
                                       "passthrough", "random_graph", "random_roots", "rec_shared",
                                       "recursive_root"};

/* Each truth path's own time: its time less its children's (the paths
 * one step longer that start with it), in a malloc'd array. */
static double *own_times(const truth *t)
{
    double *own = malloc((t->n_paths ? t->n_paths : 1) * sizeof *own);
    for (size_t i = 0; i < t->n_paths; i++)
        own[i] = t->paths[i].time;
    for (size_t i = 0; i < t->n_paths; i++) {
        const truth_path *c = &t->paths[i];
        const truth_path *parent = c->len > 1 ? find_path(t, c->ids, c->len - 1) : NULL;
        if (parent)
            own[parent - t->paths] -= c->time;
    }
    return own;
}

/* Where stack p first calls fn (p->len: never). */
static size_t first_of(const truth_path *p, uint32_t fn)
{
    size_t at = 0;
    while (at < p->len && p->ids[at] != fn)
        at++;
    return at;
}

/* Whether stack p is one box of a view: the box whose chain (the view
 * root's function first) is chain[0..n).  Every stack is in one box per
 * level at most, so a box's true time is the sum of its stacks'. */
static int in_box(const truth_path *p, pv_tree_view v, uint32_t fn, const int64_t *chain, size_t n)
{
    size_t at = first_of(p, fn);
    if (v == PV_VIEW_CALLEES) {
        /* Read down from fn's outermost call, its calls of itself right
         * below it merged into it; the root is fn's outermost calls. */
        if (at == p->len)
            return 0;
        if (n == 1)
            return at == p->len - 1;
        while (at + 1 < p->len && p->ids[at + 1] == fn)
            at++;
        if (p->len - at != n)
            return 0;
        for (size_t k = 1; k < n; k++)
            if ((int64_t)p->ids[at + k] != chain[k])
                return 0;
        return 1;
    }
    /* Read up from the stack's last function; for callers, fn's
     * outermost calls only. */
    if (p->len < n || (v == PV_VIEW_CALLERS && at != p->len - 1))
        return 0;
    for (size_t k = 0; k < n; k++)
        if ((int64_t)p->ids[p->len - 1 - k] != chain[k])
            return 0;
    return 1;
}

static void check_truth(const pv_tree *tree, const truth *t, const double *own, pv_tree_view v,
                        uint32_t fn, const char *what)
{
    int64_t chain[PV_TREE_MAX_DEPTH + 2];
    double tol = 1e-9 * t->total;
    for (size_t i = v == PV_VIEW_INVERTED ? 1 : 0; i < tree->n_nodes; i++) {
        const pv_tree_node *b = &tree->nodes[i];
        size_t n = chain_of(tree, i, chain, 1);
        const int64_t *c = chain;
        if (v == PV_VIEW_INVERTED) {
            c++;  /* "(all)" */
            n--;
        }
        double sum = 0.0;
        for (size_t k = 0; k < t->n_paths; k++)
            if (in_box(&t->paths[k], v, fn, c, n))
                sum += v == PV_VIEW_INVERTED ? own[k] : t->paths[k].time;
        ck_assert_msg(b->lo - tol <= sum && sum <= b->hi + tol,
                      "%s: %s of %u, box %zu (%zu deep): true %g outside [%g, %g]", cur, what, fn,
                      i, n, sum, b->lo, b->hi);
        ck_assert_msg(!b->exact || fabs(b->time - sum) <= tol,
                      "%s: %s of %u, box %zu: exact %g, true %g", cur, what, fn, i, b->time, sum);
    }
}

START_TEST(every_box_holds_its_true_time)
{
    const char *d = getenv("PV_TEST_DATA");
    char path[1024], paths[1024];
    snprintf(path, sizeof path, "%s/groundtruth/%s.prof", d ? d : "tests/data", programs[_i]);
    snprintf(paths, sizeof paths, "%s/groundtruth/%s.paths.json", d ? d : "tests/data",
             programs[_i]);
    cur = path;
    pv_graph *g = pv_test_graph(path);
    truth t;
    load_truth(paths, g, &t);
    double *own = own_times(&t);
    pv_tree inv = view(g, PV_VIEW_INVERTED, 0, 12);
    check_truth(&inv, &t, own, PV_VIEW_INVERTED, 0, "inverted");
    pv_tree_release(&inv);
    for (uint32_t f = 0; f < g->n_funcs; f++) {
        pv_tree up = view(g, PV_VIEW_CALLERS, f, 6), down = view(g, PV_VIEW_CALLEES, f, 6);
        check_truth(&up, &t, own, PV_VIEW_CALLERS, f, "callers");
        check_truth(&down, &t, own, PV_VIEW_CALLEES, f, "callees");
        pv_tree_release(&up);
        pv_tree_release(&down);
    }
    free(own);
    free_truth(&t);
    pv_graph_free(g);
}
END_TEST

START_TEST(views_walk_their_paths_and_refuse_bad_ones)
{
    char path[1024];
    const char *d = getenv("PV_TEST_DATA");
    snprintf(path, sizeof path, "%s/pstats/recursion.prof", d ? d : "tests/data");
    cur = path;
    pv_graph *g = pv_test_graph(path);
    pv_tree full = view(g, PV_VIEW_INVERTED, 0, 3), t;
    pv_err err;
    /* The inverted path of a second-level box gives that box again. */
    const pv_tree_node *b = &full.nodes[full.nodes[0].first_child];
    const pv_tree_node *c = &full.nodes[b->first_child];
    uint32_t steps[3] = {(uint32_t)b->func, (uint32_t)c->func, 0};
    ck_assert_int_eq(pv_tree_build_view(g, PV_VIEW_INVERTED, 0, steps, 2, 1, 0.0, NULL, &t, &err),
                     PV_OK);
    ck_assert(t.nodes[0].time == c->time && t.path_len == 2 && t.path[0].time == b->time);
    pv_tree_release(&t);
    /* A sandwich's path starts at its function. */
    steps[0] = (uint32_t)b->func;
    ck_assert_int_eq(pv_tree_build_view(g, PV_VIEW_CALLERS, steps[0], steps, 1, 2, 0.0, NULL, &t,
                                        &err),
                     PV_OK);
    ck_assert(t.nodes[0].func == b->func);
    pv_tree_release(&t);
    ck_assert_int_eq(pv_tree_build_view(g, PV_VIEW_CALLERS, steps[0] + 1, steps, 1, 2, 0.0, NULL,
                                        &t, &err),
                     PV_E_NOTFOUND);
    ck_assert_int_eq(pv_tree_build_view(g, PV_VIEW_CALLEES, (uint32_t)g->n_funcs, NULL, 0, 2, 0.0,
                                        NULL, &t, &err),
                     PV_E_NOTFOUND);
    /* A step that is not a caller of the one before. */
    steps[1] = (uint32_t)g->n_funcs - 1;
    while (child(&full, b, steps[1]))
        steps[1]--;
    ck_assert_int_eq(pv_tree_build_view(g, PV_VIEW_INVERTED, 0, steps, 2, 1, 0.0, NULL, &t, &err),
                     PV_E_NOTFOUND);
    pv_tree_release(&full);
    pv_graph_free(g);
}
END_TEST

Suite *pv_tree_views_suite(void)
{
    int shared;
    const char *root = pv_test_fixtures(&shared);
    char dir[1024];
    if (root && !shared) {
        pv_test_collect_committed(root, files, MAX_FILES, &n_files);
    } else if (root) {
        snprintf(dir, sizeof dir, "%s/corpus", root);
        pv_test_collect_profs(dir, files, MAX_FILES, &n_files);
    }
    Suite *s = suite_create("tree_views");
    TCase *tc = tcase_create("views");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, inverted_first_levels_are_print_callers_figures, 0, (int)n_files);
    tcase_add_loop_test(tc, sandwich_roots_are_the_row_and_the_upper_first_level_the_edges, 0,
                        (int)n_files);
    tcase_add_loop_test(tc, deeper_inverted_boxes_hold_their_bounds, 0, (int)n_files);
    if (!shared) {
        tcase_add_loop_test(tc, recorded_views_equal_a_brute_force_walk_of_the_nodes, 0,
                            (int)(sizeof recorded / sizeof *recorded));
        tcase_add_test(tc, views_walk_their_paths_and_refuse_bad_ones);
        tcase_add_test(tc, recursion_counts_time_once);
        tcase_add_loop_test(tc, every_box_holds_its_true_time, 0,
                            (int)(sizeof programs / sizeof *programs));
    }
    suite_add_tcase(s, tc);
    return s;
}
