/* merge_files.c — files parsed, merged and written as one dump
 * (merge_files.h).
 * SPDX-License-Identifier: MIT
 */
#include "merge_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "merge.h"
#include "progress.h"
#include "pstats_write.h"
#include "term.h"
#include "xalloc.h"

/* The merged profile's memory: what its inputs' parses hold is counted
 * by their own arenas; the merge holds arrays as large as theirs. */
#define MERGE_ARENA ((size_t)1 << 34)

/* A name beyond this many bytes lists no more files ("and 7 more"). */
#define NAME_LIST_MAX 200

/* One input: its mapping and its parse. */
typedef struct input {
    pv_file_map file;
    pv_parsed parsed;
    int ok;
} input;

static char *merged_name(char **files, int n)
{
    size_t cap = NAME_LIST_MAX + 100, len;
    char *s = pv_xmalloc(cap);
    len = (size_t)snprintf(s, cap, "%d file%s merged: ", n, n == 1 ? "" : "s");
    for (int i = 0; i < n; i++) {
        const char *b = pv_base_name(files[i]);
        if (len + strlen(b) > NAME_LIST_MAX) {
            snprintf(s + len, cap - len, "and %d more", n - i);
            return s;
        }
        len += (size_t)snprintf(s + len, cap - len, "%s%s", b, i + 1 < n ? ", " : "");
    }
    return s;
}

int pv_cli_merge_files(char **files, int n, const pv_load_opts *opts, bool to_store,
                       pv_cli_merged *out)
{
    memset(out, 0, sizeof *out);
    input *in = pv_xcalloc((size_t)n, sizeof *in);
    const pv_profile **profiles = pv_xcalloc((size_t)n, sizeof *profiles);
    const char **names = pv_xcalloc((size_t)n, sizeof *names);
    int status = 0;
    pv_err err;
    for (int i = 0; i < n && status == 0; i++) {
        pv_progress *progress = pv_progress_begin("reading %s", files[i]);
        int rc = pv_file_map_open(files[i], &in[i].file, &err);
        if (rc == PV_OK)
            rc = pv_parse_bytes(pv_base_name(files[i]), files[i], in[i].file.bytes,
                                in[i].file.len, opts, &in[i].parsed, &err);
        pv_progress_end(progress);
        if (rc != PV_OK) {
            pv_err_prefix(&err, files[i]);
            pv_term_println(stderr, "profviz: %s", err.msg);
            status = -1;
            break;
        }
        in[i].ok = 1;
        char *warnings = pv_parsed_warnings(&in[i].parsed);
        pv_cli_print_warnings(files[i], warnings);
        free(warnings);
        profiles[i] = &in[i].parsed.profile;
        names[i] = files[i];
    }
    pv_arena arena;
    pv_arena_init(&arena, MERGE_ARENA);
    pv_profile merged;
    if (status == 0 && pv_merge(profiles, names, (size_t)n, &arena, &merged, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: %s", err.msg);
        status = -1;
    }
    if (status == 0 && to_store && !pv_pstats_unit_kept(&merged)) {
        pv_term_println(stderr, "profviz: cannot store the merge of these files as one "
                        "profile: they measure %s and have no exact call tree, and a pstats "
                        "dump without one can only say seconds ('profviz merge -o OUT' writes "
                        "the dump anyway)", merged.unit);
        status = -1;
    }
    if (status == 0 && !to_store && !pv_pstats_in_seconds(&merged))
        pv_term_println(stderr, "profviz: warning: these files measure %s, not time: the "
                        "pstats dump holds the figures as they are, and Python's pstats will "
                        "call them seconds%s", merged.unit, merged.recorded ? " (profviz reads "
                        "the unit back from its trailer)" : "");
    if (status == 0) {
        out->name = merged_name(files, n);
        for (size_t w = 0; w < merged.n_warnings; w++)
            pv_term_println(stderr, "profviz: warning: %s: %s", out->name, merged.warnings[w]);
        pv_jbuf_init(&out->dump, 1 << 16);
        pv_pstats_write(&merged, &out->dump);
    }
    pv_arena_release(&arena);
    for (int i = 0; i < n; i++) {
        if (in[i].ok)
            pv_parsed_release(&in[i].parsed);
        pv_file_map_close(&in[i].file);
    }
    free(names);
    free(profiles);
    free(in);
    return status;
}

void pv_cli_merged_release(pv_cli_merged *m)
{
    if (m->dump.s)
        pv_jbuf_free(&m->dump);
    free(m->name);
    memset(m, 0, sizeof *m);
}
