/* arena.c — bump allocation in 64 KiB chunks; see arena.h.
 * Requests larger than a quarter chunk get a chunk of their own so that a
 * big array does not waste the rest of the current chunk.
 * SPDX-License-Identifier: MIT
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define CHUNK_SIZE ((size_t)64 * 1024)
#define ALIGN ((size_t)16)

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
}

void pv_arena_release(pv_arena *a)
{
    pv_arena_chunk *c = a->head;
    while (c) {
        pv_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    pv_arena_init(a, a->limit);
}

static pv_arena_chunk *new_chunk(pv_arena *a, size_t payload)
{
    size_t total = sizeof(pv_arena_chunk) + payload;
    if (payload > SIZE_MAX - sizeof(pv_arena_chunk) || a->used + total > a->limit ||
        a->used + total < a->used)
        return NULL;
    pv_arena_chunk *c = pv_xmalloc(total);
    c->size = payload;
    a->used += total;
    return c;
}

void *pv_arena_alloc(pv_arena *a, size_t n)
{
    if (n > SIZE_MAX - ALIGN)
        return NULL;
    n = (n + ALIGN - 1) & ~(ALIGN - 1);
    if ((size_t)(a->end - a->cur) >= n && a->cur) {
        void *p = a->cur;
        a->cur += n;
        return p;
    }
    if (n > CHUNK_SIZE / 4) {
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
    pv_arena_chunk *c = new_chunk(a, CHUNK_SIZE);
    if (!c)
        return NULL;
    c->next = a->head;
    a->head = c;
    a->cur = c->data + n;
    a->end = c->data + CHUNK_SIZE;
    return c->data;
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
