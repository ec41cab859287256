/* pstats_order.c — reproduce the order in which pstats adds up tt.
 *
 * Floating-point addition is not associative, so the last bit of
 * total_tt depends on the order of the additions.  Python 3 dicts keep
 * insertion order (file order).  A Python-2 file, though, can only be read
 * by Python 2, whose dict iterates in slot order: this file replays 2.7's
 * hash functions (string, int and tuple hashes of a 64-bit build without
 * hash randomization) and its open-addressing insert and resize rules to
 * find that order.  Code-object names hash by object identity in Python 2,
 * which cannot be replayed; such files fall back to file order.
 * SPDX-License-Identifier: MIT
 */
#include "pstats_order.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

#define PERTURB_SHIFT 5
#define DICT_MINSIZE 8

/* Python 2.7's string_hash over the str's bytes (or unicode_hash over code
 * points: the same function of different units).  A string with escaped
 * raw bytes was a byte str; one with non-ASCII code points was read from
 * UTF-8, so its bytes are its UTF-8 encoding — both hash as bytes. */
static uint64_t py2_str_hash(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return 0;
    unsigned char *bytes = pv_xmalloc(n);
    size_t m = 0;
    /* Everything but an escaped byte is copied as it is, byte by byte: a
     * lead byte never follows inside another sequence, so no escape is
     * found in the middle of one. */
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (pv_wtf8_is_escaped_byte(p, &bytes[m])) {
            m++;
            p += PV_WTF8_ESCAPED_LEN;
        } else {
            bytes[m++] = *p++;
        }
    }
    uint64_t x = (uint64_t)bytes[0] << 7;
    for (size_t i = 0; i < m; i++)
        x = (1000003 * x) ^ bytes[i];
    x ^= m;
    free(bytes);
    return x == UINT64_MAX ? UINT64_MAX - 1 : x;
}

static uint64_t py2_int_hash(int64_t v)
{
    return v == -1 ? (uint64_t)-2 : (uint64_t)v;
}

static uint64_t py2_tuple3_hash(const uint64_t item[3])
{
    uint64_t x = 0x345678, mult = 1000003;
    for (int i = 0; i < 3; i++) {
        x = (x ^ item[i]) * mult;
        mult += 82520 + 2 * (uint64_t)(2 - i);
    }
    x += 97531;
    return x == UINT64_MAX ? UINT64_MAX - 1 : x;
}

/* dict slot search of 2.7 (lookdict without deletions): the first empty
 * slot on the key's probe sequence. */
static size_t find_slot(const uint32_t *slots, size_t mask, uint64_t hash)
{
    size_t i = hash & mask;
    for (uint64_t perturb = hash; slots[i & mask]; perturb >>= PERTURB_SHIFT)
        i = (i << 2) + i + perturb + 1;
    return i & mask;
}

static uint32_t *resize(uint32_t *slots, size_t *mask, size_t used, const uint64_t *hash)
{
    size_t size = DICT_MINSIZE, minused = (used > 50000 ? 2 : 4) * used;
    while (size <= minused)
        size <<= 1;
    uint32_t *fresh = pv_xcalloc(size, sizeof *fresh);
    for (size_t i = 0; i <= *mask; i++)
        if (slots[i])
            fresh[find_slot(fresh, size - 1, hash[slots[i] - 1])] = slots[i];
    free(slots);
    *mask = size - 1;
    return fresh;
}

static double py2_total_tt(const pv_profile *p)
{
    size_t n = p->n_entries;
    uint64_t *hash = pv_xmalloc(n * sizeof *hash);
    for (size_t i = 0; i < n; i++) {
        const pv_func *f = &p->funcs[i];
        uint64_t item[3] = {py2_str_hash(f->file), py2_int_hash(f->line),
                            py2_str_hash(f->name)};
        hash[i] = py2_tuple3_hash(item);
    }
    /* Keys are distinct here (duplicates were merged, keeping the first
     * position, as the dict would), so every insert adds a slot. */
    size_t mask = DICT_MINSIZE - 1;
    uint32_t *slots = pv_xcalloc(DICT_MINSIZE, sizeof *slots);
    for (size_t i = 0; i < n; i++) {
        slots[find_slot(slots, mask, hash[i])] = (uint32_t)i + 1;
        if ((i + 1) * 3 >= (mask + 1) * 2)
            slots = resize(slots, &mask, i + 1, hash);
    }
    double total = 0.0;
    for (size_t i = 0; i <= mask; i++)
        if (slots[i])
            total += p->funcs[slots[i] - 1].tt;
    free(slots);
    free(hash);
    return total;
}

double pv_pstats_total_tt(const pv_profile *p, int py2)
{
    int replayable = py2;
    for (size_t i = 0; i < p->n_entries && replayable; i++)
        replayable = p->funcs[i].code_name == NULL;
    if (replayable)
        return py2_total_tt(p);
    double total = 0.0;
    for (size_t i = 0; i < p->n_entries; i++)
        total += p->funcs[i].tt;
    return total;
}
