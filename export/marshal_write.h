/* marshal_write.h — CPython's marshal format written, as far as a pstats
 * dump and its trailer need it: ints, floats, str, tuples, dicts, and
 * back-references for repeated strings and keys.
 *
 * It writes what Python 3.4+ `marshal.dump(x, f, 4)` reads: 'i' or 'l'
 * ints, 'g' floats, 'z'/'a' ASCII and 'u' other text (WTF-8, whose
 * U+DC80..U+DCFF Python reads back with surrogatepass, as it wrote them),
 * ')' / '(' tuples and '{' ... '0' dicts.  Every string is written once,
 * flagged (FLAG_REF), and as an 'r' reference after that; tuples the
 * caller wants to repeat are flagged by pv_mw_tuple_ref.  The output is a
 * function of the calls alone (no addresses, no hash order), so the same
 * profile always gives the same bytes.
 * Ownership: the writer appends to the caller's buffer and owns only its
 * string table (pv_mw_release frees it).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_MARSHAL_WRITE_H
#define PV_MARSHAL_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

typedef struct pv_mw_slot pv_mw_slot;

typedef struct pv_mwriter {
    pv_jbuf *out;          /* bytes are appended here */
    uint32_t n_refs;       /* FLAG_REF indexes handed out so far */
    pv_mw_slot *slots;     /* strings written, by content */
    size_t mask, n_slots;
} pv_mwriter;

void pv_mw_init(pv_mwriter *w, pv_jbuf *out);
void pv_mw_release(pv_mwriter *w);

void pv_mw_int(pv_mwriter *w, int64_t v);
void pv_mw_float(pv_mwriter *w, double v);
/* A NUL-terminated WTF-8 string: the first time flagged, then a reference. */
void pv_mw_str(pv_mwriter *w, const char *s);
/* A tuple header; its n items follow. */
void pv_mw_tuple(pv_mwriter *w, uint32_t n);
/* The same, flagged: returns the index a later pv_mw_ref names it by. */
uint32_t pv_mw_tuple_ref(pv_mwriter *w, uint32_t n);
void pv_mw_ref(pv_mwriter *w, uint32_t index);
/* A dict: pv_mw_dict_begin, then key, value, key, value, ..., then
 * pv_mw_dict_end. */
void pv_mw_dict_begin(pv_mwriter *w);
void pv_mw_dict_end(pv_mwriter *w);

#endif
