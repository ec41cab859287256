/* merge_files.h — profile files read and merged into one pstats dump,
 * for `profviz merge`, `profviz load --merge` and `profviz --merge`.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_MERGE_FILES_H
#define PV_MERGE_FILES_H

#include <stdbool.h>

#include "json.h"
#include "loader.h"

/* What merging files gave. Ownership: the struct owns both; release with
 * pv_cli_merged_release. */
typedef struct pv_cli_merged {
    pv_jbuf dump;   /* the merged pstats dump (with its trailer when the tree was kept) */
    char *name;     /* "3 files merged: a.prof, b.prof, c.prof" */
} pv_cli_merged;

/* Reads files[0..n) (as opts says), merges them (loader/merge.h) and
 * writes the result as a pstats dump (export/pstats_write.h), printing
 * the files' and the merge's warnings.  `to_store`: the dump is to be
 * stored as the merged profile, so a unit the dump cannot carry back is
 * refused rather than turned into seconds.  Returns 0, or -1 after
 * printing why (each file's error names it). */
int pv_cli_merge_files(char **files, int n, const pv_load_opts *opts, bool to_store,
                       pv_cli_merged *out);
void pv_cli_merged_release(pv_cli_merged *m);

#endif
