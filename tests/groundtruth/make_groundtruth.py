#!/usr/bin/env python3
"""make_groundtruth.py — profiles with their exact per-path times.

pstats keeps caller->callee totals, not stacks, so the time of a box in a
call tree is usually not in a profile.  To check the bounds profviz puts on
every box, this script runs small deterministic programs twice:

  1. under cProfile, and writes the dump (NAME.prof);
  2. under a sys.setprofile recorder (recorder.py) that keeps the real
     stack and adds up, for every distinct call stack, its time and number
     of calls (NAME.paths.json).

make_realtruth.py does the same for real programs, run the way
`python -m cProfile` runs them; truthfile.py checks and writes both kinds.

THE CLOCK.  Both runs read one virtual clock, the integer T[0], which only
the workload advances (statements `T[0] += n` in the programs).  cProfile
gets it as an integer timer with timeunit 1e-3, so it sums integer ticks and
multiplies by 1e-3 once when asked for its stats; the recorder sums the same
ticks and multiplies the same way, so a path's time is the very double
pstats would hold for it.  Neither profiler's own overhead, nor how often it
reads the timer, can change a single tick.  Before writing anything the
recorder's events are replayed through cProfile's own accounting
(lsprof_model.py: _lsprof.c's entries and sub-entries, recursion levels, ct
counted only at the outermost level, then snapshot_stats()) and every
function's cc, nc, tt, ct and every edge's figures must equal the dump's bit
for bit: the recorder saw exactly the events, labels and times cProfile saw.

FUNCTION KEYS are pstats' own: (co_filename, co_firstlineno, co_name) for
Python code, and ('~', 0, label) for C functions with cProfile's label
("<built-in method builtins.sorted>", "<method 'append' of 'list' objects>";
an address in a label is written " at 0x...", see recorder.unaddressed()).
Programs are compiled under fixed names /groundtruth/NAME.py, so keys do not
depend on the checkout.

THE TRUE TIME OF A BOX.  A box of the tree is a call stack P = [f1, ...,
fk] from the top, the calling-context tree every flame graph draws: f1 has
no profiled caller (it is the outermost frame of the profiled region, or was
called before profiling began), and a function may appear more than once
([main, fib, fib, fib]; [exec, <string>, run_module, _run_module_code,
_run_code, exec, <module>, main] for `python -m cProfile -m MOD`).  So:

    calls(P) = the number of calls (activations) whose stack, from the
               outermost profiled frame down to and including the call
               itself, is exactly P;
    time(P)  = the sum of those calls' inclusive times.

Equivalently, time(P) is the measure of the instants at which the profiled
stack starts with P.  Calls with stack exactly P never nest (the inner one's
stack would be longer), so nothing is counted twice.  For a recursive F,
box [.., G, F] holds the outermost activations entered from G (as cProfile's
ct(F) and ct(G->F) count only outermost activations), [.., G, F, F] the
calls those made to F directly, and so on; a callee X that F calls at every
level has a box [.., F, X], [.., F, F, X], ... per depth.

Checks made on every program (integer ticks, exact):
  - the top-level boxes [F] add up to total_tt: sum over top-level paths of
    time = sum over all functions of tt (the instants with a non-empty stack);
  - every box's time is at least the sum of its children's (boxes nest);
  - for a function F that nobody calls, box [F] = ct(F) and calls = nc(F).

OUTPUT per program NAME, in tests/data/groundtruth/:
  NAME.prof        the cProfile dump: marshal of the stats dict exactly as
                   Profile.dump_stats writes it, but with functions and
                   callers sorted by key so the bytes do not depend on
                   memory addresses (cProfile's own order does).  Where two
                   functions share a key (real programs only: see
                   lsprof_model.py) the dump contradicts itself, and
                   NAME.prof is instead what cProfile would have written
                   with one function per key;
  NAME.paths.json  {"program", "python": "3.11", "unit": 0.001,
                    "total": total_tt as pstats sums it, "total_ticks",
                    "functions": [[file, line, name], ...] (sorted),
                    "paths": [{"path": [function index, ...], "time": s,
                               "ticks": n, "calls": n}, ...],
                    "paths_with_repeats": how many paths hold a function
                    more than once,
                    "shared_keys": [[function index, how many functions
                    cProfile kept apart under that key], ...]}.
  Paths are listed in depth-first order of the sorted function table.  A
  path refers to functions by index into "functions" to keep the fixtures
  small (a path written out key by key is ~40 bytes a step).

Usage:
  make_groundtruth.py [--out DIR]           write the fixtures (default:
                                            tests/data/groundtruth)
  make_groundtruth.py --check DIR           regenerate into a temporary
                                            directory and compare the data
                                            (every function's and edge's key
                                            and figures, every path) with
                                            DIR's (exit 77 = skipped when
                                            this Python's minor version is
                                            not the fixtures')
  make_groundtruth.py --stress DIR [--count N] [--size N]
                                            many larger random call graphs
                                            (not committed) for a long run
Python 3 standard library only.  Generated with CPython 3.11: cProfile uses
sys.monitoring from 3.12 on and 3.12 inlines comprehensions, so other
versions produce other (equally valid) fixtures.
"""
import cProfile
import json
import marshal
import os
import random
import sys
import tempfile

