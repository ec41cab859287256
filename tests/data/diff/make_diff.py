#!/usr/bin/env python3
"""Writes the synthetic pstats pairs the diff tests compare (run from this
directory; the .prof files are committed, so the tests need no Python).

base.prof     main calls a, b, e and two g.py __init__s; a and b each call c.
slower.prof   the same with one regression: c, when b calls it, takes 1 s more
              (b, main and c's own time grow by 1 s; c under a does not change).
changed.prof  a's line moved (10 -> 12), both __init__s moved (ambiguous: they
              stay unmatched), a calls a new d, e is gone.
Times are whole or half seconds, so sums are exact in binary.

Beside them, a real pair: real_before.prof and real_after.prof are
`python3 -m cProfile -o ... prog.py` of real_prog_before.py and then of
real_prog_after.py (copied to prog.py each time, so both profiles name the
same file), whose crunch() does three math.sin calls more per item.
"""
import marshal

F = "f.py"


def stats(funcs):
    """funcs: {key: (tt, {caller_key: (calls, tt, ct)})}, ct derived."""
    out = {}
    for key, (tt, callers) in funcs.items():
        nc = sum(c[0] for c in callers.values()) or 1
        ct = sum(c[2] for c in callers.values()) if callers else None
        out[key] = [nc, nc, tt, ct, {k: (c[0], c[0], c[1], c[2]) for k, c in callers.items()}]
    return out


def finish(out, top, top_ct):
    out[top][3] = top_ct
    return {k: tuple(v) for k, v in out.items()}


MAIN, A, B, C, D, E = ((F, 1, "main"), (F, 10, "a"), (F, 20, "b"), (F, 30, "c"),
                       (F, 40, "d"), (F, 50, "e"))
I1, I2 = ("g.py", 5, "__init__"), ("g.py", 50, "__init__")


def base(c_under_b=2.0):
    b_ct = 1.0 + c_under_b
    return finish(stats({
        MAIN: (0.5, {}),
        A: (1.0, {MAIN: (1, 1.0, 3.0)}),
        B: (1.0, {MAIN: (1, 1.0, b_ct)}),
        C: (2.0 + c_under_b, {A: (1, 2.0, 2.0), B: (1, c_under_b, c_under_b)}),
        E: (3.5, {MAIN: (1, 3.5, 3.5)}),
        I1: (0.0, {MAIN: (1, 0.0, 0.0)}),
        I2: (0.0, {MAIN: (1, 0.0, 0.0)}),
    }), MAIN, 0.5 + 3.0 + b_ct + 3.5)


def changed():
    a = (F, 12, "a")
    j1, j2 = ("g.py", 6, "__init__"), ("g.py", 51, "__init__")
    return finish(stats({
        MAIN: (0.5, {}),
        a: (1.0, {MAIN: (1, 1.0, 4.0)}),
        B: (1.0, {MAIN: (1, 1.0, 3.0)}),
        C: (4.0, {a: (1, 2.0, 2.0), B: (1, 2.0, 2.0)}),
        D: (1.0, {a: (1, 1.0, 1.0)}),
        j1: (0.0, {MAIN: (1, 0.0, 0.0)}),
        j2: (0.0, {MAIN: (1, 0.0, 0.0)}),
    }), MAIN, 0.5 + 4.0 + 3.0)


for name, data in (("base", base()), ("slower", base(3.0)), ("changed", changed())):
    with open(name + ".prof", "wb") as f:
        marshal.dump(data, f)
