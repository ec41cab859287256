/* scc.h — strongly connected components of a directed graph: which
 * functions call each other in recursion cycles.  Both graphs that need
 * them (the call graph's, callgraph/graph.c, and the callgrind reader's
 * before it, loader/callgrind_model.c) use this one.
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_SCC_H
#define PV_SCC_H

#include <stddef.h>
#include <stdint.h>

/* The components of the graph of n vertices whose edges from v are
 * adj[first[v] .. first[v+1]) (first has n + 1 entries).  comp[v] gets
 * v's component, numbered from 0 in the order Tarjan's algorithm closes
 * them (a component after every component it reaches); returns how many
 * there are.  Iterative, so a 100,000-deep call chain needs no C stack;
 * O(n + edges) time, scratch memory allocated and freed here. */
uint32_t pv_scc(size_t n, const uint32_t *first, const uint32_t *adj, uint32_t *comp);

#endif
