/* test_cpuprofile.c — the V8 .cpuprofile reader: every fixture against its
 * oracle (time in µs for the modern layout, samples for the legacy one),
 * the root's samples as weight with no frame, hitCount only checked,
 * functions keyed by the whole call frame, lines shown 1-based, negative
 * deltas clamped, and a clear error for each broken file.
 * PV_FIXTURES=shared runs the oracle comparison over ../shared/formats.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats_fixtures.h"
#include "oracle_stacks.h"
#include "readers.h"
#include "testutil.h"

Suite *pv_cpuprofile_suite(void);

static char **files;
static size_t n_files;

static void data_path(char *out, size_t cap, const char *name)
{
    const char *dir = getenv("PV_TEST_DATA");
    snprintf(out, cap, "%s/formats/cpuprofile/%s", dir ? dir : "tests/data", name);
}

/* The reader shows an empty functionName as "(anonymous)", as DevTools
 * does; the oracle keeps the file's "". */
static void anonymous_names(cJSON *profile)
{
    cJSON *f, *top, *name;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(profile, "functions")) {
        name = cJSON_GetObjectItemCaseSensitive(f, "name");
        if (cJSON_IsString(name) && !name->valuestring[0])
            cJSON_SetValuestring(name, "(anonymous)");
    }
    cJSON_ArrayForEach(top, cJSON_GetObjectItemCaseSensitive(profile, "top_paths"))
        cJSON_ArrayForEach(name, cJSON_GetObjectItemCaseSensitive(top, "frames"))
            if (cJSON_IsString(name) && !name->valuestring[0])
                cJSON_SetValuestring(name, "(anonymous)");
}

static const pv_func *func_named(const pv_profile *p, const char *name)
{
    for (size_t i = 0; i < p->n_funcs; i++)
        if (strcmp(p->funcs[i].name, name) == 0)
            return &p->funcs[i];
    ck_abort_msg("no function %s", name);
    return NULL;
}

START_TEST(every_file_matches_its_oracle)
{
    const char *path = files[_i];
    cJSON *o = pv_oracle_load(path);
    pv_parsed parsed;
    pv_err err;
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "valid"))) {
        pv_formats_parse(path, NULL, PV_E_FORMAT, &parsed, &err);
        ck_assert_msg(strncmp(err.msg, "byte ", 5) == 0, "%s: %s", path, err.msg);
        cJSON_Delete(o);
        return;
    }
    pv_formats_parse(path, NULL, PV_OK, &parsed, &err);
    const pv_profile *p = &parsed.profile;
    ck_assert_str_eq(p->format, "cpuprofile");
    int legacy = strcmp(cJSON_GetObjectItem(o, "layout")->valuestring, "legacy-head") == 0;
    cJSON *want = (cJSON *)pv_oracle_profile(o, legacy ? "samples" : "time_us", 0);
    anonymous_names(want);
    ck_assert_str_eq(p->unit, legacy ? "samples" : "microseconds");
    ck_assert_str_eq(p->calls_unit, "samples");
    pv_oracle_check_stacks(p, want, path);
    /* Calls count samples: as many as the file has. */
    int64_t samples = 0;
    for (size_t i = 0; i < p->recorded->n_nodes; i++)
        if (p->recorded->nodes[i].parent == PV_NODE_TOP)
            samples += p->recorded->nodes[i].calls;
    const cJSON *root_samples = pv_oracle_profile(o, "samples", 0);
    ck_assert_int_eq(samples, (int64_t)(cJSON_GetObjectItem(o, "sample_count")->valuedouble -
                                        cJSON_GetObjectItem(root_samples, "empty_stack_weight")
                                            ->valuedouble));
    /* Files without hitCount (the oracle reads 0) are not checked. */
    int mismatches = cJSON_GetArraySize(cJSON_GetObjectItem(o, "hitcount_vs_samples_mismatches"));
    double hits = cJSON_GetObjectItem(pv_oracle_profile(o, "hitCount", 0), "total_weight")->valuedouble;
    ck_assert_int_eq(pv_has_warning(p, "hitCount that differs"), hits > 0 && mismatches > 0);
    pv_parsed_release(&parsed);
    cJSON_Delete(o);
}
END_TEST

