/* cmd_upload.c — `profviz upload`: send profile files to a `profviz serve`
 * and print the link to each, one per line on stdout, for a CI job to
 * pass on.
 *
 * Everything else (progress, retries, refusals) goes to stderr, so
 * `URL=$(profviz upload ...)` captures links only.  A server that is
 * unreachable or answers 5xx gets a few more tries with a growing pause,
 * bounded so a job never hangs; a 4xx is the server's considered answer
 * (a bad file, a wrong token) and is never retried.  Labels go as
 * `?label=key:value` parameters (docs/api.md) and the server checks them:
 * its message is shown as it is.
 * SPDX-License-Identifier: MIT
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "http_client.h"
#include "xalloc.h"

/* Retries after the first try, and the first pause: 1, 2, 4 s, ... capped
 * at MAX_PAUSE_S, so the default three retries wait 7 s in all — enough
 * for a server being restarted, short for a CI job. */
#define DEFAULT_RETRIES 3
#define MAX_RETRIES 10
#define FIRST_PAUSE_S 1
#define MAX_PAUSE_S 30
/* Per network step (connect, each send, each receive). */
#define TIMEOUT_S 120
/* Bytes of a request target: the name and up to PV_LABELS_MAX labels,
 * percent-encoded. */
#define TARGET_MAX 65536

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: profviz upload [--server URL] [--token SECRET] [--label KEY=VALUE]...\n"
        "                      [--retries N] [--format NAME] [--event NAME]\n"
        "                      [--profile N|NAME] FILE...\n"
        "\n"
        "Upload profile files to a profviz server (profviz serve) and print the\n"
        "shareable link of each, one per line on stdout; messages go to stderr.\n"
        "A file stored before (the same bytes) prints its existing link, and\n"
        "takes the labels given.\n"
        "\n"
        "Options:\n"
        "  --server URL        the server, http://HOST[:PORT][/PATH] (default:\n"
        "                      $PROFVIZ_SERVER). Plain HTTP only: for a server\n"
        "                      behind TLS, give its plain address or a local proxy's\n"
        "  --token SECRET      sent as 'Authorization: Bearer SECRET' (default:\n"
        "                      $PROFVIZ_TOKEN)\n"
        "  --label KEY=VALUE   label every file (repeatable): service=api,\n"
        "                      branch=main, commit=1a2b3c... Keys are letters, digits\n"
        "                      and _.- (at most 64 bytes); values up to 256 bytes\n"
        "  --retries N         tries after the first when the server cannot be reached\n"
        "                      or answers 5xx, waiting 1, 2, 4... s (default %d, at\n"
        "                      most %d); a 4xx answer is never retried\n"
        "%s"
        "  -h, --help          show this help\n"
        "\n"
        "Exit status: 0 every file uploaded, 1 usage error, 2 a file could not be\n"
        "read or the server refused it (4xx: a damaged file, a wrong token), 3 the\n"
        "server could not be reached or failed (5xx) after the retries.\n",
        DEFAULT_RETRIES, MAX_RETRIES, pv_cli_load_opts_help);
}

typedef struct upload_opts {
    pv_client_url url;
    char auth[1100];        /* "Authorization: Bearer ..." or "" */
    char **labels;          /* "key:value", as the API takes them */
    size_t n_labels;
    unsigned retries;
    pv_load_opts load;      /* --format, --event, --profile: sent as parameters */
} upload_opts;

/* The request target: PREFIX/api/profiles?name=BASENAME&label=K:V...
 * Returns 0, or -1 when it does not fit. */
/* Appends "&KEY=" and the escaped value to out; -1 when it does not fit. */
static int add_param(const char *key, const char *value, char *out, size_t cap)
{
    size_t n = strlen(out);
    if (n + strlen(key) + 3 >= cap)
        return -1;
    snprintf(out + n, cap - n, "&%s=", key);
    return pv_client_query_escape(value, out, cap);
}

