/* http.c — libmicrohttpd glue: binding, bodies, headers, the daemon.
 * See http.h.  This is the only file that includes <microhttpd.h>.
 *
 * libmicrohttpd calls on_request several times per request: once when the
 * headers are in, once per piece of the body, and once when the request is
 * complete.  A request without a body is answered on the last call.  One
 * with a body goes to pv_api_dispatch as soon as its headers are in, which
 * answers at once unless the route reads a body; only then is the body
 * read (up to max_upload) and the request dispatched again.  So an upload
 * without the token or beyond the limit is refused before its body is
 * read: libmicrohttpd then closes the connection instead of reading it.
 * The listening socket is bound here rather than by
 * libmicrohttpd, so "address in use" can be told from other failures and
 * the next port tried.
 * SPDX-License-Identifier: MIT
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "gzip.h"
#include "xalloc.h"

#define DEFAULT_TIMEOUT_S 60   /* long enough for a browser's keep-alive */
#define DEFAULT_MAX_CONNS 1000 /* well under the usual 1024 open files */
#define MIN_THREADS 4
#define LISTEN_BACKLOG 128
#define FIRST_BODY_BUFFER ((size_t)64 << 10)  /* doubled as a body arrives */

struct pv_http {
    struct MHD_Daemon *daemon;
    pv_ctx *ctx;
    size_t max_upload;
    int log;
    int loopback;
    int check_host;           /* local_only on a loopback address */
    unsigned port;            /* bound */
    char url[320];
};

/* What one request has gathered between calls of on_request. */
typedef struct request_state {
    double t0;                /* when its headers were in, ms */
    int has_body;             /* the client announced a body */
    int responded;            /* a response is queued */
    unsigned char *body;      /* malloc'd, grows up to max_upload as bytes arrive */
    size_t len, cap;
} request_state;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- requests -------------------------------------------------------- */

typedef struct param_list {
    pv_param *v;
    size_t n, cap;
} param_list;

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    param_list *l = cls;
    l->v = pv_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->v[l->n++] = (pv_param){key, value ? value : ""};
    return MHD_YES;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
         : -1;
}

/* libmicrohttpd's unescaping, stricter: "%00" (which would cut the string
 * short, so "/a%00/b" would look like "/a") and malformed escapes are
 * left as they are, and a path holding '%' matches no route or file. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    char *out = s;
    for (const char *in = s; *in;) {
        int hi = in[0] == '%' ? hex_digit(in[1]) : -1;
        int lo = hi >= 0 ? hex_digit(in[2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            *out++ = (char)(hi << 4 | lo);
            in += 3;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

/* Host names a local_only server answers to (see http.h). */
static int loopback_host(const char *host)
{
    size_t n = strlen(host);
    const char *colon = strrchr(host, ':');
    if (colon && host[0] != '[')
        n = (size_t)(colon - host);
    else if (host[0] == '[')
        n = strcspn(host, "]") + 1;
    if ((n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
        (n == 5 && strncmp(host, "[::1]", 5) == 0))
        return 1;
    char addr[16];
    struct in_addr in;
    if (n >= sizeof addr)
        return 0;
    memcpy(addr, host, n);
    addr[n] = '\0';
    return inet_pton(AF_INET, addr, &in) == 1 && (ntohl(in.s_addr) >> 24) == 127;
}

/* ---- responses ------------------------------------------------------- */

static void add_header(struct MHD_Response *r, const char *name, const char *value)
{
    if (value && MHD_add_response_header(r, name, value) != MHD_YES) {
        fprintf(stderr, "profviz: cannot add header %s\n", name);
        abort();
    }
}

/* Prints "METHOD PATH STATUS TIME" with the client's bytes made
 * harmless for a terminal. */
static void log_request(const char *method, const char *path, int status, int sent, double t0)
{
    char safe[201];
    size_t n = 0;
    for (const char *p = path; *p && n < sizeof safe - 1; p++)
        safe[n++] = (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f ? *p : '?';
    safe[n] = '\0';
    fprintf(stderr, "%.10s %s %d %.1f ms%s\n", method, safe, status, now_ms() - t0,
            sent ? "" : " (not sent: connection closed)");
}

static int is_json(const pv_response *res)
{
    return res->content_type && strcmp(res->content_type, "application/json") == 0;
}

/* Compresses a JSON body the handler left plain when the client takes
 * gzip (gzip.h): answers of PV_GZIP_MIN bytes and more. */
static void encode_body(struct MHD_Connection *c, pv_response *res)
{
    if (!is_json(res) || res->encoding || res->len < PV_GZIP_MIN ||
        !pv_accepts_gzip(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_ACCEPT_ENCODING)))
        return;
    char *gz;
    size_t len;
    pv_gzip(res->body, res->len, &gz, &len);
    pv_response_release(res);
    res->body = gz;
    res->len = len;
    res->body_free = free;
    res->encoding = "gzip";
}

/* Queues `res` with the headers every response carries; the body passes
 * to libmicrohttpd (or is freed when it cannot be sent). */
static enum MHD_Result send_response(pv_http *h, struct MHD_Connection *c, request_state *st,
                                     const char *method, const char *path, pv_response *res)
{
    encode_body(c, res);
    struct MHD_Response *r;
    if (res->body_free)
        r = MHD_create_response_from_buffer_with_free_callback(res->len, res->body,
                                                               res->body_free);
    else
        r = MHD_create_response_from_buffer(res->len, res->body ? res->body : (void *)"",
                                            MHD_RESPMEM_PERSISTENT);
    if (!r) {
        pv_response_release(res);
        return MHD_NO;
    }
    res->body_free = NULL;  /* libmicrohttpd frees it now */
    add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    add_header(r, "Content-Security-Policy", "default-src 'self'");
    add_header(r, "X-Content-Type-Options", "nosniff");
    add_header(r, "Referrer-Policy", "no-referrer");
    add_header(r, "X-Frame-Options", "DENY");
    add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
               res->cache_control ? res->cache_control : "no-store");
    add_header(r, MHD_HTTP_HEADER_ETAG, res->etag);
    add_header(r, MHD_HTTP_HEADER_ALLOW, res->allow);
    add_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, res->encoding);
    if (is_json(res))
        add_header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    if (res->challenge)
        add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"profviz\"");
    if (res->disposition[0])
        add_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, res->disposition);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)res->status, r);
    MHD_destroy_response(r);
    st->responded = ok == MHD_YES;
    if (h->log)
        log_request(method, path, res->status, st->responded, st->t0);
    return ok;
}

