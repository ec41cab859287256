/* runner.c — main() shared by every Check test executable.
 * Each executable is built with -DPV_SUITE=pv_<module>_suite and runs that
 * one suite, so modules run in parallel under meson and a crash stays
 * contained in its own executable.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

Suite *PV_SUITE(void);

int main(void)
{
    if (pv_test_on_pg() && pv_test_pg_unavailable()) {
        /* Not one test of a PostgreSQL run passes without a cluster. */
        printf("SKIP: PostgreSQL: %s\n", pv_test_pg_unavailable());
        return 77;
    }
    SRunner *sr = srunner_create(PV_SUITE());
    if (pv_test_skipped()) {
        /* meson reads 77 as SKIP; the reason is the last line it keeps. */
        printf("SKIP: %s\n", pv_test_skipped());
        srunner_free(sr);
        return 77;
    }
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
