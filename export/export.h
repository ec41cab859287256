/* export.h — a stored profile written out for somewhere profviz is not
 * running: `profviz export` (cli/cmd_export.c) and the notebook magic.
 *
 * One file per kind of output, each a pv_exporter:
 *   html.c    one self-contained HTML report (app, styles, data inlined)
 *   svg.c     the icicle chart as SVG
 *   png.c     the icicle chart as PNG
 *             (both draw icicle_layout.h's boxes; png.c through raster.h
 *             and png_encode.h)
 *   folded.c  folded stacks (flamegraph.pl's input; estimated for pstats)
 *   pstats.c  a pstats dump Python's pstats.Stats reads (pstats_write.h)
 * and what they share: read.c (a job's whole profile from the store),
 * pstats_write.c with marshal_write.c (the dump itself, which `profviz
 * merge` writes too).
 * The caller opens the output and makes it appear whole or not at all
 * (cmd_export.c writes a temporary file and renames it): an exporter only
 * writes to `out` and says what went wrong.
 * Ownership: the job and everything it points to belong to the caller.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_EXPORT_H
#define PV_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "ctx.h"
#include "err.h"
#include "profile.h"

typedef struct pv_export_job {
    pv_ctx *ctx;              /* the store and graph cache the profile is read through */
    int64_t id;               /* the stored profile */
    const char *name;         /* its display name (pv_profile_info.name) */
    const uint32_t *path;     /* --path: function ids from the top to the view root */
    size_t path_len;          /* 0: the whole profile */
    unsigned depth;           /* --depth: levels below the view root; 0: the kind's default */
    unsigned width;           /* --width: pixels across (svg, png); 0: the kind's default */
    FILE *notes;              /* where an exporter tells the user what its output cannot
                                 carry (a unit pstats has no word for); NULL: nowhere */
} pv_export_job;

/* Writes the job's profile to `out`.  PV_OK, or a PV_E_* code with a
 * message for the user in err (PV_E_IO when writing failed). */
typedef int pv_exporter(const pv_export_job *job, FILE *out, pv_err *err);

pv_exporter pv_export_html;
pv_exporter pv_export_svg;
pv_exporter pv_export_png;
pv_exporter pv_export_folded;
pv_exporter pv_export_pstats;

/* Reads the job's profile from the store (through job->ctx's reader)
 * into `arena`, which the caller releases: as pv_store_read. */
int pv_export_read(const pv_export_job *job, pv_arena *arena, pv_profile *out, pv_err *err);

#endif
