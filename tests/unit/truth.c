/* truth.c — reads a ground-truth fixture's call paths (truth.h). */
#include "truth.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char *ids_key(const uint32_t *ids, size_t len)
{
    char *s = malloc(len * 11 + 1), *o = s;
    *o = 0;
    for (size_t i = 0; i < len; i++)
        o += sprintf(o, i ? ".%u" : "%u", ids[i]);
    return s;
}

static int by_key(const void *a, const void *b)
{
    return strcmp((*(truth_path *const *)a)->key, (*(truth_path *const *)b)->key);
}

const truth_path *find_path(const truth *t, const uint32_t *ids, size_t len)
{
    char *k = ids_key(ids, len);
    truth_path probe = {.key = k}, *pp = &probe;
    truth_path **hit = bsearch(&pp, t->by_key, t->n_paths, sizeof *t->by_key, by_key);
    free(k);
    return hit ? *hit : NULL;
}

/* Reads NAME.paths.json, mapping its function table to g's ids by
 * (file, line, name). */
void load_truth(const char *path, const pv_graph *g, truth *t)
{
    size_t len;
    char *text = (char *)pv_test_read(path, &len);
    cJSON *doc = cJSON_Parse(text);
    ck_assert_msg(doc != NULL, "%s: not JSON", path);
    free(text);
    const cJSON *funcs = cJSON_GetObjectItem(doc, "functions");
    const cJSON *paths = cJSON_GetObjectItem(doc, "paths");
    const cJSON *total = cJSON_GetObjectItem(doc, "total");
    ck_assert_msg(cJSON_IsArray(funcs) && cJSON_IsArray(paths) && cJSON_IsNumber(total),
                  "%s: no functions, paths or total", path);
    t->total = total->valuedouble;
    size_t nf = (size_t)cJSON_GetArraySize(funcs);
    uint32_t *map = malloc((nf ? nf : 1) * sizeof *map);
    for (size_t i = 0; i < nf; i++) {
        const cJSON *k = cJSON_GetArrayItem(funcs, (int)i);
        const char *file = cJSON_GetArrayItem(k, 0)->valuestring;
        double line = cJSON_GetArrayItem(k, 1)->valuedouble;
        const char *name = cJSON_GetArrayItem(k, 2)->valuestring;
        size_t f = 0;
        while (f < g->n_funcs && !((double)g->funcs[f].line == line &&
                                   strcmp(g->funcs[f].file, file) == 0 &&
                                   strcmp(g->funcs[f].name, name) == 0))
            f++;
        ck_assert_msg(f < g->n_funcs, "%s: function %s:%g(%s) is not in the dump", path, file,
                      line, name);
        map[i] = (uint32_t)f;
    }
    t->n_paths = (size_t)cJSON_GetArraySize(paths);
    t->paths = calloc(t->n_paths ? t->n_paths : 1, sizeof *t->paths);
    t->by_key = malloc((t->n_paths ? t->n_paths : 1) * sizeof *t->by_key);
    for (size_t i = 0; i < t->n_paths; i++) {
        const cJSON *p = cJSON_GetArrayItem(paths, (int)i);
        const cJSON *steps = cJSON_GetObjectItem(p, "path");
        truth_path *tp = &t->paths[i];
        tp->len = (size_t)cJSON_GetArraySize(steps);
        ck_assert_uint_gt(tp->len, 0);
        tp->ids = malloc(tp->len * sizeof *tp->ids);
        for (size_t s = 0; s < tp->len; s++)
            tp->ids[s] = map[(size_t)cJSON_GetArrayItem(steps, (int)s)->valuedouble];
        tp->time = cJSON_GetObjectItem(p, "time")->valuedouble;
        tp->calls = cJSON_GetObjectItem(p, "calls")->valuedouble;
        tp->key = ids_key(tp->ids, tp->len);
        t->by_key[i] = tp;
    }
    qsort(t->by_key, t->n_paths, sizeof *t->by_key, by_key);
    free(map);
    cJSON_Delete(doc);
}

void free_truth(truth *t)
{
    for (size_t i = 0; i < t->n_paths; i++) {
        free(t->paths[i].ids);
        free(t->paths[i].key);
    }
    free(t->paths);
    free(t->by_key);
}
