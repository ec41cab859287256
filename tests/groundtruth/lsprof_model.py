"""lsprof_model.py — cProfile's accounting in Python: _lsprof.c's entries
and sub-entries, and cProfile.Profile.snapshot_stats() over them.

_lsprof keeps one entry per function object (a code object, or the
PyMethodDef of a built-in) and one sub-entry per (caller, callee) pair of
them.  On every call it raises the entry's and the sub-entry's recursion
level; when the call ends it adds the call's time to ct only if the level
falls back to 0 (the outermost activation), else counts a recursive call
(Stop()).  snapshot_stats() then names each entry by its pstats key —
and two code objects can share one (file, first line, name): every
namedtuple class evaluates a `lambda` compiled as ('<string>', 1,
'<module>'), the key of the code `python -m cProfile -m MOD` runs at the top.
The dict then keeps the entry enumerated last (the highest address) and
drops the others' own figures and their callers, while the callees' caller
figures are summed over all of them: the dump contradicts itself.

Accounting runs in the profiled process (the recorder feeds it) and is
loaded before profiling starts, so this module imports only itertools,
which `python -m cProfile` has loaded already.
"""
import itertools


class Accounting:
    """Entries and sub-entries for one notion of "function": the recorder
    keeps one keyed like _lsprof (code objects, method definitions) and one
    keyed by pstats key."""

    def __init__(self):
        self.entries = {}  # fn -> [level, ct, tt, nc, reccalls], integer ticks
        self.subs = {}     # (caller fn, callee fn) -> [level, ct, tt, nc, reccalls]

    def enter(self, fn, caller):
        e = self.entries.get(fn)
        if e is None:
            e = self.entries[fn] = [0, 0, 0, 0, 0]
        e[0] += 1
        if caller is not None:
            s = self.subs.get((caller, fn))
            if s is None:
                s = self.subs[(caller, fn)] = [0, 0, 0, 0, 0]
            s[0] += 1

    def leave(self, fn, caller, tt, it):
        """A call of fn, made by caller (None at the top), took tt ticks, it
        of them its own."""
        _stop(self.entries[fn], tt, it)
        if caller is not None:
            _stop(self.subs[(caller, fn)], tt, it)

    def state(self):
        """Plain data (for marshal): (entries, subs) as lists."""
        return ([(fn, tuple(e)) for fn, e in self.entries.items()],
                [(c, fn, tuple(s)) for (c, fn), s in self.subs.items()])


def _stop(rec, tt, it):
    rec[0] -= 1
    if rec[0] == 0:
        rec[1] += tt
    else:
        rec[4] += 1
    rec[2] += it
    rec[3] += 1


def _figures(rec, unit):
    _, ct, tt, nc, reccalls = rec
    return nc - reccalls, nc, float(tt) * unit, float(ct) * unit


def stats(state, unit):
    """The pstats dict of an Accounting whose functions are pstats keys:
    what snapshot_stats() makes when no two functions share a key."""
    entries, subs = state
    out = {}
    for fn, rec in entries:
        out[fn] = _figures(rec, unit) + ({},)
    for caller, fn, rec in subs:
        cc, nc, tt, ct = _figures(rec, unit)
        out[fn][4][caller] = (nc, cc, tt, ct)
    return out


def snapshot_problems(name, state, key_of, unit, dump):
    """How `dump` differs from every dump snapshot_stats() could make of an
    Accounting keyed like _lsprof (key_of: its function -> pstats key).  The
    order _lsprof enumerates its entries in (their addresses) is not known
    here, so where functions share a key the one the dump kept is found by
    its figures, and caller figures summed over several functions may be
    summed in any order."""
    entries, subs = state
    figures = {fn: _figures(rec, unit) for fn, rec in entries}
    callers = {fn: {} for fn in figures}   # callee fn -> caller key -> [parts]
    for caller, fn, rec in subs:
        cc, nc, tt, ct = _figures(rec, unit)
        callers[fn].setdefault(key_of[caller], []).append((nc, cc, tt, ct))
    by_key = {}
    for fn in figures:
        by_key.setdefault(key_of[fn], []).append(fn)

    problems = []
    for key in sorted(set(by_key) | set(dump)):
        if key not in dump or key not in by_key:
            problems.append('%s: %r only in %s' % (name, key, 'the recorder' if key in by_key else 'cProfile'))
        elif not any(figures[fn] == tuple(dump[key][:4]) and _same_callers(callers[fn], dump[key][4])
                     for fn in by_key[key]):
            problems.append('%s: %r: cProfile %r, recorder %r' % (
                name, key, dump[key], [(figures[fn], callers[fn]) for fn in by_key[key]]))
    return problems


def _same_callers(parts, want):
    return set(parts) == set(want) and all(_sums_to(parts[c], want[c]) for c in parts)


def _sums_to(parts, want):
    """Whether snapshot_stats() summing `parts` (tuples nc, cc, tt, ct) in
    some order gives `want` exactly: the integers in any order, the floats
    rounded step by step."""
    if len(parts) == 1:
        return parts[0] == tuple(want)
    for order in itertools.permutations(parts):
        acc = order[0]
        for p in order[1:]:
            acc = tuple(a + b for a, b in zip(p, acc))
        if acc == tuple(want):
            return True
    return False