static int upload_target(const upload_opts *o, const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    snprintf(out, cap, "%s/api/profiles?name=", o->url.prefix);
    if (pv_client_query_escape(name, out, cap))
        return -1;
    for (size_t i = 0; i < o->n_labels; i++)
        if (add_param("label", o->labels[i], out, cap))
            return -1;
    const char *keys[] = {"format", "event", "profile"};
    const char *values[] = {o->load.format, o->load.event, o->load.profile};
    for (size_t i = 0; i < 3; i++)
        if (values[i] && add_param(keys[i], values[i], out, cap))
            return -1;
    return 0;
}

/* The server's {"error": ...}, else the start of what it said. */
static const char *reply_message(const pv_client_reply *r, cJSON *doc)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "error");
    if (cJSON_IsString(e))
        return e->valuestring;
    return r->len ? r->body : "(no message)";
}


/* One try: PV_EXIT_OK (link printed), PV_EXIT_INPUT (4xx or a reply that
 * makes no sense: do not retry) or PV_EXIT_SERVER (retry). */
static int try_upload(const upload_opts *o, const char *path, const char *target,
                      const unsigned char *bytes, size_t len, char *why, size_t why_cap)
{
    const char *headers[2] = {"Content-Type: application/octet-stream", o->auth};
    pv_client_reply r;
    pv_err err;
    if (pv_client_request(&o->url, "POST", target, headers, o->auth[0] ? 2 : 1, bytes, len,
                          TIMEOUT_S, &r, &err) != PV_OK) {
        snprintf(why, why_cap, "%s", err.msg);
        return PV_EXIT_SERVER;
    }
    cJSON *doc = cJSON_ParseWithLength(r.body, r.len);
    int rc;
    if (r.status >= 500) {
        snprintf(why, why_cap, "the server answered %d: %.300s", r.status, reply_message(&r, doc));
        rc = PV_EXIT_SERVER;
    } else if (r.status != 200 && r.status != 201) {
        snprintf(why, why_cap, "the server refused it (%d): %.300s%s", r.status,
                 reply_message(&r, doc),
                 r.status == 401 ? " — check --token or $PROFVIZ_TOKEN" : "");
        rc = PV_EXIT_INPUT;
    } else {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "id");
        const cJSON *url = cJSON_GetObjectItemCaseSensitive(doc, "url");
        const cJSON *nf = cJSON_GetObjectItemCaseSensitive(doc, "n_funcs");
        if (!cJSON_IsNumber(id) || !cJSON_IsString(url) || url->valuestring[0] != '/') {
            snprintf(why, why_cap, "the server's answer (%d) names no profile: %.200s",
                     r.status, r.body);
            rc = PV_EXIT_INPUT;
        } else {
            printf("%s%s\n", o->url.base, url->valuestring);
            fflush(stdout);
            if (r.status == 200)
                fprintf(stderr, "profviz upload: %s: stored before, as profile %.0f%s\n", path,
                        id->valuedouble, o->n_labels ? "; labels applied" : "");
            else
                fprintf(stderr, "profviz upload: %s: stored as profile %.0f (%.0f functions)\n",
                        path, id->valuedouble, cJSON_IsNumber(nf) ? nf->valuedouble : 0.0);
            rc = PV_EXIT_OK;
        }
    }
    cJSON_Delete(doc);
    pv_client_reply_release(&r);
    return rc;
}

