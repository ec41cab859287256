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
- `profviz --merge` and `load --merge` store one profile equal to the merge;
- folded stacks written from an exact tree read back as the same stacks, and
  those of a pstats dump say they are estimated and sum to the chart's time.
"""
import glob
import gzip
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.request

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
            for oracle in (path[:-5] + ".expected.json", path[:-5] + ".expected.json.gz"):
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


def norm_key(key):
    """A key as profviz writes it: a code object (`python -m profile`) by
    its display name (loader/pstats.c)."""
    file, line, name = key
    if hasattr(name, "co_name"):
        name = '<code object %s, file "%s", line %d>' % (name.co_name, name.co_filename,
                                                         name.co_firstlineno)
    return (file, line, name)


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
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
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

    def test_every_dump_that_loads_writes_stably_and_loads_in_pstats(self):
        dirs = [os.path.join(DATA, d) for d in ("pstats", "realworld", "recorded", "groundtruth")]
        if SHARED and os.path.isdir(os.path.join(SHARED, "corpus")):
            dirs += [os.path.join(SHARED, "corpus"), os.path.join(SHARED, "realworld")]
        written = 0
        for d in dirs:
            for src in sorted(glob.glob(os.path.join(d, "*.prof"))):
                with self.subTest(src):
                    out = self.path("out.prof")
                    got = run("export", "--db", self.db, src, "--pstats", out, check=False)
                    if got.returncode != 0:
                        # A damaged file: refused when loaded, never written.
                        self.assertNotIn("profviz export:", got.stderr)
                        continue
                    pstats.Stats(out)
                    self.check_stable(out)
                    written += 1
        self.assertGreater(written, 80)

    def test_stack_formats_load_in_pstats_with_every_function(self):
        n = 0
        for kind in ("folded", "speedscope", "cpuprofile", "callgrind"):
            for src in sorted(glob.glob(os.path.join(DATA, "formats", kind, "*"))):
                if src.endswith(".expected.json") or src.endswith(".c"):
                    continue
                with self.subTest(os.path.basename(src)):
                    got = run("stats", "--json", "--db", self.db, src, check=False)
                    if got.returncode != 0:
                        continue  # a file the reader refuses
                    doc = json.loads(got.stdout)
                    if doc["nfuncs"] == 0:
                        continue  # nothing to write: export refuses it
                    out, _ = self.write(src)
                    st = pstats.Stats(out)
                    # Functions sharing a key are written under distinct names.
                    self.assertEqual(len(st.stats), doc["nfuncs"])
                    self.assertEqual(st.total_calls, doc["total_calls"])
                    self.check_stable(out)
                    n += 1
        self.assertGreater(n, 40)

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


def py3_dumps():
    """Committed dumps Python 3's pstats reads (no Python-2 marshal)."""
    out = []
    for dump, oracle in oracle_dumps(os.path.join(DATA, "pstats")):
        o = load_json(oracle)
        if o["oracle_source"].startswith("pstats.Stats (Python 3"):
            out.append(dump)
    return out


class Atomic(Tmp):
    def test_a_failed_export_leaves_the_old_file_and_no_temporary(self):
        dest = self.path("keep.prof")
        with open(dest, "w") as f:
            f.write("old")
        empty = os.path.join(DATA, "formats", "callgrind", "edge_empty_body.callgrind")
        got = run("export", "--db", self.db, empty, "--pstats", dest, check=False)
        self.assertEqual(got.returncode, 2)
        self.assertIn("holds no function", got.stderr)
        with open(dest) as f:
            self.assertEqual(f.read(), "old")
        self.assertEqual(sorted(os.listdir(self.tmp.name)), ["keep.prof", "p.db"])


