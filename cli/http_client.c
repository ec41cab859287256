/* http_client.c — one HTTP/1.1 request over a plain socket.  See
 * http_client.h.
 *
 * The request says Connection: close, so the answer ends where the
 * connection does; Content-Length and chunked bodies are still honoured
 * (a proxy in front of profviz may use either).  A server may answer
 * before it has read the body (a 401 or 413 refuses an upload unread)
 * and close: a failed send is then not the end, the answer is read
 * anyway, and only when there is none is the send's failure reported.
 * SPDX-License-Identifier: MIT
 */
#include "http_client.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "xalloc.h"

/* ---- URLs ------------------------------------------------------------ */

int pv_client_url_parse(const char *url, pv_client_url *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    if (strncasecmp(url, "https://", 8) == 0)
        return pv_err_set(err, PV_E_USAGE,
                          "%.200s: profviz speaks plain HTTP only (profviz serve has no TLS); "
                          "give the server's http:// address, or run a local TLS proxy and "
                          "give its http:// address",
                          url);
    if (strncasecmp(url, "http://", 7) != 0)
        return pv_err_set(err, PV_E_USAGE, "%.200s: the server is an http://HOST:PORT URL", url);
    const char *p = url + 7;
    if (strpbrk(p, "?#@ \t"))
        return pv_err_set(err, PV_E_USAGE,
                          "%.200s: no user, query or fragment in the server URL, only "
                          "http://HOST[:PORT][/PATH]", url);
    size_t auth = strcspn(p, "/");
    const char *host = p, *host_end, *port = NULL;
    int bracketed = *p == '[';
    if (bracketed) {
        host = p + 1;
        host_end = memchr(host, ']', auth);
        if (!host_end)
            return pv_err_set(err, PV_E_USAGE, "%.200s: an IPv6 address ends with ']'", url);
        if (host_end + 1 < p + auth && host_end[1] != ':')
            return pv_err_set(err, PV_E_USAGE, "%.200s: expected ':PORT' after ']'", url);
        if (host_end + 1 < p + auth)
            port = host_end + 2;
    } else {
        host_end = memchr(p, ':', auth);
        if (host_end)
            port = host_end + 1;
        else
            host_end = p + auth;
    }
    size_t host_len = (size_t)(host_end - host);
    if (host_len == 0 || host_len >= sizeof out->host)
        return pv_err_set(err, PV_E_USAGE, "%.200s: no host name", url);
    memcpy(out->host, host, host_len);
    if (port) {
        size_t port_len = (size_t)(p + auth - port);
        long v = 0;
        for (size_t i = 0; i < port_len && v <= 65535; i++)
            v = port[i] >= '0' && port[i] <= '9' ? v * 10 + (port[i] - '0') : 70000;
        if (port_len == 0 || v < 1 || v > 65535)
            return pv_err_set(err, PV_E_USAGE, "%.200s: the port is a number from 1 to 65535",
                              url);
        snprintf(out->port, sizeof out->port, "%ld", v);
    } else {
        strcpy(out->port, "80");
    }
    size_t path_len = strlen(p + auth);
    while (path_len > 0 && p[auth + path_len - 1] == '/')
        path_len--;
    if (path_len >= sizeof out->prefix)
        return pv_err_set(err, PV_E_USAGE, "%.200s: the path is too long", url);
    memcpy(out->prefix, p + auth, path_len);
    /* Links are printed under the address as the user wrote it. */
    snprintf(out->base, sizeof out->base, "http://%s%s%s%s%s%s", bracketed ? "[" : "", out->host,
             bracketed ? "]" : "", port ? ":" : "", port ? out->port : "", out->prefix);
    return PV_OK;
}

int pv_client_query_escape(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        int keep = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                   (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' || *c == '_' || *c == '~';
        if (n + (keep ? 1 : 3) >= cap)
            return PV_E_TOO_BIG;
        if (keep) {
            out[n++] = (char)*c;
        } else {
            out[n++] = '%';
            out[n++] = hex[*c >> 4];
            out[n++] = hex[*c & 15];
        }
    }
    out[n] = '\0';
    return PV_OK;
}

/* ---- the connection -------------------------------------------------- */

/* A socket connected to the URL's host, with send and receive timeouts
 * (on Linux SO_SNDTIMEO bounds connect() too), or -1 and err set. */
static int connect_to(const pv_client_url *u, int timeout_s, pv_err *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int gai = getaddrinfo(u->host, u->port, &hints, &res);
    if (gai != 0) {
        pv_err_set(err, PV_E_IO, "cannot resolve %s: %s", u->host, gai_strerror(gai));
        return -1;
    }
    struct timeval tv = {.tv_sec = timeout_s};
    int fd = -1, why = 0;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            why = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            why = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        pv_err_set(err, PV_E_IO, "cannot connect to %s: %s", u->base,
                   why == EAGAIN || why == EINPROGRESS ? "timed out" : strerror(why));
    return fd;
}

/* Sends all of buf; 0, or the errno of the failure. */
static int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EPIPE;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads until the server closes, into a malloc'd buffer.  0, or the errno
 * of a failure (EFBIG past the limit). */
