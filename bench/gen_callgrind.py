#!/usr/bin/env python3
"""gen_callgrind.py - writes a synthetic callgrind file as valgrind writes one,
for the reader's throughput (bench/README.md, "callgrind").

    python3 bench/gen_callgrind.py [--mb 100] [--funcs 20000] [--seed 1] -o OUT

The file has valgrind's header (version, creator, positions: instr line,
events: Ir Dr Dw), name compression with ids defined on first use, one
object per 500 functions, fi=/fe= inline switches, hex and relative
positions, per-call cob=/cfi=/cfn=, jump lines, and a call DAG under one
main.  Function blocks repeat (as valgrind writes one block per context)
until the file reaches --mb megabytes.  Deterministic for a seed.
"""
import argparse
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--funcs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    n = args.funcs
    target = int(args.mb * 1e6)
    defined = {"ob": set(), "fl": set(), "fn": set()}

    def name(kind, i, text):
        if i in defined[kind]:
            return "(%d)" % (i + 1)
        defined[kind].add(i)
        return "(%d) %s" % (i + 1, text)

    def obj(f):
        return f // 500

    def file_of(f):
        return f // 40

    with open(args.out, "w") as out:
        out.write("# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npid: 1\n"
                  "cmd:  ./synthetic\npart: 1\n\npositions: instr line\nevents: Ir Dr Dw\n\n")
        size = 0
        block = 0
        while size < target:
            lines = []
            f = block % n
            block += 1
            addr = 0x400000 + f * 0x100
            line = 10 + f % 300
            lines.append("ob=" + name("ob", obj(f), "/usr/lib/libsynthetic%d.so" % obj(f)))
            lines.append("fl=" + name("fl", file_of(f), "/src/module%d.c" % file_of(f)))
            lines.append("fn=" + name("fn", f, "function_%d" % f))
            lines.append("0x%x %d %d %d %d" % (addr, line, rnd.randint(1, 900), rnd.randint(0, 300),
                                              rnd.randint(0, 100)))
            for _ in range(rnd.randint(2, 6)):
                lines.append("+%d +%d %d %d" % (rnd.randint(1, 16), rnd.randint(0, 2),
                                                rnd.randint(1, 500), rnd.randint(0, 200)))
            if f % 7 == 0:
                lines.append("fi=" + name("fl", n // 40 + 1 + f % 10, "/usr/include/inline%d.h" % (f % 10)))
                lines.append("+4 * %d" % rnd.randint(1, 100))
                lines.append("fe=" + name("fl", file_of(f), ""))
            if f % 5 == 0:
                lines.append("jcnd=%d/%d +8 *" % (rnd.randint(0, 9), 10))
                lines.append("+8 *")
            # Calls go to later functions only: a DAG under function_0.
            for _ in range(rnd.randint(1, 4) if f < n - 1 else 0):
                g = rnd.randint(f + 1, min(n - 1, f + 400))
                if obj(g) != obj(f):
                    lines.append("cob=" + name("ob", obj(g), "/usr/lib/libsynthetic%d.so" % obj(g)))
                if file_of(g) != file_of(f):
                    lines.append("cfi=" + name("fl", file_of(g), "/src/module%d.c" % file_of(g)))
                lines.append("cfn=" + name("fn", g, "function_%d" % g))
                lines.append("calls=%d 0x%x %d" % (rnd.randint(1, 50), 0x400000 + g * 0x100, 10 + g % 300))
                lines.append("* * %d %d %d" % (rnd.randint(100, 100000), rnd.randint(0, 9000),
                                               rnd.randint(0, 900)))
            text = "\n".join(lines) + "\n\n"
            out.write(text)
            size += len(text)


if __name__ == "__main__":
    main()
