#!/usr/bin/env python3
"""gen_program.py — a genuine cProfile dump of a program with many functions.

    python3 bench/gen_program.py [--funcs N] [--modules M] [--seed S] -o OUT.prof

Writes a Python program of N functions (default 148,000, which with their
list comprehensions, lambdas and class bodies make a dump of about 200,000
functions, 35 MB) spread over M modules (default 400) in a package beside OUT (OUT's name + ".src/"), runs it
under `python3 -m cProfile -o OUT`, and leaves both there.  Unlike
gen_pstats, which writes the dump's bytes itself, this is what cProfile
really writes for a large program: real file names, real line numbers,
real times, the interpreter's own builtins and import machinery.

The program's shape: every function is called at least once along a
spanning tree of the functions (each calls its tree children, in tree
mode), and each also calls two or three others picked at random anywhere in
the program, with a depth budget that shrinks along such calls so the
number of calls stays bounded (about 15 per function).  Some functions are
methods, some recurse on themselves, some call builtins (len, sorted with a
lambda key, str.join, ...), so callers, callees and recursion look as they
do in real programs.  The output is deterministic for a seed, up to the
times cProfile measures.
"""
import argparse
import os
import random
import subprocess
import sys

CROSS_DEPTH = 3  # how far calls outside the spanning tree go on


def plan(n_funcs, n_modules, seed):
    """Per function: (module, name, tree children, cross callees, kind)."""
    rng = random.Random(seed)
    per_module = -(-n_funcs // n_modules)
    funcs = []
    for i in range(n_funcs):
        m = i // per_module
        kind = rng.choices(['plain', 'method', 'recursive', 'builtins'], [70, 15, 5, 10])[0]
        name = f'{rng.choice(VERBS)}_{rng.choice(NOUNS)}_{i}'
        funcs.append({'module': m, 'name': name, 'kind': kind, 'tree': [], 'cross': []})
    # A random tree over the functions: a module's first function hangs
    # under any earlier function, the others under an earlier one of their
    # module, so most calls stay in a module, as in real code, and the tree
    # is only a few dozen levels deep.
    for i in range(1, n_funcs):
        first = i - i % per_module
        lo = 0 if i == first else first
        funcs[rng.randrange(lo, i)]['tree'].append(i)
    for f in funcs:
        f['cross'] = [rng.randrange(n_funcs) for _ in range(rng.choice([2, 2, 3]))]
    return funcs, per_module


VERBS = ['get', 'set', 'load', 'parse', 'render', 'compute', 'update', 'check', 'build',
         'fetch', 'merge', 'split', 'apply', 'handle', 'resolve', 'encode', 'decode']
NOUNS = ['item', 'node', 'user', 'record', 'config', 'token', 'frame', 'buffer', 'index',
         'query', 'result', 'entry', 'value', 'state', 'page', 'row', 'key']


def ref(funcs, j, here):
    """How function j is named from module `here`."""
    f = funcs[j]
    target = f"C{j}().{f['name']}" if f['kind'] == 'method' else f['name']
    return target if f['module'] == here else f"app.m{f['module']}.{target}"


def body(funcs, i, out):
    f = funcs[i]
    here = f['module']
    ind = '        ' if f['kind'] == 'method' else '    '
    if f['kind'] == 'method':
        out.append(f'class C{i}:')
        out.append(f"    def {f['name']}(self, d, tree=False):")
    else:
        out.append(f"def {f['name']}(d, tree=False):")
    out.append(f'{ind}x = d')
    if f['kind'] == 'recursive':
        out.append(f"{ind}if d > 0 and not tree:")
        out.append(f"{ind}    x += {'self.' if f['kind'] == 'method' else ''}{f['name']}(d - 1)")
    elif f['kind'] == 'builtins':
        out.append(f'{ind}xs = [str(k) for k in range({i % 7 + 2})]')
        out.append(f"{ind}x += len(sorted(xs, key=lambda s: s[::-1])) + len(','.join(xs))")
    if f['tree']:
        out.append(f'{ind}if tree:')
    for j in f['tree']:
        out.append(f'{ind}    {ref(funcs, j, here)}({CROSS_DEPTH}, True)')
    out.append(f'{ind}if d > 0:')
    for j in f['cross']:
        out.append(f'{ind}    x += {ref(funcs, j, here)}(d - 1) or 0')
    out.append(f'{ind}return x')
    out.append('')


def write_program(funcs, n_modules, src):
    pkg = os.path.join(src, 'app')
    os.makedirs(pkg, exist_ok=True)
    by_module = [[] for _ in range(n_modules)]
    for i, f in enumerate(funcs):
        by_module[f['module']].append(i)
    with open(os.path.join(pkg, '__init__.py'), 'w') as fh:
        fh.write('')
    for m, ids in enumerate(by_module):
        # Other modules are reached through the package at call time:
        # main.py imports them all first, one after the other (modules
        # importing each other would nest imports hundreds deep).
        out = [f'"""Module {m} of the generated program."""', 'import app', '']
        for i in ids:
            body(funcs, i, out)
        with open(os.path.join(pkg, f'm{m}.py'), 'w') as fh:
            fh.write('\n'.join(out) + '\n')
    main = ['import importlib, os, sys',
            'sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))',
            'import app', '', 'def main():',
            f'    for m in range({n_modules}):',
            "        importlib.import_module(f'app.m{m}')",
            f"    {ref(funcs, 0, -1)}({CROSS_DEPTH}, True)",
            '', "if __name__ == '__main__':", '    main()', '']
    with open(os.path.join(src, 'main.py'), 'w') as fh:
        fh.write('\n'.join(main))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--funcs', type=int, default=148000)
    ap.add_argument('--modules', type=int, default=400)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('-o', '--output', required=True)
    a = ap.parse_args()
    funcs, _ = plan(a.funcs, a.modules, a.seed)
    src = os.path.abspath(a.output) + '.src'
    write_program(funcs, a.modules, src)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1')
    subprocess.run([sys.executable, '-m', 'cProfile', '-o', os.path.abspath(a.output),
                    os.path.join(src, 'main.py')], check=True, env=env, cwd=src,
                   stdout=subprocess.DEVNULL)
    print(f'{a.output}: {os.path.getsize(a.output)} bytes', file=sys.stderr)


if __name__ == '__main__':
    main()
