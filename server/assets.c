/* assets.c — the web page's files, from the table embedded at build time
 * (web/meson.build, tools/embed.py).
 *
 * A URL path is only ever a key into that table: nothing here touches the
 * file system, so "..", "%2e%2e" or any other path that is not exactly an
 * embedded file's gets a 404.  "/" and the shareable page of a profile,
 * "/p/ID", are both index.html: the page reads the id from its path and
 * the view from its query string.  Files are sent with their ETag and
 * "Cache-Control: no-cache", so a browser revalidates and gets a 304
 * while the binary has not changed.
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <string.h>

#include "api.h"
#include "asset.h"

extern const pv_asset pv_web_assets[];
extern const size_t pv_web_assets_count;

/* "/p/" followed by a profile id. */
static bool is_profile_page(const char *path)
{
    static const char prefix[] = "/p/";
    int64_t id;
    return strncmp(path, prefix, sizeof prefix - 1) == 0 &&
           pv_parse_uint(path + sizeof prefix - 1, strlen(path + sizeof prefix - 1), &id) == PV_OK;
}

/* Whether If-None-Match lists `etag` (or is "*"). */
static bool not_modified(const char *if_none_match, const char *etag)
{
    if (!if_none_match)
        return false;
    if (strcmp(if_none_match, "*") == 0)
        return true;
    size_t n = strlen(etag);
    for (const char *p = if_none_match; (p = strstr(p, etag)) != NULL; p += n) {
        /* A whole list item, not the prefix of a longer tag. */
        char after = p[n];
        if (after == '\0' || after == ',' || after == ' ' || after == '\t')
            return true;
    }
    return false;
}

int pv_assets_serve(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    const char *path = req->path;
    if (strcmp(path, "/") == 0 || is_profile_page(path))
        path = "/index.html";
    const pv_asset *a = pv_asset_find(pv_web_assets, pv_web_assets_count, path);
    if (!a)
        return pv_respond_error(res, 404, "not found");
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        res->allow = "GET, HEAD";
        return pv_respond_error(res, 405, "%.20s is not allowed here; use GET", req->method);
    }
    if (req->has_body)
        return pv_respond_error(res, 400, "GET takes no request body");
    res->etag = a->etag;
    res->cache_control = "no-cache";
    if (not_modified(pv_request_header(req, "If-None-Match"), a->etag))
        return res->status = 304;
    res->status = 200;
    res->content_type = a->mime;
    res->body = (void *)a->data;  /* embedded bytes are never written or freed */
    res->len = a->len;
    return res->status;
}
