/* tree.h — the call tree of one view, computed from a call graph.
 *
 * A box is a call path from the top (a function may appear on it more
 * than once: recursion, `exec` running a module that runs `exec`), and
 * its true time is that of the calls whose stack is exactly that path.
 * pstats keeps caller->callee totals, not stacks, so that time is often
 * not in the data: pv_tree_build derives, for every box, a time and
 * bounds [lo, hi] that always contain the true time, and says "exact"
 * only when lo == hi (tree.c and graph_place.c say what is proven how).
 *
 * A view is a path of function ids from the top (empty: the whole
 * profile), `depth` levels below the path's last box, and a `cutoff` as a
 * fraction of that box's time below which children are merged into one
 * "(n smaller)" box per parent.  The result holds only what the view can
 * show.  A recorded profile's tree (pv_graph.recorded) is read from its
 * nodes instead (tree_recorded.c): every box exact, with the same views,
 * cutoff and limits.  Ownership: pv_tree_build fills a caller-provided pv_tree whose
 * arrays are malloc'd; pv_tree_release frees them.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_TREE_H
#define PV_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "graph.h"

#define PV_TREE_ROOT (-1)     /* func of the synthetic root above the top level */
#define PV_TREE_SMALLER (-2)  /* func of a "(n smaller)" box */
#define PV_TREE_OVERFLOW (-3) /* func of a recorded tree's overflow node: the paths past the cap */
/* func of a box a transform made of a chain of one package's boxes
 * (xtree.h): its `node` is the package's offset in pv_tree.labels */
#define PV_TREE_COLLAPSED (-4)
#define PV_TREE_MAX_DEPTH 64  /* deepest view a request may ask for */
#define PV_TREE_MAX_PATH 4096 /* longest path a request may give */
/* Boxes one tree may hold: with no cutoff a tree can double with every
 * level (a 19 KB profile gave 730,000 boxes at depth 24).  Levels are
 * built whole, one after the other; the first level that would pass a
 * limit (pv_tree_limits) is left out, the boxes above it are flagged
 * `more`, and the tree says which limit stopped it (pv_tree.capped). */
#define PV_TREE_MAX_NODES 100000

/* What one view may cost.  A view of a 100,000-function profile with no
 * cutoff, 64 levels deep, took 2-7 s of CPU and printed 23-27 MB: bounded
 * here, it answers what fits and says what was left out. */
typedef struct pv_tree_limits {
    size_t max_boxes;       /* 0: PV_TREE_MAX_NODES (never more) */
    size_t max_bytes;       /* of the view's JSON, estimated per box; 0: no limit */
    double deadline_ms;     /* pv_now_ms() after which no level is added; 0: none */
} pv_tree_limits;

/* Why a tree stopped short of the depth asked for. */
enum { PV_TREE_FULL = 0, PV_TREE_CAP_BOXES, PV_TREE_CAP_BYTES, PV_TREE_CAP_TIME };

/* What a box's JSON (api_tree.c) takes at most besides its name and
 * file, bytes: the keys (about 130) and five figures of up to 24
 * characters (a view of the synthetic 100k profile averages 265 bytes a
 * box, names included). */
#define PV_TREE_BOX_JSON 260

typedef struct pv_tree_node {
    int64_t func;           /* function id, or PV_TREE_ROOT / PV_TREE_SMALLER */
    uint32_t first_child;   /* children are nodes[first_child .. first_child+n_children) */
    uint32_t n_children;    /* ordered by time, descending; "(n smaller)" last */
    uint32_t n_merged;      /* PV_TREE_SMALLER: how many boxes it stands for */
    uint32_t depth;         /* levels below the view root (0 for the view root) */
    double time;            /* time on this path, s */
    double self;            /* time not covered by the shown children, s (>= 0) */
    double calls;           /* calls on this path (apportioned when estimated) */
    double lo, hi;          /* bounds that contain the true time of the path, s */
    uint8_t exact;          /* lo == hi: time is the data's, not an estimate */
    uint8_t calls_exact;    /* calls is the data's */
    uint8_t more;           /* it has children the view's depth leaves out */
    /* Which activations of its function the box holds: those of group
     * `grp` (graph.h), all of them when `whole`. */
    uint8_t whole;
    uint32_t grp;
    uint32_t parent;        /* index of the box above in nodes (UINT32_MAX: the view root) */
    uint32_t node;          /* recorded trees (pv_graph.recorded): the box's node in rec_nodes */
    /* A recorded tree's inverted or sandwich box (tree_views_recorded.c)
     * stands for several nodes: their range in the builder's members. */
    uint32_t members_at, n_members;
} pv_tree_node;

