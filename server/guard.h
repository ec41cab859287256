/* guard.h — what one client may hold of the server: connections per
 * address, and the time it may take to send a request's headers.
 *
 * A slowloris client opens many connections and sends each a header byte
 * now and then: libmicrohttpd's idle timeout never fires, and the open
 * connections fill the server's limit so nobody else gets in.  The guard
 * closes a connection whose request headers are not complete within the
 * header deadline, counted from when it opened or its last answer was
 * sent (a keep-alive connection waiting for its next request waits as
 * long), whatever it trickles in; a watchdog thread checks every 250 ms
 * and shuts the socket down, which libmicrohttpd then sees as the client
 * leaving.  Once the headers are in, the request has the ordinary idle
 * timeout (a large upload may take minutes).
 * It also refuses a new connection from an address that already holds
 * `per_ip` of them.  Loopback peers are exempt: behind a reverse proxy
 * on the same machine every client is 127.0.0.1, and local users share
 * it too; for them the deadline and the total limit (set high, see
 * http.c) keep the server answering.
 * The guard knows sockets and addresses only, not libmicrohttpd: http.c
 * calls it from its callbacks.
 * Ownership: pv_guard_start / pv_guard_stop; each pv_guard_conn from
 * pv_guard_open is freed by pv_guard_close, which must come before the
 * socket is closed.  All functions are thread-safe.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_GUARD_H
#define PV_GUARD_H

#include <sys/socket.h>

#include "err.h"

typedef struct pv_guard pv_guard;
typedef struct pv_guard_conn pv_guard_conn;

typedef struct pv_guard_opts {
    unsigned header_timeout_ms;  /* request line and headers must be in by then */
    unsigned per_ip;             /* connections one non-loopback address may hold */
} pv_guard_opts;

/* Starts the watchdog.  PV_E_IO (with the reason) when the thread
 * cannot be started. */
int pv_guard_start(const pv_guard_opts *opts, pv_guard **out, pv_err *err);

/* Stops the watchdog and frees the guard; call it once the server has
 * closed every connection.  NULL is a no-op. */
void pv_guard_stop(pv_guard *g);

/* Whether a new connection from `peer` may be accepted. */
int pv_guard_admit(pv_guard *g, const struct sockaddr *peer, socklen_t len);

/* Starts watching connection `fd` from `peer`: its header deadline runs. */
pv_guard_conn *pv_guard_open(pv_guard *g, int fd, const struct sockaddr *peer);

/* The request's headers are in: no deadline until pv_guard_answered. */
void pv_guard_headers_in(pv_guard *g, pv_guard_conn *c);

/* Its answer is sent: the next request's headers have the deadline. */
void pv_guard_answered(pv_guard *g, pv_guard_conn *c);

/* Closes the socket now (the request is refused at once): shuts it down
 * so libmicrohttpd sees the client gone. */
void pv_guard_drop(pv_guard *g, pv_guard_conn *c);

/* Stops watching and frees `c`; call it before the socket is closed.
 * NULL is a no-op. */
void pv_guard_close(pv_guard *g, pv_guard_conn *c);

#endif
