"""check_recorder.py — _profviz_recorder against the ground truth, in the
interpreter it was built for.

    python check_recorder.py MODULE_DIR SCRATCH_DIR

Run by test_recorder.py once per interpreter.  Prints one line per check and
exits 1 if any problem was found.  The checks:

  - fixtures: every program of tests/groundtruth/make_groundtruth.py runs
    three times in this process on the same virtual clock: under
    cProfile.Profile(clock, UNIT), under the ground truth's sys.setprofile
    recorder, under Recorder(clock, UNIT).  stats() must equal cProfile's
    dict, function by function and edge by edge; tree() must hold the
    ground truth's paths with their very calls and times.
  - real programs: make_realtruth.py's workloads, run as `python -m
    cProfile` runs them (cprofile_run.py) with an event-counter timer,
    the same three ways, each in a fresh interpreter (record_run.py).
  - timers: float seconds as cProfile takes them; the default clock.
  - a thread: the paths a started thread records are those the same work
    records in the main thread, merged under the top; meta counts 2.
  - the dump: pstats.Stats reads it; the trailer parses per
    docs/recorded-tree.md; the promises of its "What the recorder promises".
  - the cap: more paths than max_paths: the overflow nodes, one stderr line,
    every sum intact, stats() unchanged.
"""
import cProfile
import itertools
import marshal
import os
import pstats
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
GROUNDTRUTH = os.path.join(HERE, '..', 'groundtruth')
sys.path.insert(0, GROUNDTRUTH)
sys.path.insert(0, sys.argv[1])

import _profviz_recorder  # noqa: E402
import make_groundtruth  # noqa: E402
import make_realtruth  # noqa: E402
from recorder import UNIT, stacks, unaddressed  # noqa: E402
from trailer import OVERFLOW_KEY, read_recorded  # noqa: E402

PROBLEMS = []
# The ground truth's recorder follows the events of sys.setprofile as
# _lsprof saw them up to 3.11; from 3.12 on, _lsprof listens to
# sys.monitoring and the recorder there is checked against cProfile's dict
# and the tree against that dict (check_promises) only.
TRUTH = make_realtruth.SUPPORTED[0] <= sys.version_info[:2] <= make_realtruth.SUPPORTED[1]
# What our disable() is called in a dump, and cProfile's in its own.
OUR_DISABLE = "<method 'disable' of '_profviz_recorder.Recorder' objects>"
THEIR_DISABLE = "<method 'disable' of '_lsprof.Profiler' objects>"


def problem(msg):
    PROBLEMS.append(msg)
    if len(PROBLEMS) <= 30:
        print('  PROBLEM: ' + msg[:1500])


def same_key(key):
    """A key as cProfile's run names it: our disable() is theirs, addresses
    in C labels are written ' at 0x...' (they differ between processes)."""
    if key[0] == '~':
        label = THEIR_DISABLE if key[2] == OUR_DISABLE else unaddressed(key[2])
        return ('~', 0, label)
    return key


def same_stats(stats):
    return {same_key(k): v[:4] + ({same_key(c): f for c, f in v[4].items()},) for k, v in stats.items()}


def shared_keys(functions):
    """The keys of several functions each (Recorder.functions())."""
    seen, shared = set(), set()
    for k in functions:
        (shared if k in seen else seen).add(same_key(k))
    return shared


def compare_stats(name, got, want, shared):
    """Equal, but for the keys in `shared`: which of their functions the
    dict keeps depends on the addresses of two code objects (or method
    definitions) in each run, and callers summed over them are summed in
    that order (lsprof_model.snapshot_problems): their own figures are not
    compared, their figures as callers as integers exactly."""
    got, want = same_stats(got), same_stats(want)
    for k in sorted(set(got) | set(want)):
        if k not in got or k not in want:
            problem('%s: %r only in %s' % (name, k, 'the recorder' if k in got else 'cProfile'))
        elif k in shared:
            continue
        elif got[k][:4] != want[k][:4] or not _same_callers(got[k][4], want[k][4], shared):
            problem('%s: %r: recorder %r, cProfile %r' % (name, k, got[k], want[k]))


def _same_callers(got, want, shared):
    if set(got) != set(want):
        return False
    return all(got[c] == want[c] or (c in shared and got[c][:2] == want[c][:2]
                                     and all(abs(a - b) <= 1e-9 * max(1, b) for a, b in zip(got[c][2:], want[c][2:])))
               for c in got)