/* Which tree a view is cut from (docs/api.md, `view`):
 *
 *   TOP       the call tree from the top (pv_tree_build).
 *   INVERTED  bottom-up: below a root worth the sum of own time, the
 *             functions with own time, each worth its tt; below a box,
 *             the callers of its last function, each worth the part of
 *             the box's time spent in calls from that caller.  A path
 *             goes from the function up through its callers.
 *   CALLERS   the sandwich's upper half: the function `fn`, worth its
 *             ct, and its callers recursively upward, as INVERTED but
 *             by cumulative time.  A path starts at fn.
 *   CALLEES   the sandwich's lower half: `fn`, every activation merged,
 *             its callees each worth the edge's ct, then the top-down
 *             tree below them.  A path starts at fn.
 *
 * In CALLERS and CALLEES fn's own recursion is merged into fn (time is
 * counted once, at fn's outermost activation, as pstats' ct does). */
typedef enum pv_tree_view {
    PV_VIEW_TOP = 0,
    PV_VIEW_INVERTED,
    PV_VIEW_CALLERS,
    PV_VIEW_CALLEES
} pv_tree_view;

typedef struct pv_tree {
    pv_tree_node *nodes;    /* nodes[0] is the view root; malloc'd */
    size_t n_nodes;
    /* The box of each step of the path from the top: path[i] is the box
     * of the i-th id (the last one is the view root, nodes[0], again). */
    pv_tree_node *path;     /* malloc'd, path_len entries (may be 0) */
    size_t path_len;
    /* PV_TREE_FULL, or the limit that left levels out (PV_TREE_CAP_*):
     * then the deepest level built is `shown_depth`, whose boxes with
     * children have `more`.  The clock never stops the first level below
     * the view root. */
    uint8_t capped;
    unsigned shown_depth;
    size_t json_bytes;      /* the estimate max_bytes was checked against */
    char *labels;           /* transformed views (xtree.h): collapsed boxes' packages; malloc'd */
} pv_tree;

/* Builds the view rooted at path[0..path_len) (function ids from the
 * top).  Returns PV_OK, or PV_E_NOTFOUND when the path does not exist in
 * the tree (an id out of range, a step that is not a child of the step
 * before), or PV_E_USAGE for a depth or cutoff out of range. */
int pv_tree_build(const pv_graph *g, const uint32_t *path, size_t path_len, unsigned depth,
                  double cutoff, pv_tree *out, pv_err *err);

/* The same within `limits` (NULL: pv_tree_build's, the box limit only). */
int pv_tree_build_limited(const pv_graph *g, const uint32_t *path, size_t path_len,
                          unsigned depth, double cutoff, const pv_tree_limits *limits,
                          pv_tree *out, pv_err *err);

/* The same for any view (fn: the sandwich's function, ignored by TOP
 * and INVERTED).  PV_E_NOTFOUND also when fn is not a function of g or
 * a sandwich path does not start at fn. */
int pv_tree_build_view(const pv_graph *g, pv_tree_view view, uint32_t fn, const uint32_t *path,
                       size_t path_len, unsigned depth, double cutoff,
                       const pv_tree_limits *limits, pv_tree *out, pv_err *err);

void pv_tree_release(pv_tree *t);

#endif
