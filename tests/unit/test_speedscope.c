/* test_speedscope.c — the speedscope reader: every fixture against its
 * oracle (each profile alone, chosen by index, and all of them together
 * under their top frames), the choice of profiles, units and writers
 * kept, evented calls, and a clear error for each broken rule.
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

Suite *pv_speedscope_suite(void);

static char **files;
static size_t n_files;

static void data_path(char *out, size_t cap, const char *name)
{
    const char *dir = getenv("PV_TEST_DATA");
    snprintf(out, cap, "%s/formats/speedscope/%s", dir ? dir : "tests/data", name);
}

static const pv_func *func_named(const pv_profile *p, const char *name)
{
    for (size_t i = 0; i < p->n_funcs; i++)
        if (strcmp(p->funcs[i].name, name) == 0)
            return &p->funcs[i];
    ck_abort_msg("no function %s", name);
    return NULL;
}

static double number(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key)->valuedouble;
}

/* Valid files: each profile alone equals its oracle; read whole, the
 * total is the sum of the profiles that share the first's unit and type.
 * Invalid ones: a format error naming the byte. */
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
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "profiles"));
    for (int i = 0; i < n; i++) {
        char index[16], label[1200];
        snprintf(index, sizeof index, "%d", i);
        snprintf(label, sizeof label, "%s, profile %d", path, i);
        pv_load_opts opts = {.profile = index};
        pv_formats_parse(path, &opts, PV_OK, &parsed, &err);
        ck_assert_str_eq(parsed.profile.format, "speedscope");
        const cJSON *want = pv_oracle_profile(o, NULL, i);
        ck_assert_str_eq(parsed.profile.unit,
                         cJSON_GetObjectItemCaseSensitive(want, "unit")->valuestring);
        pv_oracle_check_stacks(&parsed.profile, want, label);
        ck_assert_uint_eq(parsed.profile.n_choices, n > 1 ? (size_t)n : 0);
        pv_parsed_release(&parsed);
    }
    pv_formats_parse(path, NULL, PV_OK, &parsed, &err);
    const cJSON *first = pv_oracle_profile(o, NULL, 0), *p;
    double total = 0;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(o, "profiles"))
        if (strcmp(cJSON_GetObjectItem(p, "unit")->valuestring,
                   cJSON_GetObjectItem(first, "unit")->valuestring) == 0 &&
            strcmp(cJSON_GetObjectItem(p, "type")->valuestring,
                   cJSON_GetObjectItem(first, "type")->valuestring) == 0)
            total += number(p, "total_weight");
    ck_assert_msg(parsed.profile.total_tt + parsed.profile.empty_weight == total,
                  "%s: %.17g whole, the profiles sum to %.17g", path,
                  parsed.profile.total_tt + parsed.profile.empty_weight, total);
    ck_assert_str_eq(parsed.profile.variant, "");
    pv_parsed_release(&parsed);
    cJSON_Delete(o);
}
END_TEST

/* py-spy's way: one profile per thread, drawn each under its own top frame. */
START_TEST(profiles_merge_under_top_frames_named_after_them)
{
    char path[1024];
    data_path(path, sizeof path, "hand-evented-two.speedscope.json");
    pv_parsed parsed;
    pv_err err;
    pv_formats_parse(path, NULL, PV_OK, &parsed, &err);
    const pv_profile *p = &parsed.profile;
    ck_assert_str_eq(p->unit, "milliseconds");
    ck_assert_str_eq(p->calls_unit, "calls");
    ck_assert_str_eq(p->writer, "profviz hand-made fixture");
    ck_assert_str_eq(p->recorded->recorder, "profviz hand-made fixture");
    ck_assert_str_eq(p->recorded->timer, "milliseconds");
    ck_assert_int_eq(p->recorded->threads, 2);
    ck_assert_uint_eq(p->n_choices, 2);
    ck_assert_str_eq(p->choices[1], "profile=1");
    /* The top level holds exactly the two profiles' frames. */
    size_t tops = 0;
    for (size_t i = 0; i < p->recorded->n_nodes; i++)
        if (p->recorded->nodes[i].parent == PV_NODE_TOP) {
            const char *name = p->funcs[p->recorded->nodes[i].func].name;
            ck_assert(strcmp(name, "MainThread") == 0 || strcmp(name, "worker") == 0);
            tops++;
        }
    ck_assert_uint_eq(tops, 2);
    ck_assert_double_eq(func_named(p, "MainThread")->ct, 29);
    ck_assert_double_eq(func_named(p, "worker")->ct, 19);
    pv_parsed_release(&parsed);
}
END_TEST