def tree_paths(funcs, nodes):
    """{path of keys: (calls, tt, ct)} of tree()."""
    full, out = [], {}
    for parent, func, calls, tt, ct in nodes:
        p = (full[parent] if parent >= 0 else ()) + (same_key(funcs[func]),)
        full.append(p)
        out[p] = (calls, tt, ct)
    return out


def compare_tree(name, tree, truth_nodes):
    """tree() against the ground truth recorder's nodes (integer ticks)."""
    funcs, nodes, _ = tree
    got = tree_paths(funcs, nodes)
    want = {tuple(same_key(k) for k in p): v for p, v in stacks(truth_nodes).items()}
    children = {}
    for p, (calls, tt, ct) in got.items():
        children.setdefault(p[:-1], []).append(ct)
    for p in sorted(set(got) | set(want)):
        if p not in got or p not in want:
            problem('%s: path %r only in %s' % (name, p, 'the recorder' if p in got else 'the ground truth'))
            continue
        calls, tt, ct = got[p]
        ticks, want_calls = want[p]
        if calls != want_calls or ct != float(ticks) * UNIT:
            problem('%s: path %r: recorder %d calls %r s, truth %d calls %d ticks' % (
                name, p, calls, ct, want_calls, ticks))
        own = ticks - sum(round(c / UNIT) for c in children.get(p, ()))
        if round(tt / UNIT) != own:
            problem('%s: path %r: own time %r, truth %d ticks' % (name, p, tt, own))


def check_promises(name, stats, tree, shared=()):
    """docs/recorded-tree.md, "What the recorder promises": the tree agrees
    with the dict (sums of calls, tt, and ct over outermost nodes), parents
    before children in pre-order, siblings with distinct funcs.  Not for
    the keys in `shared`, each of several functions (code objects, method
    definitions): cProfile's dict keeps the figures of one of them (see
    tests/groundtruth/lsprof_model.py), the tree the paths of all."""
    funcs, nodes, meta = tree
    for k in funcs:
        if k != OVERFLOW_KEY and k not in stats:
            problem('%s: tree key %r not in the stats' % (name, k))
    nc, tt, ct = {}, {}, {}
    seen = set()
    ancestors = []  # keys on the path to each node
    path = []       # the nodes from the top down to the last one
    for i, (parent, func, calls, ntt, nct) in enumerate(nodes):
        if not -1 <= parent < i or calls < 1 or not 0 <= ntt <= nct * (1 + 1e-12):
            problem('%s: node %d: %r' % (name, i, nodes[i]))
        if (parent, func) in seen:
            problem('%s: node %d repeats a sibling' % (name, i))
        seen.add((parent, func))
        while path and path[-1] != parent:
            path.pop()
        if parent >= 0 and not path:
            problem('%s: node %d breaks pre-order' % (name, i))
        path.append(i)
        up = ancestors[parent] if parent >= 0 else frozenset()
        ancestors.append(up | {func})
        key = funcs[func]
        nc[key] = nc.get(key, 0) + calls
        tt[key] = tt.get(key, 0.0) + ntt
        if func not in up:
            ct[key] = ct.get(key, 0.0) + nct
    for key, v in stats.items():
        if same_key(key) in shared:
            continue
        if nc.get(key, 0) != v[1] and not meta['overflow_calls']:
            problem('%s: %r: %d calls in the tree, nc %d' % (name, key, nc.get(key, 0), v[1]))
        if not meta['overflow_calls'] and (abs(tt.get(key, 0) - v[2]) > 1e-9 * max(1, v[2])
                                           or abs(ct.get(key, 0) - v[3]) > 1e-9 * max(1, v[3])):
            problem('%s: %r: tree tt %r ct %r, stats %r' % (name, key, tt.get(key), ct.get(key), v[:4]))


def run_ours(name, max_paths=1000000, rec=None):
    """make_groundtruth's program `name` under the recorder (by default on
    its virtual clock): (rec, end)."""
    T = make_groundtruth.T
    if rec is None:
        rec = _profviz_recorder.Recorder(make_groundtruth._timer, UNIT, max_paths=max_paths)
    g = make_groundtruth._fresh_module(name, rec.enable, rec.disable)
    T[0] = 0
    if name in make_groundtruth.SELF_PROFILED:
        g['main']()
    else:
        rec.enable()
        g['main']()
        rec.disable()
    return rec, T[0]


