#!/usr/bin/env python3
"""tree_ref.py — issue 4's tree rules in plain Python, checked against the
ground truth that make_groundtruth.py records.

This is a reference written from the issue's text, not from server/tree.c,
so the two can be compared box by box (--compare).  Where the text leaves a
detail open it follows tree.c's choice: an exact box's time is hi (the text
says e, which is wrong when hi(P) < e: the field time_issue keeps e, and
the report counts where it would differ from the truth), its calls are the
edge's cc, and r counts only when r > 4 ulp x ct.  Notation as in the issue: a box on path P ends
in function F with time T(P) and bounds [lo(P), hi(P)]; C is a callee of F
not already on P; e = ct(F->C); F is recursive when nc > cc.

  Top:       a synthetic root worth total_tt.  A function nobody (else)
             calls is a box worth ct, exact.  Otherwise r = ct(F) - sum of
             ct(G->F) over callers G != F is a box when r > 0: exact at
             [r, r], except when F is recursive and can reach one of its
             other callers — then [r, ct(F)].
  Bounds:    hi(C) = min(e, hi(P)); lo(C) = max(0, e - (ct(F) - lo(P))),
             but 0 when F is recursive.
  Exact:     exactly when lo == hi; the issue says the time is then e.
  Estimate:  e * T(P) / ct(F), calls alike; a recursive F's children are
             scaled down together when they add up to more than T(P).

For every truth path (a box whose true time is known) it computes the box
and records whether the truth lies in [lo, hi], whether exact boxes equal
the truth (time and calls), and which truth boxes the rules do not produce
at all; for the children of every truth box that are not truth paths (true
time 0) it records any with lo > 0 or an exact nonzero time.

With --proposed it applies two changes this check suggests instead (see
candidate_tops() and children()): recursive functions that reach one of
their callers share what the exact top-level boxes leave of total_tt, so no
top-level time vanishes; and an exact box's calls count as exact only when
all of F's calls are on the path, else they are apportioned.

Usage: tree_ref.py [--proposed] [DIR [NAME...]]  (DIR: tests/data/groundtruth)
       tree_ref.py --compare [DIR] BOXES_DIR
           compare with server/tree.c's boxes: run test_tree_truth with
           PV_GROUNDTRUTH_DUMP=BOXES_DIR (and PV_GROUNDTRUTH_DIR=DIR) first
Exit status 1 when any truth falls outside its bounds.
"""
import json
import marshal
import os
import sys

# Float sums in a pstats file (total_tt, r = ct - sum of edges, lo chains)
# differ from exact tick arithmetic by a few ulps: tolerance relative to
# the profile's total.
REL_TOL = 1e-9


