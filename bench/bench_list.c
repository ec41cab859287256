/* bench_list.c — how fast a big team store lists: fills a store with N
 * profiles (default 10,000) through the store API, labelled the way CI
 * jobs label them, then times pages of GET /api/profiles' query
 * (pv_store_query): unfiltered first and last pages, by one label (common
 * and rare), by two, by text, by text and label.
 *
 * The profiles are one real dump (examples/slow.prof by default) with a
 * different trailing comment each — the loader ignores bytes after the
 * dump — so each has its own SHA-256 and its own rows, as distinct
 * uploads do.  They are stored in one transaction (seconds, not the
 * minutes 10,000 uploads take); the labels in one edit each, as the API
 * makes them.  Times are the median and the worst of R runs of each query
 * on a read-only connection, as the server's readers are.
 *   bench_list [-n N] [-r R] [--keep] [--profile FILE] DB
 * With --keep the store is left at DB (bench/list.sh then serves it);
 * otherwise DB must not exist and is removed at the end.
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "loader.h"
#include "sha256.h"
#include "xalloc.h"

static void die(const char *what, const pv_err *err)
{
    fprintf(stderr, "bench_list: %s: %s\n", what, err ? err->msg : "failed");
    exit(1);
}

/* Stores n copies of `parsed`, each with its own trailing bytes, in one
 * transaction. */
static void fill(pv_store *s, const pv_parsed *parsed, int n)
{
    pv_err err;
    size_t len = parsed->src.size;
    unsigned char *buf = pv_xmalloc(len + 32);
    memcpy(buf, parsed->src.bytes, len);
    if (pv_store_begin(s, &err) != PV_OK)
        die("begin", &err);
    for (int i = 0; i < n; i++) {
        int extra = snprintf((char *)buf + len, 32, "\n# copy %d\n", i);
        char name[64];
        snprintf(name, sizeof name, "job-%05d-%s.prof", i, i % 7 == 0 ? "nightly" : "push");
        pv_source src = parsed->src;
        src.name = name;
        src.bytes = buf;
        src.size = len + (size_t)extra;
        pv_sha256_hex(buf, src.size, src.sha256);
        int64_t id;
        int existed;
        if (pv_store_reserve(s, &parsed->profile, &src, 0, &id, &existed, &err) != PV_OK ||
            pv_store_fill(s, id, &parsed->profile, &src, &err) != PV_OK)
            die("storing", &err);
    }
    if (pv_store_commit(s, &err) != PV_OK)
        die("commit", &err);
    free(buf);
}

/* Labels profile i as CI would: five services, every third run on main,
 * a commit of its own. */
