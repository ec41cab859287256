#!/usr/bin/env python3
"""Writes a changed copy of a pstats dump, for benchmarking comparisons:
every tenth function (by sorted key) 1.5 times slower in its own time (its
callers' cumulative times are left as they were: the figures stay within
what a pstats reader accepts, and the comparison has changes to find), and
every twentieth moved three lines down (as an edit above it would).

Usage: perturb_pstats.py IN.prof OUT.prof
"""
import marshal
import sys


def main():
    src, dst = sys.argv[1:3]
    with open(src, "rb") as f:
        stats = marshal.load(f)
    keys = sorted(stats)
    slower = set(keys[::10])
    moved = {k: (k[0], k[1] + 3, k[2]) for k in keys[5::20] if k[0] != "~"}
    rename = lambda k: moved.get(k, k)
    out = {}
    for k, (cc, nc, tt, ct, callers) in stats.items():
        factor = 1.5 if k in slower else 1.0
        out[rename(k)] = (cc, nc, tt * factor, ct + tt * (factor - 1),
                          {rename(c): v for c, v in callers.items()})
    with open(dst, "wb") as f:
        marshal.dump(out, f)


if __name__ == "__main__":
    main()