class Graph:
    def __init__(self, stats, proposed=False):
        self.stats = stats
        self.proposed = proposed
        self.callees = {k: {} for k in stats}
        for callee, v in stats.items():
            for caller, edge in v[4].items():
                self.callees.setdefault(caller, {})[callee] = edge  # (nc, cc, tt, ct)
        self.total_tt = 0.0
        for v in stats.values():  # pstats.Stats sums tt in file order
            self.total_tt += v[2]
        self._reach = {}

    def ct(self, f):
        return self.stats[f][3] if f in self.stats else 0.0

    def recursive(self, f):
        return f in self.stats and self.stats[f][1] > self.stats[f][0]

    def reaches(self, f):
        if f not in self._reach:
            seen, todo = set(), [f]
            while todo:
                for c in self.callees.get(todo.pop(), ()):
                    if c not in seen:
                        seen.add(c)
                        todo.append(c)
            self._reach[f] = seen
        return self._reach[f]

    def top_box(self, f):
        """The top-level box of f, or None."""
        cc, nc, tt, ct, callers = self.stats[f]
        others = {g: e for g, e in callers.items() if g != f}
        if not others:
            return dict(lo=ct, hi=ct, time=ct, calls=nc, exact=True, time_issue=ct, calls_exact=True)
        r = ct
        for e in others.values():
            r -= e[3]
        if not r > 4 * sys.float_info.epsilon * ct:
            return None
        calls = max(0, cc - sum(e[1] for e in others.values()))
        if self.candidate(f):
            return dict(lo=r, hi=ct, time=r, calls=calls, exact=False, time_issue=r, calls_exact=False)
        return dict(lo=r, hi=r, time=r, calls=calls, exact=True, time_issue=r, calls_exact=True)

    def candidate(self, f):
        """Recursive, and reaches one of its other callers: its top-level
        time is not determined by its own figures."""
        cc, nc, tt, ct, callers = self.stats[f]
        return nc > cc and any(g in self.reaches(f) for g in callers if g != f)

    def children(self, path, box):
        """{C: box} for the children of the box of path (path != [])."""
        f = path[-1]
        ct = self.ct(f)
        rec = self.recursive(f)
        out = {}
        for c, (nc, cc, _tt, e) in self.callees.get(f, {}).items():
            if c in path:
                continue
            hi = min(e, box['hi'])
            lo = 0.0 if rec else max(0.0, e - (ct - box['lo']))
            # PROPOSED: calls are known only when every call of F is on
            # this path (F not recursive and calls(P) == nc(F)).
            calls_exact = (box.get('calls_exact', False) and not rec
                           and box['calls'] == self.stats[f][1])
            if lo == hi:
                calls = cc
                if self.proposed and not calls_exact:
                    calls = cc * hi / e if e > 0 else cc * box['calls'] / max(1, self.stats[f][1])
                out[c] = dict(lo=lo, hi=hi, time=hi, time_issue=e, calls=calls, exact=True,
                              calls_exact=calls_exact)
            else:
                share = box['time'] / ct if ct > 0 else 0.0
                t = min(max(e * share, lo), hi)
                out[c] = dict(lo=lo, hi=hi, time=t, time_issue=t, calls=cc * share, exact=False,
                              calls_exact=calls_exact)
        total = sum(b['time'] for b in out.values())
        if total > box['time']:
            fixed = sum(b['time'] for b in out.values() if b['exact'])
            loose = total - fixed
            scale = max(0.0, box['time'] - fixed) / loose if loose > 0 else 1.0
            for b in out.values():
                if not b['exact']:
                    b['time'] = min(max(b['time'] * scale, b['lo']), b['hi'])
                    b['calls'] *= scale
        return out

    def tops(self):
        if not hasattr(self, '_tops'):
            self._tops = {}
            for f in self.stats:
                if self.proposed and self.candidate(f):
                    continue
                b = self.top_box(f)
                if b is not None:
                    self._tops[f] = b
            if self.proposed:
                self._tops.update(self.candidate_tops())
        return {f: dict(b) for f, b in self._tops.items()}

    def candidate_tops(self):
        """PROPOSED top rule for recursive functions that reach one of their
        other callers (r may be <= 0 although the function was at the top):
        the top-level truths add up to total_tt, and every other top box is
        exact, so these share the deficit D = total_tt - sum of exact tops.
        Each gets [max(0, r, D - sum of the others' hi), min(ct, D - sum of
        the others' lo)] and is shown when hi > 0; one alone is exact."""
        exact_sum = 0.0
        for b in self._tops.values():
            exact_sum += b['time']
        d = max(0.0, self.total_tt - exact_sum)
        cands = {}
        for f, (cc, nc, tt, ct, callers) in self.stats.items():
            if ct > 0 and self.candidate(f):
                r = ct - sum(e[3] for g, e in callers.items() if g != f)
                calls = max(0, cc - sum(e[1] for g, e in callers.items() if g != f))
                cands[f] = (max(0.0, r), min(ct, d), calls)
        sum_lo = sum(v[0] for v in cands.values())
        sum_hi = sum(v[1] for v in cands.values())
        out = {}
        eps = 4 * sys.float_info.epsilon * max(d, 1e-300)
        boxes = {}
        for f, (lo0, hi0, calls) in cands.items():
            lo = max(lo0, d - (sum_hi - hi0))
            hi = min(hi0, d - (sum_lo - lo0))
            if hi > eps:
                boxes[f] = (lo, hi, calls)
        slack = sum(h - l for l, h, _ in boxes.values())
        spare = d - sum(l for l, _, _ in boxes.values())
        for f, (lo, hi, calls) in boxes.items():
            exact = hi - lo <= eps
            t = hi if exact else min(hi, max(lo, lo + spare * (hi - lo) / slack if slack > 0 else lo))
            out[f] = dict(lo=lo, hi=hi, time=t, time_issue=t, calls=calls, exact=exact,
                          calls_exact=False)
        return out

    def box(self, path):
        """The box of path, or None when the rules give it none."""
        boxes = self.tops()
        b = boxes.get(path[0])
        for i in range(1, len(path)):
            if b is None:
                return None
            b = self.children(path[:i], b).get(path[i])
        return b