import truthfile
from recorder import UNIT, Recorder
from truthfile import PYTHON

# The virtual clock: the only thing that advances it is the workload.
T = [0]


def _timer():
    return T[0]


# ---- the programs --------------------------------------------------------
#
# Each is the source of a module compiled as /groundtruth/NAME.py.  It sees
# T (the clock), and PROF_ON / PROF_OFF (start and stop the profiler).
# Only `T[0] += constant-or-local` advances the clock: `T[0] += f()` would
# store a stale value over the ticks f() added (the recorder refuses that).  The
# harness calls main() with the profiler on, unless the program is listed in
# SELF_PROFILED, in which case main() switches the profiler itself.

PROGRAMS = {}
SELF_PROFILED = set()

PROGRAMS['diamond'] = '''\
# A function called from two callers with very different costs per call:
# snakeviz gives shared() the same children under both.
def leaf(n):
    T[0] += n

def shared(n):
    T[0] += 1
    leaf(n)

def cheap():
    T[0] += 2
    for _ in range(50):
        shared(1)

def costly():
    T[0] += 2
    for _ in range(2):
        shared(500)

def main():
    T[0] += 1
    cheap()
    costly()
    shared(7)
'''

PROGRAMS['passthrough'] = '''\
# A wrapper with no time of its own (decorators, delegating methods): under
# a coarse or virtual clock its ct equals its calls' ct, which pins its
# children's bounds together.
def work(n):
    T[0] += n

def wrap(n):
    work(n)

def a():
    T[0] += 1
    wrap(5)

def b():
    T[0] += 1
    wrap(5)
    wrap(2)

def c():
    T[0] += 3

def main():
    a()
    b()
    c()
'''


