"""truthfile.py — checks a recorded run against its cProfile dump and writes
the pair NAME.prof + NAME.paths.json (make_groundtruth.py's docstring
describes the format and the meaning of a path's time).

Used by make_groundtruth.py (small synthetic programs, committed) and
make_realtruth.py (real programs, generated at test time).
"""
import json
import marshal
import os
import pstats
import sys

import lsprof_model
from recorder import UNIT, stacks, unaddressed

PYTHON = '%d.%d' % sys.version_info[:2]


def canonical(stats):
    """The stats dict with functions and callers in key order, so the bytes
    of a dump do not depend on memory addresses (cProfile's own order
    does)."""
    return {k: v[:4] + ({c: v[4][c] for c in sorted(v[4])},) for k, v in sorted(stats.items())}


def compare_stats(name, got, want):
    """Every difference between two pstats dicts."""
    problems = []
    for k in sorted(set(got) | set(want)):
        if k not in got or k not in want:
            problems.append('%s: %r only in %s' % (name, k, 'the recorder' if k in got else 'cProfile'))
        elif got[k][:4] != want[k][:4] or got[k][4] != want[k][4]:
            problems.append('%s: %r: recorder %r, cProfile %r' % (name, k, got[k], want[k]))
    return problems


def _unaddressed_keys(name, mapping, what):
    out = {}
    for k, v in mapping.items():
        nk = (k[0], k[1], unaddressed(k[2])) if k[0] == '~' else k
        if nk in out:
            raise SystemExit('%s: two %s differ only by an address: %r' % (name, what, nk))
        out[nk] = v
    return out


def unaddressed_stats(name, stats):
    """The dump with recorder.unaddressed() applied to its C functions'
    labels, as the recorder names them."""
    return _unaddressed_keys(name, {k: v[:4] + (_unaddressed_keys(name, v[4], 'callers'),)
                                    for k, v in stats.items()}, 'functions')


def profile_of(name, dump, result):
    """The profile a recording is the truth of, and the keys shared by
    several functions ({key: how many}).

    The dump must be one that cProfile's snapshot of the recorded events
    could be (lsprof_model.snapshot_problems: exactly, to the bit).  Where
    no two functions share a key that profile is the dump itself.  Where
    some do, the dump kept one of them and contradicts itself (see
    lsprof_model.py), so the profile is what cProfile would have written had
    it told functions apart by key, as pstats and the paths do."""
    problems = lsprof_model.snapshot_problems(name, result['by_code'], result['keys'], UNIT, dump)
    if problems:
        raise SystemExit('the recorder disagrees with cProfile:\n  ' + '\n  '.join(problems[:20]))
    counts = {}
    for key in result['keys'].values():
        counts[key] = counts.get(key, 0) + 1
    shared = {k: n for k, n in counts.items() if n > 1}
    stats = lsprof_model.stats(result['by_key'], UNIT)
    if shared:
        return stats, shared
    problems = compare_stats(name, stats, dump)
    if problems:
        raise SystemExit('the two accountings disagree:\n  ' + '\n  '.join(problems[:20]))
    return dump, shared


def _check_paths(name, stats, paths, total_ticks):
    """The invariants of the truth, in integer ticks."""
    top = sum(v[0] for p, v in paths.items() if len(p) == 1)
    if top != total_ticks:
        raise SystemExit('%s: top-level paths hold %d ticks, total_tt is %d' % (name, top, total_ticks))
    child_sum = {}
    for p, v in paths.items():
        if len(p) > 1:
            child_sum[p[:-1]] = child_sum.get(p[:-1], 0) + v[0]
    for p, s in child_sum.items():
        if s > paths[p][0]:
            raise SystemExit('%s: children of %r hold more than the box' % (name, p))
    for k, (cc, nc, tt, ct, callers) in stats.items():
        if not callers and [round(ct / UNIT), nc] != paths.get((k,), [0, 0]):
            raise SystemExit('%s: uncalled %r: ct %r, path %r' % (name, k, ct, paths.get((k,))))


def write(name, out_dir, dump, result, extra=None):
    """Checks a recording (Recorder.result()) against cProfile's dump, checks
    its paths, writes both files and returns the paths document."""
    stats, shared = profile_of(name, unaddressed_stats(name, dump), result)
    stats = canonical(stats)
    paths = stacks(result['nodes'])
    total_ticks = result['total_ticks']
    _check_paths(name, stats, paths, total_ticks)

    prof = os.path.join(out_dir, name + '.prof')
    with open(prof, 'wb') as f:
        marshal.dump(stats, f)
    total = pstats.Stats(prof).total_tt

    funcs = sorted(stats)
    index = {k: i for i, k in enumerate(funcs)}
    # Depth-first order of the sorted function table: a parent before its
    # children, siblings in table order.
    order = sorted(paths, key=lambda p: [index[k] for k in p])
    doc = dict(extra or {})
    doc.update({
        'program': name,
        'python': PYTHON,
        'unit': UNIT,
        'total': total,
        'total_ticks': total_ticks,
        'functions': [list(k) for k in funcs],
        'paths': [{'path': [index[k] for k in p], 'time': float(paths[p][0]) * UNIT,
                   'ticks': paths[p][0], 'calls': paths[p][1]} for p in order],
        'paths_with_repeats': sum(1 for p in paths if len(set(p)) < len(p)),
        'shared_keys': [[index[k], n] for k, n in sorted(shared.items())],
    })
    with open(os.path.join(out_dir, name + '.paths.json'), 'w') as f:
        f.write(_dump_json(doc))
    return doc


def _dump_json(doc):
    """One function and one path a line: diffable, and small."""
    head = {k: v for k, v in doc.items() if k not in ('functions', 'paths')}
    out = [json.dumps(head, sort_keys=True)[:-1] + ',']
    out.append('"functions": [')
    out.append(',\n'.join(json.dumps(f) for f in doc['functions']))
    out.append('],')
    out.append('"paths": [')
    out.append(',\n'.join(json.dumps(p, separators=(',', ':')) for p in doc['paths']))
    out.append(']}')
    return '\n'.join(out) + '\n'


def load_marshal(path):
    with open(path, 'rb') as f:
        return marshal.load(f)


def load(dir_, name):
    """(stats dict in file order, paths document) of one truth."""
    with open(os.path.join(dir_, name + '.paths.json')) as f:
        return load_marshal(os.path.join(dir_, name + '.prof')), json.load(f)


def names(dir_):
    """The truths in a directory, sorted."""
    return sorted(f[:-len('.paths.json')] for f in os.listdir(dir_) if f.endswith('.paths.json'))
