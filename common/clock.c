/* clock.c — the monotonic clock.  See clock.h.
 * SPDX-License-Identifier: MIT
 */
#include "clock.h"

#include <time.h>

double pv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