def check_fixtures():
    for name in sorted(make_groundtruth.PROGRAMS):
        before = len(PROBLEMS)
        want, end_cp = make_groundtruth.run_cprofile(name)
        truth, end_truth = make_groundtruth.run_recorder(name) if TRUTH else (None, end_cp)
        rec, end = run_ours(name)
        if not end == end_cp == end_truth:
            problem('%s: the runs did different work (%d, %d, %d ticks)' % (name, end_cp, end_truth, end))
        stats, tree = rec.stats(), rec.tree()
        shared = shared_keys(rec.functions())
        compare_stats(name, stats, want, shared)
        if truth is not None:
            compare_tree(name, tree, truth.result()['nodes'])
        check_promises(name, stats, tree, shared)
        print('fixture %-16s %4d functions %5d paths: %s' % (
            name, len(stats), len(tree[1]), 'ok' if len(PROBLEMS) == before else 'FAILED'))


def check_real(scratch):
    for name in sorted(make_realtruth.WORKLOADS):
        before = len(PROBLEMS)
        args, contents = make_realtruth.WORKLOADS[name]
        runs = {}
        for mode in ('cprofile', 'record', 'ours') if TRUTH else ('cprofile', 'ours'):
            workdir = os.path.join(scratch, name, 'work')  # one path: it is in the keys
            make_realtruth._fresh_workdir(workdir, contents)
            out = os.path.join(scratch, name, mode + '.out')
            r = subprocess.run([sys.executable, os.path.join(HERE, 'record_run.py'), sys.argv[1], mode, out] + args,
                               cwd=workdir, env=make_realtruth._env(), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
            if r.returncode != 0:
                problem('%s: the %s run failed (exit %d): %s' % (name, mode, r.returncode, r.stderr[-2000:]))
                break
            with open(out, 'rb') as f:
                runs[mode] = pstats.Stats(out).stats if mode == 'cprofile' else marshal.load(f)
        else:
            ours = runs['ours']
            shared = shared_keys(ours['functions'])
            compare_stats(name, ours['stats'], runs['cprofile'], shared)
            if TRUTH:
                compare_tree(name, ours['tree'], runs['record']['nodes'])
            check_promises(name, ours['stats'], ours['tree'], shared)
        print('real    %-16s %s' % (name, 'ok' if len(PROBLEMS) == before else 'FAILED'))


def check_timers():
    """A timer of float seconds (timeunit 0), as cProfile takes it (kept as
    integer nanoseconds, rounded down); and the default clock, whose figures
    can only be checked against each other."""
    before = len(PROBLEMS)
    T = make_groundtruth.T

    def seconds():
        return T[0] / 1000.0  # not exact in binary: the rounding is tested
    pr = cProfile.Profile(seconds)
    g = make_groundtruth._fresh_module('fib', pr.enable, pr.disable)
    T[0] = 0
    pr.enable()
    g['main']()
    pr.disable()
    pr.create_stats()
    rec, _ = run_ours('fib', rec=_profviz_recorder.Recorder(seconds))
    compare_stats('float timer', rec.stats(), pr.stats, shared_keys(rec.functions()))
    if rec.tree()[2]['timer'] != 'check_timers.<locals>.seconds':
        problem('float timer: meta %r' % (rec.tree()[2],))
    rec, _ = run_ours('random_graph', rec=_profviz_recorder.Recorder())
    stats, tree = rec.stats(), rec.tree()
    check_promises('default timer', stats, tree, shared_keys(rec.functions()))
    if tree[2]['timer'] != 'perf_counter' or not sum(v[2] for v in stats.values()) > 0:
        problem('default timer: meta %r, total %r' % (tree[2], sum(v[2] for v in stats.values())))
    print('timers: %s' % ('ok' if len(PROBLEMS) == before else 'FAILED'))


def _fib(n):
    return n if n < 2 else _fib(n - 1) + _fib(n - 2)


def _job():
    return sorted(_fib(i) for i in range(8))


def check_thread():
    """The counter is shared, but the main thread waits in join() (no
    events), so the worker's ticks are those of _job() alone."""
    before = len(PROBLEMS)
    rec = _profviz_recorder.Recorder(itertools.count(1).__next__, UNIT)
    t = threading.Thread(target=_job)
    rec.enable()
    t.start()
    t.join()
    rec.disable()
    alone = _profviz_recorder.Recorder(itertools.count(1).__next__, UNIT)
    alone.enable()
    _job()
    alone.disable()
    funcs, nodes, meta = rec.tree()
    if meta['threads'] != 2:
        problem('thread: meta says %d threads' % meta['threads'])
    job = _job.__code__
    key = (job.co_filename, job.co_firstlineno, job.co_name)

    def below_job(tree):
        """{path from _job down: (calls, tt, ct)}, over every _job node."""
        out = {}
        for p, v in tree_paths(tree[0], tree[1]).items():
            if key in p:
                out[p[p.index(key):]] = v
        return out
    got, want = below_job((funcs, nodes)), below_job(alone.tree())
    if not got or got != want:
        problem('thread: the worker recorded %r, the same work in the main thread %r' % (got, want))
    tops = {same_key(funcs[f])[2] for parent, f, *_ in nodes if parent < 0}
    if 'run' not in tops:
        problem("thread: the worker's Thread.run is not at the top (tops: %r)" % sorted(tops))
    check_promises('thread', rec.stats(), (funcs, nodes, meta), shared_keys(rec.functions()))
    print('thread: %s' % ('ok' if len(PROBLEMS) == before else 'FAILED'))


def check_dump(scratch):
    before = len(PROBLEMS)
    rec, _ = run_ours('random_graph')
    path = os.path.join(scratch, 'random_graph.prof')
    rec.dump(path)
    loaded = pstats.Stats(path).stats
    stats, tree = rec.stats(), rec.tree()
    if loaded != stats:
        problem('dump: pstats.Stats reads another dict than stats()')
    try:
        dumped, payload = read_recorded(path)
    except ValueError as e:
        problem('dump: %s' % e)
    else:
        if dumped != stats or payload != (1,) + tree:
            problem('dump: the file holds another dict or tree than stats() and tree()')
        check_promises('dump', dumped, payload[1:], shared_keys(rec.functions()))
    print('dump: %s' % ('ok' if len(PROBLEMS) == before else 'FAILED'))


def check_cap(scratch):
    """random_graph has ~1000 paths; a cap of 50 folds most of them."""
    before = len(PROBLEMS)
    full, _ = run_ours('random_graph')
    err_path = os.path.join(scratch, 'cap.stderr')
    saved = os.dup(2)
    with open(err_path, 'w') as err:
        os.dup2(err.fileno(), 2)
        try:
            capped, _ = run_ours('random_graph', max_paths=50)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    with open(err_path) as f:
        lines = f.read().splitlines()
    funcs, nodes, meta = capped.tree()
    if len(lines) != 1 or 'call paths' not in lines[0]:
        problem('cap: stderr said %r' % lines)
    over = [i for i, n in enumerate(nodes) if funcs[n[1]] == OVERFLOW_KEY]
    if not over or len(nodes) - len(over) != 50:
        problem('cap: %d nodes, %d of them overflow nodes' % (len(nodes), len(over)))
    if meta['overflow_calls'] != sum(nodes[i][2] for i in over) or meta['max_paths'] != 50:
        problem('cap: meta %r' % meta)
    for i in over:  # whole subtrees: the own time of all its calls is the time they took
        if abs(nodes[i][4] - nodes[i][3]) > 1e-9 * nodes[i][4] or any(n[0] == i for n in nodes):
            problem('cap: overflow node %d: %r, or it has children' % (i, nodes[i]))
    if capped.stats() != full.stats():
        problem('cap: the cap changed stats()')
    _, full_nodes, _ = full.tree()
    for what, col in (('calls', 2), ('own time', 3)):
        a, b = sum(n[col] for n in nodes), sum(n[col] for n in full_nodes)
        if abs(a - b) > 1e-9 * b:
            problem('cap: %s sums to %r, %r without the cap' % (what, a, b))
    tops = lambda ns: sum(n[4] for n in ns if n[0] < 0)  # noqa: E731
    if tops(nodes) != tops(full_nodes):
        problem('cap: the top-level time changed')
    # an overflow node's time holds its whole subtree: ct >= tt, and under
    # every other node, children's ct fit in the parent's
    child_ct = {}
    for parent, _, _, _, ct in nodes:
        child_ct[parent] = child_ct.get(parent, 0.0) + ct
    for i, n in enumerate(nodes):
        if child_ct.get(i, 0.0) > n[4] * (1 + 1e-12):
            problem('cap: node %d: children %r > ct %r' % (i, child_ct[i], n[4]))
    print('cap: %s' % ('ok' if len(PROBLEMS) == before else 'FAILED'))


def main():
    scratch = sys.argv[2]
    os.makedirs(scratch, exist_ok=True)
    print('Python %s (%s)' % (sys.version.split()[0], sys.executable))
    check_fixtures()
    check_timers()
    check_thread()
    check_dump(scratch)
    check_cap(scratch)
    check_real(scratch)
    if PROBLEMS:
        print('%d problems' % len(PROBLEMS))
        sys.exit(1)


if __name__ == '__main__':
    main()