class Merge(Tmp):
    def merge(self, *files, name="m.prof"):
        out = self.path(name)
        got = run("merge", *files, "-o", out)
        return out, got

    def test_n_copies_multiply_every_figure_by_n(self):
        for dump in py3_dumps()[:12] + [os.path.join(DATA, "recorded", "fib.prof")]:
            with self.subTest(os.path.basename(dump)):
                one = stats_of(dump)
                out, _ = self.merge(dump, dump, dump)
                three = stats_of(out)
                self.assertEqual(list(three), list(one))
                for key, (cc, nc, tt, ct, callers) in one.items():
                    m = three[key]
                    self.assertEqual((m[0], m[1]), (3 * cc, 3 * nc))
                    # Three additions round up to three times: not == 3 * t.
                    self.assertTrue(math.isclose(m[2], 3 * tt, rel_tol=1e-12, abs_tol=1e-300))
                    self.assertTrue(math.isclose(m[3], 3 * ct, rel_tol=1e-12, abs_tol=1e-300))
                    self.assertEqual(list(m[4]), list(callers))
                    for c, v in callers.items():
                        if isinstance(v, int):
                            self.assertEqual(m[4][c], 3 * v)
                        else:
                            self.assertEqual(m[4][c][:2], (3 * v[0], 3 * v[1]))

    def test_different_files_agree_with_pstats_add_exactly(self):
        files = py3_dumps()
        pairs = [(files[i], files[i + 1]) for i in range(0, len(files) - 1, 2)]
        pairs.append((os.path.join(DATA, "pstats", "real_pydoc.prof"),
                      os.path.join(DATA, "pstats", "real_compileall.prof")))
        for a, b in pairs:
            with self.subTest((os.path.basename(a), os.path.basename(b))):
                try:
                    want = pstats.Stats(a, b)
                except TypeError:
                    # pstats refuses a count edge meeting a tuple edge: so does merge.
                    got = run("merge", a, b, "-o", self.path("x.prof"), check=False)
                    self.assertEqual(got.returncode, 2)
                    self.assertIn("pstats.Stats.add refuses the same", got.stderr)
                    continue
                out, _ = self.merge(a, b)
                got = pstats.Stats(out)
                self.assertEqual(list(got.stats), [norm_key(k) for k in want.stats])
                for key, v in want.stats.items():
                    g = got.stats[norm_key(key)]
                    self.assertEqual(g[:4], v[:4], key)
                    self.assertEqual(list(g[4].items()),
                                     [(norm_key(c), x) for c, x in v[4].items()], key)
                self.assertEqual((got.total_calls, got.prim_calls),
                                 (want.total_calls, want.prim_calls))
                self.assertTrue(math.isclose(got.total_tt, want.total_tt, rel_tol=1e-12))

    def test_two_exact_trees_merge_path_by_path(self):
        a = self.path("a.folded")
        b = self.path("b.folded")
        with open(a, "w") as f:
            f.write("main;parse;read 4\nmain;parse 1\nmain;run;step 10\n")
        with open(b, "w") as f:
            f.write("main;parse;read 6\nmain;run;other 2\nidle 3\n")
        out, got = self.merge(a, b)
        self.assertIn("these files measure samples, not time", got.stderr)
        folded = self.path("m.folded")
        run("export", "--db", self.db, out, "--folded", folded)
        with open(folded) as f:
            lines = [ln for ln in f.read().splitlines() if not ln.startswith("#")]
        self.assertEqual(sorted(lines), sorted([
            "main;parse;read 10", "main;parse 1", "main;run;step 10", "main;run;other 2",
            "idle 3"]))
        doc = json.loads(run("stats", "--json", "--db", self.db, out).stdout)
        self.assertEqual((doc["unit"], doc["calls_unit"]), ("samples", "samples"))

    def test_units_that_do_not_add_up_are_refused(self):
        folded = self.path("s.folded")
        with open(folded, "w") as f:
            f.write("main;work 7\n")
        dump = os.path.join(DATA, "pstats", "recursion.prof")
        got = run("merge", dump, folded, "-o", self.path("x.prof"), check=False)
        self.assertEqual(got.returncode, 2)
        self.assertIn("recursion.prof (in seconds)", got.stderr)
        self.assertIn("s.folded (in samples)", got.stderr)
        self.assertFalse(os.path.exists(self.path("x.prof")))

    def test_a_tree_only_some_files_have_is_dropped_with_a_warning(self):
        out, got = self.merge(os.path.join(DATA, "recorded", "fib.prof"),
                              os.path.join(DATA, "pstats", "recursion.prof"))
        self.assertIn("recursion.prof has none", got.stderr)
        with open(out, "rb") as f:
            self.assertNotIn(b"\x89PVTREE\n", f.read())

    def test_merge_flag_stores_one_profile_equal_to_the_merge(self):
        files = [os.path.join(DATA, "recorded", n) for n in ("fib.prof", "chain.prof", "diamond.prof")]
        out, _ = self.merge(*files)
        other = os.path.join(self.tmp.name, "other.db")
        got = run("load", "--db", other, "--merge", *files)
        self.assertIn("3 files merged: fib.prof, chain.prof, diamond.prof", got.stdout)
        pid = got.stdout.split()[0]
        stored = json.loads(run("stats", "--json", "--db", other, pid).stdout)
        merged = json.loads(run("stats", "--json", "--db", self.db, out).stdout)
        for key in ("total_calls", "prim_calls", "total_tt", "nfuncs", "ncaller_edges",
                    "functions", "unit", "calls_unit"):
            self.assertEqual(stored[key], merged[key], key)
        # The same tree: its folded stacks, path by path.
        a, b = self.path("a.folded"), self.path("b.folded")
        run("export", "--db", other, pid, "--folded", a)
        run("export", "--db", self.db, out, "--folded", b)
        with open(a) as fa, open(b) as fb:
            self.assertEqual(fa.read(), fb.read())
        # The stored bytes reload to the same profile (they are the dump).
        raw = self.path("raw.prof")
        run("export", "--db", other, pid, "--pstats", raw)
        with open(raw, "rb") as fa, open(out, "rb") as fb:
            self.assertEqual(fa.read(), fb.read())

    def test_view_merge_serves_the_merge(self):
        files = [os.path.join(DATA, "recorded", n) for n in ("fib.prof", "chain.prof")]
        out, _ = self.merge(*files)
        want = json.loads(run("stats", "--json", "--db", self.db, out).stdout)
        proc = subprocess.Popen([PROFVIZ, "--merge", "-s", "-p", "0", "--db",
                                 self.path("view.db"), *files], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            url = proc.stdout.readline().strip()
            base, pid = url.rsplit("/p/", 1)
            with urllib.request.urlopen("%s/api/profiles/%s" % (base, pid)) as r:
                doc = json.load(r)
            self.assertEqual(doc["name"], "2 files merged: fib.prof, chain.prof")
            self.assertEqual((doc["total_calls"], doc["n_funcs"], doc["n_edges"]),
                             (want["total_calls"], want["nfuncs"], want["ncaller_edges"]))
            with urllib.request.urlopen("%s/api/profiles/%s/tree" % (base, pid)) as r:
                tree = json.load(r)
            self.assertTrue(tree["root"]["exact"])
        finally:
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=30)

    def test_merge_flag_keeps_samples(self):
        a, b = self.path("a.folded"), self.path("b.folded")
        for path, text in ((a, "main;f 2\n"), (b, "main;g 3\n")):
            with open(path, "w") as f:
                f.write(text)
        got = run("load", "--db", self.db, "-q", "--merge", a, b)
        doc = json.loads(run("stats", "--json", "--db", self.db, got.stdout.strip()).stdout)
        self.assertEqual((doc["unit"], doc["calls_unit"]), ("samples", "samples"))
        self.assertEqual(doc["total_tt"], 5)


