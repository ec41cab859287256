#!/usr/bin/env python3
"""evaluate.py — profviz's call tree, and snakeviz's, against the ground
truth: the yardstick for the tree's inference.

Usage:
  evaluate.py PROFVIZ [--only NAME]... [--real OUT] [--worst N] [DIR]...

Evaluates every NAME.prof + NAME.paths.json of each DIR (e.g. the
committed tests/data/groundtruth), and with --real first generates the
real-program truth into OUT (make_realtruth.py) and evaluates that too.
--only keeps the named programs (repeatable).  --worst N prints, per
program, the N boxes furthest from the truth and the chains not exact:
what to look at when a figure is bad.

For each program it starts `PROFVIZ serve --db TMP/x.db -p 0 -q`, uploads
the .prof, and for every truth path P asks
GET /api/profiles/ID/tree?path=P&depth=1&cutoff=0: `root` is P's box, its
`children` the boxes one level down.  A path the API refuses (404) has no
box; its descendants are not asked.  A child that is not a truth path is a
phantom box, whose true time is 0.  Then, with tol = 1e-9 x total_tt:

  boxes          truth paths with a box, plus phantom boxes (refused: truth
                 paths with no box)
  false exact    boxes flagged exact whose time is off by more than tol
  out of bounds  boxes whose true time is below lo - tol or above hi + tol
  shown          the top-level boxes' time (children of the whole-profile
                 view) over total_tt: must be 100 %
  top exact      every top-level box exact
  chains         truth paths whose boxes each hold one call, holding all
                 their function's cumtime but for `exec` (see _chains): how
                 many profviz has as exact boxes with the true time
  E              sum |estimate - true| / sum true, over every truth path (no
                 box: estimate 0) and every phantom box (true 0)
  E snakeviz     the same for snakeviz's drawing (snakeviz_model.py) of the
                 same .prof, over the truth paths and snakeviz's children of
                 them (no cutoff, no depth limit)

A program passes with no false exact, nothing out of bounds, shown = 100 %
within tol, top exact, every chain exact, and E <= E snakeviz.  Top exact
is not asked of the programs that switch the profiler on and off
themselves (make_groundtruth.SELF_PROFILED): switched on inside a
recursion, a function's top-level time is only bounded by the data
(random_roots' f9 is pinned to [0.546, 0.55]).  A note
also says when a box's figures as a child in its parent's view are not
those of the same path asked as the root.

Exit status: 0 every program passes; 1 one does not (what failed is
printed); 77 (skipped) --real could not run on this Python (the reason is
printed) and the rest passed.
"""
import http.client
import json
import os
import select
import subprocess
import sys
import tempfile
import urllib.parse

import make_groundtruth
import make_realtruth
import truthfile
from snakeviz_model import SnakevizTree


class Server:
    """`profviz serve` on a free port in a temporary directory."""

    def __init__(self, profviz):
        self.tmp = tempfile.TemporaryDirectory()
        self.log = open(os.path.join(self.tmp.name, 'stderr.txt'), 'w+b')
        env = dict(os.environ, XDG_CACHE_HOME=self.tmp.name)
        self.proc = subprocess.Popen([profviz, 'serve', '--db', os.path.join(self.tmp.name, 'x.db'),
                                      '-p', '0', '-q'], stdout=subprocess.PIPE, stderr=self.log, env=env)
        ready = select.select([self.proc.stdout], [], [], 30)[0]
        url = urllib.parse.urlsplit(self.proc.stdout.readline().decode().strip() if ready else '')
        if not url.port:
            self.stop()
            raise SystemExit('profviz serve printed no URL')
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def call(self, method, path, body=None):
        """(status, parsed JSON body) over one kept-alive connection, opened
        again once if the server closed it while idle (its connection
        timeout)."""
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body)
                r = self.conn.getresponse()
                return r.status, json.loads(r.read() or b'null')
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                self.conn.close()
                if attempt == 2:
                    raise

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        self.log.close()
        self.tmp.cleanup()


def _server_ids(server, pid, doc):
    """doc's function index -> the server's function id."""
    index = {tuple(f): i for i, f in enumerate(doc['functions'])}
    ids, offset = {}, 0
    while True:
        status, page = server.call('GET', '/api/profiles/%d/functions?sort=name&limit=1000&offset=%d'
                                   % (pid, offset))
        if status != 200:
            raise SystemExit('functions: %d %r' % (status, page))
        for row in page['rows']:
            ids[index[(row['file'], row['line'], row['name'])]] = row['id']
        offset += len(page['rows'])
        if offset >= page['total'] or not page['rows']:
            return ids


def _tree(server, pid, ids):
    q = urllib.parse.urlencode({'path': ','.join(map(str, ids)), 'depth': 1, 'cutoff': 0}, safe=',')
    status, body = server.call('GET', '/api/profiles/%d/tree?%s' % (pid, q))
    if status == 404:
        return None
    if status != 200:
        raise SystemExit('tree %r: %d %r' % (ids, status, body))
    return body['root']


