/* scc.c — Tarjan's algorithm with an explicit stack of (vertex, next
 * edge) instead of recursion.  See scc.h.
 * SPDX-License-Identifier: MIT
 */
#include "scc.h"

#include <stdlib.h>

#include "xalloc.h"

#define UNSET UINT32_MAX

uint32_t pv_scc(size_t n, const uint32_t *first, const uint32_t *adj, uint32_t *comp)
{
    size_t m = n ? n : 1;
    uint32_t *index = pv_xmalloc(m * sizeof *index), *low = pv_xmalloc(m * sizeof *low);
    uint32_t *stack = pv_xmalloc(m * sizeof *stack), *walk = pv_xmalloc(m * sizeof *walk);
    uint32_t *next = pv_xmalloc(m * sizeof *next);
    uint8_t *on_stack = pv_xcalloc(m, 1);
    for (size_t i = 0; i < n; i++)
        index[i] = UNSET;
    uint32_t counter = 0, n_stack = 0, n_comp = 0;
    for (size_t start = 0; start < n; start++) {
        if (index[start] != UNSET)
            continue;
        size_t depth = 0;
        walk[depth++] = (uint32_t)start;
        next[start] = first[start];
        index[start] = low[start] = counter++;
        stack[n_stack++] = (uint32_t)start;
        on_stack[start] = 1;
        while (depth) {
            uint32_t v = walk[depth - 1];
            if (next[v] < first[v + 1]) {
                uint32_t w = adj[next[v]++];
                if (index[w] == UNSET) {
                    index[w] = low[w] = counter++;
                    next[w] = first[w];
                    stack[n_stack++] = w;
                    on_stack[w] = 1;
                    walk[depth++] = w;
                } else if (on_stack[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            depth--;
            if (depth && low[v] < low[walk[depth - 1]])
                low[walk[depth - 1]] = low[v];
            if (low[v] == index[v]) {
                uint32_t w;
                do {
                    w = stack[--n_stack];
                    on_stack[w] = 0;
                    comp[w] = n_comp;
                } while (w != v);
                n_comp++;
            }
        }
    }
    free(index);
    free(low);
    free(stack);
    free(walk);
    free(next);
    free(on_stack);
    return n_comp;
}
