/* read.c — a job's profile read whole from the store, for the exporters
 * that write every function or node rather than a view (pstats, folded).
 * SPDX-License-Identifier: MIT
 */
#include "export.h"

#include "store.h"

int pv_export_read(const pv_export_job *job, pv_arena *arena, pv_profile *out, pv_err *err)
{
    pv_store *reader = pv_ctx_reader(job->ctx, err);
    if (!reader)
        return PV_E_DB;
    return pv_store_read(reader, job->id, arena, out, err);
}
