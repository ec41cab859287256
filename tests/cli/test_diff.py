"""`profviz diff BASE NEW` as a user drives it.

Usage: test_diff.py PROFVIZ DATA_DIR
- --table on the synthetic pair with one regression (tests/data/diff) puts
  that function first with its change, and the rest at zero;
- ids work as well as files, --share compares shares of the totals, and
  -n / --sort shape the table;
- profiles of different units, a missing profile and bad options are
  refused with a reason and the documented exit status;
- without --table it serves: the printed URL opens the comparison, whose
  view carries BASE's figures, and Ctrl-C stops it.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.request

PROFVIZ = DATA = None


def run(*args):
    return subprocess.run([PROFVIZ, *args], capture_output=True, text=True, timeout=60)


class Diff(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "s.db")
        self.base = os.path.join(DATA, "diff", "base.prof")
        self.slower = os.path.join(DATA, "diff", "slower.prof")

    def tearDown(self):
        self.tmp.cleanup()

    def rows(self, out):
        """The table's rows: (d_tottime, d_cumtime, d_calls, function)."""
        lines = out.split("\n\n", 1)[1].splitlines()[1:]
        return [(ln.split()[0], ln.split()[1], ln.split()[2], ln.split()[5]) for ln in lines]

    def test_table_puts_the_regression_first(self):
        got = run("diff", "--db", self.db, "--table", self.base, self.slower)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertIn("total: 11.000000 s against 10.000000 s (+10.0%)", got.stdout)
        rows = self.rows(got.stdout)
        self.assertEqual(len(rows), 7)
        self.assertEqual(rows[0], ("+1.000000", "+1.000000", "0", "f.py:30(c)"))
        self.assertTrue(all(r[0] == "0" for r in rows[1:]), rows)

    def test_ids_share_limit_and_sort(self):
        self.assertEqual(run("load", "--db", self.db, self.base, self.slower).returncode, 0)
        got = run("diff", "--db", self.db, "--table", "--share", "-n", "2", "--sort", "cumtime",
                  "1", "2")
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertIn("in shares of each total", got.stdout)
        rows = self.rows(got.stdout)
        self.assertEqual(len(rows), 2)
        # b: 3 of 10 s, then 4 of 11 s: the largest change of share
        # (c's goes from 4/10 to 5/11).
        self.assertEqual(rows[0][3], "f.py:20(b)")
        self.assertAlmostEqual(float(rows[0][1]), 4 / 11 - 3 / 10, places=6)
        self.assertEqual(rows[1][3], "f.py:30(c)")

    def test_what_cannot_be_compared_is_refused(self):
        folded = os.path.join(DATA, "formats", "folded",
                              "flamegraph__perf-js-stacks-01-collapsed-jit.txt")
        got = run("diff", "--db", self.db, "--table", self.base, folded)
        self.assertEqual(got.returncode, 2)
        self.assertIn("measures seconds and profile 2 samples", got.stderr)
        got = run("diff", "--db", self.db, "--table", self.base, "77")
        self.assertEqual(got.returncode, 2)
        self.assertIn("no profile 77", got.stderr)
        for args in (["1"], ["-n", "3", "1", "2"], ["--table", "--sort", "name", "1", "2"],
                     ["-b", "x", "-s", "1", "2"]):
            got = run("diff", "--db", self.db, *args)
            self.assertEqual(got.returncode, 1, args)
            self.assertIn("profviz diff:", got.stderr)

    def test_serves_the_comparison(self):
        proc = subprocess.Popen([PROFVIZ, "diff", "-s", "-p", "0", "--db", self.db, self.base,
                                 self.slower], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            url = proc.stdout.readline().strip()
            m = re.fullmatch(r"(http://127\.0\.0\.1:\d+)/p/2\?v=1&sort=tottime&base=1", url)
            self.assertTrue(m, url)
            with urllib.request.urlopen(url, timeout=10) as r:
                self.assertIn(b"<html", r.read())
            with urllib.request.urlopen(m.group(1) + "/api/profiles/2/tree?base=1&cutoff=0",
                                        timeout=10) as r:
                view = json.load(r)
            self.assertEqual(view["root"]["delta"], 1.0)
            self.assertEqual(view["base"]["id"], 1)
        finally:
            proc.send_signal(signal.SIGINT)
            self.assertEqual(proc.wait(timeout=30), 0)
            proc.stdout.close()
            proc.stderr.close()


if __name__ == "__main__":
    PROFVIZ, DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=1)
