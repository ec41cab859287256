/* tree_diff.h — NEW's view of the call tree with BASE's figures for the
 * same call paths: what `profviz diff` and the page's "Compare with…"
 * colour by.
 *
 * The view is NEW's (pv_tree_build_limited, widths by NEW).  Its path is
 * mapped into BASE through a pv_match, BASE's view is built once at the
 * mapped path (same depth, a finer cutoff), and the two are walked in
 * parallel: each NEW box finds the BASE box whose function matches its
 * own under the BASE box of its parent.  A BASE figure is one of
 *
 *   present  BASE's box for the path: its time, bounds, calls, exactness;
 *   absent   BASE has no such path (its parent is shown whole and has no
 *            child of that function, or the parent is absent itself);
 *   below    BASE's view merged the path into a "(n smaller)" box or
 *            stopped above it (its limits): not 0 but unknown, so time
 *            is an estimate within honest bounds [0, hi].
 *
 * Per box, the BASE children of its path that NEW's box has no child for
 * ("removed" work) are counted with their time.  Ownership: the caller
 * provides the pv_tree_diff; pv_tree_diff_release frees its arrays and
 * BASE's view.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_TREE_DIFF_H
#define PV_TREE_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "graph.h"
#include "match.h"
#include "tree.h"

typedef enum { PV_BASE_PRESENT = 0, PV_BASE_ABSENT, PV_BASE_BELOW } pv_base_state;

typedef struct pv_diff_box {
    uint8_t state;          /* pv_base_state */
    uint8_t exact;          /* BASE's time is the data's (present and exact) */
    double time;            /* BASE's time on this path, in BASE's unit (0 when absent) */
    double lo, hi;          /* bounds that contain it */
    double calls;           /* BASE's calls on this path (0 when absent or below) */
    uint32_t base_node;     /* the box in pv_tree_diff.base.nodes, UINT32_MAX when none */
    uint32_t n_removed;     /* BASE children of this path that NEW's box lacks */
    double removed_time;    /* their time in BASE */
} pv_diff_box;

typedef struct pv_tree_diff {
    pv_diff_box *boxes;     /* one per NEW view box (pv_tree.nodes); malloc'd */
    pv_diff_box *path;      /* one per NEW path step (pv_tree.path); malloc'd */
    pv_tree base;           /* BASE's view at the mapped path; empty when BASE lacks it */
    uint8_t *gone;          /* per box of `base`: 1 when counted in its parent's n_removed; malloc'd */
    double base_total;      /* BASE's "(all)": its whole time */
} pv_tree_diff;

/* Fills `out` for NEW's view `nt` (built at path[0..path_len) of NEW,
 * `depth` levels, `cutoff`).  BASE's view is built within `limits` (NULL:
 * the box limit only); where they stop it, boxes below read "below".
 * Returns PV_OK, or what pv_tree_build returns for a bad depth or cutoff;
 * a path BASE lacks is not an error (its boxes read "absent"). */
int pv_tree_diff_build(const pv_graph *base, const pv_match *m,
                       const pv_tree *nt, const uint32_t *path, size_t path_len, unsigned depth,
                       double cutoff, const pv_tree_limits *limits, pv_tree_diff *out,
                       pv_err *err);

void pv_tree_diff_release(pv_tree_diff *d);

/* BASE's figure as a string for JSON and text: "present", "absent", "below". */
const char *pv_base_state_name(pv_base_state s);

#endif
