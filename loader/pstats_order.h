/* pstats_order.h — total_tt summed in the order pstats.Stats sums it
 * (internal to loader/).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_PSTATS_ORDER_H
#define PV_PSTATS_ORDER_H

#include "profile.h"

/* The sum of tt over the profile's entries, added up in the iteration
 * order of the dict pstats builds: file order for Python-3 files (dicts
 * keep insertion order), Python 2.7's hash order for Python-2 files. */
double pv_pstats_total_tt(const pv_profile *p, int py2);

#endif
