/* runner.c — main() shared by every Check test executable.
 * Each executable is built with -DPV_SUITE=pv_<module>_suite and runs that
 * one suite, so modules run in parallel under meson and a crash stays
 * contained in its own executable.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <stdlib.h>

Suite *PV_SUITE(void);

int main(void)
{
    SRunner *sr = srunner_create(PV_SUITE());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
