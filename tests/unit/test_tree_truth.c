/* test_tree_truth.c — every box of the tree against the true time of its path.
 *
 * tests/data/groundtruth holds, per program NAME, a cProfile dump
 * (NAME.prof) and the exact time and call count of every call path, as a
 * sys.setprofile recorder measured them with the same virtual clock
 * (NAME.paths.json; tests/groundtruth/make_groundtruth.py says exactly
 * what a path's true time is and how it was checked against the dump).
 * For every truth path P this asks pv_tree_build for the view rooted at P
 * (depth 1, no cutoff), so nodes[0] is the box of P and its children are
 * the boxes one level down, and checks:
 *
 *   bounds       lo <= true <= hi;
 *   exact time   an exact box's time is the true time;
 *   exact calls  an exact box whose calls are flagged calls_exact has the
 *                true number of calls (told
 *                apart: boxes of zero true time, which are exact at [0, 0]
 *                whatever the path, e.g. calls to a function that does not
 *                advance the virtual clock);
 *   missing      a path whose true time is not 0 has a box (a refusal,
 *                PV_E_NOTFOUND, is tolerated only for zero-time paths,
 *                e.g. a list.append under a virtual clock: counted, printed,
 *                and they must stay a small minority);
 *   spurious     a child box that no call ever had (true time 0) has
 *                lo == 0, and is not exact with a nonzero time;
 *   top          the root is worth total_tt, and the top-level truths add
 *                up to total_tt.
 *
 * Times are compared with an absolute tolerance of 1e-9 x total_tt: the
 * truth is exact (integer ticks times the dump's unit) but total_tt, the
 * remainders r = ct - sum of edges and the lo chains are float sums.
 *
 * A recorded profile holds the true tree itself: tests/data/recorded/NAME.prof
 * is NAME.prof with a trailer that tests/groundtruth/trailer.py made from
 * NAME.paths.json (docs/recorded-tree.md), and its tree must be the truth
 * exactly: every truth path a box, every box a truth path, each exact
 * (lo == hi == time) with the true time and calls to the bit.
 *
 * PV_GROUNDTRUTH_DIR points the test at another directory (e.g. the output
 * of make_groundtruth.py --stress); PV_GROUNDTRUTH_MIN then says how many
 * programs it must find (default: the committed fixtures' count).
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "loader.h"
#include "testutil.h"
#include "tree.h"
#include "truth.h"

Suite *pv_tree_truth_suite(void);

#define EXPECTED_PROGRAMS 14  /* the programs make_groundtruth.py writes */
#define MAX_PROGRAMS 1024
#define MAX_SHOWN 8           /* problems printed per kind and program */

static char *programs[MAX_PROGRAMS];  /* NAME, sorted */
static size_t n_programs;
static char dir[1024];

/* ---- fixtures ---------------------------------------------------------- */

/* ---- reporting --------------------------------------------------------- */

enum {
    BOUNDS, EXACT_TIME, EXACT_CALLS, EXACT_CALLS_ZERO, MISSING, SPURIOUS, TOP, REFUSED_ZERO,
    N_KINDS
};
static const char *kind_name[N_KINDS] = {
    "truth outside bounds", "exact box, wrong time", "exact box, wrong calls",
    "exact zero-time box, wrong calls", "no box for a path with time",
    "box with time no call had", "top level", "refused zero-time path (tolerated)"};

typedef struct checker {
    const char *name;
    const pv_graph *g;
    const truth *t;
    double tol;
    size_t count[N_KINDS];
    size_t boxes, exact, children;
} checker;

static void path_text(const checker *c, const uint32_t *ids, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = 0;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        const pv_gfunc *f = &c->g->funcs[ids[i]];
        const char *file = strrchr(f->file, '/');
        int n = snprintf(out + o, cap - o, "%s%s:%lld(%s)", i ? " > " : "",
                         file ? file + 1 : f->file, (long long)f->line, f->name);
        if (n < 0)
            break;
        o += (size_t)n;
    }
}

static void problem(checker *c, int kind, const uint32_t *ids, size_t len,
                    const pv_tree_node *box, double true_time, double true_calls)
{
    if (c->count[kind]++ >= MAX_SHOWN)
        return;
    char p[2048];
    path_text(c, ids, len, p, sizeof p);
    if (box)
        fprintf(stderr, "%s: %s: %s: lo %.9g hi %.9g time %.9g calls %.9g%s; true %.9g, %.9g calls\n",
                c->name, kind_name[kind], p, box->lo, box->hi, box->time, box->calls,
                box->exact ? " exact" : "", true_time, true_calls);
    else
        fprintf(stderr, "%s: %s: %s: true %.9g, %.9g calls\n", c->name, kind_name[kind], p,
                true_time, true_calls);
}

/* ---- the checks -------------------------------------------------------- */

