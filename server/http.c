/* http.c — libmicrohttpd glue: requests, bodies, headers, the daemon.
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
 * The listening socket is bound by listen.c rather than by libmicrohttpd.
 * SPDX-License-Identifier: MIT
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api.h"
#include "clock.h"
#include "guard.h"
#include "gzip.h"
#include "listen.h"
#include "term.h"
#include "xalloc.h"

#define DEFAULT_TIMEOUT_S 60   /* idle time of a request whose headers are in (uploads) */
#define MIN_THREADS 4
#define FIRST_BODY_BUFFER ((size_t)64 << 10)  /* doubled as a body arrives */
/* The API takes a handful of query parameters.  libmicrohttpd keeps each
 * in the connection's header memory and, when that runs out while parsing
 * them, neither answers nor closes (0.9.75): a request with more is
 * refused before they are parsed. */
#define MAX_QUERY_PARAMS 64

struct pv_http {
    struct MHD_Daemon *daemon;
    pv_ctx *ctx;
    pv_guard *guard;
    size_t max_upload;
    int log;
    int loopback;
    int check_host;           /* answer only the Host names host_allowed takes */
    char **allow_hosts;       /* owned copies of opts->allow_hosts */
    size_t n_allow_hosts;
    unsigned port;            /* bound */
    unsigned max_conns;       /* after fitting the open-file limit */
    char url[320];
};

/* Sent with every response, libmicrohttpd's own refusals aside. */
static const char *const security_headers[][2] = {
    {"Content-Security-Policy", "default-src 'self'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

/* What one request has gathered between calls of on_request. */
typedef struct request_state {
    double t0;                /* when its headers were in, ms */
    int has_body;             /* the client announced a body */
    int responded;            /* a response is queued */
    unsigned char *body;      /* malloc'd, grows up to max_upload as bytes arrive */
    size_t len, cap;
} request_state;

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

/* Whether a Host header names this server (see http.h): an address (a
 * page can only rebind a name, never an address), localhost, or a name
 * it was told to answer to, given with or without the port. */
static int host_allowed(const pv_http *h, const char *host)
{
    size_t n = strlen(host);
    if (host[0] == '[') {
        n = strcspn(host, "]");
        char addr[INET6_ADDRSTRLEN];
        struct in6_addr in6;
        if (host[n] != ']' || n - 1 >= sizeof addr)
            return 0;
        memcpy(addr, host + 1, n - 1);
        addr[n - 1] = '\0';
        return inet_pton(AF_INET6, addr, &in6) == 1;
    }
    const char *colon = strchr(host, ':');
    if (colon)
        n = (size_t)(colon - host);
    if (n == 9 && strncasecmp(host, "localhost", 9) == 0)
        return 1;
    char addr[16];
    struct in_addr in;
    if (n < sizeof addr) {
        memcpy(addr, host, n);
        addr[n] = '\0';
        if (inet_pton(AF_INET, addr, &in) == 1)
            return 1;
    }
    for (size_t i = 0; i < h->n_allow_hosts; i++) {
        const char *name = h->allow_hosts[i];
        if (strchr(name, ':') ? strcasecmp(name, host) == 0
                              : strlen(name) == n && strncasecmp(name, host, n) == 0)
            return 1;
    }
    return 0;
}

/* The guard's record of connection `c`. */
static pv_guard_conn *conn_guard(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* ---- responses ------------------------------------------------------- */

static void add_header(struct MHD_Response *r, const char *name, const char *value)
{
    if (value && MHD_add_response_header(r, name, value) != MHD_YES) {
        fprintf(stderr, "profviz: cannot add header %s\n", name);
        abort();
    }
}

/* Prints "METHOD PATH STATUS TIME": the method and path are the
 * client's bytes, shown safe for a terminal. */
static void log_request(const char *method, const char *path, int status, int sent, double t0)
{
    pv_term_println(stderr, "%.20s %.200s %d %.1f ms%s", method, path, status, pv_now_ms() - t0,
                    sent ? "" : " (not sent: connection closed)");
}

static bool is_json(const pv_response *res)
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
    for (size_t i = 0; i < sizeof security_headers / sizeof *security_headers; i++)
        add_header(r, security_headers[i][0], security_headers[i][1]);
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
    } else if (h->check_host && host && !host_allowed(h, host)) {
        status = pv_respond_error(&res, 403,
                                  "this server does not answer to the name '%.100s' (see "
                                  "--allow-host)", host);
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

typedef struct framing {
    unsigned n_length;        /* Content-Length headers */
    const char *length;       /* the first one's value */
    int lengths_differ;
    const char *encoding;     /* Transfer-Encoding, when sent */
} framing;

static enum MHD_Result collect_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    framing *f = cls;
    value = value ? value : "";
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (f->n_length++ == 0)
            f->length = value;
        else if (strcmp(f->length, value) != 0)
            f->lengths_differ = 1;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->encoding = value;
    }
    return MHD_YES;
}

/* Refuses a body whose length is ambiguous or cannot be read (a proxy in
 * front may read it otherwise and smuggle a second request in its tail),
 * before libmicrohttpd waits for bytes it cannot frame.  Returns the
 * status put in `res`, or 0 when the framing is fine. */
static int check_framing(struct MHD_Connection *c, pv_response *res)
{
    framing f = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_framing, &f);
    if (f.lengths_differ)
        return pv_respond_error(res, 400, "two different Content-Length headers");
    if (f.encoding && f.n_length)
        return pv_respond_error(res, 400, "both Content-Length and Transfer-Encoding");
    if (f.encoding && strcasecmp(f.encoding, "chunked") != 0)
        return pv_respond_error(res, 501, "Transfer-Encoding '%.40s' is not supported; send "
                                "Content-Length or chunked", f.encoding);
    return 0;
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
        st->t0 = pv_now_ms();
        *con_cls = st;
        pv_guard_conn *g = conn_guard(c);
        if (g)
            pv_guard_headers_in(h->guard, g);
        pv_response res = {0};
        if (check_framing(c, &res))
            return send_response(h, c, st, method, url, &res);
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
    pv_http *h = cls;
    pv_guard_conn *g = conn_guard(c);
    if (g)
        pv_guard_answered(h->guard, g);
    request_state *st = *con_cls;
    if (!st)
        return;
    free(st->body);
    free(st);
    *con_cls = NULL;
}

