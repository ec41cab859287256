/* oracle_stacks.c — see oracle_stacks.h. */
#include "oracle_stacks.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define TOP_PATHS 10

cJSON *pv_oracle_load(const char *path)
{
    char opath[1200];
    snprintf(opath, sizeof opath, "%s.expected.json", path);
    size_t len;
    unsigned char *text = pv_test_read(opath, &len);
    cJSON *o = cJSON_ParseWithLength((const char *)text, len);
    free(text);
    ck_assert_msg(o != NULL, "%s: not JSON", opath);
    return o;
}

static int same_number(double got, double want)
{
    if (want == floor(want) && got == floor(got))
        return got == want;
    return fabs(got - want) <= 1e-12 * fmax(fabs(want), 1.0);
}

static double number(const cJSON *o, const char *key, const char *label)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "%s: oracle has no number %s", label, key);
    return v->valuedouble;
}

typedef struct fn_row {
    const char *name;
    double self, total;
} fn_row;

static int by_row(const void *x, const void *y)
{
    const fn_row *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    if (a->total != b->total)
        return a->total < b->total ? -1 : 1;
    return a->self < b->self ? -1 : a->self > b->self;
}

static void check_functions(const pv_profile *p, const cJSON *oracle, const char *label)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(oracle, "functions");
    size_t n = (size_t)cJSON_GetArraySize(list);
    ck_assert_msg(p->n_funcs == n, "%s: %zu functions, the oracle has %zu", label, p->n_funcs, n);
    fn_row *got = calloc(n ? n : 1, sizeof *got), *want = calloc(n ? n : 1, sizeof *want);
    for (size_t i = 0; i < n; i++)
        got[i] = (fn_row){p->funcs[i].name, p->funcs[i].tt, p->funcs[i].ct};
    size_t i = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, list) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
        ck_assert_msg(cJSON_IsString(name), "%s: oracle function without a name", label);
        want[i++] = (fn_row){name->valuestring, number(f, "self", label), number(f, "total", label)};
    }
    qsort(got, n, sizeof *got, by_row);
    qsort(want, n, sizeof *want, by_row);
    for (i = 0; i < n; i++) {
        ck_assert_msg(strcmp(got[i].name, want[i].name) == 0, "%s: function \"%s\" where the oracle "
                      "has \"%s\"", label, got[i].name, want[i].name);
        ck_assert_msg(same_number(got[i].self, want[i].self) && same_number(got[i].total, want[i].total),
                      "%s: %s self %.17g total %.17g, the oracle says %.17g and %.17g", label,
                      got[i].name, got[i].self, got[i].total, want[i].self, want[i].total);
    }
    free(got);
    free(want);
}

/* A stack of the tree: a node with weight of its own, and its path. */
typedef struct path {
    double weight;
    const pv_profile *p;
    uint32_t node;
} path;

/* Compares two nodes' paths by frame names, root first, as the oracle's
 * Python list comparison does. */
static int cmp_names(const pv_profile *p, uint32_t a, uint32_t b)
{
    const pv_node *nodes = p->recorded->nodes;
    uint32_t pa[4096], pb[4096];
    size_t na = 0, nb = 0;
    for (uint32_t x = a; x != PV_NODE_TOP && na < 4096; x = nodes[x].parent)
        pa[na++] = x;
    for (uint32_t x = b; x != PV_NODE_TOP && nb < 4096; x = nodes[x].parent)
        pb[nb++] = x;
    while (na && nb) {
        int c = strcmp(p->funcs[nodes[pa[--na]].func].name, p->funcs[nodes[pb[--nb]].func].name);
        if (c)
            return c;
    }
    return na ? 1 : nb ? -1 : 0;
}

static int by_weight_then_names(const void *x, const void *y)
{
    const path *a = x, *b = y;
    if (a->weight != b->weight)
        return a->weight > b->weight ? -1 : 1;
    return cmp_names(a->p, a->node, b->node);
}

static void check_paths(const pv_profile *p, const cJSON *oracle, const char *label)
{
    const pv_recorded *r = p->recorded;
    ck_assert_msg(r != NULL, "%s: no tree", label);
    path *paths = calloc(r->n_nodes ? r->n_nodes : 1, sizeof *paths);
    size_t n = 0;
    for (size_t i = 0; i < r->n_nodes; i++)
        if (r->nodes[i].tt != 0)
            paths[n++] = (path){r->nodes[i].tt, p, (uint32_t)i};
    ck_assert_msg(n == (size_t)number(oracle, "unique_stacks_nonzero", label),
                  "%s: %zu stacks with a weight, the oracle has %g", label, n,
                  number(oracle, "unique_stacks_nonzero", label));
    qsort(paths, n, sizeof *paths, by_weight_then_names);
    size_t k = 0;
    const cJSON *top;
    cJSON_ArrayForEach(top, cJSON_GetObjectItemCaseSensitive(oracle, "top_paths")) {
        double w = number(top, "weight", label);
        if (w == 0)
            break;
        ck_assert_msg(k < n, "%s: fewer heavy stacks than the oracle", label);
        ck_assert_msg(same_number(paths[k].weight, w), "%s: stack %zu weighs %.17g, the oracle says "
                      "%.17g", label, k, paths[k].weight, w);
        const cJSON *frames = cJSON_GetObjectItemCaseSensitive(top, "frames");
        size_t depth = (size_t)cJSON_GetArraySize(frames), d = depth;
        for (uint32_t x = paths[k].node; x != PV_NODE_TOP; x = r->nodes[x].parent) {
            ck_assert_msg(d > 0, "%s: stack %zu is deeper than the oracle's", label, k);
            const cJSON *name = cJSON_GetArrayItem(frames, (int)--d);
            ck_assert_msg(cJSON_IsString(name) &&
                              strcmp(name->valuestring, p->funcs[r->nodes[x].func].name) == 0,
                          "%s: stack %zu frame %zu is \"%s\"", label, k, d,
                          p->funcs[r->nodes[x].func].name);
        }
        ck_assert_msg(d == 0, "%s: stack %zu is shallower than the oracle's", label, k);
        k++;
    }
    free(paths);
}

void pv_oracle_check_stacks(const pv_profile *p, const cJSON *oracle, const char *label)
{
    double total = number(oracle, "total_weight", label);
    double empty = number(oracle, "empty_stack_weight", label);
    ck_assert_msg(same_number(p->empty_weight, empty), "%s: empty-stack weight %.17g, the oracle "
                  "says %.17g", label, p->empty_weight, empty);
    ck_assert_msg(same_number(p->total_tt + p->empty_weight, total), "%s: total %.17g, the oracle "
                  "says %.17g", label, p->total_tt + p->empty_weight, total);
    check_functions(p, oracle, label);
    check_paths(p, oracle, label);
}
