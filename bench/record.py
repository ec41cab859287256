#!/usr/bin/env python3
"""record.py — what `profviz record` costs next to `python -m cProfile`.

    python3 bench/record.py [--runs N] [--python PY] [--profviz PATH] [--only NAME]

Four real standard-library workloads, each run bare (`PY ...`), under
`PY -m cProfile -o OUT ...` and under `profviz record -o OUT ...`, one
after the other on the same machine, best of N (default 5) for wall time
and for peak RSS (the largest resident set of the process tree, from
wait4: profviz's own and the Python's it starts).  The recorder is built
once before timing (its cache is a temporary folder), so no run pays
for the compile.

  compileall  PY -m compileall -q -f on a copy of nine stdlib packages
              (asyncio, email, http, importlib, json, logging,
              multiprocessing, unittest, xml; -f: every run compiles all)
  json        PY -m json.tool on a 30 MB JSON file, written to /dev/null
  unittest    PY -m unittest on a generated module of 400 small tests
              (assertEqual/assertRaises/subTest over dicts and strings)
  re          a script running 20 patterns over 2 MB of text (findall,
              sub with a function, split, fullmatch per line)

The target, so that recording costs no more than the profiler users already
run, is at most 1.3x cProfile's time and memory; the
last columns are profviz record / cProfile.  Results: bench/results/record.txt.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

UNITTEST = '''
import unittest
class T(unittest.TestCase):
    pass
def make(i):
    def test(self):
        d = {str(k): [k] * (k % 7) for k in range(60 + i % 40)}
        self.assertEqual(len(d), 60 + i % 40)
        for k, v in d.items():
            with self.subTest(k=k):
                self.assertEqual(v, [int(k)] * (int(k) % 7))
        with self.assertRaises(KeyError):
            d["missing"]
        self.assertIn("1", d)
        self.assertTrue(" ".join(d).startswith("0"))
    return test
for i in range(400):
    setattr(T, "test_%03d" % i, make(i))
'''

RE_SCRIPT = '''
import re, sys
text = open(sys.argv[1]).read()
pats = [r"\\b\\w+ing\\b", r"(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})", r"[A-Z][a-z]+ [A-Z][a-z]+",
        r"\\s+", r"(?i)error|warn(?:ing)?", r"\\w+@\\w+\\.com", r"\\(([^)]*)\\)", r"\\d+", r"[aeiou]{2,}",
        r"^\\w+", r"(\\w)\\1", r"\\b(\\w+) \\1\\b", r"[^\\x00-\\x7f]", r"x+y*z?", r"\\w{8,}", r"[.,;:]",
        r"(?m)^$", r"#\\w+", r"\\$\\d+(?:\\.\\d\\d)?", r"(?<=a)b"]
n = 0
for p in pats:
    n += len(re.findall(p, text))
n += len(re.sub(r"\\d+", lambda m: str(int(m.group()) + 1), text))
n += len(re.split(r"[.!?]\\s", text))
line = re.compile(r"[\\w ,.]+")
n += sum(1 for l in text.splitlines() if line.fullmatch(l))
print(n)
'''

WORDS = ("alpha beta gamma running jumping error warning 192.168.1.20 John Smith "
         "bob@example.com (note) 12345 queue aardvark book #tag $12.50 ab naive").split()


def prepare(tmp, py):
    """Writes each workload's input into tmp; returns {name: args}."""
    stdlib = sysconfig.get_paths(vars={"base": sys.base_prefix})["stdlib"]
    out = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
                         capture_output=True, text=True, check=True).stdout.strip() or stdlib
    src = os.path.join(tmp, "lib")
    for d in ("asyncio", "email", "http", "importlib", "json", "logging", "multiprocessing",
              "unittest", "xml"):
        shutil.copytree(os.path.join(out, d), os.path.join(src, d),
                        ignore=shutil.ignore_patterns("__pycache__", "test", "tests"))
    rnd = random.Random(1)
    big = os.path.join(tmp, "big.json")
    with open(big, "w") as f:
        json.dump([{"id": i, "name": "item %d" % i, "tags": [rnd.choice(WORDS) for _ in range(5)],
                    "price": rnd.random() * 100, "nested": {"a": [1, 2, {"b": None}], "ok": True}}
                   for i in range(150000)], f)
    with open(os.path.join(tmp, "test_bench.py"), "w") as f:
        f.write(UNITTEST)
    text = os.path.join(tmp, "text.txt")
    with open(text, "w") as f:
        lines = []
        size = 0
        while size < 2_000_000:
            line = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 14))) + rnd.choice(".!?,")
            lines.append(line)
            size += len(line) + 1
        f.write("\n".join(lines))
    with open(os.path.join(tmp, "re_work.py"), "w") as f:
        f.write(RE_SCRIPT)
    return {
        "compileall": ["-m", "compileall", "-q", "-f", src],
        "json": ["-m", "json.tool", big, os.devnull],
        "unittest": ["-m", "unittest", "-q", "test_bench"],
        "re": ["re_work.py", text],
    }


