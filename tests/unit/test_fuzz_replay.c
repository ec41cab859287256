/* test_fuzz_replay.c — every input in tests/data/fuzz/ parses without a
 * crash: either PV_OK or a clean PV_E_FORMAT / PV_E_TOO_BIG whose message
 * names the byte offset.
 *
 * The directory holds what fuzz/run.sh found (crash-<sha1>, ...) and a few
 * hand-made hostile seeds.  The seeds are also checked by name, with the
 * error each must produce, so the test cannot pass vacuously when the
 * directory is missing or empty.  Under ASan+UBSan this is the regression
 * suite for every crash the fuzzer ever found.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loader.h"
#include "testutil.h"

Suite *pv_fuzz_replay_suite(void);

/* The hand-made seeds and what each must make the parser say. */
static const struct seed {
    const char *file;
    const char *says;  /* a part of the expected message */
} SEEDS[] = {
    {"seed-truncated.prof", "byte "},                   /* a real dump cut in half */
    {"seed-ref-to-open-callers.prof", "still being read"}, /* a callers dict keyed by itself */
    {"seed-huge-string-len.prof", "string length"},     /* a 2 GiB string in 1 KiB */
    {"seed-deep-flagged-tuples.prof", "nesting"},       /* 2,500 nested flagged tuples */
    {"seed-py2-stringref-past-end.prof", "string reference"}, /* 'R' past the table */
};
#define N_SEEDS (sizeof SEEDS / sizeof SEEDS[0])

static char *fuzz_dir(void)
{
    const char *data = getenv("PV_TEST_DATA");
    ck_assert_msg(data != NULL, "PV_TEST_DATA is not set");
    size_t n = strlen(data) + sizeof "/fuzz";
    char *dir = malloc(n);
    ck_assert_ptr_nonnull(dir);
    snprintf(dir, n, "%s/fuzz", data);
    return dir;
}

/* Parses one file as the loader would; returns the code, with the message
 * in *err.  Fails the test on anything but a clean outcome. */
static int replay(const char *path, pv_err *err)
{
    size_t len;
    unsigned char *buf = pv_test_read(path, &len);
    pv_arena arena;
    pv_arena_init(&arena, pv_load_memory_limit(len));
    pv_profile p;
    pv_err_clear(err);
    int rc = pv_pstats_parse(buf, len, &arena, &p, err);
    if (rc == PV_OK) {
        ck_assert_uint_le(p.n_entries, p.n_funcs);
        for (size_t i = 0; i < p.n_edges; i++) {
            ck_assert_uint_lt(p.edges[i].caller, p.n_funcs);
            ck_assert_uint_lt(p.edges[i].callee, p.n_funcs);
        }
    } else {
        ck_assert_msg(rc == PV_E_FORMAT || rc == PV_E_TOO_BIG, "%s: code %d (%s)", path, rc,
                      err->msg);
        ck_assert_msg(err->msg[0] != '\0', "%s: refused without a message", path);
        ck_assert_msg(strstr(err->msg, rc == PV_E_FORMAT ? "byte " : "limit") != NULL,
                      "%s: message names no byte offset or limit: %s", path, err->msg);
    }
    pv_arena_release(&arena);
    free(buf);
    return rc;
}

START_TEST(fuzz_regressions_parse_or_fail_cleanly)
{
    char *dir = fuzz_dir();
    DIR *d = opendir(dir);
    size_t n = 0;
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            char path[4096];
            struct stat st;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            pv_err err;
            replay(path, &err);
            n++;
        }
        closedir(d);
    }
    /* No minimum: an empty directory passes here, and the seeds test
     * below is the one that cannot pass on nothing. */
    fprintf(stderr, "fuzz_replay: %zu inputs replayed from %s\n", n, dir);
    free(dir);
}
END_TEST

START_TEST(hostile_seeds_are_refused_with_their_reason)
{
    char *dir = fuzz_dir();
    for (size_t i = 0; i < N_SEEDS; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, SEEDS[i].file);
        pv_err err;
        int rc = replay(path, &err);
        ck_assert_msg(rc == PV_E_FORMAT, "%s: expected a format error, got %d (%s)",
                      SEEDS[i].file, rc, err.msg);
        ck_assert_msg(strstr(err.msg, SEEDS[i].says) != NULL, "%s: expected \"%s\" in: %s",
                      SEEDS[i].file, SEEDS[i].says, err.msg);
    }
    free(dir);
}
END_TEST

Suite *pv_fuzz_replay_suite(void)
{
    Suite *s = suite_create("fuzz_replay");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fuzz_regressions_parse_or_fail_cleanly);
    tcase_add_test(tc, hostile_seeds_are_refused_with_their_reason);
    suite_add_tcase(s, tc);
    return s;
}
