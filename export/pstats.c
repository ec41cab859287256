/* pstats.c — `export --pstats`: the stored profile as a pstats dump
 * (pstats_write.h), with its recorded tree's trailer when it has one.
 * SPDX-License-Identifier: MIT
 */
#include "export.h"

#include <errno.h>
#include <string.h>

#include "pstats_write.h"
#include "term.h"

/* The most a stored profile may take in memory while it is written. */
#define READ_LIMIT ((size_t)1 << 34)

int pv_export_pstats(const pv_export_job *job, FILE *out, pv_err *err)
{
    pv_arena arena;
    pv_profile p;
    pv_arena_init(&arena, READ_LIMIT);
    int rc = pv_export_read(job, &arena, &p, err);
    if (rc != PV_OK) {
        pv_arena_release(&arena);
        return rc;
    }
    if (p.n_entries == 0) {
        pv_arena_release(&arena);
        return pv_err_set(err, PV_E_USAGE, "%s holds no function: a pstats dump of it would be "
                          "an empty dict, which pstats refuses", job->name);
    }
    if (job->notes && !pv_pstats_in_seconds(&p))
        pv_term_println(job->notes, "profviz export: %s measures %s, not time: the pstats dump "
                "holds the figures as they are, and Python's pstats will call them seconds%s",
                job->name, p.unit, p.recorded ? " (profviz reads the unit back from its trailer)"
                : "");
    pv_jbuf buf;
    pv_jbuf_init(&buf, 1 << 16);
    pv_pstats_write(&p, &buf);
    pv_arena_release(&arena);
    if (fwrite(buf.s, 1, buf.len, out) != buf.len)
        rc = pv_err_set(err, PV_E_IO, "writing the pstats dump: %s", strerror(errno));
    pv_jbuf_free(&buf);
    return rc;
}