/* Writes a JSON error to the socket and closes it, for the one request
 * refused before libmicrohttpd could answer it (too many query
 * parameters): nothing has been sent on the connection since its last
 * answer, and the few hundred bytes fit in any socket buffer. */
static void refuse_raw(pv_http *h, struct MHD_Connection *c, const char *status,
                       const char *json)
{
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    pv_guard_conn *g = conn_guard(c);
    if (!fd || !g)
        return;
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "HTTP/1.1 %s\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nCache-Control: no-store\r\n", status);
    for (size_t i = 0; i < sizeof security_headers / sizeof *security_headers; i++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "%s: %s\r\n", security_headers[i][0],
                      security_headers[i][1]);
    n += snprintf(buf + n, sizeof buf - (size_t)n, "Content-Length: %zu\r\n\r\n%s",
                  strlen(json), json);
    if (send(fd->connect_fd, buf, (size_t)n, MSG_NOSIGNAL) < 0 && h->log)
        fprintf(stderr, "profviz: http: cannot send a refusal: %s\n", strerror(errno));
    pv_guard_drop(h->guard, g);
}

/* Called with the request target as soon as the request line is in,
 * before libmicrohttpd parses the query.  Returns the initial con_cls:
 * NULL, as on_request expects. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    pv_http *h = cls;
    const char *q = strchr(uri, '?');
    size_t params = 0;
    for (; q && *q; q++)
        params += *q == '?' || *q == '&';
    if (params > MAX_QUERY_PARAMS) {
        char json[80];
        snprintf(json, sizeof json, "{\"error\":\"more than %d query parameters\"}",
                 MAX_QUERY_PARAMS);
        refuse_raw(h, c, "400 Bad Request", json);
        if (h->log)
            pv_term_println(stderr, "%.200s 400 (%zu query parameters)", uri, params);
    }
    return NULL;
}

/* Admits a new connection (libmicrohttpd closes a refused one). */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
    pv_http *h = cls;
    return pv_guard_admit(h->guard, addr, len) ? MHD_YES : MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    pv_http *h = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *peer =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (fd)
            *socket_context = pv_guard_open(h->guard, fd->connect_fd,
                                            peer ? peer->client_addr : NULL);
    } else {
        /* Before libmicrohttpd closes the socket. */
        pv_guard_close(h->guard, *socket_context);
        *socket_context = NULL;
    }
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
    pv_http *h = cls;
    if (!h->log)
        return;
    /* libmicrohttpd's messages may quote what a client sent. */
    fputs("profviz: http: ", stderr);
    pv_term_vprintln(stderr, fmt, ap);
}

