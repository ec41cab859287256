/* test_guard.c — the connection guard on socket pairs: the header
 * deadline shuts a socket down whatever trickles in, stops while a request
 * is handled and starts again after its answer; an address holds only so
 * many connections, loopback ones any number. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guard.h"

Suite *pv_guard_suite(void);

/* Whether the peer of `fd` sees it shut down within `ms`. */
static int shut_within(int peer, int ms)
{
    struct pollfd p = {.fd = peer, .events = POLLIN};
    char c;
    return poll(&p, 1, ms) == 1 && recv(peer, &c, 1, MSG_DONTWAIT) == 0;
}

static pv_guard *start(unsigned header_ms, unsigned per_ip)
{
    pv_guard_opts opts = {.header_timeout_ms = header_ms, .per_ip = per_ip};
    pv_guard *g;
    pv_err err;
    ck_assert_int_eq(pv_guard_start(&opts, &g, &err), PV_OK);
    return g;
}

static struct sockaddr_in ipv4(const char *addr)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(40000)};
    ck_assert_int_eq(inet_pton(AF_INET, addr, &sa.sin_addr), 1);
    return sa;
}

START_TEST(guard_shuts_a_connection_whose_headers_are_late)
{
    pv_guard *g = start(300, 0);
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pv_guard_conn *c = pv_guard_open(g, sv[0], NULL);
    /* A byte every 100 ms does not keep it alive. */
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(write(sv[1], "a", 1), 1);
        ck_assert(!shut_within(sv[1], 100));
    }
    ck_assert(shut_within(sv[1], 1000));
    pv_guard_close(g, c);
    close(sv[0]);
    close(sv[1]);
    pv_guard_stop(g);
}
END_TEST

START_TEST(guard_waits_while_a_request_is_handled_and_after_its_answer)
{
    pv_guard *g = start(300, 0);
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pv_guard_conn *c = pv_guard_open(g, sv[0], NULL);
    pv_guard_headers_in(g, c);
    ck_assert(!shut_within(sv[1], 800));   /* a long upload */
    pv_guard_answered(g, c);
    ck_assert(shut_within(sv[1], 1000));   /* idle before the next request */
    pv_guard_close(g, c);
    close(sv[0]);
    close(sv[1]);
    pv_guard_stop(g);
}
END_TEST

START_TEST(guard_limits_connections_per_address_but_not_loopback)
{
    pv_guard *g = start(60000, 2);
    struct sockaddr_in a = ipv4("10.0.0.7"), b = ipv4("10.0.0.8"), lo = ipv4("127.0.0.1");
    const struct sockaddr *sa = (const struct sockaddr *)&a;
    pv_guard_conn *held[2];
    for (int i = 0; i < 2; i++) {
        ck_assert(pv_guard_admit(g, sa, sizeof a));
        held[i] = pv_guard_open(g, -1, sa);
    }
    ck_assert(!pv_guard_admit(g, sa, sizeof a));
    ck_assert(pv_guard_admit(g, (const struct sockaddr *)&b, sizeof b));
    pv_guard_conn *local[3];
    for (int i = 0; i < 3; i++) {
        ck_assert(pv_guard_admit(g, (const struct sockaddr *)&lo, sizeof lo));
        local[i] = pv_guard_open(g, -1, (const struct sockaddr *)&lo);
    }
    pv_guard_close(g, held[0]);
    ck_assert(pv_guard_admit(g, sa, sizeof a));
    pv_guard_close(g, held[1]);
    for (int i = 0; i < 3; i++)
        pv_guard_close(g, local[i]);
    pv_guard_stop(g);
}
END_TEST

Suite *pv_guard_suite(void)
{
    Suite *s = suite_create("guard");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, guard_shuts_a_connection_whose_headers_are_late);
    tcase_add_test(tc, guard_waits_while_a_request_is_handled_and_after_its_answer);
    tcase_add_test(tc, guard_limits_connections_per_address_but_not_loopback);
    suite_add_tcase(s, tc);
    return s;
}