EXEC = ('~', 0, '<built-in method builtins.exec>')


def _chains(stats, doc, truth):
    """The truth paths that are single-call chains: every box on the path
    holds one call, and for every function on it but `exec` (the top of a
    `python -m cProfile` run, and runpy's exec of a -m module; exec runs
    every module body too) that box holds all the function's cumtime: its
    one call is all there is of it (a `main`, a module body, the calls
    between them).  Those boxes must be exact.  (A function called once by
    a function called many times is not in a chain: pstats does not say
    which of those calls made it, and only sometimes do the times.)"""
    keys = [tuple(f) for f in doc['functions']]
    tol = 1e-9 * doc['total']

    def whole(path):
        p = truth[path]
        f = keys[path[-1]]
        return p['calls'] == 1 and (f == EXEC or abs(p['time'] - stats[f][3]) <= tol)
    return [path for path in truth if all(whole(path[:i]) for i in range(1, len(path) + 1))]


def evaluate(server, dir_, name):
    """The figures of one program (a dict), profviz's and snakeviz's."""
    stats, doc = truthfile.load(dir_, name)
    with open(os.path.join(dir_, name + '.prof'), 'rb') as f:
        status, up = server.call('POST', '/api/profiles?name=%s.prof' % urllib.parse.quote(name), f.read())
    if status not in (200, 201):
        raise SystemExit('%s: upload: %d %r' % (name, status, up))
    pid = up['id']
    ids = _server_ids(server, pid, doc)
    index_of_id = {v: k for k, v in ids.items()}
    total = doc['total']
    tol = 1e-9 * total
    truth = {tuple(p['path']): p for p in doc['paths']}

    boxes = {}     # truth path -> its box, or None
    as_child = {}  # truth path -> its box in its parent's view
    phantoms = []  # boxes of paths that never happened

    def sort_children(path, children):
        for c in children:
            if c['id'] is None:
                continue
            cp = path + (index_of_id[c['id']],)
            if cp in truth:
                as_child[cp] = c
            else:
                phantoms.append(c)

    top = _tree(server, pid, [])['children']
    sort_children((), top)
    for p in doc['paths']:  # a parent before its children
        path = tuple(p['path'])
        if len(path) > 1 and boxes[path[:-1]] is None:
            boxes[path] = None
            continue
        box = boxes[path] = _tree(server, pid, [ids[i] for i in path])
        if box is not None:
            sort_children(path, box['children'])

    checked = [(b, truth[path]['time']) for path, b in boxes.items() if b is not None]
    checked += [(b, 0.0) for b in phantoms]
    false_exact = sum(1 for b, t in checked if b['exact'] and abs(b['time'] - t) > tol)
    out_of_bounds = sum(1 for b, t in checked if t < b['lo'] - tol or t > b['hi'] + tol)
    chains = _chains(stats, doc, truth)
    chains_exact = sum(1 for c in chains if boxes[c] is not None and boxes[c]['exact']
                       and abs(boxes[c]['time'] - truth[c]['time']) <= tol)
    true_sum = sum(p['time'] for p in doc['paths'])
    err = sum(abs((boxes[path]['time'] if boxes[path] is not None else 0.0) - p['time'])
              for path, p in truth.items()) + sum(b['time'] for b in phantoms)
    names = ['%s:%d(%s)' % (os.path.basename(f[0]), f[1], f[2]) for f in doc['functions']]
    worst = sorted(((abs((boxes[path]['time'] if boxes[path] else 0.0) - p['time']), path)
                    for path, p in truth.items()), reverse=True)
    worst = ['%9.3g true %9.4g est %9.4g [%.4g, %.4g]%s  %s' % (
        e, truth[path]['time'], boxes[path]['time'] if boxes[path] else 0.0,
        boxes[path]['lo'] if boxes[path] else 0.0, boxes[path]['hi'] if boxes[path] else 0.0,
        ' exact' if boxes[path] and boxes[path]['exact'] else '',
        _short(names, path)) for e, path in worst]
    worst += ['chain not exact: %s' % _short(names, c) for c in chains
              if not (boxes[c] is not None and boxes[c]['exact'])]
    fields = ('time', 'lo', 'hi', 'exact')
    views_differ = sum(1 for path, c in as_child.items() if boxes[path] is not None
                       and any(c[f] != boxes[path][f] for f in fields))
    return {
        'name': name, 'boxes': len(checked), 'worst': worst, 'refused': sum(1 for b in boxes.values() if b is None),
        'views_differ': views_differ,
        'false_exact': false_exact, 'out_of_bounds': out_of_bounds,
        'shown': sum(b['time'] for b in top) / total if total else 1.0,
        'shown_ok': abs(sum(b['time'] for b in top) - total) <= tol,
        'top_exact': all(b['exact'] for b in top),
        'chains': len(chains), 'chains_exact': chains_exact,
        'e_profviz': err / true_sum if true_sum else 0.0,
        'e_snakeviz': _snakeviz_error(stats, doc, truth, true_sum),
    }