static void check_box(checker *c, const uint32_t *ids, size_t len, const pv_tree_node *b,
                      double true_time, double true_calls)
{
    c->boxes++;
    if (!(b->lo - c->tol <= true_time && true_time <= b->hi + c->tol))
        problem(c, BOUNDS, ids, len, b, true_time, true_calls);
    if (b->exact) {
        c->exact++;
        if (fabs(b->time - true_time) > c->tol)
            problem(c, EXACT_TIME, ids, len, b, true_time, true_calls);
        /* Calls are the data's only when every call of the parent is on
         * this path (calls_exact); otherwise they are a share. */
        if (b->calls_exact && b->calls != true_calls)
            problem(c, true_time > c->tol ? EXACT_CALLS : EXACT_CALLS_ZERO, ids, len, b,
                    true_time, true_calls);
    }
}

/* Children of the view root that are not truth paths: no call had them. */
static void check_children(checker *c, const pv_tree *tree, const uint32_t *ids, size_t len)
{
    uint32_t *child = malloc((len + 1) * sizeof *child);
    if (len)
        memcpy(child, ids, len * sizeof *ids);
    const pv_tree_node *root = &tree->nodes[0];
    for (uint32_t k = 0; k < root->n_children; k++) {
        const pv_tree_node *n = &tree->nodes[root->first_child + k];
        if (n->func < 0)
            continue;  /* "(n smaller)": cannot happen with cutoff 0 and times >= 0 */
        child[len] = (uint32_t)n->func;
        c->children++;
        if (find_path(c->t, child, len + 1))
            continue;  /* checked as a truth path of its own */
        if (n->lo > c->tol || (n->exact && n->time > c->tol))
            problem(c, SPURIOUS, child, len + 1, n, 0.0, 0.0);
    }
    free(child);
}

START_TEST(enough_programs)
{
    const char *want = getenv("PV_GROUNDTRUTH_MIN");
    size_t min = want ? (size_t)strtoul(want, NULL, 10) : EXPECTED_PROGRAMS;
    ck_assert_msg(n_programs >= min, "%s: %zu ground-truth programs, expected at least %zu", dir,
                  n_programs, min);
}
END_TEST

START_TEST(every_box_holds_its_true_time)
{
    const char *name = programs[_i];
    char path[2048];
    snprintf(path, sizeof path, "%s/%s.prof", dir, name);
    pv_graph *g = pv_test_graph(path);
    truth t;
    snprintf(path, sizeof path, "%s/%s.paths.json", dir, name);
    load_truth(path, g, &t);
    checker c = {.name = name, .g = g, .t = &t, .tol = 1e-9 * fabs(t.total)};
    pv_tree tree;
    pv_err err;

    /* The top: the root is total_tt, and so are the top-level truths. */
    ck_assert_int_eq(pv_tree_build(g, NULL, 0, 1, 0.0, &tree, &err), PV_OK);
    double top_truth = 0.0;
    for (size_t i = 0; i < t.n_paths; i++)
        top_truth += t.paths[i].len == 1 ? t.paths[i].time : 0.0;
    if (fabs(tree.nodes[0].time - t.total) > c.tol || fabs(top_truth - t.total) > c.tol) {
        c.count[TOP]++;
        fprintf(stderr, "%s: top level: root %.9g, top-level truths %.9g, total_tt %.9g\n", name,
                tree.nodes[0].time, top_truth, t.total);
    }
    check_children(&c, &tree, NULL, 0);
    pv_tree_release(&tree);

    /* Every truth path, and the boxes just below it. */
    for (size_t i = 0; i < t.n_paths; i++) {
        const truth_path *tp = &t.paths[i];
        int rc = pv_tree_build(g, tp->ids, tp->len, 1, 0.0, &tree, &err);
        if (rc == PV_E_NOTFOUND) {
            problem(&c, tp->time > c.tol ? MISSING : REFUSED_ZERO, tp->ids, tp->len, NULL,
                    tp->time, tp->calls);
            continue;
        }
        ck_assert_msg(rc == PV_OK, "%s: %s", name, err.msg);
        ck_assert_int_eq(tree.nodes[0].func, (int64_t)tp->ids[tp->len - 1]);
        check_box(&c, tp->ids, tp->len, &tree.nodes[0], tp->time, tp->calls);
        check_children(&c, &tree, tp->ids, tp->len);
        pv_tree_release(&tree);
    }

    fprintf(stderr, "%s: %zu paths, %zu boxes checked (%zu exact), %zu boxes below them", name,
            t.n_paths, c.boxes, c.exact, c.children);
    size_t failures = 0;
    for (int k = 0; k < N_KINDS; k++) {
        if (c.count[k])
            fprintf(stderr, "; %s: %zu", kind_name[k], c.count[k]);
        failures += k == REFUSED_ZERO ? 0 : c.count[k];
    }
    fprintf(stderr, "\n");
    /* Zero-time refusals are explained, but must stay a small minority. */
    size_t refused = c.count[REFUSED_ZERO];
    free_truth(&t);
    pv_graph_free(g);
    ck_assert_msg(failures == 0,
                  "%s: %zu boxes disagree with the truth (bounds %zu, exact time %zu, exact calls "
                  "%zu + %zu of zero time, missing %zu, spurious %zu, top %zu): see the log",
                  name, failures, c.count[BOUNDS], c.count[EXACT_TIME], c.count[EXACT_CALLS],
                  c.count[EXACT_CALLS_ZERO], c.count[MISSING], c.count[SPURIOUS], c.count[TOP]);
    ck_assert_msg(refused * 10 <= c.boxes + refused, "%s: %zu of %zu paths refused", name,
                  refused, c.boxes + refused);
}
END_TEST