def _chain_source(n=30):
    lines = ['# A deep chain c0 -> c1 -> ... with a second entry half way down.']
    for i in range(n):
        lines.append('def c%d(k):' % i)
        lines.append('    T[0] += %d' % (1 + i % 3))
        if i + 1 < n:
            lines.append('    c%d(k)' % (i + 1))
            if i % 7 == 3:
                lines.append('    side(k)')
        else:
            lines.append('    T[0] += k')
        lines.append('')
    lines += ['def side(k):', '    T[0] += k', '',
              'def main():',
              '    c0(5)',
              '    c%d(100)' % (n // 2),
              '    c%d(1)' % (n - 3),
              '']
    return '\n'.join(lines)


PROGRAMS['chain'] = _chain_source()

PROGRAMS['fib'] = '''\
# Direct recursion, entered from two callers, and a recursive function that
# calls a leaf at every level.
def fib(n):
    T[0] += 1
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def leaf(n):
    T[0] += n

def walk(n):
    T[0] += 1
    leaf(2)
    if n:
        walk(n - 1)
    T[0] += 1

def helper():
    T[0] += 1
    fib(6)
    walk(2)

def main():
    T[0] += 1
    fib(10)
    helper()
    walk(5)
'''

PROGRAMS['mutual'] = '''\
# Mutual recursion: is_even / is_odd, with a leaf called from inside the
# cycle and from outside it.
def check(n):
    T[0] += n

def is_even(n):
    T[0] += 1
    if n == 0:
        return True
    check(1)
    return is_odd(n - 1)

def is_odd(n):
    T[0] += 2
    if n == 0:
        return False
    return is_even(n - 1)

def main():
    is_even(10)
    is_odd(7)
    check(30)
'''

PROGRAMS['cycle3'] = '''\
# A 3-cycle a -> b -> c -> a entered at each of its functions, each calling
# a leaf with a cost that depends on the depth.
def leaf(n):
    T[0] += n

def a(n):
    T[0] += 1
    leaf(n)
    if n > 0:
        b(n - 1)

def b(n):
    T[0] += 2
    if n > 0:
        c(n - 1)

def c(n):
    T[0] += 1
    leaf(3 * n)
    if n > 0:
        a(n - 1)

def main():
    a(9)
    b(5)
    c(1)
    leaf(4)
'''

PROGRAMS['rec_shared'] = '''\
# Recursion whose callee is also called from outside the cycle, and a
# recursive function reached from two places.
def visit(n):
    T[0] += n

def walk(n):
    T[0] += 1
    visit(1)
    if n:
        walk(n - 1)

def other():
    T[0] += 1
    visit(3)
    walk(2)

def main():
    walk(6)
    visit(50)
    other()
'''

PROGRAMS['recursive_root'] = '''\
# The profiler is switched on around a call to a recursive function that
# re-enters itself through two different callers (a recursive-descent
# parser: expr -> paren -> expr -> call -> expr), as with enable()/disable()
# or Profile.runcall(expr, ...): expr is the outermost profiled frame.
# cProfile counts ct(paren->expr) and ct(call->expr) one inside the other,
# so they add up to more than ct(expr).
def expr(k):
    T[0] += 1
    if k == 2:
        paren(1)
    elif k == 1:
        call(0)
    else:
        T[0] += 100

def paren(k):
    T[0] += 1
    expr(k)

def call(k):
    T[0] += 1
    expr(k)

def main():
    PROF_ON()
    expr(2)
    PROF_OFF()
    PROF_ON()
    paren(0)
    PROF_OFF()
'''
SELF_PROFILED.add('recursive_root')


def _many_callers_source(n=14):
    lines = ['# One function called from many places with different costs.',
             'def util(k):', '    T[0] += k', '    leaf()', '',
             'def leaf():', '    T[0] += 1', '']
    for i in range(n):
        lines += ['def user%d():' % i, '    T[0] += %d' % (i % 4 + 1)]
        for _ in range(i % 3 + 1):
            lines.append('    util(%d)' % (i * i % 17 + 1))
        lines.append('')
    lines += ['def main():'] + ['    user%d()' % i for i in range(n)] + ['    util(2)', '']
    return '\n'.join(lines)


PROGRAMS['many_callers'] = _many_callers_source()

PROGRAMS['enable_disable'] = '''\
# enable()/disable() around parts of the run only: several roots, time
# outside the windows, the profiler switched on inside a function that then
# returns, and switched off deep inside a call (cProfile closes the open
# frames then).
def setup():
    T[0] += 1000

def step(n):
    T[0] += n

def phase1():
    T[0] += 2
    step(3)

def phase2():
    T[0] += 1
    phase1()
    step(10)

def inner():
    T[0] += 4
    step(1)
    PROF_OFF()
    T[0] += 500
    step(7)

def deep():
    T[0] += 1
    inner()

def start_inside():
    T[0] += 5
    PROF_ON()
    T[0] += 3
    step(2)

def main():
    setup()
    PROF_ON()
    phase1()
    phase2()
    PROF_OFF()
    setup()
    PROF_ON()
    phase2()
    step(20)
    PROF_OFF()
    start_inside()
    phase1()
    deep()
    setup()
'''
SELF_PROFILED.add('enable_disable')

PROGRAMS['builtins'] = '''\
# C functions: sorted with a key lambda, list.append, sum over map, str.join
# over a generator expression, dict.get, max with a key, a C call that
# raises, and a list comprehension.
def cost(x):
    T[0] += x % 5 + 1
    return -x

def square(x):
    T[0] += 1
    return x * x

def safe_div(a, b):
    T[0] += 1
    try:
        return divmod(a, b)
    except ZeroDivisionError:
        T[0] += 2
        return None

def main():
    data = [(i * 7) % 31 for i in range(40)]
    s = sorted(data, key=lambda x: cost(x))
    out = []
    for x in s[:10]:
        out.append(x)
    total = sum(map(square, data))
    text = ",".join(str(x) for x in out)
    d = {1: 2}
    d.get(1)
    best = max(data[:8], key=lambda x: cost(x + 1))
    safe_div(7, 2)
    safe_div(7, 0)
    n = len(text) % 3
    T[0] += n
    return total, best
'''

PROGRAMS['generators'] = '''\
# Generators: every resume is a call, from whoever resumes it; yield from;
# one generator resumed from two different functions.
def gen(n):
    for i in range(n):
        T[0] += 2
        yield i
    T[0] += 1

def sub(n):
    T[0] += 1
    yield from gen(n)
    T[0] += 1

def consume_for(g):
    for x in g:
        T[0] += 1

def consume_next(g, k):
    for _ in range(k):
        next(g)
        T[0] += 1

def main():
    consume_for(gen(5))
    g = gen(6)
    consume_next(g, 2)
    consume_for(g)
    n = sum(gen(3))
    T[0] += n
    list(sub(3))
'''


def _random_graph_source(seed, n, budget, roots, depth, windows=False):
    """A random call graph: mostly forward calls, some backward (cycles),
    some direct recursion, a few hubs that many functions call; a global
    budget of calls and a depth argument keep it finite.  With `windows`,
    main() switches the profiler on and off around groups of calls, so the
    top level is random functions (recursive ones among them) rather than
    main."""
    rng = random.Random(seed)
    hubs = rng.sample(range(n // 4, n), 5)
    lines = ['# A random call graph, seed %d: %d functions.' % (seed, n), 'B = [%d]' % budget, '']
    for i in range(n):
        lines += ['def f%d(d):' % i, '    T[0] += %d' % rng.randint(0, 6),
                  '    if d <= 0:', '        return']
        for _ in range(rng.choice([0, 1, 1, 2, 2, 2, 3, 4])):
            r = rng.random()
            if r < 0.15:
                j = rng.choice(hubs)
            elif r < 0.27:
                j = rng.randrange(0, i + 1)          # backwards or itself: cycles
            else:
                j = rng.randrange(i + 1, min(n, i + 31)) if i + 1 < n else i
            lines += ['    B[0] -= 1', '    if B[0] > 0:',
                      '        f%d(d - %d)' % (j, rng.choice([1, 1, 2])),
                      '    T[0] += %d' % rng.randint(0, 2)]
        lines.append('')
    lines += ['def main():']
    on = False
    for _ in range(roots):
        if windows and not on:
            lines.append('    PROF_ON()')
            on = True
        lines.append('    f%d(%d)' % (rng.randrange(0, n // 3 if not windows else n), depth))
        if windows and rng.random() < 0.4:
            lines.append('    PROF_OFF()')
            on = False
    if on:
        lines.append('    PROF_OFF()')
    lines.append('')
    return '\n'.join(lines)


PROGRAMS['random_graph'] = _random_graph_source(seed=4, n=300, budget=2500, roots=12, depth=9)
PROGRAMS['random_roots'] = _random_graph_source(seed=7, n=120, budget=1200, roots=16, depth=8,
                                                windows=True)
SELF_PROFILED.add('random_roots')


# ---- the two runs ----------------------------------------------------------

class _VirtualClock:
    """The recorder's clock: T[0], read where cProfile reads its timer."""

    def __init__(self):
        self.last = 0

    def __call__(self):
        t = T[0]
        if t < self.last:
            raise SystemExit('the clock went back from %d to %d (a statement like '
                             '"T[0] += f()" loses the ticks f() adds)' % (self.last, t))
        self.last = t
        return t


def _fresh_module(name, prof_on, prof_off):
    code = compile(PROGRAMS[name], '/groundtruth/%s.py' % name, 'exec')
    g = {'__name__': 'groundtruth_' + name, 'T': T, 'PROF_ON': prof_on, 'PROF_OFF': prof_off}
    exec(code, g)
    return g


def run_cprofile(name):
    pr = cProfile.Profile(_timer, UNIT)
    g = _fresh_module(name, pr.enable, pr.disable)
    T[0] = 0
    if name in SELF_PROFILED:
        g['main']()
    else:
        pr.enable()
        g['main']()
        pr.disable()
    pr.create_stats()
    return pr.stats, T[0]


def run_recorder(name):
    off = cProfile.Profile()  # never enabled: its disable() only unhooks
    rec = Recorder(off, _VirtualClock())

    def on():  # called with no hook set, so the recorder does not see it
        rec.done = False
        sys.setprofile(rec)

    g = _fresh_module(name, on, off.disable)
    T[0] = 0
    if name in SELF_PROFILED:
        g['main']()
    else:
        sys.setprofile(rec)
        g['main']()
        off.disable()
    if sys.getprofile() is not None or not rec.done:
        raise SystemExit('%s: the recorder did not see the profiler switched off' % name)
    return rec, T[0]


def generate(name, out_dir):
    stats, end_cp = run_cprofile(name)
    rec, end_rec = run_recorder(name)
    if end_cp != end_rec:
        raise SystemExit('%s: the two runs did different work (%d vs %d ticks)' % (name, end_cp, end_rec))
    return truthfile.write(name, out_dir, stats, rec.result())


def write_all(out_dir, names, quiet=False):
    os.makedirs(out_dir, exist_ok=True)
    docs = []
    for name in names:
        doc = generate(name, out_dir)
        docs.append(doc)
        if not quiet:
            print('%-16s %4d functions %5d paths (%4d with repeats)  total %d ticks'
                  % (name, len(doc['functions']), len(doc['paths']), doc['paths_with_repeats'],
                     doc['total_ticks']))
    return docs


def _data(path):
    """What a fixture says, not how its bytes spell it: the unmarshalled
    stats dict of a .prof (marshal's FLAG_REF bits differ between builds
    of one CPython version), the parsed document of a .paths.json."""
    if path.endswith('.prof'):
        with open(path, 'rb') as f:
            return marshal.load(f)
    with open(path) as f:
        return json.load(f)


def check(committed):
    with open(os.path.join(committed, 'diamond.paths.json')) as f:
        made_with = json.load(f).get('python')
    if made_with != PYTHON:
        # Another minor version runs other bytecode (3.12 inlines
        # comprehensions, and its cProfile uses sys.monitoring): its fresh
        # run is a different, equally valid profile, not a check of these.
        print('skipped: the fixtures were made with Python %s, this is %s' % (made_with, PYTHON))
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        write_all(tmp, sorted(PROGRAMS), quiet=True)
        made = sorted(f for f in os.listdir(tmp))
        have = sorted(f for f in os.listdir(committed) if f.endswith(('.prof', '.paths.json')))
        bad = [f for f in made if f not in have or
               _data(os.path.join(tmp, f)) != _data(os.path.join(committed, f))]
        bad += [f for f in have if f not in made]
        if bad:
            print('the data differ from a fresh run (if the programs changed, rerun '
                  'tests/groundtruth/make_groundtruth.py): ' + ', '.join(bad))
            return 1
    print('%d fixtures hold the same data as a fresh run' % len(made))
    return 0


def stress(out_dir, count, size):
    """Larger random graphs, for a long run of the C checker (not committed)."""
    names = []
    for i in range(count):
        name = 'stress_%03d' % i
        rng = random.Random(1000 + i)
        windows = i % 2 == 1
        PROGRAMS[name] = _random_graph_source(seed=1000 + i, n=size, budget=rng.choice([3000, 8000, 20000]),
                                              roots=rng.randint(5, 30), depth=rng.randint(6, 14),
                                              windows=windows)
        if windows:
            SELF_PROFILED.add(name)
        names.append(name)
    return write_all(out_dir, names)


def main(argv):
    if os.environ.get('PYTHONHASHSEED') != '0':
        os.environ['PYTHONHASHSEED'] = '0'
        os.execv(sys.executable, [sys.executable] + argv)
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, '..', 'data', 'groundtruth')
    args = argv[1:]
    if args[:1] == ['--check']:
        return check(args[1] if len(args) > 1 else default_out)
    if args[:1] == ['--stress']:
        count = int(args[args.index('--count') + 1]) if '--count' in args else 40
        size = int(args[args.index('--size') + 1]) if '--size' in args else 400
        stress(args[1], count, size)
        return 0
    out = default_out
    if '--out' in args:
        out = args[args.index('--out') + 1]
    write_all(out, sorted(PROGRAMS))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