def load(dir_, name, proposed=False):
    with open(os.path.join(dir_, name + '.prof'), 'rb') as f:
        stats = marshal.load(f)
    with open(os.path.join(dir_, name + '.paths.json')) as f:
        truth = json.load(f)
    funcs = [tuple(k) for k in truth['functions']]
    paths = {tuple(funcs[i] for i in p['path']): p for p in truth['paths']}
    return Graph(stats, proposed), truth, paths


def check_program(dir_, name, proposed=False):
    g, truth, paths = load(dir_, name, proposed)
    tol = REL_TOL * max(g.total_tt, 1e-300)
    res = dict(boxes=0, exact=0, outside=[], exact_wrong=[], exact_calls=[], issue_time=[],
               missing=[], missing_zero=0, spurious=[], root=None)
    top_sum = sum(p['time'] for k, p in paths.items() if len(k) == 1)
    if abs(top_sum - g.total_tt) > tol:
        res['root'] = (top_sum, g.total_tt)
    memo = {(): None}

    def box_of(path):
        if path not in memo:
            if len(path) == 1:
                memo[path] = g.tops().get(path[0])
            else:
                parent = box_of(path[:-1])
                memo[path] = None if parent is None else g.children(list(path[:-1]), parent).get(path[-1])
        return memo[path]

    for path, p in paths.items():
        true, calls = p['time'], p['calls']
        b = box_of(path)
        if b is None:
            if true > tol:
                res['missing'].append((path, true))
            else:
                res['missing_zero'] += 1
            continue
        res['boxes'] += 1
        if not (b['lo'] - tol <= true <= b['hi'] + tol):
            res['outside'].append((path, b, true))
        if b['exact']:
            res['exact'] += 1
            if abs(b['time'] - true) > tol:
                res['exact_wrong'].append((path, b, true))
            if b['calls'] != calls and (not proposed or b['calls_exact']):
                res['exact_calls'].append((path, b, calls))
            if abs(b['time_issue'] - true) > tol:
                res['issue_time'].append((path, b, true))
    # Children of truth boxes (and top-level boxes) that no call ever had.
    parents = [()] + list(paths)
    for path in parents:
        if path:
            b = box_of(path)
            if b is None:
                continue
            kids = g.children(list(path), b)
        else:
            kids = g.tops()
        for c, kb in kids.items():
            if path + (c,) in paths:
                continue
            if kb['lo'] > tol or (kb['exact'] and kb['time'] > tol):
                res['spurious'].append((path + (c,), kb))
    return res


def _fmt_path(path):
    return ' > '.join('%s:%d(%s)' % (k[0].rsplit('/', 1)[-1], k[1], k[2]) if k[0] != '~' else k[2]
                      for k in path)


def _fmt_box(b):
    return 'lo %.6g hi %.6g time %.6g calls %.6g%s' % (b['lo'], b['hi'], b['time'], b['calls'],
                                                        ' exact' if b['exact'] else '')