/* Dispatches the request and queues the answer.  Before the body is read
 * (complete = 0) the route may want it first: then nothing is queued and
 * *wants_body is set. */
static enum MHD_Result handle(pv_http *h, struct MHD_Connection *c, request_state *st,
                              const char *url, const char *method, const char *version,
                              int complete, int *wants_body)
{
    param_list query = {0}, headers = {0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect, &query);
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect, &headers);
    pv_request req = {
        .method = method,
        .path = url,
        .query = query.v,
        .n_query = query.n,
        .headers = headers.v,
        .n_headers = headers.n,
        .has_body = st->has_body,
        .body = !complete ? NULL : st->body ? st->body : (const unsigned char *)"",
        .body_len = st->len,
    };
    pv_response res;
    int status;
    const char *host = pv_request_header(&req, "Host");
    memset(&res, 0, sizeof res);
    if (!host && strcmp(version, MHD_HTTP_VERSION_1_1) == 0) {
        status = pv_respond_error(&res, 400, "an HTTP/1.1 request needs a Host header");
    } else if (h->check_host && host && !loopback_host(host)) {
        status = pv_respond_error(&res, 403, "this server answers to localhost only");
    } else {
        status = pv_api_dispatch(&req, h->ctx, &res);
    }
    free(query.v);
    free(headers.v);
    *wants_body = status == 0;
    return status == 0 ? MHD_YES : send_response(h, c, st, method, url, &res);
}

/* The announced body size: -1 when unknown (chunked), 0 when none. */
static long long announced_body(struct MHD_Connection *c)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl)
        return strtoll(cl, NULL, 10);  /* libmicrohttpd has checked it */
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING)
               ? -1
               : 0;
}

