#!/usr/bin/env python3
"""Writes a synthetic speedscope file shaped like py-spy's (one sampled
profile per thread, frames "name (file:line)" shared by all, deep stacks
that change a few frames at a time from one sample to the next) of about
SIZE megabytes, for bench_load's speedscope figures.  Deterministic for a
seed.

    python3 bench/gen_speedscope.py [--mb 100] [--threads 8] [--frames 5000] [--seed 1] -o OUT
"""
import argparse
import json
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--frames", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    frames = [{"name": "func_%d" % i, "file": "/srv/app/pkg%d/mod%d.py" % (i % 37, i % 211),
               "line": 1 + (i * 7919) % 2000} for i in range(a.frames)]
    budget = int(a.mb * 1e6)
    per_thread = budget // a.threads
    with open(a.out, "w") as out:
        out.write('{"$schema":"https://www.speedscope.app/file-format-schema.json",'
                  '"exporter":"gen_speedscope.py","name":"synthetic","activeProfileIndex":0,'
                  '"shared":{"frames":')
        json.dump(frames, out, separators=(",", ":"))
        out.write('},"profiles":[')
        for t in range(a.threads):
            stack = [rng.randrange(100)]
            samples, written = [], 0
            while written < per_thread:
                # A few frames popped and a few pushed: py-spy's samples of a
                # busy program share long prefixes.
                del stack[max(1, len(stack) - rng.randrange(4)):]
                for _ in range(rng.randrange(4)):
                    if len(stack) < 60:
                        stack.append(rng.randrange(a.frames) if rng.random() < 0.2
                                     else (stack[-1] * 31 + 7) % a.frames)
                text = "[" + ",".join(map(str, stack)) + "]"
                samples.append(text)
                written += len(text) + 7
            out.write('%s{"type":"sampled","name":"Thread %d","unit":"seconds","startValue":0,'
                      '"endValue":%g,"samples":[' % ("," if t else "", 1000 + t, len(samples) * 0.01))
            out.write(",".join(samples))
            out.write('],"weights":[')
            out.write(",".join(["0.01"] * len(samples)))
            out.write("]}")
        out.write("]}\n")


if __name__ == "__main__":
    main()