static void label_all(pv_store *s, int n)
{
    static const char *const services[] = {"api", "web", "worker", "billing", "search"};
    pv_err err;
    for (int i = 0; i < n; i++) {
        char branch[32], commit[16];
        snprintf(branch, sizeof branch, i % 3 == 0 ? "main" : "feature-%d", i % 50);
        snprintf(commit, sizeof commit, "%08x", (unsigned)i * 2654435761u);
        pv_label_arg l[] = {{"service", services[i % 5]}, {"branch", branch}, {"commit", commit}};
        if (pv_store_label_edit(s, i + 1, l, 3, &err) != PV_OK)
            die("labelling", &err);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct query_case {
    const char *what;
    const char *q;
    pv_label_arg labels[2];
    size_t n_labels;
    int64_t offset;
} query_case;

int main(int argc, char **argv)
{
    int n = 10000, runs = 20, keep = 0;
    const char *profile = "examples/slow.prof";
    static const struct option opts[] = {
        {"keep", no_argument, NULL, 'k'},
        {"profile", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "n:r:", opts, NULL)) != -1) {
        switch (c) {
        case 'n': n = atoi(optarg); break;
        case 'r': runs = atoi(optarg); break;
        case 'k': keep = 1; break;
        case 'p': profile = optarg; break;
        default: return 2;
        }
    }
    if (optind + 1 != argc || n < 1 || runs < 1) {
        fprintf(stderr, "usage: bench_list [-n N] [-r R] [--keep] [--profile FILE] DB\n");
        return 2;
    }
    const char *db = argv[optind];
    if (access(db, F_OK) == 0) {
        fprintf(stderr, "bench_list: %s exists; give a new path\n", db);
        return 2;
    }
    pv_err err;
    pv_parsed parsed;
    FILE *f = fopen(profile, "rb");
    if (!f) {
        fprintf(stderr, "bench_list: cannot open %s\n", profile);
        return 2;
    }
    static unsigned char bytes[1 << 20];
    size_t len = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    if (pv_parse_bytes(profile, "bench", bytes, len, NULL, &parsed, &err) != PV_OK)
        die(profile, &err);

    pv_store *w;
    if (pv_store_open(db, 0, &w, &err) != PV_OK)
        die("open", &err);
    double t0 = pv_now_ms();
    fill(w, &parsed, n);
    double t1 = pv_now_ms();
    label_all(w, n);
    double t2 = pv_now_ms();
    pv_store_close(w);
    pv_parsed_release(&parsed);
    printf("filled %d profiles in %.0f ms, labelled them (3 each) in %.0f ms\n", n, t1 - t0,
           t2 - t1);

    pv_store *r;
    if (pv_store_open(db, PV_STORE_READONLY, &r, &err) != PV_OK)
        die("open read-only", &err);
    const query_case cases[] = {
        {"first page, no filter", NULL, {{0}}, 0, 0},
        {"last page, no filter", NULL, {{0}}, 0, n - 50 > 0 ? n - 50 : 0},
        {"label service=api (1 in 5)", NULL, {{"service", "api"}}, 1, 0},
        {"label service=api, page 20", NULL, {{"service", "api"}}, 1, 19 * 50},
        {"label commit=<one> (1 match)", NULL, {{"commit", "9e3779b1"}}, 1, 0},
        {"labels service=web, branch=main", NULL, {{"service", "web"}, {"branch", "main"}}, 2, 0},
        {"q=nightly (names, 1 in 7)", "nightly", {{0}}, 0, 0},
        {"q=feature-4 (label values)", "feature-4", {{0}}, 0, 0},
        {"q=nightly + service=api", "NIGHTLY", {{"service", "api"}}, 1, 0},
        {"q=nothing-matches", "nothing-matches", {{0}}, 0, 0},
    };
    double *t = pv_xmalloc((size_t)runs * sizeof *t);
    printf("%-36s %8s %8s %8s %6s\n", "query (pages of 50)", "median", "worst", "total", "rows");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const query_case *qc = &cases[i];
        pv_list_query q = {.q = qc->q, .labels = qc->labels, .n_labels = qc->n_labels,
                           .offset = qc->offset, .limit = 50};
        pv_profile_page page = {0};
        for (int k = 0; k < runs; k++) {
            pv_profile_page_release(&page);
            double s = pv_now_ms();
            if (pv_store_query(r, &q, &page, &err) != PV_OK)
                die(qc->what, &err);
            t[k] = pv_now_ms() - s;
        }
        qsort(t, (size_t)runs, sizeof *t, cmp_double);
        printf("%-36s %6.2f ms %5.2f ms %8lld %6zu\n", qc->what, t[runs / 2], t[runs - 1],
               (long long)page.total, page.n);
        printf("bench case=\"%s\" median_ms=%.3f worst_ms=%.3f total=%lld rows=%zu\n", qc->what,
               t[runs / 2], t[runs - 1], (long long)page.total, page.n);
        pv_profile_page_release(&page);
    }
    /* Before: GET /api/profiles read the whole table (pv_store_list) and
     * printed all of it. */
    for (int k = 0; k < runs; k++) {
        pv_profile_info *all;
        size_t n_all;
        double s = pv_now_ms();
        if (pv_store_list(r, &all, &n_all, &err) != PV_OK)
            die("whole list", &err);
        t[k] = pv_now_ms() - s;
        pv_profile_info_free_array(all, n_all);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    printf("%-36s %6.2f ms %5.2f ms %8d %6d\n", "before: the whole list (store_list)", t[runs / 2],
           t[runs - 1], n, n);
    printf("bench case=\"whole list\" median_ms=%.3f worst_ms=%.3f total=%d rows=%d\n", t[runs / 2],
           t[runs - 1], n, n);
    free(t);
    pv_store_close(r);
    if (!keep) {
        char p[4200];
        static const char *const suffixes[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
            snprintf(p, sizeof p, "%s%s", db, suffixes[i]);
            unlink(p);
        }
    }
    return 0;
}