static int read_all(int fd, char **out, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = pv_xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap > PV_CLIENT_MAX_REPLY) {
                free(buf);
                return EFBIG;
            }
            cap *= 2;
            buf = pv_xrealloc(buf, cap + 1);
        }
        ssize_t r = recv(fd, buf + n, cap - n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            return e;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

/* ---- the answer ------------------------------------------------------ */

/* Decodes a chunked body in place; its length, or -1 when malformed. */
static long dechunk(char *body, size_t len)
{
    size_t in = 0, out = 0;
    for (;;) {
        char *end;
        unsigned long size = strtoul(body + in, &end, 16);
        char *crlf = strstr(body + in, "\r\n");
        if (end == body + in || !crlf || (size_t)(crlf - body) + 2 + size > len)
            return -1;
        in = (size_t)(crlf - body) + 2;
        if (size == 0)
            return (long)out;
        memmove(body + out, body + in, size);
        out += size;
        in += size + 2;  /* the chunk's CRLF */
    }
}

/* The value of header `name` in the header block `head` (NUL-terminated),
 * or NULL. */
static const char *header_value(const char *head, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, name, n) == 0 && line[2 + n] == ':') {
            const char *v = line + 3 + n;
            while (*v == ' ' || *v == '\t')
                v++;
            return v;
        }
    }
    return NULL;
}

/* Splits the raw answer into status and body. */
static int parse_reply(char *raw, size_t len, pv_client_reply *out, pv_err *err)
{
    int status = 0;
    if (len < 12 || strncmp(raw, "HTTP/1.", 7) != 0 || sscanf(raw + 8, " %3d", &status) != 1 ||
        status < 100 || status > 599)
        return pv_err_set(err, PV_E_IO, "the answer is not HTTP");
    char *end = strstr(raw, "\r\n\r\n");
    if (!end)
        return pv_err_set(err, PV_E_IO, "the answer's headers are cut short");
    *end = '\0';
    char *body = end + 4;
    size_t body_len = len - (size_t)(body - raw);
    const char *te = header_value(raw, "Transfer-Encoding");
    const char *cl = header_value(raw, "Content-Length");
    if (te && strncasecmp(te, "chunked", 7) == 0) {
        long n = dechunk(body, body_len);
        if (n < 0)
            return pv_err_set(err, PV_E_IO, "the answer's chunked body is cut short");
        body_len = (size_t)n;
    } else if (cl) {
        unsigned long long want = strtoull(cl, NULL, 10);
        if (want > body_len)
            return pv_err_set(err, PV_E_IO, "the answer is cut short (%zu of %llu bytes)",
                              body_len, want);
        body_len = (size_t)want;
    }
    out->status = status;
    out->len = body_len;
    out->body = pv_xmalloc(body_len + 1);
    memcpy(out->body, body, body_len);
    out->body[body_len] = '\0';
    return PV_OK;
}

int pv_client_request(const pv_client_url *u, const char *method, const char *target,
                      const char *const *headers, size_t n_headers, const void *body,
                      size_t len, int timeout_s, pv_client_reply *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    int fd = connect_to(u, timeout_s, err);
    if (fd < 0)
        return PV_E_IO;
    /* Host with brackets for an IPv6 literal, as RFC 7230 writes it. */
    int v6 = strchr(u->host, ':') != NULL;
    size_t cap = strlen(target) + strlen(u->host) + 256;
    for (size_t i = 0; i < n_headers; i++)
        cap += strlen(headers[i]) + 2;
    char *head = pv_xmalloc(cap);
    size_t n = (size_t)snprintf(head, cap,
                                "%s %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nConnection: close\r\n"
                                "Content-Length: %zu\r\nUser-Agent: profviz\r\n",
                                method, target, v6 ? "[" : "", u->host, v6 ? "]" : "", u->port,
                                len);
    for (size_t i = 0; i < n_headers; i++)
        n += (size_t)snprintf(head + n, cap - n, "%s\r\n", headers[i]);
    n += (size_t)snprintf(head + n, cap - n, "\r\n");
    int send_errno = send_all(fd, head, n);
    free(head);
    if (send_errno == 0 && len > 0)
        send_errno = send_all(fd, body, len);
    /* Whatever happened to the body, the server may have answered. */
    char *raw = NULL;
    size_t raw_len = 0;
    int read_errno = read_all(fd, &raw, &raw_len);
    close(fd);
    int rc;
    if (read_errno == 0 && raw_len > 0)
        rc = parse_reply(raw, raw_len, out, err);
    else if (send_errno)
        rc = pv_err_set(err, PV_E_IO, "sending to %s: %s", u->base,
                        send_errno == EAGAIN ? "timed out" : strerror(send_errno));
    else if (read_errno == EFBIG)
        rc = pv_err_set(err, PV_E_IO, "the answer from %s is over %zu bytes", u->base,
                        PV_CLIENT_MAX_REPLY);
    else if (read_errno)
        rc = pv_err_set(err, PV_E_IO, "reading from %s: %s", u->base,
                        read_errno == EAGAIN ? "timed out" : strerror(read_errno));
    else
        rc = pv_err_set(err, PV_E_IO, "%s closed the connection without an answer", u->base);
    free(raw);
    return rc;
}

void pv_client_reply_release(pv_client_reply *r)
{
    free(r->body);
    r->body = NULL;
    r->len = 0;
}
