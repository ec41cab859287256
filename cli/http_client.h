/* http_client.h — the little HTTP/1.1 client `profviz upload` needs, over
 * plain sockets.
 *
 * One request per connection (Connection: close), a body sent from
 * memory, the whole answer read into memory.  No TLS: profviz serve does
 * not speak it, and an https:// URL is refused with a message saying what
 * to do instead.  IPv4, IPv6 literals ([::1]) and host names; a path after
 * the port is kept as a prefix for a server behind a reverse proxy.
 * Ownership: a pv_client_reply owns its body; pv_client_reply_release.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_HTTP_CLIENT_H
#define PV_HTTP_CLIENT_H

#include <stddef.h>

#include "err.h"

/* A parsed http:// URL. */
typedef struct pv_client_url {
    char host[256];     /* name or address, without brackets */
    char port[8];       /* decimal, "80" when none was given */
    char prefix[1024];  /* path without a trailing '/': "" or "/profviz" */
    char base[1400];    /* "http://HOST:PORT/prefix", to print links under */
} pv_client_url;

/* Parses `url`: PV_OK, or PV_E_USAGE with a message (https, another
 * scheme, a malformed host or port, a query or fragment). */
int pv_client_url_parse(const char *url, pv_client_url *out, pv_err *err);

typedef struct pv_client_reply {
    int status;      /* HTTP status */
    char *body;      /* NUL-terminated (the NUL not counted); malloc'd */
    size_t len;      /* bytes */
} pv_client_reply;

/* The longest answer read: a profviz answer to an upload is a few KB. */
#define PV_CLIENT_MAX_REPLY ((size_t)16 << 20)

/* Sends `method` `target` (the path and query, prefix included) with the
 * extra header lines `headers` ("Name: value", n of them) and `len` bytes
 * of `body`, waiting at most `timeout_s` seconds for each step.  PV_OK
 * with *out filled for any HTTP status; PV_E_IO (message says what
 * failed) when the server cannot be reached, times out, closes early or
 * answers something that is not HTTP — the failures worth retrying. */
int pv_client_request(const pv_client_url *u, const char *method, const char *target,
                      const char *const *headers, size_t n_headers, const void *body,
                      size_t len, int timeout_s, pv_client_reply *out, pv_err *err);
void pv_client_reply_release(pv_client_reply *r);

/* Appends `s` to `out` (cap bytes, NUL-terminated) percent-encoded for a
 * query value: everything but letters, digits and -._~ as %XX.  Returns
 * PV_OK, or PV_E_TOO_BIG when it does not fit. */
int pv_client_query_escape(const char *s, char *out, size_t cap);

#endif