/* ---- the daemon ------------------------------------------------------ */

/* The Host check for the bound address (see pv_host_policy); PV_E_USAGE
 * when a server beyond loopback has neither names nor a token. */
static int host_policy(pv_http *h, const pv_http_opts *opts, const char *host, pv_err *err)
{
    h->check_host = h->loopback || opts->hosts != PV_HOSTS_OPEN_BEYOND_LOOPBACK ||
                    opts->n_allow_hosts > 0;
    if (!h->loopback && opts->hosts == PV_HOSTS_NAMED_BEYOND_LOOPBACK && !opts->n_allow_hosts)
        return pv_err_set(err, PV_E_USAGE,
                          "%s is not a loopback address: name the host names clients reach "
                          "the server by (--allow-host NAME, repeatable), or require a token "
                          "for changes (--token SECRET)", host);
    h->allow_hosts = pv_xcalloc(opts->n_allow_hosts + 1, sizeof *h->allow_hosts);
    for (size_t i = 0; i < opts->n_allow_hosts; i++)
        h->allow_hosts[i] = pv_xstrdup(opts->allow_hosts[i]);
    h->n_allow_hosts = opts->n_allow_hosts;
    return PV_OK;
}

static void free_http(pv_http *h)
{
    for (size_t i = 0; i < h->n_allow_hosts; i++)
        free(h->allow_hosts[i]);
    free(h->allow_hosts);
    free(h);
}

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
    pv_listen_opts lopts = {.port = opts->port, .port_tries = opts->port_tries,
                            .any_port = opts->any_port};
    int fd;
    int rc = pv_listen_bind(host, &lopts, &fd, &family, &loopback, err);
    if (rc != PV_OK)
        return rc;

    pv_http *h = pv_xcalloc(1, sizeof *h);
    h->ctx = ctx;
    h->max_upload = opts->max_upload ? opts->max_upload : PV_HTTP_MAX_UPLOAD;
    h->log = opts->log;
    h->loopback = loopback;
    pv_guard_opts gopts = {
        .header_timeout_ms = 1000 * (opts->header_timeout_s ? opts->header_timeout_s
                                                            : PV_HTTP_HEADER_TIMEOUT),
        .per_ip = opts->max_conns_per_ip ? opts->max_conns_per_ip : PV_HTTP_MAX_CONNS_PER_IP,
    };
    rc = host_policy(h, opts, host, err);
    if (rc == PV_OK)
        rc = pv_guard_start(&gopts, &h->guard, err);
    if (rc != PV_OK) {
        close(fd);
        free_http(h);
        return rc;
    }
    h->max_conns = pv_listen_fit_open_files(opts->max_conns ? opts->max_conns : PV_HTTP_MAX_CONNS);
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    h->daemon = MHD_start_daemon(
        flags, 0, on_accept, h, on_request, h,
        MHD_OPTION_EXTERNAL_LOGGER, on_log, h,  /* first, or it misses early messages */
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_THREAD_POOL_SIZE, opts->threads ? opts->threads : default_threads(),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, max_header,
        MHD_OPTION_CONNECTION_TIMEOUT, opts->timeout_s ? opts->timeout_s : DEFAULT_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, h->max_conns,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
    if (!h->daemon) {
        close(fd);
        pv_guard_stop(h->guard);
        free_http(h);
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
    pv_guard_stop(h->guard);  /* after the daemon has closed every connection */
    free_http(h);
}

bool pv_http_is_loopback(const pv_http *h)
{
    return h->loopback;
}

bool pv_http_checks_host(const pv_http *h)
{
    return h->check_host;
}

unsigned pv_http_max_conns(const pv_http *h)
{
    return h->max_conns;
}

unsigned pv_http_port(const pv_http *h)
{
    return h->port;
}

const char *pv_http_url(const pv_http *h)
{
    return h->url;
}
