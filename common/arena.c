/* arena.c — bump allocation in growing chunks; see arena.h.
 *
 * Chunks come straight from mmap with MAP_POPULATE: on the virtual
 * machines profviz is measured on, faulting pages in one at a time costs
 * about twice as much as asking for them in bulk, and a load touches tens
 * of megabytes.  Chunks double from 64 KiB up to 4 MiB so a small load
 * stays small.  Requests larger than a quarter chunk get a chunk of their
 * own so that a big array does not waste the rest of the current chunk.
 * SPDX-License-Identifier: MIT
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "err.h"
#include "xalloc.h"

#define MIN_CHUNK ((size_t)64 * 1024)
#define MAX_CHUNK ((size_t)4 * 1024 * 1024)
#define ALIGN ((size_t)8)

struct pv_arena_chunk {
    pv_arena_chunk *next;
    size_t size;  /* payload bytes after the header */
    _Alignas(16) char data[];
};

void pv_arena_init(pv_arena *a, size_t limit)
{
    a->head = NULL;
    a->cur = a->end = NULL;
    a->used = 0;
    a->limit = limit;
    a->adopted = NULL;
    a->n_adopted = a->cap_adopted = 0;
}

void pv_arena_release(pv_arena *a)
{
    pv_arena_chunk *c = a->head;
    while (c) {
        pv_arena_chunk *next = c->next;
        munmap(c, sizeof *c + c->size);
        c = next;
    }
    for (size_t i = 0; i < a->n_adopted; i++)
        free(a->adopted[i]);
    free(a->adopted);
    pv_arena_init(a, a->limit);
}

static pv_arena_chunk *new_chunk(pv_arena *a, size_t payload)
{
    size_t total = sizeof(pv_arena_chunk) + payload;
    if (payload > SIZE_MAX - sizeof(pv_arena_chunk) || a->used + total > a->limit ||
        a->used + total < a->used)
        return NULL;
    pv_arena_chunk *c = mmap(NULL, total, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (c == MAP_FAILED)
        return NULL;
    c->size = payload;
    a->used += total;
    return c;
}

void *pv_arena_alloc(pv_arena *a, size_t n)
{
    if (n > SIZE_MAX - ALIGN)
        return NULL;
    n = (n + ALIGN - 1) & ~(ALIGN - 1);
    if (a->cur && (size_t)(a->end - a->cur) >= n) {
        void *p = a->cur;
        a->cur += n;
        return p;
    }
    size_t chunk = a->used < MIN_CHUNK ? MIN_CHUNK : a->used > MAX_CHUNK ? MAX_CHUNK : a->used;
    if (n > chunk / 4) {
        /* A private chunk, linked behind the head so the head's free space
         * stays usable. */
        pv_arena_chunk *c = new_chunk(a, n);
        if (!c)
            return NULL;
        if (a->head) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = NULL;
            a->head = c;
            a->cur = a->end = c->data + n;
        }
        return c->data;
    }
    pv_arena_chunk *c = new_chunk(a, chunk);
    if (!c)
        return NULL;
    c->next = a->head;
    a->head = c;
    a->cur = c->data + n;
    a->end = c->data + chunk;
    return c->data;
}

int pv_arena_adopt(pv_arena *a, void *p, size_t n)
{
    if (n > a->limit - a->used)
        return PV_E_TOO_BIG;
    a->adopted = pv_xgrow(a->adopted, &a->cap_adopted, a->n_adopted + 1, sizeof *a->adopted);
    a->adopted[a->n_adopted++] = p;
    a->used += n;
    return PV_OK;
}

char *pv_arena_strndup(pv_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = pv_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
