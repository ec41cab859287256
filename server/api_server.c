/* api_server.c — GET /api/server: what the page must know about this
 * server before it asks for data (its version, and whether reads and
 * uploads need a token), so that it can offer an upload only where one
 * can succeed and ask for a token before the first 401.  It holds no
 * profile data, so it is answered without a token (api.c, ROUTE_OPEN).
 * SPDX-License-Identifier: MIT
 */
#include "api.h"
#include "pv_version.h"

int pv_api_server_get(const pv_request *req, pv_ctx *ctx, pv_response *res)
{
    (void)req;
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "version", PV_VERSION);
    cJSON_AddStringToObject(doc, "reads", pv_ctx_guarded(ctx, 0) ? "token" : "open");
    cJSON_AddStringToObject(doc, "uploads", pv_ctx_guarded(ctx, 1) ? "token" : "open");
    return pv_respond_json(res, 200, doc);
}
