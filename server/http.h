/* http.h — the HTTP server: libmicrohttpd in front of pv_api_dispatch.
 *
 * http.c is the only code that includes <microhttpd.h>.  It binds the
 * address, runs a pool of threads that each poll many connections, reads
 * request bodies up to a limit, and turns pv_request/pv_response into
 * libmicrohttpd's calls; every response gets the security headers.
 * Handlers never block other connections for long: slow clients are
 * polled, idle ones time out, and the pool has more threads than CPUs so
 * a handler waiting on the writer lock stalls few connections.  What one
 * client may hold is bounded (guard.h): connections per address, and the
 * time to send a request's headers, so a slowloris does not lock others
 * out; the connection limit is high (the open-file limit is raised for
 * it).  A body whose framing is ambiguous (two lengths, an unknown
 * Transfer-Encoding) is refused before it is read.
 * Ownership: pv_http_start / pv_http_stop; the context must outlive the
 * server.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_HTTP_H
#define PV_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "err.h"

typedef struct pv_http pv_http;

/* Which Host names a server answers to; a request naming another gets
 * 403.  A page of another site can rebind its own name to this server's
 * address and then read (or change) what the server holds, but the
 * browser still sends that name: a server that answers only names it
 * knows is out of its reach.  Addresses (127.0.0.1, [::1], 10.1.2.3) and
 * localhost are always answered, with any port; allow_hosts adds names,
 * each with a port ("profviz.example:8443") or without (any port). */
typedef enum pv_host_policy {
    PV_HOSTS_CHECKED = 0,             /* only those, wherever it listens */
    PV_HOSTS_OPEN_BEYOND_LOOPBACK,    /* beyond loopback without allow_hosts: any
                                         name (a token guards the changes) */
    PV_HOSTS_NAMED_BEYOND_LOOPBACK,   /* beyond loopback without allow_hosts:
                                         refuse to start */
} pv_host_policy;

typedef struct pv_http_opts {
    const char *host;        /* address or host name to bind; NULL: 127.0.0.1 */
    unsigned port;           /* 0: any free port */
    unsigned port_tries;     /* port, port+1, ... while taken; 0 counts as 1 */
    int any_port;            /* then fall back to any free port */
    size_t max_upload;       /* bytes of a request body; 0: PV_HTTP_MAX_UPLOAD */
    size_t max_header;       /* bytes of request line and headers; 0: PV_HTTP_MAX_HEADER */
    unsigned timeout_s;      /* idle requests (headers in) are closed after this; 0: 60 */
    unsigned header_timeout_s; /* a request's headers must be in by then; 0: the default */
    unsigned max_conns;      /* open connections at once; 0: the default */
    unsigned max_conns_per_ip; /* per non-loopback client address; 0: the default */
    unsigned threads;        /* 0: twice the CPUs, at least 4 */
    int log;                 /* one line per request on stderr */
    pv_host_policy hosts;
    const char *const *allow_hosts; /* names to answer besides addresses; copied */
    size_t n_allow_hosts;
} pv_http_opts;

/* The port `profviz serve` and `profviz view` listen on unless told: the
 * one snakeviz and most local dev servers use, so users look there. */
#define PV_HTTP_DEFAULT_PORT 8080
#define PV_HTTP_MAX_UPLOAD ((size_t)256 << 20)  /* large real profiles are ~100 MB */
#define PV_HTTP_MAX_HEADER ((size_t)32 << 10)   /* libmicrohttpd's own default */
#define PV_HTTP_MIN_HEADER ((size_t)4 << 10)    /* below this browsers' requests fail */
/* A browser sends its headers in milliseconds, even over a slow link; an
 * idle keep-alive connection is closed after this too (a browser opens
 * another). */
#define PV_HTTP_HEADER_TIMEOUT 10
/* Far above what a team needs (a browser opens 6 per server), so that
 * many slow connections from loopback (where no per-address limit
 * applies) still leave room. */
#define PV_HTTP_MAX_CONNS 4096
/* A browser opens 6; an office behind one NAT address a few times that. */
#define PV_HTTP_MAX_CONNS_PER_IP 64

/* Binds and starts serving.  Returns PV_OK, PV_E_IO when no address
 * could be bound (the message names the address and the reason) or
 * PV_E_USAGE for an address that does not resolve, a bad option, or
 * PV_HOSTS_NAMED_BEYOND_LOOPBACK beyond loopback without names (the
 * message says what to add). */
int pv_http_start(pv_ctx *ctx, const pv_http_opts *opts, pv_http **out, pv_err *err);

/* Stops the threads and closes every connection.  NULL is a no-op. */
void pv_http_stop(pv_http *h);

/* Whether the bound address is a loopback one (127.0.0.0/8, ::1). */
bool pv_http_is_loopback(const pv_http *h);

/* Whether requests naming an unknown Host are refused (pv_host_policy). */
bool pv_http_checks_host(const pv_http *h);

/* The connection limit in force: the one asked for, or what the
 * open-file limit leaves room for. */
unsigned pv_http_max_conns(const pv_http *h);

/* The port actually bound: the one asked for, one after it, or any. */
unsigned pv_http_port(const pv_http *h);

/* "http://HOST:PORT" with the port actually bound (port 0 picks one) and
 * HOST as given (brackets around an IPv6 address). */
const char *pv_http_url(const pv_http *h);

#endif
