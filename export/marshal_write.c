/* marshal_write.c — the marshal writer (marshal_write.h).
 * SPDX-License-Identifier: MIT
 */
#include "marshal_write.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define FLAG_REF 0x80

struct pv_mw_slot {
    const char *s;      /* borrowed: the caller's string outlives the writer's use */
    size_t n;
    uint64_t hash;
    uint32_t ref;       /* index + 1; 0 = empty slot */
};

void pv_mw_init(pv_mwriter *w, pv_jbuf *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->mask = 255;
    w->slots = pv_xcalloc(w->mask + 1, sizeof *w->slots);
}

void pv_mw_release(pv_mwriter *w)
{
    free(w->slots);
    memset(w, 0, sizeof *w);
}

static void put_byte(pv_mwriter *w, unsigned char b)
{
    pv_jbuf_raw(w->out, (const char *)&b, 1);
}

static void put_le(pv_mwriter *w, uint64_t v, int bytes)
{
    char b[8];
    for (int i = 0; i < bytes; i++)
        b[i] = (char)(v >> (8 * i) & 0xff);
    pv_jbuf_raw(w->out, b, (size_t)bytes);
}

void pv_mw_int(pv_mwriter *w, int64_t v)
{
    if (v >= INT32_MIN && v <= INT32_MAX) {
        put_byte(w, 'i');
        put_le(w, (uint64_t)(uint32_t)(int32_t)v, 4);
        return;
    }
    /* 'l': the magnitude in 15-bit digits, least significant first, the
     * digit count signed like the value. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint16_t digits[5];
    int n = 0;
    for (; mag; mag >>= 15)
        digits[n++] = (uint16_t)(mag & 0x7fff);
    put_byte(w, 'l');
    put_le(w, (uint64_t)(uint32_t)(v < 0 ? -n : n), 4);
    for (int i = 0; i < n; i++)
        put_le(w, digits[i], 2);
}

void pv_mw_float(pv_mwriter *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_byte(w, 'g');
    put_le(w, bits, 8);
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void grow_table(pv_mwriter *w)
{
    size_t cap = (w->mask + 1) * 2;
    pv_mw_slot *slots = pv_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i <= w->mask; i++) {
        if (!w->slots[i].ref)
            continue;
        size_t j = w->slots[i].hash & (cap - 1);
        while (slots[j].ref)
            j = (j + 1) & (cap - 1);
        slots[j] = w->slots[i];
    }
    free(w->slots);
    w->slots = slots;
    w->mask = cap - 1;
}

void pv_mw_str(pv_mwriter *w, const char *s)
{
    size_t n = strlen(s);
    uint64_t h = hash_bytes(s, n);
    size_t j = h & w->mask;
    for (; w->slots[j].ref; j = (j + 1) & w->mask) {
        const pv_mw_slot *sl = &w->slots[j];
        if (sl->hash == h && sl->n == n && memcmp(sl->s, s, n) == 0) {
            pv_mw_ref(w, sl->ref - 1);
            return;
        }
    }
    w->slots[j] = (pv_mw_slot){.s = s, .n = n, .hash = h, .ref = ++w->n_refs};
    if (++w->n_slots * 2 > w->mask)
        grow_table(w);
    int ascii = 1;
    for (size_t i = 0; i < n && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    if (ascii && n < 256) {
        put_byte(w, 'z' | FLAG_REF);
        put_byte(w, (unsigned char)n);
    } else {
        put_byte(w, (ascii ? 'a' : 'u') | FLAG_REF);
        put_le(w, n, 4);
    }
    pv_jbuf_raw(w->out, s, n);
}

static void tuple_head(pv_mwriter *w, uint32_t n, unsigned char flag)
{
    if (n < 256) {
        put_byte(w, ')' | flag);
        put_byte(w, (unsigned char)n);
    } else {
        put_byte(w, '(' | flag);
        put_le(w, n, 4);
    }
}

void pv_mw_tuple(pv_mwriter *w, uint32_t n)
{
    tuple_head(w, n, 0);
}

uint32_t pv_mw_tuple_ref(pv_mwriter *w, uint32_t n)
{
    tuple_head(w, n, FLAG_REF);
    return w->n_refs++;
}

void pv_mw_ref(pv_mwriter *w, uint32_t index)
{
    put_byte(w, 'r');
    put_le(w, index, 4);
}

void pv_mw_dict_begin(pv_mwriter *w)
{
    put_byte(w, '{');
}

void pv_mw_dict_end(pv_mwriter *w)
{
    put_byte(w, '0');
}
