"""recorder.py — what recording a program costs: bare, under cProfile,
under _profviz_recorder (recorder/profviz_recorder.c).

    python3 bench/recorder.py [--runs N]     (default 5: best of 5)

Each (workload, mode) runs in a fresh interpreter (this one's); the time
is the workload's wall time between enable() and disable() (best of N),
the memory the process's peak RSS (ru_maxrss) minus that of the same
process before the workload.  The recorder is compiled first, the way
`profviz record` compiles it (tests/recorder/build.py), into
bench/results/recorder/.

Workloads: "fib" (fib(27): 630,000 calls of one function on 27 paths),
"json" (json.dumps/loads of a nested document: mostly C), "paths" (a
random call graph of 60 functions walked 12 levels deep, 10 times:
330,000 calls on 33,000 distinct paths, each path 10 calls: the tree's
bad case).
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'recorder'))
import build  # noqa: E402

CHILD = r'''
import gc, json, random, resource, sys, time
mode, workload, module_dir = sys.argv[1:4]
sys.path.insert(0, module_dir)

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def run_json():
    doc = {"k%d" % i: [{"a": j, "b": str(j) * 3, "c": [j, j + 1.5, None]} for j in range(40)] for i in range(60)}
    for _ in range(25):
        json.loads(json.dumps(doc))

rnd = random.Random(5)
N = 60
FUNCS = []
for i in range(N):
    exec("def f%d(d, g):\n    if d:\n        for k in g[%d]:\n            FUNCS[k](d - 1, g)\n" % (i, i))
    FUNCS.append(globals()["f%d" % i])
GRAPH = [rnd.sample(range(N), 2) for _ in range(N)]

def run_paths():
    for _ in range(10):
        for i in range(4):
            FUNCS[i](12, GRAPH)

work = {"fib": lambda: fib(27), "json": run_json, "paths": run_paths}[workload]
if mode == "cprofile":
    import cProfile
    prof = cProfile.Profile()
elif mode == "recorder":
    import threading, _profviz_recorder
    prof = _profviz_recorder.Recorder()
gc.collect()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
if mode != "bare":
    prof.enable()
work()
if mode != "bare":
    prof.disable()
t = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
extra = ""
if mode == "recorder":
    extra = " %d" % len(prof.tree()[1])
print("%.6f %d%s" % (t, rss, extra))
'''


def main():
    runs = int(sys.argv[sys.argv.index('--runs') + 1]) if '--runs' in sys.argv else 5
    module_dir = build.build(os.path.join(HERE, 'results', 'recorder'))
    print('Python %s, best of %d' % (sys.version.split()[0], runs))
    print('%-6s %10s %10s %10s %8s %8s %10s %10s %10s %9s' % (
        'load', 'bare s', 'cProfile s', 'recorder s', 'rec/cP', 'rec/bare',
        'cP KiB', 'rec KiB', 'rec/cP', 'paths'))
    for workload in ('fib', 'json', 'paths'):
        best = {}
        for mode in ('bare', 'cprofile', 'recorder'):
            results = []
            for _ in range(runs):
                out = subprocess.run([sys.executable, '-c', CHILD, mode, workload, module_dir],
                                     check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
                results.append(out)
            best[mode] = (min(float(r[0]) for r in results), min(int(r[1]) for r in results),
                          results[0][2] if len(results[0]) > 2 else '')
        b, c, r = best['bare'], best['cprofile'], best['recorder']
        print('%-6s %10.3f %10.3f %10.3f %8.2f %8.2f %10d %10d %10s %9s' % (
            workload, b[0], c[0], r[0], r[0] / c[0], r[0] / b[0], c[1], r[1],
            '%.2f' % (r[1] / c[1]) if c[1] else '-', r[2]))


if __name__ == '__main__':
    main()
