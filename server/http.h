/* http.h — the HTTP server: libmicrohttpd in front of pv_api_dispatch.
 *
 * http.c is the only code that includes <microhttpd.h>.  It binds the
 * address, runs a pool of threads that each poll many connections, reads
 * request bodies up to a limit, and turns pv_request/pv_response into
 * libmicrohttpd's calls; every response gets the security headers.
 * Handlers never block other connections for long: slow clients are
 * polled, idle ones time out, and the pool has more threads than CPUs so
 * a handler waiting on the writer lock stalls few connections.
 * Ownership: pv_http_start / pv_http_stop; the context must outlive the
 * server.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_HTTP_H
#define PV_HTTP_H

#include <stddef.h>

#include "ctx.h"
#include "err.h"

typedef struct pv_http pv_http;

typedef struct pv_http_opts {
    const char *host;        /* address or host name to bind; NULL: 127.0.0.1 */
    unsigned port;           /* 0: any free port */
    unsigned port_tries;     /* port, port+1, ... while taken; 0 counts as 1 */
    int any_port;            /* then fall back to any free port */
    size_t max_upload;       /* bytes of a request body; 0: PV_HTTP_MAX_UPLOAD */
    size_t max_header;       /* bytes of request line and headers; 0: PV_HTTP_MAX_HEADER */
    unsigned timeout_s;      /* idle connections are closed after this; 0: the default */
    unsigned max_conns;      /* open connections at once; 0: the default */
    unsigned threads;        /* 0: twice the CPUs, at least 4 */
    int log;                 /* one line per request on stderr */
    int local_only;          /* bound to loopback: answer only Hosts that name it */
} pv_http_opts;

#define PV_HTTP_MAX_UPLOAD ((size_t)256 << 20)  /* large real profiles are ~100 MB */
#define PV_HTTP_MAX_HEADER ((size_t)32 << 10)   /* libmicrohttpd's own default */
#define PV_HTTP_MIN_HEADER ((size_t)4 << 10)    /* below this browsers' requests fail */

/* Binds and starts serving.  Returns PV_OK, PV_E_IO when no address
 * could be bound (the message names the address and the reason) or
 * PV_E_USAGE for an address that does not resolve or a bad option. */
int pv_http_start(pv_ctx *ctx, const pv_http_opts *opts, pv_http **out, pv_err *err);

/* Stops the threads and closes every connection.  NULL is a no-op. */
void pv_http_stop(pv_http *h);

/* Whether the bound address is a loopback one (127.0.0.0/8, ::1).  With
 * local_only set, such a server refuses (403) requests whose Host is not
 * localhost or a loopback address: a page of another site that rebinds its
 * own name to 127.0.0.1 sends that name, and must not read the profiles
 * of the machine it runs on.  (A team server behind a reverse proxy gets
 * the proxy's Host, so `serve` leaves it off.) */
int pv_http_is_loopback(const pv_http *h);

/* The port actually bound: the one asked for, one after it, or any. */
unsigned pv_http_port(const pv_http *h);

/* "http://HOST:PORT" with the port actually bound (port 0 picks one) and
 * HOST as given (brackets around an IPv6 address). */
const char *pv_http_url(const pv_http *h);

#endif
