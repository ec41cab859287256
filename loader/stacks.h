/* stacks.h — build an exact call tree from whole stacks, for the readers of
 * formats that record them (folded stacks, speedscope, .cpuprofile).
 *
 * A reader names its functions (pv_stacks_func), then feeds the builder
 * weighted stacks, root first, in any order: a whole stack at a time
 * (pv_stacks_add) or node by node when the file is itself a tree
 * (pv_stacks_child + pv_stacks_weigh).  Identical paths merge, however far
 * apart they appear, and memory grows with the distinct paths, not with
 * the input, so a reader can stream.  pv_stacks_finish then fills the
 * pv_profile every consumer reads: the tree (pv_profile.recorded, exact:
 * each node's self and total are sums of the file's weights), and the
 * function table and caller->callee edges derived from it the way cProfile
 * counts them (a function's total counts each stack once however often it
 * recurses), so the chart, the table and the butterfly all agree.
 *
 * Weights are summed in long double, so integer weights stay exact up to
 * 2^64 before the one rounding to double at the end.  Everything lives in
 * the caller's arena; its limit caps the distinct paths and functions a
 * hostile file can make (PV_E_TOO_BIG).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_STACKS_H
#define PV_STACKS_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"
#include "profile.h"

typedef struct pv_stacks pv_stacks;

/* The parent to give pv_stacks_child for a top-level frame. */
#define PV_STACKS_TOP UINT32_MAX

/* A new builder in `arena` (which owns it: there is no free), or NULL when
 * the arena's limit is hit. */
pv_stacks *pv_stacks_new(pv_arena *arena);

/* The id of the function identified by `key` (key_len bytes, whatever
 * identity the format defines: a folded frame's text, a cpuprofile
 * callFrame's fields, a speedscope frame index), made on first sight with
 * the display file, line and name given (copied; file may be "" and line
 * 0).  Ids count from 0 in order of first sight.  PV_OK or PV_E_TOO_BIG. */
int pv_stacks_func(pv_stacks *b, const void *key, size_t key_len, const char *file, int64_t line,
                   const char *name, uint32_t *id, pv_err *err);

/* The node for a call of `func` under node `parent` (PV_STACKS_TOP for the
 * top level), made on first use.  PV_OK, PV_E_TOO_BIG, or PV_E_USAGE when
 * func or parent is not an id the builder gave. */
int pv_stacks_child(pv_stacks *b, uint32_t parent, uint32_t func, uint32_t *node, pv_err *err);

/* Adds `weight` (finite, >= 0) to the node's own weight and `calls` calls
 * or samples ending at it.  Weight counts only on nodes some call or
 * sample reached: give a sample's weight with its calls (an evented
 * format counts the call when the frame opens, then adds its time). */
void pv_stacks_weigh(pv_stacks *b, uint32_t node, double weight, int64_t calls);

/* pv_stacks_child down funcs[0..depth) (root first), then pv_stacks_weigh
 * on the last node.  depth 0 is a sample with no frame: its weight counts
 * in the profile's total but in no function (pv_stacks_empty_weight). */
int pv_stacks_add(pv_stacks *b, const uint32_t *funcs, size_t depth, double weight, int64_t calls,
                  pv_err *err);

/* The weight of the samples with no frame so far. */
double pv_stacks_empty_weight(const pv_stacks *b);

/* Fills out's funcs, n_funcs, n_entries, edges, n_edges, total_calls,
 * prim_calls, total_tt, empty_weight and recorded (threads 1, no cap; the reader sets
 * the rest of the profile, and may change threads, timer and recorder).
 * Nodes that no call or sample reached (calls 0 in their whole subtree)
 * are left out of the tree; their functions stay in the table.
 *   node.calls  = calls/samples ending in the node's subtree
 *   node.tt     = weight ending at the node; node.ct = its subtree's
 *   func.tt     = sum of its nodes' tt; func.ct = sum of ct over its nodes
 *                 with no ancestor of the same function (outermost only)
 *   func.nc     = sum of its nodes' calls; func.cc = over outermost nodes
 *   edge g->f   = over nodes of f whose parent is a node of g: nc, tt
 *                 summed; cc and ct over those with no g->f call above
 *                 them (cProfile's rule for a caller/callee pair)
 * Edges come grouped by callee, callers in id order, as pv_profile wants.
 * PV_OK or PV_E_TOO_BIG. */
int pv_stacks_finish(pv_stacks *b, pv_profile *out, pv_err *err);

#endif
