/* transform.h — rewrites of a whole call tree (xtree.h) that answer
 * "show me this function", "hide this machinery", "what is mine":
 *
 *   focus F     every outermost box of F merged into one box, the only
 *               child of the root ("(all)", now worth its time): F's
 *               subtree over all the places it is called from
 *   merge F     F's boxes removed, their children lifted into the box
 *               above, their own time kept in its self
 *   collapse P  each maximal chain of boxes of package P (funcpkg.h)
 *               one box named P, with the chain's callees outside P below
 *   drop PATH   the subtree at PATH (function ids from the root) removed:
 *               its time leaves every box above it
 *   mycode      library frames (mycode.h) above the first frame of the
 *               user's code merged away, and below it each maximal chain
 *               of them one box named after its first frame's package
 *
 * Boxes that end up side by side for the same function (or package) are
 * merged (pv_xtree_merge_siblings).  Every transform but drop keeps the
 * root's time (focus: the root is worth F's boxes), and every box it does
 * not merge keeps its figures.  The root is always "(all)".
 * Ownership: a pv_transform's package and path are malloc'd, freed by
 * pv_transform_release.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_TRANSFORM_H
#define PV_TRANSFORM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "funcpkg.h"
#include "graph.h"
#include "xtree.h"

typedef enum pv_transform_kind {
    PV_TF_FOCUS,
    PV_TF_MERGE,
    PV_TF_COLLAPSE,
    PV_TF_DROP,
    PV_TF_MYCODE,
} pv_transform_kind;

typedef struct pv_transform {
    pv_transform_kind kind;
    uint32_t func;          /* focus, merge: a function id of the graph */
    char *package;          /* collapse */
    uint32_t *path;         /* drop: function ids from the root */
    size_t path_len;
} pv_transform;

void pv_transform_release(pv_transform *t);

/* Applies `t` to x (g: the graph its function ids are of, pk its
 * functions' packages).  PV_E_USAGE when it cannot apply, saying why (the
 * caller names the transform): a focus or a drop on what the tree as
 * transformed so far does not hold. */
int pv_transform_apply(pv_xtree *x, const pv_graph *g, const pv_funcpkg *pk,
                       const pv_transform *t, pv_err *err);

#endif