# What the other readers take (speedscope's importFromBGFlameGraph and
# flamegraph.pl's stack line), and a comment neither turns into a stack.
SPEEDSCOPE_LINE = re.compile(r"^(.*) (\d+)$")
FLAMEGRAPH_LINE = re.compile(r"^(.*)\s+?(\d+(?:\.\d*)?)$")


class Folded(Tmp):
    def export(self, src, name="out.folded", whole=True):
        """The folded text; every line one speedscope reads when `whole`
        (a fractional weight is a decimal, which only flamegraph.pl reads)."""
        out = self.path(name)
        run("export", "--db", self.db, src, "--folded", out)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        for ln in text.splitlines():
            if ln.startswith("#"):
                self.assertIsNone(SPEEDSCOPE_LINE.match(ln), ln)
                self.assertIsNone(FLAMEGRAPH_LINE.match(ln), ln)
            else:
                if whole:
                    self.assertIsNotNone(SPEEDSCOPE_LINE.match(ln), ln)
                self.assertIsNotNone(FLAMEGRAPH_LINE.match(ln), ln)
        return text

    def test_an_exact_tree_reads_back_as_the_same_stacks(self):
        src = self.path("in.folded")
        with open(src, "w") as f:
            f.write("a;b;c 5\na;b 2\na;d;c 1\nx 9\n")
        text = self.export(src)
        self.assertFalse(text.startswith("# estimated"))
        lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
        self.assertEqual(sorted(lines), sorted(["a;b;c 5", "a;b 2", "a;d;c 1", "x 9"]))
        # profviz reads its own output back: the same again.
        again = self.path("again.folded")
        with open(again, "w") as f:
            f.write(text)
        self.assertEqual(self.export(again, "again_out.folded"), text)

    def test_every_folded_fixture_reads_back_with_its_total(self):
        n = 0
        for src in sorted(glob.glob(os.path.join(DATA, "formats", "folded", "*"))):
            if src.endswith(".json"):
                continue
            with self.subTest(os.path.basename(src)):
                got = run("stats", "--json", "--db", self.db, src, check=False)
                if got.returncode != 0:
                    continue  # a file the reader refuses
                want = json.loads(got.stdout)
                with open(src, "rb") as f:
                    whole = not re.search(rb"\d\.\d*\s*$", f.read(), re.M)
                text = self.export(src, whole=whole)
                back = self.path("back.folded")
                with open(back, "w", encoding="utf-8") as f:
                    f.write(text)
                doc = json.loads(run("stats", "--json", "--db", self.db, back).stdout)
                self.assertEqual(doc["total_tt"], want["total_tt"])
                n += 1
        self.assertGreater(n, 10)

    def test_a_recorded_tree_keeps_its_paths_in_nanoseconds(self):
        src = os.path.join(DATA, "recorded", "fib.prof")
        text = self.export(src)
        lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
        self.assertIn("# weights: each path's own time in nanoseconds", text)
        # Each function's own time is the sum over its paths (as the last
        # frame), to the nanosecond each path was rounded to.
        own = {}
        for ln in lines:
            stack, w = ln.rsplit(" ", 1)
            own[stack.split(";")[-1]] = own.get(stack.split(";")[-1], 0) + int(w)
        for (file, line, name), (cc, nc, tt, ct, callers) in pstats.Stats(src).stats.items():
            frame = name if file == "~" else "%s (%s:%d)" % (name, file, line)
            if tt > 0:
                self.assertLessEqual(abs(own.get(frame, 0) - tt * 1e9), len(lines), frame)

    def test_a_pstats_dump_is_marked_estimated_and_sums_to_its_time(self):
        src = os.path.join(DATA, "pstats", "recursion.prof")
        text = self.export(src)
        self.assertTrue(text.startswith("# estimated:"), text[:80])
        lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
        total = sum(int(ln.rsplit(" ", 1)[1]) for ln in lines)
        st = pstats.Stats(src)
        self.assertLessEqual(abs(total - st.total_tt * 1e9), len(lines) + 1)
        # profviz reads it back (as samples of nanoseconds).
        back = self.path("back.folded")
        with open(back, "w") as f:
            f.write(text)
        doc = json.loads(run("stats", "--json", "--db", self.db, back).stdout)
        self.assertEqual(doc["total_tt"], total)


def main():
    global PROFVIZ, DATA
    PROFVIZ, DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)


if __name__ == "__main__":
    main()