START_TEST(a_profile_is_chosen_by_name_or_index)
{
    char path[1024];
    data_path(path, sizeof path, "hand-evented-two.speedscope.json");
    pv_parsed parsed;
    pv_err err;
    pv_load_opts by_name = {.profile = "worker"};
    pv_formats_parse(path, &by_name, PV_OK, &parsed, &err);
    ck_assert_str_eq(parsed.profile.variant, "profile=1");
    ck_assert_int_eq(parsed.profile.recorded->threads, 1);
    ck_assert_double_eq(parsed.profile.total_tt, 19);
    pv_parsed_release(&parsed);
    pv_load_opts by_variant = {.profile = "profile=1"};  /* as `choices` lists it */
    pv_formats_parse(path, &by_variant, PV_OK, &parsed, &err);
    ck_assert_str_eq(parsed.profile.variant, "profile=1");
    pv_parsed_release(&parsed);
    pv_load_opts missing = {.profile = "7"};
    pv_formats_parse(path, &missing, PV_E_USAGE, &parsed, &err);
    ck_assert_str_eq(err.msg, "no profile \"7\" in this file: its profiles are 0 \"MainThread\", "
                              "1 \"worker\"");
    pv_load_opts event = {.event = "Ir"};
    pv_formats_parse(path, &event, PV_E_USAGE, &parsed, &err);
}
END_TEST

/* Evented: one call per O, time between events on the open stack,
 * recursion and zero-length calls kept, frames keyed by index. */
START_TEST(evented_calls_and_time)
{
    char path[1024];
    data_path(path, sizeof path, "hand-evented-two.speedscope.json");
    pv_parsed parsed;
    pv_err err;
    pv_load_opts main_thread = {.profile = "0"};
    pv_formats_parse(path, &main_thread, PV_OK, &parsed, &err);
    const pv_profile *p = &parsed.profile;
    /* Two frames named walk (two files): two functions. */
    size_t walks = 0;
    for (size_t i = 0; i < p->n_funcs; i++)
        if (strcmp(p->funcs[i].name, "walk") == 0) {
            walks++;
            ck_assert(strcmp(p->funcs[i].file, "app/tree.py") == 0 ? p->funcs[i].line == 42
                                                                   : p->funcs[i].line == 3);
        }
    ck_assert_uint_eq(walks, 2);
    const pv_func *main_fn = func_named(p, "main");
    ck_assert_int_eq(main_fn->nc, 2);
    ck_assert_str_eq(main_fn->file, "app/main.py");
    ck_assert_double_eq(main_fn->ct, 19 + 10);  /* 102..121 and 130..140: idle between */
    /* walk -> walk: 2 calls, the outer one counted once in its total */
    const pv_func *odd = func_named(p, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"quoted\"");
    ck_assert_int_eq(odd->nc, 1);
    ck_assert_double_eq(odd->ct, 0);
    ck_assert_double_eq(func_named(p, "parse<a;b>")->tt, 9);
    ck_assert_str_eq(p->calls_unit, "calls");
    ck_assert_int_eq(p->total_calls, 7);
    pv_parsed_release(&parsed);
}
END_TEST

/* The first profile's unit rules; the others are left out with a warning. */
START_TEST(different_units_keep_the_first_with_a_warning)
{
    char path[1024];
    data_path(path, sizeof path, "hand-mixed-units.speedscope.json");
    pv_parsed parsed;
    pv_err err;
    pv_formats_parse(path, NULL, PV_OK, &parsed, &err);
    ck_assert_str_eq(parsed.profile.unit, "bytes");
    ck_assert_str_eq(parsed.profile.calls_unit, "samples");
    ck_assert(pv_has_warning(&parsed.profile, "1 of the 2 profiles were left out"));
    ck_assert_double_eq(parsed.profile.empty_weight, 2048);  /* the [] sample */
    ck_assert_double_eq(parsed.profile.total_tt, 1536.75);
    pv_parsed_release(&parsed);
}
END_TEST

static void parse_text(const char *text, int want, const char *msg)
{
    pv_parsed parsed;
    pv_err err;
    pv_load_opts opts = {.format = "speedscope"};
    int rc = pv_parse_bytes("t.json", "t.json", (const unsigned char *)text, strlen(text), &opts,
                            &parsed, &err);
    ck_assert_msg(rc == want, "%s: %d %s", text, rc, err.msg);
    if (rc == PV_OK)
        pv_parsed_release(&parsed);
    else
        ck_assert_msg(strcmp(err.msg, msg) == 0, "got \"%s\", want \"%s\"", err.msg, msg);
}

