/* svg.c — placeholder until its branch lands (issue 14).
 * SPDX-License-Identifier: MIT
 */
#include "export.h"

int pv_export_svg(const pv_export_job *job, FILE *out, pv_err *err)
{
    return pv_err_set(err, PV_E_USAGE, "export as svg is not built yet");
}