/* The box of path ids[0..len) (len 0: the root) and its children, as the
 * recorded tree serves them, against the truth: the children must be
 * exactly the truth's paths one step longer. */
static size_t check_recorded_view(const char *name, const pv_graph *g, const truth *t,
                                  const uint32_t *ids, size_t len, double true_time,
                                  double true_calls)
{
    pv_tree tree;
    pv_err err;
    int rc = pv_tree_build(g, ids, len, 1, 0.0, &tree, &err);
    ck_assert_msg(rc == PV_OK, "%s: %s", name, err.msg);
    const pv_tree_node *b = &tree.nodes[0];
    ck_assert_msg(b->exact && b->calls_exact && b->lo == b->time && b->hi == b->time,
                  "%s: a box of %zu steps is not exact", name, len);
    ck_assert_msg(b->time == true_time && b->calls == true_calls,
                  "%s: box of %zu steps: time %.17g, %.17g calls; true %.17g, %.17g calls", name,
                  len, b->time, b->calls, true_time, true_calls);
    uint32_t *child = malloc((len + 1) * sizeof *child);
    if (len)
        memcpy(child, ids, len * sizeof *ids);
    double kids = 0.0;
    for (uint32_t k = 0; k < b->n_children; k++) {
        const pv_tree_node *n = &tree.nodes[b->first_child + k];
        ck_assert_msg(n->func >= 0, "%s: a box without a function below %zu steps", name, len);
        child[len] = (uint32_t)n->func;
        ck_assert_msg(find_path(t, child, len + 1), "%s: a box no call had, below %zu steps",
                      name, len);
        kids += n->time;
    }
    /* Own time: what the children leave, in the truth's integer ticks. */
    if (len)
        ck_assert_msg(fabs(b->self - (b->time - kids)) <= 1e-12 * fabs(t->total) + 1e-15,
                      "%s: self %.17g, time less children %.17g", name, b->self, b->time - kids);
    size_t n_children = b->n_children;
    free(child);
    pv_tree_release(&tree);
    return n_children;
}

START_TEST(recorded_tree_is_the_truth)
{
    const char *name = programs[_i], *data = getenv("PV_TEST_DATA");
    if (getenv("PV_GROUNDTRUTH_DIR"))
        return;  /* recorded fixtures exist for the committed truths only */
    char path[2048];
    snprintf(path, sizeof path, "%s/recorded/%s.prof", data ? data : "tests/data", name);
    pv_graph *g = pv_test_graph(path);
    ck_assert_msg(g->recorded, "%s: no recorded tree", path);
    truth t;
    snprintf(path, sizeof path, "%s/%s.paths.json", dir, name);
    load_truth(path, g, &t);
    double top = 0.0, top_calls = 0.0;
    for (size_t i = 0; i < t.n_paths; i++) {
        top += t.paths[i].len == 1 ? t.paths[i].time : 0.0;
        top_calls += t.paths[i].len == 1 ? t.paths[i].calls : 0.0;
    }
    /* Every path's box, and below it exactly the truth's children: the
     * boxes seen as children, with the top level, are the truth paths. */
    size_t boxes = check_recorded_view(name, g, &t, NULL, 0, top, top_calls);
    for (size_t i = 0; i < t.n_paths; i++)
        boxes += check_recorded_view(name, g, &t, t.paths[i].ids, t.paths[i].len,
                                     t.paths[i].time, t.paths[i].calls);
    ck_assert_msg(boxes == t.n_paths, "%s: %zu boxes, %zu truth paths", name, boxes, t.n_paths);
    free_truth(&t);
    pv_graph_free(g);
}
END_TEST

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

Suite *pv_tree_truth_suite(void)
{
    const char *over = getenv("PV_GROUNDTRUTH_DIR"), *data = getenv("PV_TEST_DATA");
    if (over)
        snprintf(dir, sizeof dir, "%s", over);
    else
        snprintf(dir, sizeof dir, "%s/groundtruth", data ? data : "tests/data");
    DIR *d = opendir(dir);
    if (d) {
        const char *suffix = ".paths.json";
        size_t sl = strlen(suffix);
        struct dirent *e;
        while ((e = readdir(d)) && n_programs < MAX_PROGRAMS) {
            size_t n = strlen(e->d_name);
            if (n > sl && strcmp(e->d_name + n - sl, suffix) == 0)
                programs[n_programs++] = strndup(e->d_name, n - sl);
        }
        closedir(d);
    }
    qsort(programs, n_programs, sizeof *programs, by_name);
    Suite *s = suite_create("tree_truth");
    TCase *tc = tcase_create("truth");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, enough_programs);
    tcase_add_loop_test(tc, every_box_holds_its_true_time, 0, (int)n_programs);
    tcase_add_loop_test(tc, recorded_tree_is_the_truth, 0, (int)n_programs);
    suite_add_tcase(s, tc);
    return s;
}
