/* pg.c — the PostgreSQL backend of the store (backend.h).
 * SPDX-License-Identifier: MIT
 */
#include "backend.h"

int pv_pg_open(const char *uri, int flags, pv_store **out, pv_err *err)
{
    (void)uri;
    (void)flags;
    *out = NULL;
    return pv_err_set(err, PV_E_USAGE, "this profviz was built without PostgreSQL support");
}
