/* callgrind_map.c — the small hash map and arena helpers the callgrind
 * reader's halves share (callgrind_internal.h).
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "callgrind_internal.h"

#define EMPTY UINT32_MAX

int pv_cg_too_big(pv_arena *arena, pv_err *err)
{
    return pv_err_set(err, PV_E_TOO_BIG, "reading needs more than the %zu MiB memory limit",
                      arena->limit >> 20);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    unsigned __int128 m = (unsigned __int128)(h ^ v) * 0x9E3779B97F4A7C15ull;
    return (uint64_t)m ^ (uint64_t)(m >> 64);
}

static size_t slot_of(const pv_cg_map *m, uint64_t k1, uint64_t k2)
{
    size_t i = (size_t)mix(mix(0x243F6A8885A308D3ull, k1), k2) & m->mask;
    while (m->slots[i].value != EMPTY && (m->slots[i].k1 != k1 || m->slots[i].k2 != k2))
        i = (i + 1) & m->mask;
    return i;
}

uint32_t pv_cg_map_get(const pv_cg_map *m, uint64_t k1, uint64_t k2)
{
    return m->slots ? m->slots[slot_of(m, k1, k2)].value : EMPTY;
}

int pv_cg_map_put(pv_cg_map *m, pv_arena *arena, uint64_t k1, uint64_t k2, uint32_t value,
                  pv_err *err)
{
    /* Half full at most, so probes stay short. */
    if (!m->slots || 2 * (m->n + 1) > m->mask + 1) {
        size_t cap = m->slots ? 2 * (m->mask + 1) : 64;
        pv_cg_slot *old = m->slots;
        size_t old_cap = old ? m->mask + 1 : 0;
        m->slots = PV_ARENA_NEW(arena, pv_cg_slot, cap);
        if (!m->slots)
            return pv_cg_too_big(arena, err);
        for (size_t i = 0; i < cap; i++)
            m->slots[i].value = EMPTY;
        m->mask = cap - 1;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].value != EMPTY)
                m->slots[slot_of(m, old[i].k1, old[i].k2)] = old[i];
    }
    pv_cg_slot *slot = &m->slots[slot_of(m, k1, k2)];
    m->n += slot->value == EMPTY;
    *slot = (pv_cg_slot){k1, k2, value};
    return PV_OK;
}
