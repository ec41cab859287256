/* listen.c — the listening socket and the open files its connections
 * need.  See listen.h.
 * SPDX-License-Identifier: MIT
 */
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTEN_BACKLOG 128
/* File descriptors kept for what is not a connection: the store's
 * connections (one per thread, with their WAL and shm), the listening
 * socket, the epoll sets, stdio. */
#define FD_RESERVE 128

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

/* A listening socket on `ai` with `port`; -1 with errno on failure. */
static int listen_on(const struct addrinfo *ai, unsigned port)
{
    struct sockaddr_storage addr;
    memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    if (ai->ai_family == AF_INET)
        ((struct sockaddr_in *)&addr)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)&addr)->sin6_port = htons((uint16_t)port);
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    /* SO_REUSEADDR: a restarted server can bind while old connections
     * linger in TIME_WAIT.  V6ONLY: "::1" does not also claim IPv4. */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&addr, ai->ai_addrlen) != 0 ||
        listen(fd, LISTEN_BACKLOG) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int pv_listen_bind(const char *host, const pv_listen_opts *opts, int *out_fd, int *family,
                   int *loopback, pv_err *err)
{
    *out_fd = -1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE}, *res;
    int gai = getaddrinfo(host, NULL, &hints, &res);
    if (gai != 0)
        return pv_err_set(err, PV_E_USAGE, "cannot resolve %s: %s", host, gai_strerror(gai));
    unsigned tries = opts->port_tries ? opts->port_tries : 1;
    int fd = -1, last = 0;
    unsigned port = opts->port;
    for (unsigned t = 0; fd < 0 && t <= tries; t++) {
        if (t == tries) {
            if (!opts->any_port || opts->port == 0)
                break;
            port = 0;
        } else {
            port = opts->port + t;
            if (port > 65535 || (opts->port == 0 && t > 0))
                break;
        }
        for (const struct addrinfo *ai = res; fd < 0 && ai; ai = ai->ai_next) {
            if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
                continue;
            fd = listen_on(ai, port);
            if (fd < 0) {
                last = errno;
            } else {
                *family = ai->ai_family;
                *loopback = is_loopback(ai->ai_addr);
            }
        }
    }
    freeaddrinfo(res);
    if (fd < 0 && last == EADDRINUSE)
        return pv_err_set(err, PV_E_IO, "port %u%s on %s %s in use", opts->port,
                          tries > 1 ? " and the ports after it" : "", host,
                          tries > 1 ? "are" : "is");
    if (fd < 0)
        return pv_err_set(err, PV_E_IO, "cannot listen on %s port %u%s: %s", host, opts->port,
                          tries > 1 ? " or the ports after it" : "", strerror(last));
    *out_fd = fd;
    return PV_OK;
}

unsigned pv_listen_fit_open_files(unsigned conns)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)conns + FD_RESERVE;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
        return conns;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur >= want)
        return conns;
    return rl.rlim_cur > 2 * FD_RESERVE ? (unsigned)(rl.rlim_cur - FD_RESERVE)
                                        : (unsigned)(rl.rlim_cur / 2);
}
