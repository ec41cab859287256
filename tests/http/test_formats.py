"""Profiles of other formats than pstats, end to end, over real sockets.

Usage: test_formats.py PROFVIZ DATA_DIR

Reuses test_http.py's Server.  Checks, against the real binary:
- a folded-stacks file stored with `profviz load` is served by
  `profviz serve` as what it is: format, unit and choices in the summary
  and the listing, its functions in samples, its exact tree, its raw bytes;
- `profviz stats` prints it in samples, with a "samples" column;
- `profviz FILE` serves it, and takes --format (and refuses --event);
- `profviz upload --format folded` sends the format to the server, and a
  format the file is not is refused with the reader's message.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import test_http
from test_http import Server


def folded_fixture(name):
    return os.path.join(test_http.DATA, "formats", "folded", name)


def run(*args):
    return subprocess.run([test_http.PROFVIZ, *args], capture_output=True, text=True)


class FoldedEndToEnd(unittest.TestCase):
    def test_load_then_serve_then_read_back(self):
        path = folded_fixture("inferno__bad-lines.txt")
        with open(path + ".expected.json") as f:
            oracle = json.load(f)["profiles"][0]
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "s.db")
            got = run("load", "--db", db, path)
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertIn("2 lines ignored", got.stderr)
            pid = int(got.stdout.split("\t")[0])
            s = Server("--db", db)
            try:
                listed = s.json("GET", "/api/profiles")["profiles"]
                self.assertEqual([p["id"] for p in listed], [pid])
                summary = s.json("GET", "/api/profiles/%d" % pid)
                for doc in (listed[0], summary):
                    self.assertEqual((doc["format"], doc["unit"], doc["calls_unit"],
                                      doc["variant"], doc["choices"]),
                                     ("folded", "samples", "samples", "", []))
                self.assertEqual(summary["tree"], "recorded")
                self.assertEqual(summary["total_tt"], oracle["total_weight"])
                self.assertTrue(any("lines 3, 6" in w for w in summary["warnings"]))
                rows = s.json("GET", "/api/profiles/%d/functions?limit=1000" % pid)["rows"]
                want = {f["name"]: (f["self"], f["total"]) for f in oracle["functions"]}
                self.assertEqual({r["name"]: (r["tt"], r["ct"]) for r in rows}, want)
                status, headers, raw = s.request("GET", "/api/profiles/%d/raw" % pid)
                self.assertEqual(status, 200)
                with open(path, "rb") as f:
                    self.assertEqual(raw, f.read())
                tree = s.json("GET", "/api/profiles/%d/tree?depth=3" % pid)
                self.assertEqual(tree["root"]["time"], oracle["total_weight"])
            finally:
                rc, err = s.stop()
                self.assertEqual(rc, 0, err)
            got = run("stats", "--db", db, "-n", "1", str(pid))
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertIn("607 samples", got.stdout)
            self.assertIn("Times (tottime, percall, cumtime, percall) in samples", got.stdout)
            self.assertIn("  samples  tottime  percall  cumtime  percall filename:lineno(function)",
                          got.stdout)
            self.assertIn(" main\n", got.stdout)

    def test_view_serves_a_folded_file_and_takes_the_options(self):
        path = folded_fixture("inferno__austin-flames.txt")
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "v.db")
            # An option the format has no use for: refused before serving.
            got = run("-s", "-p", "0", "--db", db, "--event", "Ir", path)
            self.assertEqual(got.returncode, 2)
            self.assertIn("no event to choose", got.stderr)
            s = Server(view=["-s", "-p", "0", "--db", db, "--format", "folded", path])
            try:
                pid = int(s.url.rsplit("/", 1)[1])
                summary = s.json("GET", "/api/profiles/%d" % pid)
                self.assertEqual((summary["format"], summary["writer"], summary["total_tt"]),
                                 ("folded", "austin", 291))
            finally:
                s.stop()

    def test_upload_sends_the_format(self):
        path = folded_fixture("speedscope__simple.txt")
        s = Server()
        try:
            url = "http://%s:%d" % (s.host, s.port)
            got = run("upload", "--server", url, "--format", "pstats", path)
            self.assertEqual(got.returncode, 2)
            self.assertIn("not a pstats dump", got.stderr)
            got = run("upload", "--server", url, "--format", "folded", path)
            self.assertEqual(got.returncode, 0, got.stderr)
            pid = int(got.stdout.strip().rsplit("/", 1)[1])
            self.assertEqual(s.json("GET", "/api/profiles/%d" % pid)["format"], "folded")
        finally:
            s.stop()


if __name__ == "__main__":
    test_http.PROFVIZ = os.path.abspath(sys.argv[1])
    test_http.DATA = os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1], verbosity=2)