def measure(argv, cwd, env):
    """Wall seconds and peak RSS (MB) of one run of argv."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("%s failed (%d):\n%s" % (" ".join(argv), p.returncode, err))
    return wall, ru.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--python", default="python3")
    ap.add_argument("--profviz", default=os.path.join(ROOT, "build", "cli", "profviz"))
    ap.add_argument("--only", action="append")
    ap.add_argument("--prepare", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.prepare:
        json.dump(prepare(args.prepare, args.python), sys.stdout)
        return
    # The binary itself, not a wrapper (pyenv's shims are a shell script
    # that would add its own start-up to every run).
    args.python = subprocess.run([args.python, "-c", "import sys; print(sys.executable)"],
                                 capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"),
                   PYTHONDONTWRITEBYTECODE="1")
        # In a process of its own: a child forked from a process that held
        # the big JSON would start with that peak RSS as its own.
        work = json.loads(subprocess.run(
            [sys.executable, __file__, "--python", args.python, "--prepare", tmp],
            capture_output=True, text=True, check=True).stdout)
        out = os.path.join(tmp, "out.prof")
        # Build the recorder now, outside the timings.
        measure([args.profviz, "record", "-o", out, "--python", args.python,
                 "-m", "json.tool", "--help"], tmp, env)
        modes = {
            "bare": lambda w: [args.python, *w],
            "cProfile": lambda w: [args.python, "-m", "cProfile", "-o", out, *w],
            "record": lambda w: [args.profviz, "record", "-o", out, "--python", args.python, *w],
        }
        version = subprocess.run([args.python, "--version"], capture_output=True,
                                 text=True).stdout.strip()
        lines = ["profviz record vs python -m cProfile: %s, best of %d, %s" %
                 (version, args.runs, time.strftime("%Y-%m-%d")),
                 "%-11s %9s %9s %9s %8s %8s %8s %7s %7s" %
                 ("workload", "bare_s", "cprof_s", "record_s", "bare_MB", "cprof_MB",
                  "rec_MB", "t_ratio", "m_ratio")]
        print(lines[0], file=sys.stderr)
        print(lines[1], file=sys.stderr)
        for name, w in work.items():
            if args.only and name not in args.only:
                continue
            best = {}
            for _ in range(args.runs):
                # Interleaved, so a slow spell of the machine hits all three.
                for mode, argv in modes.items():
                    wall, rss = measure(argv(w), tmp, env)
                    b = best.setdefault(mode, [wall, rss])
                    b[0], b[1] = min(b[0], wall), min(b[1], rss)
            row = "%-11s %9.3f %9.3f %9.3f %8.1f %8.1f %8.1f %7.2f %7.2f" % (
                name, best["bare"][0], best["cProfile"][0], best["record"][0],
                best["bare"][1], best["cProfile"][1], best["record"][1],
                best["record"][0] / best["cProfile"][0], best["record"][1] / best["cProfile"][1])
            print(row, file=sys.stderr)
            lines.append(row)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "record.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
