/* store.c — the store's one API over its two backends.  See store.h and
 * backend.h.
 *
 * pv_store_open picks the backend from the location: a libpq URI
 * ("postgresql://..." or "postgres://...") is a PostgreSQL database
 * (pg.c), "sqlite:PATH" or any other string a SQLite file (sqlite.c).
 * Every other call goes through the handle's table of operations; what
 * needs no database (identities, label rules, freeing results, adding as
 * begin/reserve/fill/commit, reading the raw bytes whole) is here, once
 * for both.
 * SPDX-License-Identifier: MIT
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "sha256.h"
#include "utf8.h"
#include "xalloc.h"

int pv_store_is_pg(const char *location)
{
    return location && (strncmp(location, "postgresql://", 13) == 0 ||
                        strncmp(location, "postgres://", 11) == 0);
}

const char *pv_store_redact(const char *location, char *buf, size_t cap)
{
    size_t o = 0;
    const char *p = location;
    /* The userinfo ends at the first '@' before the host's '/'. */
    const char *scheme = pv_store_is_pg(location) ? strstr(location, "://") : NULL;
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    const char *colon = at && (!slash || at < slash) ? memchr(scheme + 3, ':', at - scheme - 3) : NULL;
    while (*p && o + 1 < cap) {
        if (p == colon) {
            o += (size_t)snprintf(buf + o, cap - o, ":***");
            p = at;
        } else if (scheme && strncmp(p, "password=", 9) == 0 && (p[-1] == '?' || p[-1] == '&')) {
            o += (size_t)snprintf(buf + o, cap - o, "password=***");
            p += strcspn(p, "&");
        } else {
            buf[o++] = *p++;
        }
        if (o >= cap)
            o = cap - 1;
    }
    buf[o] = '\0';
    return buf;
}

int pv_store_open(const char *location, int flags, pv_store **out, pv_err *err)
{
    *out = NULL;
    if (pv_store_is_pg(location))
        return pv_pg_open(location, flags, out, err);
    if (strncmp(location, "sqlite:", 7) == 0)
        location += 7;
    return pv_sqlite_open(location, flags, out, err);
}

void pv_store_close(pv_store *s)
{
    if (s)
        s->ops->close(s);
}

const char *pv_store_backend(const pv_store *s)
{
    return s->ops->name;
}

int pv_store_data_version(pv_store *s, int64_t *out, pv_err *err)
{
    return s->ops->data_version(s, out, err);
}

int pv_store_find_sha(pv_store *s, const char *sha256, int64_t *id, pv_err *err)
{
    return s->ops->find_sha(s, sha256, id, err);
}

int pv_store_begin(pv_store *s, pv_err *err)
{
    return s->ops->begin(s, err);
}

int pv_store_take_ids(pv_store *s, size_t n, int64_t *first, pv_err *err)
{
    return s->ops->take_ids(s, n, first, err);
}

int pv_store_reserve(pv_store *s, const pv_profile *p, const pv_source *src, int64_t want,
                     int64_t *id, int *existed, pv_err *err)
{
    return s->ops->reserve(s, p, src, want, id, existed, err);
}

int pv_store_fill(pv_store *s, int64_t id, const pv_profile *p, const pv_source *src,
                  pv_err *err)
{
    return s->ops->fill(s, id, p, src, err);
}

int pv_store_commit(pv_store *s, pv_err *err)
{
    return s->ops->commit(s, err);
}

void pv_store_rollback(pv_store *s)
{
    s->ops->rollback(s);
}

void pv_store_interrupt(pv_store *s)
{
    s->ops->interrupt(s);
}

int pv_store_delete(pv_store *s, int64_t id, pv_err *err)
{
    return s->ops->delete_profile(s, id, err);
}

int pv_store_info(pv_store *s, int64_t id, pv_profile_info *out, pv_err *err)
{
    return s->ops->info(s, id, out, err);
}

int pv_store_list(pv_store *s, pv_profile_info **out, size_t *n, pv_err *err)
{
    return s->ops->list(s, out, n, err);
}

int pv_store_read(pv_store *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err)
{
    return s->ops->read(s, id, arena, out, err);
}

int pv_store_raw_each(pv_store *s, int64_t id, pv_store_sink *sink, void *ctx, pv_err *err)
{
    return s->ops->raw_each(s, id, sink, ctx, err);
}

int pv_store_labels(pv_store *s, int64_t id, pv_labels *out, pv_err *err)
{
    return s->ops->labels(s, id, out, err);
}

int pv_store_label_edit(pv_store *s, int64_t id, const pv_label_arg *edits, size_t n,
                        pv_err *err)
{
    return s->ops->label_edit(s, id, edits, n, err);
}

int pv_store_query(pv_store *s, const pv_list_query *q, pv_profile_page *out, pv_err *err)
{
    return s->ops->query(s, q, out, err);
}

int pv_store_oldest(pv_store *s, int labelled, int64_t before, int64_t after, int64_t *id,
                    pv_err *err)
{
    return s->ops->oldest(s, labelled, before, after, id, err);
}

int pv_store_used_bytes(pv_store *s, int64_t *bytes, pv_err *err)
{
    return s->ops->used_bytes(s, bytes, err);
}

/* ---- the same for every backend -------------------------------------- */