def _short(names, path, keep=4):
    """A path for people: its depth and its last few steps."""
    tail = ' > '.join(names[i] for i in path[-keep:])
    return tail if len(path) <= keep else '[%d] ... > %s' % (len(path), tail)


def _snakeviz_error(stats, doc, truth, true_sum):
    sv = SnakevizTree(stats)
    keys = [tuple(f) for f in doc['functions']]
    index = {k: i for i, k in enumerate(keys)}
    err = 0.0
    for path, p in truth.items():
        kpath = tuple(keys[i] for i in path)
        t = sv.time(kpath)
        err += abs((t or 0.0) - p['time'])
        if t is not None:
            err += sum(ct for child, ct in sv.child_times(kpath[-1], t).items()
                       if path + (index[child],) not in truth)
    return err / true_sum if true_sum else 0.0


def failures(r):
    """What keeps one program from passing."""
    out = []
    if r['false_exact']:
        out.append('%d false exact' % r['false_exact'])
    if r['out_of_bounds']:
        out.append('%d out of bounds' % r['out_of_bounds'])
    if not r['shown_ok']:
        out.append('shown %.6f %%' % (100 * r['shown']))
    if not r['top_exact'] and r['name'] not in make_groundtruth.SELF_PROFILED:
        out.append('a top-level box not exact')
    if r['chains_exact'] < r['chains']:
        out.append('%d of %d single-call chains not exact' % (r['chains'] - r['chains_exact'], r['chains']))
    if r['e_profviz'] > r['e_snakeviz']:
        out.append('E %.4g above snakeviz\'s %.4g' % (r['e_profviz'], r['e_snakeviz']))
    return out


HEADER = ('%-16s %6s %7s %6s %6s %8s %4s %9s %10s %10s %7s  %s'
          % ('program', 'boxes', 'refused', 'false', 'out', 'shown', 'top', 'chains', 'E profviz',
             'E snakeviz', 'ratio', 'result'))


def row(r):
    ratio = r['e_profviz'] / r['e_snakeviz'] if r['e_snakeviz'] else float('inf') if r['e_profviz'] else 1.0
    return ('%-16s %6d %7d %6d %6d %7.2f%% %4s %4d/%-4d %10.4g %10.4g %7.3f  %s'
            % (r['name'], r['boxes'], r['refused'], r['false_exact'], r['out_of_bounds'],
               100 * r['shown'], 'yes' if r['top_exact'] else 'no', r['chains_exact'], r['chains'],
               r['e_profviz'], r['e_snakeviz'], ratio, 'ok' if not failures(r) else 'FAIL'))


def main(argv):
    args = argv[1:]
    if not args:
        print(__doc__)
        return 2
    profviz, rest = os.path.abspath(args[0]), args[1:]
    only, real, dirs, n_worst = [], None, [], 0
    while rest:
        a = rest.pop(0)
        if a == '--worst':
            n_worst = int(rest.pop(0))
        elif a == '--only':
            only.append(rest.pop(0))
        elif a == '--real':
            real = rest.pop(0)
        else:
            dirs.append(a)
    skipped = None
    real_only = [n for n in only if n in make_realtruth.WORKLOADS]
    if real is not None and (real_only or not only):
        if make_realtruth.main(['make_realtruth.py', real] + [x for n in real_only for x in ('--only', n)]) == 77:
            skipped = 'no real-program truth on this Python'
        else:
            dirs.append(real)

    results = []
    server = Server(profviz)
    print(HEADER)
    try:
        for d in dirs:
            for name in truthfile.names(d):
                if only and name not in only:
                    continue
                results.append(evaluate(server, d, name))
                print(row(results[-1]), flush=True)
                if n_worst:
                    w = results[-1]['worst']
                    chains = [x for x in w if x.startswith('chain')]
                    print('\n'.join('    ' + x for x in w[:n_worst] + chains[:n_worst]))
    finally:
        server.stop()

    failed = [(r['name'], failures(r)) for r in results if failures(r)]
    print('\nSummary (%d programs):\n%s' % (len(results), HEADER))
    for r in results:
        print(row(r))
    for r in results:
        if r['views_differ']:
            print('note %s: %d boxes have other figures (time, lo, hi, exact) as a child in their '
                  'parent\'s view than as the root of their own' % (r['name'], r['views_differ']))
    for name, why in failed:
        print('FAIL %s: %s' % (name, '; '.join(why)))
    if failed:
        return 1
    if skipped:
        print('skipped: ' + skipped)
        return 77
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
