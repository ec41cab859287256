"""The JSON formats end to end (Python standard library only).

Usage: test_formats_json.py PROFVIZ DATA_DIR

`profviz load` stores a speedscope file (two evented profiles, each under a
top frame named after it) and a `node --cpu-prof` profile, found by
content; `profviz serve` on port 0 then answers for them: the summary says
the format, the tree is the file's own (exact, recorded), and the table's
figures are the file's, in its unit.
"""
import json
import os
import select
import subprocess
import sys
import tempfile
import unittest
import urllib.request

PROFVIZ = DATA = None


class FormatsEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        db = os.path.join(cls.tmp.name, "s.db")
        files = [os.path.join(DATA, "formats", "speedscope", "hand-evented-two.speedscope.json"),
                 os.path.join(DATA, "formats", "cpuprofile", "node_prog.cpuprofile")]
        out = subprocess.run([PROFVIZ, "load", "--db", db, "-q", *files], check=True,
                             capture_output=True, text=True).stdout.split()
        cls.speedscope, cls.cpuprofile = int(out[0]), int(out[1])
        cls.proc = subprocess.Popen([PROFVIZ, "serve", "--db", db, "-p", "0"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    env=dict(os.environ, XDG_CACHE_HOME=cls.tmp.name))
        ready = select.select([cls.proc.stdout], [], [], 20)[0]
        cls.url = cls.proc.stdout.readline().decode().strip().rstrip("/") if ready else ""
        if not cls.url:
            cls.proc.kill()
            raise AssertionError("profviz serve printed no URL")

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(20)
        cls.proc.stdout.close()
        cls.tmp.cleanup()

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return json.loads(r.read())

    def test_speedscope_profiles_are_top_frames_of_an_exact_tree(self):
        s = self.get("/api/profiles/%d" % self.speedscope)
        self.assertEqual(s["format"], "speedscope")
        self.assertEqual(s["writer"], "profviz hand-made fixture")
        self.assertEqual(s["tree"], "recorded")
        self.assertEqual([(r["name"], r["time"]) for r in s["roots"]],
                         [("MainThread", 29), ("worker", 19)])
        tree = self.get("/api/profiles/%d/tree?depth=4" % self.speedscope)
        main = tree["root"]["children"][0]["children"][0]
        self.assertEqual((main["name"], main["file"], main["line"]), ("main", "app/main.py", 10))
        self.assertEqual((main["time"], main["self"], main["calls"]), (29, 4, 2))
        self.assertTrue(main["exact"])
        walk = [c for c in main["children"] if c["name"] == "walk"][0]
        self.assertEqual((walk["time"], walk["calls"]), (8, 1))  # 103 .. 111
        self.assertEqual(walk["children"][0]["name"], "walk")  # recursion, below itself
        rows = self.get("/api/profiles/%d/functions?sort=tottime" % self.speedscope)["rows"]
        self.assertEqual((rows[0]["name"], rows[0]["tt"]), ("parse<a;b>", 9 + 5))  # both threads
        names = {r["name"] for r in rows}
        self.assertIn("caf\u00e9 \U0001f600 \"quoted\"", names)

    def test_cpuprofile_is_read_by_content_in_microseconds(self):
        s = self.get("/api/profiles/%d" % self.cpuprofile)
        self.assertEqual((s["format"], s["writer"], s["tree"]), ("cpuprofile", "V8", "recorded"))
        with open(os.path.join(DATA, "formats", "cpuprofile",
                               "node_prog.cpuprofile.expected.json")) as f:
            oracle = [p for p in json.load(f)["profiles"] if p["name"] == "time_us"][0]
        self.assertEqual(s["total_tt"] + 0, oracle["total_weight"] - oracle["empty_stack_weight"])
        rows = self.get("/api/profiles/%d/functions?q=fib" % self.cpuprofile)["rows"]
        fib = [r for r in rows if r["name"] == "fib"][0]
        want = [f for f in oracle["functions"] if f["name"] == "fib"][0]
        self.assertEqual((fib["tt"], fib["ct"], fib["line"]), (want["self"], want["total"], 6))
        self.assertGreater(fib["nc"], fib["cc"])  # recursive samples
        butterfly = self.get("/api/profiles/%d/functions/%d" % (self.cpuprofile, fib["id"]))
        self.assertIn("fib", [c["name"] for c in butterfly["callers"]])
        tree = self.get("/api/profiles/%d/tree?depth=64&cutoff=0" % self.cpuprofile)
        self.assertEqual(tree["root"]["time"], s["total_tt"])


if __name__ == "__main__":
    PROFVIZ, DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