void pv_store_identity(const char *sha256, const char *variant, char out[65])
{
    if (!variant || !*variant) {
        memcpy(out, sha256, 64);
        out[64] = '\0';
        return;
    }
    pv_sha256 h;
    unsigned char digest[32];
    pv_sha256_init(&h);
    pv_sha256_update(&h, sha256, strlen(sha256));
    pv_sha256_update(&h, " ", 1);
    pv_sha256_update(&h, variant, strlen(variant));
    pv_sha256_final(&h, digest);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

int pv_store_check_refs(const pv_profile *p, pv_err *err)
{
    for (size_t i = 0; i < p->n_edges; i++) {
        const pv_edge *e = &p->edges[i];
        if (e->caller >= p->n_funcs || e->callee >= p->n_funcs)
            return pv_err_set(err, PV_E_DB,
                              "storing caller->callee edges: edge %zu names function %u or %u "
                              "of %zu",
                              i, (unsigned)e->caller, (unsigned)e->callee, p->n_funcs);
    }
    /* The same for a recorded tree's nodes (the loader checked them). */
    for (size_t i = 0; p->recorded && i < p->recorded->n_nodes; i++) {
        const pv_node *n = &p->recorded->nodes[i];
        if ((n->parent != PV_NODE_TOP && n->parent >= i) ||
            (n->func != PV_NODE_OVERFLOW && n->func >= p->n_entries))
            return pv_err_set(err, PV_E_DB, "storing the recorded tree: node %zu names parent "
                              "%u or function %u", i, (unsigned)n->parent, (unsigned)n->func);
    }
    return PV_OK;
}

int pv_store_add(pv_store *s, const pv_profile *p, const pv_source *src,
                 int64_t *id, int *existed, pv_err *err)
{
    int rc = pv_store_begin(s, err);
    if (rc != PV_OK)
        return rc;
    rc = pv_store_reserve(s, p, src, 0, id, existed, err);
    if (rc == PV_OK && !*existed)
        rc = pv_store_fill(s, *id, p, src, err);
    if (rc == PV_OK)
        rc = pv_store_commit(s, err);
    if (rc != PV_OK) {
        pv_store_rollback(s);
        *id = 0;
    }
    return rc;
}

void pv_profile_info_release(pv_profile_info *info)
{
    if (!info)
        return;
    free(info->name);
    free(info->origin);
    free(info->format);
    free(info->writer);
    free(info->dialect);
    free(info->sha256);
    free(info->warnings);
    free(info->unit);
    free(info->calls_unit);
    free(info->variant);
    free(info->choices);
    memset(info, 0, sizeof *info);
}

void pv_profile_info_free_array(pv_profile_info *arr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pv_profile_info_release(&arr[i]);
    free(arr);
}

/* pv_store_raw's sink: appends to a buffer of the file's size. */
typedef struct raw_buf {
    unsigned char *bytes;
    size_t len, cap;
} raw_buf;

static int append_raw(void *ctx, const unsigned char *bytes, size_t len)
{
    raw_buf *b = ctx;
    if (len == 0)  /* an empty file: nothing to copy, and no buffer yet */
        return 0;
    b->bytes = pv_xgrow(b->bytes, &b->cap, b->len + len, 1);
    memcpy(b->bytes + b->len, bytes, len);
    b->len += len;
    return 0;
}

int pv_store_raw(pv_store *s, int64_t id, unsigned char **bytes, size_t *len, pv_err *err)
{
    raw_buf b = {0};
    int rc = pv_store_raw_each(s, id, append_raw, &b, err);
    if (rc != PV_OK) {
        free(b.bytes);
        *bytes = NULL;
        *len = 0;
        return rc;
    }
    /* Not NULL for an empty file: NULL means "nothing read". */
    *bytes = b.bytes ? b.bytes : pv_xmalloc(1);
    *len = b.len;
    return PV_OK;
}

int pv_label_check(const char *key, const char *value, pv_err *err)
{
    size_t kn = strlen(key);
    if (kn == 0 || kn > PV_LABEL_KEY_MAX)
        return pv_err_set(err, PV_E_USAGE, "a label key is 1 to %d bytes long", PV_LABEL_KEY_MAX);
    for (size_t i = 0; i < kn; i++) {
        unsigned char c = (unsigned char)key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return pv_err_set(err, PV_E_USAGE,
                              "label key '%.64s': only letters, digits and _.- are allowed",
                              key);
    }
    if (!value)
        return PV_OK;
    size_t vn = strlen(value);
    if (vn == 0 || vn > PV_LABEL_VALUE_MAX)
        return pv_err_set(err, PV_E_USAGE, "label %s: a value is 1 to %d bytes long", key,
                          PV_LABEL_VALUE_MAX);
    const unsigned char *p = (const unsigned char *)value;
    for (size_t i = 0; i < vn;) {
        uint32_t cp;
        size_t n = pv_utf8_decode(p + i, vn - i, &cp);
        if (n == 0)
            return pv_err_set(err, PV_E_USAGE, "label %s: the value is not UTF-8 (byte %zu)", key,
                              i);
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            return pv_err_set(err, PV_E_USAGE,
                              "label %s: the value holds a control character (byte %zu)", key, i);
        i += n;
    }
    return PV_OK;
}

void pv_labels_release(pv_labels *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void pv_profile_page_release(pv_profile_page *page)
{
    for (size_t i = 0; i < page->n; i++) {
        pv_profile_info_release(&page->infos[i]);
        pv_labels_release(&page->labels[i]);
    }
    free(page->infos);
    free(page->labels);
    memset(page, 0, sizeof *page);
}