#define HEAD "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\"," \
             "\"shared\":{\"frames\":[{\"name\":\"a\"},{\"name\":\"b\"}]},\"profiles\":["
#define EVENTED "{\"type\":\"evented\",\"name\":\"p\",\"unit\":\"none\",\"startValue\":0,\"endValue\":9,"
#define SAMPLED "{\"type\":\"sampled\",\"name\":\"p\",\"unit\":\"none\",\"startValue\":0,\"endValue\":9,"

START_TEST(broken_rules_get_clear_errors)
{
    parse_text(HEAD EVENTED "\"events\":[{\"type\":\"O\",\"frame\":0,\"at\":5},"
               "{\"type\":\"C\",\"frame\":0,\"at\":4}]}]}", PV_E_FORMAT,
               "byte 235: profile 0, event 1: at=4 is before the previous event's (5)");
    parse_text(HEAD EVENTED "\"events\":[{\"type\":\"C\",\"frame\":0,\"at\":5}]}]}", PV_E_FORMAT,
               "byte 205: profile 0, event 0 closes frame 0 but no frame is open");
    parse_text(HEAD EVENTED "\"events\":[{\"type\":\"O\",\"frame\":2,\"at\":5}]}]}", PV_E_FORMAT,
               "byte 205: frame index 2 is not one of the 2 frames");
    parse_text(HEAD EVENTED "\"events\":[{\"type\":\"X\",\"frame\":0,\"at\":5}]}]}", PV_E_FORMAT,
               "byte 213: unknown event type \"X\" (speedscope has \"O\" and \"C\")");
    parse_text(HEAD SAMPLED "\"samples\":[[0],[1]],\"weights\":[1]}]}", PV_E_FORMAT,
               "byte 210: profile 0 has more samples than weights (1)");
    parse_text(HEAD SAMPLED "\"samples\":[[0]],\"weights\":[-1]}]}", PV_E_FORMAT,
               "byte 222: weight -1 of sample 0 is not a finite number >= 0");
    parse_text(HEAD SAMPLED "\"samples\":[[0]]}]}", PV_E_FORMAT,
               "byte 124: sampled profile 0 needs \"samples\" and \"weights\"");
    parse_text(HEAD "{\"type\":\"flat\"}]}", PV_E_FORMAT,
               "byte 132: profile 0: unknown type \"flat\" (speedscope has \"sampled\" and "
               "\"evented\")");
    parse_text("{\"profiles\":[]}", PV_E_FORMAT,
               "byte 0: a speedscope file needs \"shared\" and \"profiles\"; this one has no "
               "\"shared\"");
    parse_text(HEAD "]}", PV_E_FORMAT, "byte 123: \"profiles\" is empty");
    parse_text(HEAD SAMPLED "\"samples\":[[0,1],[]],\"weights\":[1,2]}]}", PV_OK, NULL);
}
END_TEST

/* Detection by content: the schema's URL, or shared and profiles as keys. */
START_TEST(detection_by_content)
{
    static const char *const texts[] = {
        HEAD "]}",
        "{\"shared\":{\"frames\":[]},\"profiles\":[]}",
        "\n {\"profiles\" : [], \"shared\": {}}",
    };
    for (size_t i = 0; i < 3; i++) {
        const pv_reader *r;
        ck_assert_int_eq(pv_reader_pick((const unsigned char *)texts[i], strlen(texts[i]), NULL, &r,
                                        NULL), PV_OK);
        ck_assert_str_eq(r->name, "speedscope");
    }
}
END_TEST

Suite *pv_speedscope_suite(void)
{
    Suite *s = suite_create("speedscope");
    n_files = pv_formats_fixtures("speedscope", &files);
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
        tcase_add_test(rules, profiles_merge_under_top_frames_named_after_them);
        tcase_add_test(rules, a_profile_is_chosen_by_name_or_index);
        tcase_add_test(rules, evented_calls_and_time);
        tcase_add_test(rules, different_units_keep_the_first_with_a_warning);
        tcase_add_test(rules, broken_rules_get_clear_errors);
        tcase_add_test(rules, detection_by_content);
        suite_add_tcase(s, rules);
    }
    return s;
}