def report(dir_, names=None, proposed=False):
    if not names:
        names = sorted(f[:-len('.paths.json')] for f in os.listdir(dir_) if f.endswith('.paths.json'))
    bad = 0
    tot = dict(paths=0, boxes=0, exact=0)
    print('\n%s (tree_ref.py) against the truth:' % (
        'PROPOSED rules: top-level deficit, calls exact only when known' if proposed
        else "issue 4's rules"))
    print('%-16s %6s %6s %6s %7s %7s %7s %7s %7s %7s' % ('program', 'paths', 'boxes', 'exact', 'outside',
                                                      'ex.time', 'ex.call', 'e!=true', 'missing', 'spuri.'))
    details = []
    for name in names:
        r = check_program(dir_, name, proposed)
        n_paths = r['boxes'] + len(r['missing']) + r['missing_zero']
        tot['paths'] += n_paths
        tot['boxes'] += r['boxes']
        tot['exact'] += r['exact']
        print('%-16s %6d %6d %6d %7d %7d %7d %7d %7d %7d' % (
            name, n_paths, r['boxes'], r['exact'], len(r['outside']), len(r['exact_wrong']),
            len(r['exact_calls']), len(r['issue_time']), len(r['missing']), len(r['spurious'])))
        bad += len(r['outside']) + len(r['exact_wrong']) + len(r['missing']) + len(r['spurious'])
        bad += r['root'] is not None
        for path, b, true in r['outside']:
            details.append('%s: OUTSIDE %s: %s, true %.6g' % (name, _fmt_path(path), _fmt_box(b), true))
        for path, b, true in r['exact_wrong']:
            details.append('%s: EXACT BUT WRONG %s: %s, true %.6g' % (name, _fmt_path(path), _fmt_box(b), true))
        for path, b, calls in r['exact_calls'][:5]:
            details.append('%s: exact, calls differ %s: %s, true calls %d' % (name, _fmt_path(path), _fmt_box(b), calls))
        for path, b, true in r['issue_time'][:5]:
            details.append('%s: exact, time = e (issue text) would be wrong %s: e %.6g, true %.6g'
                           % (name, _fmt_path(path), b['time_issue'], true))
        for path, true in r['missing']:
            details.append('%s: NO BOX for %s, true %.6g' % (name, _fmt_path(path), true))
        for path, b in r['spurious'][:5]:
            details.append('%s: SPURIOUS %s: %s, true 0' % (name, _fmt_path(path), _fmt_box(b)))
        if r['root']:
            details.append('%s: top-level truths add up to %r, total_tt %r' % ((name,) + r['root']))
    print('%-16s %6d %6d %6d' % ('all', tot['paths'], tot['boxes'], tot['exact']))
    for d in details:
        print('  ' + d)
    return 1 if bad else 0


def compare(dir_, boxes_dir):
    """Holds server/tree.c's boxes (written by test_tree_truth with
    PV_GROUNDTRUTH_DUMP=boxes_dir) against this reference, box by box."""
    names = sorted(f[:-len('.boxes')] for f in os.listdir(boxes_dir) if f.endswith('.boxes'))
    n = diff = 0
    for name in names:
        g, truth, _ = load(dir_, name)
        tol = REL_TOL * max(g.total_tt, 1e-300)
        funcs = [tuple(k) for k in truth['functions']]
        memo = {}

        def box_of(path):
            if path not in memo:
                if len(path) == 1:
                    memo[path] = g.tops().get(path[0])
                else:
                    parent = box_of(path[:-1])
                    memo[path] = (None if parent is None else
                                  g.children(list(path[:-1]), parent).get(path[-1]))
            return memo[path]

        with open(os.path.join(boxes_dir, name + '.boxes')) as f:
            for line in f:
                i, lo, hi, t, calls, exact = line.split('\t')
                path = tuple(funcs[k] for k in truth['paths'][int(i)]['path'])
                b = box_of(path)
                n += 1
                c = dict(lo=float(lo), hi=float(hi), time=float(t), calls=float(calls),
                         exact=exact.strip() == '1')
                if b is None:
                    diff += 1
                    print('%s: %s: C has a box (%s), the reference none' % (name, _fmt_path(path), _fmt_box(c)))
                    continue
                same = (abs(b['lo'] - c['lo']) <= tol and abs(b['hi'] - c['hi']) <= tol
                        and abs(b['time'] - c['time']) <= tol and b['exact'] == c['exact']
                        and abs(b['calls'] - c['calls']) <= 1e-9 * max(1.0, abs(b['calls'])))
                if not same:
                    diff += 1
                    if diff <= 20:
                        print('%s: %s:\n    C   %s\n    ref %s' % (name, _fmt_path(path), _fmt_box(c), _fmt_box(b)))
    print('%d boxes compared, %d differ' % (n, diff))
    return 1 if diff else 0


if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    args = [a for a in sys.argv[1:] if a != '--proposed']
    if args[:1] == ['--compare']:
        sys.exit(compare(args[1] if len(args) > 2 else os.path.join(here, '..', 'data', 'groundtruth'),
                         args[-1]))
    d = args[0] if args else os.path.join(here, '..', 'data', 'groundtruth')
    sys.exit(report(d, args[1:], proposed='--proposed' in sys.argv))
