/* guard.c — see guard.h.
 *
 * Open connections sit in one list under one mutex; the watchdog walks it
 * four times a second.  With the default limit of a few thousand
 * connections that is microseconds of work, and pv_guard_admit counts an
 * address's connections by walking it too, rather than keeping a second
 * structure in step.
 * SPDX-License-Identifier: MIT
 */
#include "guard.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "xalloc.h"

#define TICK_MS 250  /* the deadline is kept to within this */

struct pv_guard_conn {
    int fd;
    int family;                   /* AF_INET, AF_INET6; 0: not counted per address */
    unsigned char addr[16];       /* the peer's address (IPv4 in the first 4 bytes) */
    double deadline;              /* ms, monotonic; 0 while a request is being handled */
    int dropped;                  /* shut down already */
    pv_guard_conn *prev, *next;
};

struct pv_guard {
    pv_guard_opts opts;
    pthread_mutex_t lock;         /* guards the list and stopping */
    pthread_cond_t wake;          /* stopping */
    pthread_t thread;
    int stopping;
    pv_guard_conn *head;
};

/* The peer's address for per-address counting: family 0 for loopback
 * peers (exempt) and anything not IP. */
static void peer_key(const struct sockaddr *sa, int *family, unsigned char addr[16])
{
    *family = 0;
    memset(addr, 0, 16);
    if (!sa)
        return;
    if (sa->sa_family == AF_INET) {
        const struct in_addr *a = &((const struct sockaddr_in *)sa)->sin_addr;
        if ((ntohl(a->s_addr) >> 24) == 127)
            return;
        memcpy(addr, a, 4);
        *family = AF_INET;
    } else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127))
            return;
        memcpy(addr, a, 16);
        *family = AF_INET6;
    }
}

/* Shuts the socket down once; the caller holds the lock, so the socket
 * is still open (pv_guard_close comes before libmicrohttpd closes it). */
static void drop_locked(pv_guard_conn *c)
{
    if (!c->dropped)
        shutdown(c->fd, SHUT_RDWR);
    c->dropped = 1;
    c->deadline = 0;
}

static void *watchdog(void *arg)
{
    pv_guard *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += TICK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->wake, &g->lock, &until);
        double now = pv_now_ms();
        for (pv_guard_conn *c = g->head; c; c = c->next) {
            if (c->deadline > 0 && now >= c->deadline)
                drop_locked(c);
        }
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

int pv_guard_start(const pv_guard_opts *opts, pv_guard **out, pv_err *err)
{
    pv_guard *g = pv_xcalloc(1, sizeof *g);
    g->opts = *opts;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->wake, NULL);
    int rc = pthread_create(&g->thread, NULL, watchdog, g);
    if (rc != 0) {
        pthread_cond_destroy(&g->wake);
        pthread_mutex_destroy(&g->lock);
        free(g);
        *out = NULL;
        return pv_err_set(err, PV_E_IO, "cannot start the connection watchdog: %s",
                          strerror(rc));
    }
    *out = g;
    return PV_OK;
}

void pv_guard_stop(pv_guard *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->lock);
    g->stopping = 1;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->thread, NULL);
    for (pv_guard_conn *c = g->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    pthread_cond_destroy(&g->wake);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

int pv_guard_admit(pv_guard *g, const struct sockaddr *peer, socklen_t len)
{
    int family;
    unsigned char addr[16];
    peer_key(len ? peer : NULL, &family, addr);
    if (!family || !g->opts.per_ip)
        return 1;
    unsigned held = 0;
    pthread_mutex_lock(&g->lock);
    for (pv_guard_conn *c = g->head; c && held < g->opts.per_ip; c = c->next)
        held += c->family == family && memcmp(c->addr, addr, 16) == 0;
    pthread_mutex_unlock(&g->lock);
    return held < g->opts.per_ip;
}

pv_guard_conn *pv_guard_open(pv_guard *g, int fd, const struct sockaddr *peer)
{
    pv_guard_conn *c = pv_xcalloc(1, sizeof *c);
    c->fd = fd;
    peer_key(peer, &c->family, c->addr);
    pthread_mutex_lock(&g->lock);
    c->deadline = pv_now_ms() + g->opts.header_timeout_ms;
    c->next = g->head;
    if (g->head)
        g->head->prev = c;
    g->head = c;
    pthread_mutex_unlock(&g->lock);
    return c;
}

void pv_guard_headers_in(pv_guard *g, pv_guard_conn *c)
{
    pthread_mutex_lock(&g->lock);
    c->deadline = 0;
    pthread_mutex_unlock(&g->lock);
}

void pv_guard_answered(pv_guard *g, pv_guard_conn *c)
{
    pthread_mutex_lock(&g->lock);
    if (!c->dropped)
        c->deadline = pv_now_ms() + g->opts.header_timeout_ms;
    pthread_mutex_unlock(&g->lock);
}

void pv_guard_drop(pv_guard *g, pv_guard_conn *c)
{
    pthread_mutex_lock(&g->lock);
    drop_locked(c);
    pthread_mutex_unlock(&g->lock);
}

void pv_guard_close(pv_guard *g, pv_guard_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&g->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        g->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&g->lock);
    free(c);
}