/* node --cpu-prof on tests/data/formats/cpuprofile/node_prog.js. */
START_TEST(node_profile_keeps_recursion_and_lines)
{
    char path[1024];
    data_path(path, sizeof path, "node_prog.cpuprofile");
    pv_parsed parsed;
    pv_err err;
    pv_formats_parse(path, NULL, PV_OK, &parsed, &err);
    const pv_profile *p = &parsed.profile;
    const pv_func *fib = func_named(p, "fib");
    ck_assert_int_eq(fib->line, 6);  /* lineNumber 5, 0-based */
    ck_assert_ptr_nonnull(strstr(fib->file, "node_prog.js"));
    ck_assert_int_gt(fib->nc, fib->cc);  /* recursion: nested samples */
    ck_assert_double_le(fib->ct, func_named(p, "main")->ct);
    ck_assert_str_eq(p->writer, "V8");
    ck_assert_str_eq(p->recorded->timer, "microseconds");
    pv_parsed_release(&parsed);
}
END_TEST

/* (root)'s own samples have no frame; (program) and (idle) are frames. */
START_TEST(root_samples_have_no_frame)
{
    char path[1024];
    data_path(path, sizeof path, "cpu-prof__minimal-synthetic-frames.cpuprofile");
    pv_parsed parsed;
    pv_err err;
    pv_formats_parse(path, NULL, PV_OK, &parsed, &err);
    ck_assert_double_gt(parsed.profile.empty_weight, 0);
    func_named(&parsed.profile, "(idle)");
    func_named(&parsed.profile, "(program)");
    for (size_t i = 0; i < parsed.profile.n_funcs; i++)
        ck_assert_str_ne(parsed.profile.funcs[i].name, "(root)");
    pv_parsed_release(&parsed);
}
END_TEST

START_TEST(legacy_lines_are_already_1_based)
{
    char path[1024];
    data_path(path, sizeof path, "speedscope__node10-legacy-example.cpuprofile");
    pv_parsed parsed;
    pv_err err;
    pv_formats_parse(path, NULL, PV_OK, &parsed, &err);
    ck_assert_str_eq(parsed.profile.unit, "samples");
    ck_assert_str_eq(parsed.profile.writer, "V8 (legacy layout)");
    ck_assert_int_eq(func_named(&parsed.profile, "a")->line, 0);  /* lineNumber 0: none known */
    pv_parsed_release(&parsed);
}
END_TEST

static void parse_text(const char *text, int want, const char *msg, pv_parsed *parsed)
{
    pv_err err;
    int rc = pv_parse_bytes("t.cpuprofile", "t.cpuprofile", (const unsigned char *)text,
                            strlen(text), NULL, parsed, &err);
    ck_assert_msg(rc == want, "%s: %d %s", text, rc, err.msg);
    if (rc != PV_OK)
        ck_assert_msg(strcmp(err.msg, msg) == 0, "got \"%s\", want \"%s\"", err.msg, msg);
}

#define NODES "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\",\"scriptId\":\"0\"," \
              "\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},\"children\":[2]}," \
              "{\"id\":2,\"callFrame\":{\"functionName\":\"f\",\"scriptId\":\"1\",\"url\":\"a.js\"," \
              "\"lineNumber\":0,\"columnNumber\":0}}],"

START_TEST(negative_deltas_are_clamped_with_a_warning)
{
    pv_parsed parsed;
    parse_text(NODES "\"startTime\":100,\"endTime\":130,\"samples\":[2,2,2],"
               "\"timeDeltas\":[10,-5,15]}", PV_OK, NULL, &parsed);
    /* t = 110, 105, 120: weights max(-5, 0), 15, 130 - 120 */
    ck_assert_double_eq(parsed.profile.total_tt, 0 + 15 + 10);
    ck_assert(pv_has_warning(&parsed.profile, "1 samples would last a negative time"));
    pv_parsed_release(&parsed);
}
END_TEST

