/* hotpath.c — the widest path to a function: Dijkstra's algorithm with
 * "min along the path" in place of "sum" and the largest width first.
 * The predecessors form a tree, so the path read back never holds a
 * function twice.  See hotpath.h.
 * SPDX-License-Identifier: MIT
 */
#include "hotpath.h"

#include <math.h>
#include <stdlib.h>

#include "xalloc.h"

typedef struct item {
    double width;  /* the narrowest step of the best path known so far */
    uint32_t hops; /* its length, to prefer the shorter of equally wide paths */
    uint32_t func;
} item;

/* A max-heap of items, best first; a function may be in it more than once
 * (stale entries are skipped when popped). */
typedef struct heap {
    item *v;
    size_t n, cap;
} heap;

static int better(const item *a, const item *b)
{
    return a->width > b->width || (a->width == b->width && a->hops < b->hops);
}

static void heap_push(heap *h, item it)
{
    h->v = pv_xgrow(h->v, &h->cap, h->n + 1, sizeof *h->v);
    size_t i = h->n++;
    while (i > 0 && better(&it, &h->v[(i - 1) / 2])) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = it;
}

static item heap_pop(heap *h)
{
    item top = h->v[0], last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && better(&h->v[c + 1], &h->v[c]))
            c++;
        if (!better(&h->v[c], &last))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n > 0)
        h->v[i] = last;
    return top;
}

/* A width for a time: NaN (damaged profiles) is as narrow as it gets. */
static double width_of(double t)
{
    return isnan(t) ? -INFINITY : t;
}

uint32_t *pv_hot_path(const pv_graph *g, uint32_t f, size_t *len)
{
    size_t n = g->n_funcs;
    double *width = pv_xmalloc(n * sizeof *width);
    uint32_t *hops = pv_xmalloc(n * sizeof *hops);
    uint32_t *pred = pv_xmalloc(n * sizeof *pred);
    uint8_t *done = pv_xcalloc(n, 1);
    for (size_t i = 0; i < n; i++)
        width[i] = NAN;
    heap h = {0};
    for (size_t i = 0; i < g->n_tops; i++) {
        uint32_t t = g->tops[i];
        width[t] = width_of(g->funcs[t].top_time);
        hops[t] = 1;
        heap_push(&h, (item){width[t], 1, t});
    }
    while (h.n > 0) {
        item it = heap_pop(&h);
        if (done[it.func])
            continue;
        done[it.func] = 1;
        if (it.func == f)
            break;
        const pv_gfunc *u = &g->funcs[it.func];
        for (uint32_t k = 0; k < u->n_callees; k++) {
            const pv_gedge *e = &g->callees[u->callees_at + k];
            item next = {fmin(it.width, width_of(e->ct)), it.hops + 1, e->other};
            if (done[e->other])
                continue;
            item old = {width[e->other], hops[e->other], e->other};
            if (isnan(old.width) || better(&next, &old)) {  /* NaN: not reached yet */
                width[e->other] = next.width;
                hops[e->other] = next.hops;
                pred[e->other] = it.func;
                heap_push(&h, next);
            }
        }
    }
    uint32_t *path = NULL;
    if (done[f]) {
        *len = hops[f];
        path = pv_xmalloc(*len * sizeof *path);
        uint32_t at = f;
        for (size_t i = *len; i-- > 0; at = pred[at])
            path[i] = at;
    }
    free(h.v);
    free(width);
    free(hops);
    free(pred);
    free(done);
    return path;
}
