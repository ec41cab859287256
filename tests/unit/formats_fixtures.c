/* formats_fixtures.c — see formats_fixtures.h. */
#include "formats_fixtures.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

size_t pv_formats_fixtures(const char *fmt, char ***paths)
{
    int shared;
    const char *root = pv_test_fixtures(&shared);
    *paths = NULL;
    if (!root)
        return 0;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/formats/%s", root, fmt);
    DIR *d = opendir(dir);
    if (!d && shared) {
        pv_test_skip("no shared/formats beside the checkout: the committed fixtures are tested "
                     "without it");
        return 0;
    }
    if (!d) {
        fprintf(stderr, "cannot open %s\n", dir);
        exit(2);
    }
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        char path[1400], oracle[1500];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(oracle, sizeof oracle, "%s.expected.json", path);
        if (e->d_name[0] == '.' || ends_with(e->d_name, ".expected.json") || access(oracle, R_OK))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            *paths = realloc(*paths, cap * sizeof **paths);
        }
        (*paths)[n++] = strdup(path);
    }
    closedir(d);
    qsort(*paths, n, sizeof **paths, by_name);
    return n;
}

const cJSON *pv_oracle_profile(const cJSON *oracle, const char *name, int index)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(oracle, "profiles"), *p;
    int i = 0;
    cJSON_ArrayForEach(p, list) {
        const cJSON *pname = cJSON_GetObjectItemCaseSensitive(p, "name");
        if (name ? cJSON_IsString(pname) && strcmp(pname->valuestring, name) == 0 : i == index)
            return p;
        i++;
    }
    ck_abort_msg("the oracle has no profile %s (%d)", name ? name : "", index);
    return NULL;
}

void pv_formats_parse(const char *path, const pv_load_opts *opts, int want, pv_parsed *out,
                      pv_err *err)
{
    size_t len;
    unsigned char *buf = pv_test_read(path, &len);
    /* The parse keeps pointers into the bytes only in out->src, which
     * these tests do not read after the buffer is gone. */
    int rc = pv_parse_bytes(pv_base_name(path), path, buf, len, opts, out, err);
    free(buf);
    ck_assert_msg(rc == want, "%s: parse gave %d (%s), expected %d", path, rc, err->msg, want);
}

int pv_has_warning(const pv_profile *p, const char *text)
{
    for (size_t i = 0; i < p->n_warnings; i++)
        if (strstr(p->warnings[i], text))
            return 1;
    return 0;
}
