/* units.h — what one unit of a profile's times is in seconds
 * (pv_profile.unit), for the writers and merging that put profiles of
 * different time units on one scale.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_UNITS_H
#define PV_UNITS_H

#include <string.h>

/* How many `unit`s make a second (NULL counts as "seconds", as the
 * store does), or 0 when the unit is not a time (samples, bytes, none, a
 * callgrind event): such figures cannot be converted.  A whole number,
 * so that dividing by it rounds once (multiplying by 1e-6 would round
 * twice). */
static inline double pv_unit_per_second(const char *unit)
{
    static const struct { const char *name; double s; } times[] = {
        {"seconds", 1}, {"milliseconds", 1e3}, {"microseconds", 1e6}, {"nanoseconds", 1e9},
    };
    if (!unit)
        return 1;
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        if (strcmp(unit, times[i].name) == 0)
            return times[i].s;
    return 0;
}

#endif
