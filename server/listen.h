/* listen.h — binding the server's listening socket.
 *
 * The socket is bound here rather than by libmicrohttpd, so "address in
 * use" can be told from other failures and the next port tried.
 * Ownership: the caller owns the socket pv_listen_bind returns (it hands
 * it to libmicrohttpd, or closes it).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_LISTEN_H
#define PV_LISTEN_H

#include "err.h"

typedef struct pv_listen_opts {
    unsigned port;        /* 0: any free port */
    unsigned port_tries;  /* port, port+1, ... while taken; 0 counts as 1 */
    int any_port;         /* then fall back to any free port */
} pv_listen_opts;

/* A listening socket (*fd) on the first address of `host` that takes the
 * port, trying the ports in turn; *family is its address family and
 * *loopback whether it is a loopback address.  Returns PV_OK; PV_E_USAGE
 * when `host` does not resolve, PV_E_IO when nothing could be bound (the
 * message says whether the port is in use). */
int pv_listen_bind(const char *host, const pv_listen_opts *opts, int *fd, int *family,
                   int *loopback, pv_err *err);

/* Each connection is a file descriptor, and the usual soft limit of 1024
 * open files is below the connection limit: the soft limit is raised
 * towards the hard one, and the connection limit (`conns`) lowered to
 * what fits, which is returned. */
unsigned pv_listen_fit_open_files(unsigned conns);

#endif
