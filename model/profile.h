/* profile.h — a profile in memory, as a reader produces it and the store
 * consumes it: functions in file order and caller->callee edges.
 *
 * Strings are NUL-terminated WTF-8: UTF-8 in which U+DC80..U+DCFF stand for
 * bytes that were not valid UTF-8 in the file (Python's surrogateescape),
 * so a non-UTF-8 Python-2 file name and the same name written by Python 3
 * come out identical.  Every pointer in a pv_profile belongs to the arena
 * of the load that produced it and is valid until that arena is released.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_PROFILE_H
#define PV_PROFILE_H

#include <stddef.h>
#include <stdint.h>

enum {
    PV_FUNC_CALLER_ONLY = 1u << 0,  /* named only as a caller, has no entry of its own */
};

typedef struct pv_func {
    const char *file;       /* filename as in the key ("~" for C builtins) */
    const char *name;       /* function name; a code object's display form */
    int64_t line;           /* first line, 0 for builtins */
    int64_t cc;             /* primitive (non-recursive) calls */
    int64_t nc;             /* all calls; nc > cc means recursion */
    double tt;              /* own time, in pv_profile.unit (seconds for pstats; NaN kept as NaN) */
    double ct;              /* cumulative time, outermost calls only, in pv_profile.unit */
    /* Set only when the name came from a marshalled code object
     * (`python -m profile`): its co_name, co_filename and co_firstlineno. */
    const char *code_name;
    const char *code_file;
    int64_t code_line;
    uint32_t flags;         /* PV_FUNC_* */
} pv_func;

typedef struct pv_edge {
    uint32_t caller;        /* index into pv_profile.funcs */
    uint32_t callee;        /* index into pv_profile.funcs */
    int64_t nc;             /* calls from caller to callee (the count, for count edges) */
    int64_t cc;             /* primitive ones among them (= nc for count edges) */
    double tt;              /* callee's own time during these calls, in pv_profile.unit (0 for count edges;
                               NaN when the file does not say: callgrind) */
    double ct;              /* callee's cumulative time during these calls, likewise (0 for count edges) */
    uint8_t is_count;       /* 1: only the count is honest (profile, hotshot: a bare count; callgrind:
                               a call within a recursion cycle or to itself, whose cost counts
                               nested calls again) */
} pv_edge;

/* A node of an exact call tree (a recorded one, docs/recorded-tree.md, or
 * one built from a stack format): the calls (or samples) whose stack, from
 * the top, is exactly this node's path. */
#define PV_NODE_TOP UINT32_MAX       /* parent of a top-level node */
#define PV_NODE_OVERFLOW UINT32_MAX  /* func of a node holding the paths past the recorder's cap */
typedef struct pv_node {
    uint32_t parent;        /* index of the parent node (< this node's), or PV_NODE_TOP */
    uint32_t func;          /* index into pv_profile.funcs (an entry), or PV_NODE_OVERFLOW */
    int64_t calls;          /* >= 1 */
    double tt, ct;          /* own and inclusive time (in pv_profile.unit): finite, >= 0 */
} pv_node;

/* An exact call tree: the one a `profviz record` trailer carries, or the
 * one a stack format's reader (folded, speedscope, cpuprofile) builds
 * from the file's whole stacks (loader/stacks.h).  Nodes in pre-order (a
 * subtree is contiguous), siblings with distinct funcs, overflow nodes
 * leaves.  A node's tt/ct are in pv_profile.unit and its calls count
 * pv_profile.calls_unit (for samples: the samples whose stack passes
 * through the node). */
typedef struct pv_recorded {
    pv_node *nodes;
    size_t n_nodes;
    int64_t threads;        /* threads (or a file's profiles) merged under the top */
    int64_t max_paths;      /* the recorder's cap on distinct paths; 0: no cap */
    int64_t overflow_calls; /* calls folded into overflow nodes */
    const char *timer;      /* "perf_counter" or a user timer's name; a stack format's unit */
    const char *recorder;   /* the recorder's version; a stack format's exporter, or its name */
} pv_recorded;

typedef struct pv_profile {
    const char *format;     /* the reader: "pstats", "folded", "speedscope", "cpuprofile", "callgrind" */
    /* What the numbers measure.  tt/ct (of functions, edges and nodes) are
     * in `unit`, exactly as the file has them: "seconds" for pstats,
     * "samples", "microseconds", "milliseconds", "nanoseconds", "bytes",
     * "none" (speedscope's unitless weights) or a callgrind event name
     * ("Ir", "Ticks").  nc/cc and node calls count `calls_unit`: "calls"
     * (pstats, callgrind, speedscope's evented profiles) or "samples". */
    const char *unit;
    const char *calls_unit;
    /* When the file holds several profiles or event types, which one this
     * is: "" for the reader's default, else "event=NAME" or "profile=N";
     * `choices` lists every one the file offers in that form (NULL/0 when
     * there is nothing to choose). */
    const char *variant;
    const char *const *choices;
    size_t n_choices;
    const char *writer;     /* best guess: "cProfile", "profile", "yappi", ... */
    const char *dialect;    /* "py2" or "py3": which marshal sharing scheme */
    int marshal_version;    /* lowest marshal version consistent with the codes seen */
    pv_func *funcs;         /* file order; caller-only functions come last */
    size_t n_funcs;         /* including caller-only functions */
    size_t n_entries;       /* functions with an entry of their own */
    pv_edge *edges;         /* grouped by callee in file order, callers in file order */
    size_t n_edges;
    int64_t total_calls;    /* sum of nc (clamped to INT64_MAX, with a warning) */
    int64_t prim_calls;     /* sum of cc (clamped likewise) */
    double total_tt;        /* sum of tt in the order pstats sums it */
    double empty_weight;    /* stack formats: weight of samples with no frame (in no function) */
    size_t trailing_bytes;  /* bytes after the dump (and its trailer), ignored */
    const pv_recorded *recorded;  /* the trailer's call tree; NULL for plain pstats */
    const char **warnings;  /* messages about odd but accepted input */
    size_t n_warnings;
} pv_profile;

#endif