/* Uploads one file with retries; returns its exit status. */
static int upload_file(const upload_opts *o, const char *path)
{
    pv_file_map file;
    pv_err err;
    if (pv_file_map_open(path, &file, &err) != PV_OK) {
        fprintf(stderr, "profviz upload: %s: %s\n", path, err.msg);
        return PV_EXIT_INPUT;
    }
    char *target = pv_xmalloc(TARGET_MAX);
    int rc = PV_EXIT_USAGE;
    if (upload_target(o, path, target, TARGET_MAX))
        fprintf(stderr, "profviz upload: %s: the name and labels are too long\n", path);
    else {
        char why[512];
        unsigned pause = FIRST_PAUSE_S;
        for (unsigned attempt = 0;; attempt++) {
            rc = try_upload(o, path, target, file.bytes, file.len, why, sizeof why);
            if (rc != PV_EXIT_SERVER || attempt == o->retries)
                break;
            fprintf(stderr, "profviz upload: %s: %s; trying again in %u s (%u of %u)\n", path,
                    why, pause, attempt + 2, o->retries + 1);
            struct timespec ts = {pause, 0};
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
                ;
            pause = pause * 2 > MAX_PAUSE_S ? MAX_PAUSE_S : pause * 2;
        }
        if (rc != PV_EXIT_OK)
            fprintf(stderr, "profviz upload: %s: %s\n", path, why);
    }
    free(target);
    pv_file_map_close(&file);
    return rc;
}

/* Checks the server and token, then uploads every file (each gets its
 * try); returns the worst outcome. */
static int upload_all(upload_opts *o, const char *server, const char *token, char **files,
                      int n_files)
{
    pv_err err;
    if (!server || !*server)
        return pv_cli_usage_error("upload", "which server? Pass --server http://HOST:PORT or "
                                            "set $PROFVIZ_SERVER");
    if (n_files == 0)
        return pv_cli_usage_error("upload", "no file to upload");
    if (pv_client_url_parse(server, &o->url, &err) != PV_OK) {
        fprintf(stderr, "profviz upload: %s\n", err.msg);
        return PV_EXIT_USAGE;
    }
    if (token && *token) {
        if (strlen(token) > 1000 || strpbrk(token, "\r\n"))
            return pv_cli_usage_error("upload", "the token must be one line of at most 1000 bytes");
        snprintf(o->auth, sizeof o->auth, "Authorization: Bearer %s", token);
    }
    int worst = PV_EXIT_OK;
    for (int i = 0; i < n_files; i++) {
        int one = upload_file(o, files[i]);
        if (one > worst)
            worst = one;
    }
    return worst;
}

int pv_cmd_upload(int argc, char **argv)
{
    enum { OPT_SERVER = 256, OPT_TOKEN, OPT_LABEL, OPT_RETRIES };
    static const struct option opts[] = {
        {"server", required_argument, NULL, OPT_SERVER},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"label", required_argument, NULL, OPT_LABEL},
        {"retries", required_argument, NULL, OPT_RETRIES},
        {"help", no_argument, NULL, 'h'},
        PV_CLI_LOAD_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *server = getenv("PROFVIZ_SERVER"), *token = getenv("PROFVIZ_TOKEN");
    upload_opts o = {.retries = DEFAULT_RETRIES};
    o.labels = pv_xcalloc((size_t)argc, sizeof *o.labels);
    int rc = PV_EXIT_OK, help = 0, c;
    while (rc == PV_EXIT_OK && !help && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (pv_cli_load_opt(c, optarg, &o.load))
            continue;
        switch (c) {
        case OPT_SERVER: server = optarg; break;
        case OPT_TOKEN: token = optarg; break;
        case OPT_LABEL: {
            /* KEY=VALUE on the command line, key:value on the wire. */
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg) {
                rc = pv_cli_usage_error("upload", "--label wants KEY=VALUE, not '%s'", optarg);
                break;
            }
            char *l = pv_xstrdup(optarg);
            l[eq - optarg] = ':';
            o.labels[o.n_labels++] = l;
            break;
        }
        case OPT_RETRIES:
            if (pv_cli_parse_uint(optarg, MAX_RETRIES, &o.retries))
                rc = pv_cli_usage_error("upload", "--retries wants a count from 0 to %d",
                                        MAX_RETRIES);
            break;
        case 'h': usage(stdout); help = 1; break;
        default: rc = pv_cli_usage_error("upload", "bad option"); break;
        }
    }
    if (rc == PV_EXIT_OK && !help)
        rc = upload_all(&o, server, token, argv + optind, argc - optind);
    for (size_t i = 0; i < o.n_labels; i++)
        free(o.labels[i]);
    free(o.labels);
    return rc;
}