static enum MHD_Result too_large(pv_http *h, struct MHD_Connection *c, request_state *st,
                                 const char *method, const char *url)
{
    pv_response res = {0};
    pv_respond_error(&res, 413, "the body is larger than this server's limit of %zu bytes",
                     h->max_upload);
    return send_response(h, c, st, method, url, &res);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    pv_http *h = cls;
    request_state *st = *con_cls;
    if (!st) {
        /* The headers are in. */
        st = pv_xcalloc(1, sizeof *st);
        st->t0 = now_ms();
        *con_cls = st;
        long long size = announced_body(c);
        /* Without a body the answer waits for the next call: answering
         * now would be "early", and libmicrohttpd closes the connection
         * after an early answer in case a body follows. */
        if (size == 0)
            return MHD_YES;
        st->has_body = 1;
        int wants_body;
        enum MHD_Result ok = handle(h, c, st, url, method, version, 0, &wants_body);
        if (!wants_body)
            return ok;
        if (size > 0 && (unsigned long long)size > h->max_upload)
            return too_large(h, c, st, method, url);
        /* The buffer grows as bytes arrive: announcing a large body and
         * sending nothing costs the server nothing. */
        return MHD_YES;
    }
    if (st->responded) {
        /* Answered early; whatever still arrives is dropped. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        if (n > h->max_upload - st->len)
            /* A chunked body passed the limit: stop reading it (when the
             * answer cannot be queued mid-body, the connection closes). */
            return too_large(h, c, st, method, url);
        if (st->len + n > st->cap) {
            size_t cap = st->cap ? st->cap : FIRST_BODY_BUFFER;
            while (cap < st->len + n)
                cap = cap > h->max_upload / 2 ? h->max_upload : cap * 2;
            st->body = pv_xrealloc(st->body, cap);
            st->cap = cap;
        }
        memcpy(st->body + st->len, upload_data, n);
        st->len += n;
        *upload_data_size = 0;
        return MHD_YES;
    }
    /* The whole request is in. */
    int wants_body;
    return handle(h, c, st, url, method, version, 1, &wants_body);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    request_state *st = *con_cls;
    if (!st)
        return;
    free(st->body);
    free(st);
    *con_cls = NULL;
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
    pv_http *h = cls;
    if (!h->log)
        return;
    fputs("profviz: http: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* ---- binding --------------------------------------------------------- */

static int is_loopback(const struct sockaddr *sa)
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

/* Binds the first address of `host` that takes the port, trying the
 * ports in turn.  Returns the socket and its family, or -1 with err. */
static int bind_host(const char *host, const pv_http_opts *opts, int *family, int *loopback,
                     pv_err *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE}, *res;
    int gai = getaddrinfo(host, NULL, &hints, &res);
    if (gai != 0) {
        pv_err_set(err, PV_E_USAGE, "cannot resolve %s: %s", host, gai_strerror(gai));
        return -1;
    }
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
        pv_err_set(err, PV_E_IO, "port %u%s on %s %s in use", opts->port,
                   tries > 1 ? " and the ports after it" : "", host, tries > 1 ? "are" : "is");
    else if (fd < 0)
        pv_err_set(err, PV_E_IO, "cannot listen on %s port %u%s: %s", host, opts->port,
                   tries > 1 ? " or the ports after it" : "", strerror(last));
    return fd;
}

/* ---- the daemon ------------------------------------------------------ */

static unsigned default_threads(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = cpus > 0 ? 2 * (unsigned)cpus : MIN_THREADS;
    return n < MIN_THREADS ? MIN_THREADS : n;
}

int pv_http_start(pv_ctx *ctx, const pv_http_opts *opts, pv_http **out, pv_err *err)
{
    *out = NULL;
    const char *host = opts->host ? opts->host : "127.0.0.1";
    size_t max_header = opts->max_header ? opts->max_header : PV_HTTP_MAX_HEADER;
    if (max_header < PV_HTTP_MIN_HEADER)
        return pv_err_set(err, PV_E_USAGE, "the header limit must be at least %zu bytes",
                          PV_HTTP_MIN_HEADER);
    if (opts->port > 65535)
        return pv_err_set(err, PV_E_USAGE, "port %u is out of range", opts->port);
    int family = AF_INET, loopback = 0;
    int fd = bind_host(host, opts, &family, &loopback, err);
    if (fd < 0)
        return err ? err->code : PV_E_IO;

    pv_http *h = pv_xcalloc(1, sizeof *h);
    h->ctx = ctx;
    h->max_upload = opts->max_upload ? opts->max_upload : PV_HTTP_MAX_UPLOAD;
    h->log = opts->log;
    h->loopback = loopback;
    h->check_host = loopback && opts->local_only;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    h->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, h,
        MHD_OPTION_EXTERNAL_LOGGER, on_log, h,  /* first, or it misses early messages */
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_THREAD_POOL_SIZE, opts->threads ? opts->threads : default_threads(),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, max_header,
        MHD_OPTION_CONNECTION_TIMEOUT, opts->timeout_s ? opts->timeout_s : DEFAULT_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, opts->max_conns ? opts->max_conns : DEFAULT_MAX_CONNS,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
    if (!h->daemon) {
        close(fd);
        free(h);
        return pv_err_set(err, PV_E_IO, "cannot start the HTTP server on %s", host);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    h->port = port;
    int v6 = strchr(host, ':') != NULL;
    snprintf(h->url, sizeof h->url, "http://%s%.255s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "",
             port);
    *out = h;
    return PV_OK;
}

void pv_http_stop(pv_http *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->daemon);
    free(h);
}

int pv_http_is_loopback(const pv_http *h)
{
    return h->loopback;
}

unsigned pv_http_port(const pv_http *h)
{
    return h->port;
}

const char *pv_http_url(const pv_http *h)
{
    return h->url;
}
