/* api_transform.c — a /tree request's transforms (`t=`, repeated): read
 * from the query and applied, in order, to the profile's whole tree,
 * which is built once and kept with its graph (xtree.h, transform.h).
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "xalloc.h"

/* Transforms one request may stack: more than a person builds by hand,
 * few enough that a URL of them stays readable. */
#define MAX_TRANSFORMS 32

/* A transform's text quoted in a message: at most this much of it. */
#define QUOTE 60

static int bad(pv_err *err, const char *text, const char *why)
{
    return pv_err_set(err, PV_E_USAGE, "transform '%.*s': %s", QUOTE, text, why);
}

/* A function id after "focus:" or "merge:" (text the whole transform). */
static int parse_func(const char *text, const char *arg, const pv_graph *g, uint32_t *out,
                      pv_err *err)
{
    int64_t v;
    if (pv_parse_uint(arg, strlen(arg), &v) != PV_OK)
        return bad(err, text, "needs a function id (a number) after the colon");
    if ((uint64_t)v >= g->n_funcs)
        return bad(err, text, "the profile has no function with that id");
    *out = (uint32_t)v;
    return PV_OK;
}

static int parse_one(const char *text, const pv_graph *g, const pv_funcpkg *pk, pv_transform *out,
                     pv_err *err)
{
    memset(out, 0, sizeof *out);
    const char *colon = strchr(text, ':');
    size_t name_len = colon ? (size_t)(colon - text) : strlen(text);
    const char *arg = colon ? colon + 1 : NULL;
#define IS(word) (name_len == strlen(word) && memcmp(text, word, name_len) == 0)
    if (IS("mycode")) {
        if (arg)
            return bad(err, text, "mycode takes no argument");
        out->kind = PV_TF_MYCODE;
        return PV_OK;
    }
    if (!IS("focus") && !IS("merge") && !IS("collapse") && !IS("drop"))
        return bad(err, text,
                   "unknown transform; the transforms are focus:FID, merge:FID, collapse:PKG, "
                   "drop:ID,ID,... and mycode");
    if (!arg || !*arg)
        return bad(err, text, "needs an argument after a colon");
    if (IS("focus") || IS("merge")) {
        out->kind = IS("focus") ? PV_TF_FOCUS : PV_TF_MERGE;
        return parse_func(text, arg, g, &out->func, err);
    }
    if (IS("collapse")) {
        if (pv_funcpkg_find(pk, arg) == PV_FUNCPKG_NONE)
            return bad(err, text, "no function of the profile is in that package");
        out->kind = PV_TF_COLLAPSE;
        out->package = pv_xstrdup(arg);
        return PV_OK;
    }
#undef IS
    out->kind = PV_TF_DROP;
    pv_err why;
    if (pv_api_parse_path(arg, &out->path, &out->path_len, &why) != PV_OK)
        return bad(err, text, why.msg);
    for (size_t i = 0; i < out->path_len; i++)
        if (out->path[i] >= g->n_funcs)
            return bad(err, text, "the path names a function the profile does not have");
    return PV_OK;
}

static void *make_funcpkg(const pv_cached *e, unsigned slot, size_t *bytes)
{
    (void)slot;
    return pv_funcpkg_build(pv_cached_graph(e), bytes);
}

const pv_funcpkg *pv_api_funcpkg(pv_ctx *ctx, pv_cached *e)
{
    return pv_cached_memo(pv_ctx_cache(ctx), e, PV_MEMO_FUNCPKG, make_funcpkg);
}

int pv_api_transforms(const pv_request *req, pv_ctx *ctx, pv_cached *e,
                      pv_api_transform_list *out, pv_err *err)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < req->n_query; i++)
        out->n += strcmp(req->query[i].key, "t") == 0;
    if (!out->n)
        return PV_OK;
    if (out->n > MAX_TRANSFORMS)
        return pv_err_set(err, PV_E_USAGE, "%zu transforms; the limit is %d", out->n,
                          MAX_TRANSFORMS);
    const pv_graph *g = pv_cached_graph(e);
    const pv_funcpkg *pk = pv_api_funcpkg(ctx, e);
    out->t = pv_xcalloc(out->n, sizeof *out->t);
    out->text = pv_xcalloc(out->n, sizeof *out->text);
    size_t k = 0;
    for (size_t i = 0; i < req->n_query; i++) {
        if (strcmp(req->query[i].key, "t") != 0)
            continue;
        out->text[k] = req->query[i].value;
        int rc = parse_one(req->query[i].value, g, pk, &out->t[k], err);
        k++;
        if (rc != PV_OK) {
            pv_api_transforms_free(out);
            return rc;
        }
    }
    return PV_OK;
}

void pv_api_transforms_free(pv_api_transform_list *l)
{
    for (size_t i = 0; i < l->n && l->t; i++)
        pv_transform_release(&l->t[i]);
    free(l->t);
    free(l->text);
    memset(l, 0, sizeof *l);
}

/* The memo's maker: the whole tree of the entry's graph. */
static void *make_base(const pv_cached *e, unsigned slot, size_t *bytes)
{
    (void)slot;
    return pv_xtree_base_build(pv_cached_graph(e), bytes);
}

int pv_api_transformed_tree(pv_ctx *ctx, pv_cached *e, const pv_api_transform_list *l,
                            const uint32_t *path, size_t path_len, unsigned depth,
                            double cutoff, const pv_tree_limits *lim, pv_tree *out,
                            pv_err *err)
{
    const pv_graph *g = pv_cached_graph(e);
    const pv_xtree_base *base = pv_cached_memo(pv_ctx_cache(ctx), e, PV_MEMO_XTREE, make_base);
    pv_xtree x;
    pv_xtree_from_base(base, &x);
    int rc = PV_OK;
    for (size_t i = 0; i < l->n && rc == PV_OK; i++) {
        pv_err why;
        rc = pv_transform_apply(&x, g, pv_api_funcpkg(ctx, e), &l->t[i], &why);
        if (rc != PV_OK)
            pv_err_set(err, rc, "transform '%.*s': %s", QUOTE, l->text[i], why.msg);
    }
    if (rc == PV_OK)
        rc = pv_xtree_view(&x, g, path, path_len, depth, cutoff, lim, out, err);
    pv_xtree_release(&x);
    return rc;
}
