/* xtree.h — a whole call tree that transforms rewrite (transform.h), and
 * views cut from it with the same shape as tree.h's.
 *
 * A transform (merge a function into its callers, collapse a package,
 * ...) changes the tree's shape, so it cannot be computed on a view: it
 * needs the whole tree below the boxes it touches.  pv_xtree_base builds
 * that tree once per profile (tree.c's view of the whole profile at the
 * finest cutoff that fits a box budget; the boxes below the cutoff are
 * its "(N smaller)" boxes), as one block the server keeps with the graph;
 * each request copies it into a pv_xtree (boxes linked to their parent,
 * first child and next sibling, so boxes can be lifted, merged and
 * removed in place), applies its transforms and cuts the view it asked
 * for (pv_xtree_view) into a pv_tree that api_tree.c prints as any view.
 *
 * Invariant kept by every rewrite: a box's time is its self plus its
 * children's times (within rounding), as in tree.c's views, but for a
 * box whose children the whole tree left out (`more`: its self is then
 * at most its time).
 * Ownership: pv_xtree_base returns a malloc'd block (free()); a pv_xtree's
 * arrays are malloc'd and freed by pv_xtree_release; pv_xtree_view fills
 * a caller-provided pv_tree that pv_tree_release frees.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_XTREE_H
#define PV_XTREE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "graph.h"
#include "tree.h"

#define PV_XTREE_NONE UINT32_MAX

/* Boxes the whole tree may hold: a transform then costs a few
 * milliseconds per request (bench/README.md). */
#define PV_XTREE_MAX_BOXES 100000

/* The whole tree as built once: n boxes in tree.c's layout (nodes[0] the
 * root, children contiguous). */
typedef struct pv_xtree_base {
    size_t n;
    double cutoff;          /* the cutoff it was built at (share of the total) */
    pv_tree_node nodes[];
} pv_xtree_base;

typedef struct pv_xbox {
    int64_t func;           /* function id, or PV_TREE_ROOT / _SMALLER / _OVERFLOW / _COLLAPSED */
    uint32_t label;         /* PV_TREE_COLLAPSED: offset of its package in pv_xtree.labels */
    uint32_t n_merged;      /* PV_TREE_SMALLER: boxes it stands for */
    uint32_t parent, first, next;  /* links, PV_XTREE_NONE for none */
    double time, self, calls, lo, hi;
    uint8_t exact, calls_exact;
    uint8_t more;           /* it has children the whole tree left out */
    uint8_t chain;          /* a collapsed box "my code only" made of library frames */
    uint8_t dirty;          /* its children changed: pv_xtree_merge_siblings looks at them */
} pv_xbox;

typedef struct pv_xtree {
    pv_xbox *boxes;         /* malloc'd; removed boxes stay, unlinked */
    size_t n, cap;
    uint32_t root;
    char *labels;           /* NUL-terminated packages of collapsed boxes, malloc'd */
    size_t labels_len, labels_cap;
} pv_xtree;

/* The whole tree of g (see above); *bytes: the block's size.  Never
 * fails: out of memory aborts (xalloc.h). */
pv_xtree_base *pv_xtree_base_build(const pv_graph *g, size_t *bytes);

/* A rewritable copy of `base`. */
void pv_xtree_from_base(const pv_xtree_base *base, pv_xtree *out);

void pv_xtree_release(pv_xtree *x);

/* The offset in x->labels of `label` (added once). */
uint32_t pv_xtree_label(pv_xtree *x, const char *label);

/* Box `at`, the child of its parent after `prev` (PV_XTREE_NONE: the
 * first), leaves the tree: its children take its place and the time
 * they do not hold (its self, and the time of children the whole tree
 * left out) goes to the parent's self.  Returns the box now after `prev`: at's first child,
 * or its next sibling when it had none.  Not for the root. */
uint32_t pv_xtree_dissolve(pv_xtree *x, uint32_t prev, uint32_t at);

/* Box `from` joins box `into`: figures add up (exact only if both
 * were), children join; `from` leaves the tree (unlinked: the caller
 * takes it out of its parent's list, or abandons that list). */
void pv_xtree_absorb(pv_xtree *x, uint32_t into, uint32_t from);

/* Merges, under every box marked dirty (by pv_xtree_dissolve and
 * pv_xtree_absorb, or by a caller that relabels a box's child), the
 * children that show the same thing (one function, one collapsed package,
 * the "(N smaller)" boxes): their figures add up (exact only if all were)
 * and their children join. */
void pv_xtree_merge_siblings(pv_xtree *x);

/* The child of `at` for function `func`, or PV_XTREE_NONE. */
uint32_t pv_xtree_child(const pv_xtree *x, uint32_t at, int64_t func);

/* Cuts the view at path[0..path_len) (function ids from the root) to
 * `depth` levels with `cutoff`, within `limits` (boxes and bytes; NULL:
 * the box limit only), as pv_tree_build_limited does.  Collapsed boxes
 * keep their package's offset in out->labels in pv_tree_node.node.
 * PV_E_NOTFOUND for a path not in the tree. */
int pv_xtree_view(const pv_xtree *x, const pv_graph *g, const uint32_t *path, size_t path_len,
                  unsigned depth, double cutoff, const pv_tree_limits *limits, pv_tree *out,
                  pv_err *err);

#endif
