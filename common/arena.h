/* arena.h — a bump allocator with a hard byte limit.
 *
 * One arena holds everything one load creates (decoded marshal objects,
 * interned keys, edge lists); nothing in it is freed on its own, and
 * pv_arena_release frees it all at once.  `limit` caps what a corrupt or
 * hostile file can make us allocate: pv_arena_alloc returns NULL past it,
 * and the caller turns that into PV_E_TOO_BIG (it never aborts).
 * Pointers into an arena never leave the module that owns the arena.
 * Errors, out of memory and ownership follow common/README.md.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_ARENA_H
#define PV_ARENA_H

#include <stddef.h>

typedef struct pv_arena_chunk pv_arena_chunk;

typedef struct pv_arena {
    pv_arena_chunk *head;  /* newest chunk first */
    char *cur, *end;       /* free space in the head chunk */
    size_t used;           /* bytes handed out plus chunk overhead */
    size_t limit;          /* hard cap on `used`, bytes */
    void **adopted;        /* malloc'd blocks freed with the arena */
    size_t n_adopted, cap_adopted;
} pv_arena;

/* Prepares an empty arena that will refuse to grow beyond `limit` bytes. */
void pv_arena_init(pv_arena *a, size_t limit);

/* Frees every chunk; the arena may be used again afterwards. */
void pv_arena_release(pv_arena *a);

/* Returns `n` bytes aligned to 8 (enough for pointers, int64 and double;
 * not for long double or vectors), or NULL when the limit is hit.
 * Memory is not zeroed. */
void *pv_arena_alloc(pv_arena *a, size_t n);

/* Takes ownership of the malloc'd block p of n bytes, to be freed by
 * pv_arena_release: an array built on the heap joins the arena's lifetime
 * without being copied.  Returns PV_OK, or PV_E_TOO_BIG (p not taken)
 * when n bytes would pass the limit. */
int pv_arena_adopt(pv_arena *a, void *p, size_t n);

/* Copies s[0..n) and a NUL into the arena; NULL when the limit is hit. */
char *pv_arena_strndup(pv_arena *a, const char *s, size_t n);

/* Allocates an array of n elements of type T (NULL on limit or overflow). */
#define PV_ARENA_NEW(a, T, n) \
    ((T *)((n) > ((size_t)-1) / sizeof(T) ? NULL : pv_arena_alloc((a), sizeof(T) * (n))))

#endif
