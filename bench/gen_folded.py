#!/usr/bin/env python3
"""Writes a folded-stacks file of about SIZE bytes, shaped like a real
sampler's (flamegraph.pl's stackcollapse output, py-spy --format raw).

    python3 bench/gen_folded.py --size 100M [--stacks N] [--seed S] [--shuffle] -o OUT

A program of FUNCS functions in MODULES modules ("pkgP/modM.py:LINE
name_K", the way py-spy names frames, spaces and all) calls down a random
DAG from `main`; STACKS distinct stacks (default 200,000) are random walks
of depth 4 to 60 down it.  The file is written in rounds, each listing
every distinct stack once with a fresh count (1 to 2000), until it
reaches SIZE: a profile collected again and again and the outputs
concatenated, which is what a file of a gigabyte is.  Each round is in
sorted order, as stackcollapse writes it; --shuffle writes each round in
random order instead (what a streaming reader finds hardest: no two
neighbouring lines share a prefix).  Deterministic for a seed.
"""
import argparse
import random
import sys


def parse_size(s):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if s[-1:].upper() in units:
        return int(float(s[:-1]) * units[s[-1].upper()])
    return int(s)


def program(rng, n_funcs, n_modules):
    names = []
    for i in range(n_funcs):
        mod = i % n_modules
        names.append("handle_%d (app/pkg%d/mod%d.py:%d)" % (i, mod % 17, mod, 10 + (i * 7) % 900))
    names[0] = "<module> (app/main.py:1)"
    # Each function calls a few of the later ones: a DAG under main.
    callees = [sorted(rng.sample(range(i + 1, n_funcs), min(6, n_funcs - i - 1)))
               for i in range(n_funcs)]
    return names, callees


def stacks(rng, names, callees, n_stacks):
    out = set()
    while len(out) < n_stacks:
        depth = rng.randint(4, 60)
        f, path = 0, [0]
        while len(path) < depth and callees[f]:
            f = rng.choice(callees[f])
            path.append(f)
        out.add(";".join(names[i] for i in path))
    return sorted(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="100M")
    ap.add_argument("--stacks", type=int, default=200000)
    ap.add_argument("--funcs", type=int, default=5000)
    ap.add_argument("--modules", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shuffle", action="store_true")
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    names, callees = program(rng, args.funcs, args.modules)
    lines = stacks(rng, names, callees, args.stacks)
    target = parse_size(args.size)
    written = 0
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        while written < target:
            order = lines[:]
            if args.shuffle:
                rng.shuffle(order)
            counts = [rng.randint(1, 2000) for _ in order]
            chunk = []
            for line, count in zip(order, counts):
                chunk.append("%s %d\n" % (line, count))
                written += len(chunk[-1])
                if written >= target:
                    break
            f.write("".join(chunk))
    print("%s: %d bytes, %d distinct stacks" % (args.out, written, len(lines)), file=sys.stderr)


if __name__ == "__main__":
    main()
