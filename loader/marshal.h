/* marshal.h — a reader for CPython's marshal format, as far as profile
 * dumps need it (internal to loader/).
 *
 * It decodes one object from a byte buffer into a tree of pv_mobj in an
 * arena: every marshal version (0-5), Python 2's t/R string table and
 * Python 3's FLAG_REF/r back-references, code objects of every layout.
 * It never recurses (an explicit stack, depth-limited), checks every read
 * against the end of the buffer before using it, refuses counts that
 * cannot fit in the bytes left before allocating anything, and refuses
 * references to objects not yet defined or still being read (cycles).
 * Strings come out as WTF-8 (see profile.h).
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_MARSHAL_H
#define PV_MARSHAL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"

#define PV_MARSHAL_MAX_DEPTH 2000  /* CPython's own limit on nesting */

typedef enum pv_mtype {
    PV_M_NONE,
    PV_M_BOOL,      /* v.i is 0 or 1 */
    PV_M_INT,       /* v.i */
    PV_M_BIGINT,    /* an integer outside int64; its value is not kept */
    PV_M_FLOAT,     /* v.f */
    PV_M_COMPLEX,   /* value not kept (only occurs inside code objects) */
    PV_M_TEXT,      /* v.s, n bytes of WTF-8 (str; Python-2 interned str) */
    PV_M_BYTES,     /* v.s, n raw bytes (bytes; Python-2 str): see pv_marshal_text */
    PV_M_TUPLE,     /* v.items[0..n) */
    PV_M_LIST,
    PV_M_SET,       /* set or frozenset */
    PV_M_DICT,      /* v.items[0..2n): key, value, key, value, ... in file order */
    PV_M_CODE,      /* v.code */
    PV_M_OTHER,     /* Ellipsis, StopIteration, slice: never meaningful in a profile */
} pv_mtype;

typedef struct pv_mobj pv_mobj;

typedef struct pv_mcode {
    const pv_mobj *filename;  /* co_filename (TEXT or BYTES) */
    const pv_mobj *name;      /* co_name (TEXT or BYTES) */
    int64_t firstlineno;      /* co_firstlineno */
    const char *layout;       /* which writer's layout matched: "py311+", "py2", ... */
} pv_mcode;

struct pv_mobj {
    uint8_t type;      /* pv_mtype */
    uint8_t hashable;  /* 0 for list, dict, set and tuples holding one */
    uint32_t n;        /* items, or string bytes */
    uint32_t offset;   /* byte offset of the object's type byte (inputs are < 2 GiB) */
    uint32_t memo;     /* free for the consumer's use; 0 after decoding */
    union {
        int64_t i;
        double f;
        const char *s;       /* not NUL-terminated; may point into the input */
        pv_mobj **items;
        pv_mcode *code;
    } v;
};

typedef struct pv_marshal {
    pv_mobj *root;        /* the decoded object */
    size_t end;           /* offset just after it: bytes past it are trailing */
    int py2;              /* 1: Python 2's t/R sharing (no FLAG_REF anywhere) */
    int version;          /* lowest marshal version consistent with the codes seen */
    size_t n_escaped;     /* interned strings whose non-UTF-8 bytes became U+DC80.. */
    size_t n_latin1;      /* ASCII-coded strings holding bytes >= 0x80, read as Latin-1 */
} pv_marshal;

/* Decodes the object at the start of buf[0..len).  Everything it returns is
 * in `arena` (whose limit bounds what the input can make us allocate); the
 * strings may also point into `buf`, which must outlive the result.
 * Returns PV_OK, PV_E_FORMAT ("byte N: ...") or PV_E_TOO_BIG. */
int pv_marshal_read(const unsigned char *buf, size_t len, pv_arena *arena,
                    pv_marshal *out, pv_err *err);

/* The same for the object at buf[start]: offsets (in messages and in
 * pv_mobj.offset) and out->end count from buf[0], so a caller reading an
 * object inside a file names the file's bytes. */
int pv_marshal_read_at(const unsigned char *buf, size_t len, size_t start, pv_arena *arena,
                       pv_marshal *out, pv_err *err);

/* The text of a TEXT or BYTES object as WTF-8 in *s, *n (borrowed, or in
 * `arena`): bytes that are not UTF-8 become U+DC80..U+DCFF.  Returns 0
 * when the text was used as it is, 1 when bytes were escaped, -1 when the
 * arena's limit was hit. */
int pv_marshal_text(pv_arena *arena, const pv_mobj *o, const char **s, size_t *n);

/* The lowest marshal version that writes what was seen: `implied` is the
 * highest version a type code needs (4 for ')' 'z', 2 for 'g', ...),
 * then FLAG_REF needs 3 and Python 2's 't'/'R' need 1. */
int pv_marshal_version(int implied, int saw_flag, int saw_interned);

/* A readable name for a type ("tuple", "int", ...), for messages. */
const char *pv_mtype_name(pv_mtype t);

/* The same with its article ("a tuple", "an int", "None"). */
const char *pv_mtype_article(pv_mtype t);

/* What a first byte would start if the file were marshal data, for
 * messages about a file that is not a pstats dump: " (a marshalled list)",
 * or "" when the byte starts nothing a profile writer would write. */
const char *pv_marshal_code_meaning(unsigned char b);

#endif
