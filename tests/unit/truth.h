/* truth.h — a ground-truth fixture's call paths (tests/data/groundtruth,
 * NAME.paths.json: the exact time and calls of every call stack), read
 * for the tests that check trees against them (test_tree_truth.c,
 * test_tree_views.c).  Failures fail the running test.
 */
#ifndef PV_TEST_TRUTH_H
#define PV_TEST_TRUTH_H

#include <stddef.h>
#include <stdint.h>

#include "graph.h"

typedef struct truth_path {
    uint32_t *ids;      /* graph function ids, from the top */
    size_t len;
    double time;        /* true time, s */
    double calls;       /* true number of calls */
    char *key;          /* ids as "3.17.4", for lookups */
} truth_path;

typedef struct truth {
    truth_path *paths;
    size_t n_paths;
    truth_path **by_key;  /* sorted by key */
    double total;         /* total_tt as pstats sums it */
} truth;

/* Reads NAME.paths.json, mapping its function table to g's ids by
 * (file, line, name); free_truth frees what it holds. */
void load_truth(const char *path, const pv_graph *g, truth *t);
void free_truth(truth *t);

/* The truth of the path ids[0..len) from the top, or NULL: no call had it. */
const truth_path *find_path(const truth *t, const uint32_t *ids, size_t len);

#endif