START_TEST(broken_files_get_clear_errors)
{
    pv_parsed parsed;
    parse_text(NODES "\"startTime\":0,\"endTime\":9,\"samples\":[3],\"timeDeltas\":[1]}", PV_E_FORMAT,
               "byte 270: sample names node 3, which does not exist", &parsed);
    parse_text(NODES "\"startTime\":0,\"endTime\":9,\"samples\":[2,2],\"timeDeltas\":[1]}",
               PV_E_FORMAT, "byte 272: samples has more entries than timeDeltas (1)", &parsed);
    parse_text(NODES "\"samples\":[2],\"timeDeltas\":[1]}", PV_E_FORMAT,
               "byte 0: the samples' times need startTime and endTime, and the file lacks "
               "startTime", &parsed);
    parse_text("{\"nodes\":[{\"id\":1,\"callFrame\":{},\"children\":[5]}]}", PV_E_FORMAT,
               "byte 45: child 5 of node 1 does not exist", &parsed);
    parse_text("{\"nodes\":[{\"id\":1,\"callFrame\":{}},{\"id\":2,\"callFrame\":{}}]}", PV_E_FORMAT,
               "byte 9: expected one root node (a node no other names as its child), found 2",
               &parsed);
    parse_text("{\"nodes\":[{\"id\":1,\"callFrame\":{}},{\"id\":1,\"callFrame\":{}}]}", PV_E_FORMAT,
               "byte 9: two nodes have the id 1", &parsed);
    parse_text("{\"nodes\":[{\"callFrame\":{}}]}", PV_E_FORMAT, "byte 10: a node has no id",
               &parsed);
    parse_text("{\"head\":{\"functionName\":\"(root)\",\"id\":1,\"children\":[{\"id\":1}]}}",
               PV_E_FORMAT, "byte 8: two nodes have the id 1", &parsed);
    parse_text("{\"traceEvents\":[{\"name\":\"ProfileChunk\",\"args\":{\"data\":{\"cpuProfile\":"
               "{\"nodes\":[{\"callFrame\":{}}]}}}}]}", PV_E_FORMAT, "byte 1: this is a Chrome "
               "trace (traceEvents), not a .cpuprofile: save one from node --cpu-prof or DevTools' "
               "JavaScript profiler", &parsed);
    pv_err err;
    pv_load_opts opts = {.profile = "1"};
    ck_assert_int_eq(pv_parse_bytes("t", "t", (const unsigned char *)NODES "\"samples\":[]}",
                                    strlen(NODES "\"samples\":[]}"), &opts, &parsed, &err),
                     PV_E_USAGE);
}
END_TEST

START_TEST(detection_by_content)
{
    static const char *const texts[] = {
        NODES "\"samples\":[]}",
        "{\"startTime\": 1, \"nodes\": [{\"id\": 1, \"callFrame\": {}}]}",
        "{\"head\":{\"functionName\":\"(root)\",\"children\":[]},\"samples\":[]}",
    };
    for (size_t i = 0; i < 3; i++) {
        const pv_reader *r;
        ck_assert_int_eq(pv_reader_pick((const unsigned char *)texts[i], strlen(texts[i]), NULL, &r,
                                        NULL), PV_OK);
        ck_assert_str_eq(r->name, "cpuprofile");
    }
}
END_TEST

Suite *pv_cpuprofile_suite(void)
{
    Suite *s = suite_create("cpuprofile");
    n_files = pv_formats_fixtures("cpuprofile", &files);
    int shared;
    if (pv_test_skipped())
        return s;
    pv_test_fixtures(&shared);
    TCase *tc = tcase_create("oracle");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, every_file_matches_its_oracle, 0, (int)n_files);
    suite_add_tcase(s, tc);
    if (!shared) {
        TCase *rules = tcase_create("rules");
        tcase_add_test(rules, node_profile_keeps_recursion_and_lines);
        tcase_add_test(rules, root_samples_have_no_frame);
        tcase_add_test(rules, legacy_lines_are_already_1_based);
        tcase_add_test(rules, negative_deltas_are_clamped_with_a_warning);
        tcase_add_test(rules, broken_files_get_clear_errors);
        tcase_add_test(rules, detection_by_content);
        suite_add_tcase(s, rules);
    }
    return s;
}
