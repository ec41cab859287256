"""The profviz command line, driven as a user would drive it.

Usage: test_cli.py PROFVIZ DATA_DIR
- `profviz stats` prints exactly what Python's own pstats prints, for every
  Python-3 dump of the corpus and every sort key (the first line, the file's
  date and name, aside);
- a damaged file gets exit status 2 and one line on stderr naming the file,
  the byte offset and what was wrong, and the store stays unchanged;
- loading the same bytes twice returns the same id;
- --json is valid JSON with the oracle's fields;
- names and file names holding terminal controls are printed as text;
- what cannot be a store (--db '', a read-only store) or a profile (a FIFO)
  is refused with a message, and a store on a read-only mount is read.
"""
import glob
import io
import json
import marshal
import os
import re
import shutil
import pstats
import sqlite3
import subprocess
import sys
import tempfile
import unittest

PROFVIZ = DATA = None
SORTS = ["cumulative", "tottime", "calls", "pcalls", "name", "file", "line", "stdname", "nfl"]


def run(*args):
    return subprocess.run([PROFVIZ, *args], capture_output=True, text=True,
                          encoding="utf-8", errors="surrogateescape")


def term_safe(text):
    """What profviz prints for pstats' text: the bytes a file name held that
    were not UTF-8 (surrogateescape's U+DC80..U+DCFF) as \\xNN, C0
    controls other than newline likewise."""
    return "".join("\\x%02x" % (ord(c) - 0xDC00) if 0xDC80 <= ord(c) <= 0xDCFF
                   else "\\x%02x" % ord(c) if (ord(c) < 0x20 and c != "\n") or c == "\x7f"
                   else c for c in text)


def py3_dumps():
    out = []
    for path in sorted(glob.glob(os.path.join(DATA, "pstats", "*.prof"))):
        if os.path.basename(path).startswith("bad_"):
            continue
        try:
            st = pstats.Stats(path)
        except Exception:  # Python-2 dumps and the 3.15 marker: Python 3 cannot read them
            continue
        # Python 3 prints Python 2's byte-string keys as b'...'; profviz shows
        # them decoded, which is the point.
        if not any(isinstance(k[0], bytes) for k in st.stats):
            out.append(path)
    return out


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "store.db")

    def tearDown(self):
        self.tmp.cleanup()

    def count_profiles(self):
        with sqlite3.connect(self.db) as c:
            return c.execute("select count(*) from profile").fetchone()[0]

    def test_stats_table_is_what_pstats_prints(self):
        dumps = py3_dumps()
        self.assertGreater(len(dumps), 20)
        for path in dumps:
            for key in SORTS:
                buf = io.StringIO()
                try:
                    pstats.Stats(path, stream=buf).sort_stats(key).print_stats()
                except TypeError:  # pstats cannot order a code object against a str
                    continue
                # pstats shows a code object's repr, memory address included.
                want = term_safe(re.sub(r" at 0x[0-9a-f]+,", ",", buf.getvalue().split("\n", 1)[1]))
                got = run("stats", "--db", self.db, "--sort", key, path)
                self.assertEqual(got.returncode, 0, got.stderr)
                self.assertEqual(got.stdout.split("\n", 1)[1], want, "%s --sort %s" % (path, key))

    def test_a_recorded_file_prints_what_pstats_prints(self):
        # The trailer (docs/recorded-tree.md) changes nothing in the table,
        # and is no "bytes after the profile" warning.
        # (nul_name.prof aside: profviz shows a NUL in a name as U+2400.)
        paths = sorted(p for p in glob.glob(os.path.join(DATA, "recorded", "*.prof"))
                       if not p.endswith("nul_name.prof"))
        self.assertGreater(len(paths), 10)
        for path in paths:
            for key in SORTS:
                buf = io.StringIO()
                pstats.Stats(path, stream=buf).sort_stats(key).print_stats()
                got = run("stats", "--db", self.db, "--sort", key, path)
                self.assertEqual(got.returncode, 0, got.stderr)
                self.assertEqual(got.stderr, "", path)
                self.assertEqual(got.stdout.split("\n", 1)[1], buf.getvalue().split("\n", 1)[1],
                                 "%s --sort %s" % (path, key))

    def test_a_damaged_trailer_is_one_line_with_its_offset_exit_2_and_stores_nothing(self):
        with open(os.path.join(DATA, "recorded", "damaged", "expected.tsv")) as f:
            cases = [line.rstrip("\n").split("\t") for line in f]
        for name, offset, words in cases:
            path = os.path.join(DATA, "recorded", "damaged", name)
            got = run("load", "--db", self.db, path)
            self.assertEqual(got.returncode, 2, path)
            lines = got.stderr.strip().split("\n")
            self.assertEqual(len(lines), 1, got.stderr)
            self.assertTrue(lines[0].startswith("profviz: %s: byte %s: trailer" % (path, offset)),
                            lines[0])
            self.assertIn(words, lines[0])
        self.assertEqual(self.count_profiles(), 0)

    def test_limit_reduces_the_list_like_pstats(self):
        path = os.path.join(DATA, "pstats", "recursion.prof")
        buf = io.StringIO()
        pstats.Stats(path, stream=buf).sort_stats("tottime").print_stats(3)
        got = run("stats", "--db", self.db, "-s", "tottime", "-n", "3", path)
        self.assertEqual(got.stdout.split("\n", 1)[1], buf.getvalue().split("\n", 1)[1])

    def test_damaged_file_is_one_line_exit_2_and_stores_nothing(self):
        good = os.path.join(DATA, "pstats", "recursion.prof")
        self.assertEqual(run("load", "--db", self.db, good).returncode, 0)
        for path in glob.glob(os.path.join(DATA, "pstats", "bad_trunc_*.prof")):
            got = run("load", "--db", self.db, path)
            self.assertEqual(got.returncode, 2, path)
            lines = got.stderr.strip().split("\n")
            self.assertEqual(len(lines), 1, got.stderr)
            self.assertTrue(lines[0].startswith("profviz: %s: byte " % path), lines[0])
            self.assertEqual(got.stdout, "")
        self.assertEqual(self.count_profiles(), 1)

    def test_same_bytes_twice_give_the_same_id(self):
        path = os.path.join(DATA, "pstats", "wide.prof")
        first = run("load", "-q", "--db", self.db, path)
        second = run("load", "-q", "--db", self.db, path)
        self.assertEqual(first.returncode, 0)
        self.assertEqual(first.stdout, second.stdout)
        self.assertEqual(self.count_profiles(), 1)
        # ...and the id works wherever a file does.
        by_id = run("stats", "--db", self.db, "-n", "5", first.stdout.strip())
        by_file = run("stats", "--db", self.db, "-n", "5", path)
        self.assertEqual(by_id.stdout, by_file.stdout)

    def test_json_has_the_oracle_fields(self):
        path = os.path.join(DATA, "pstats", "recursion.prof")
        got = run("stats", "--json", "--db", self.db, path)
        doc = json.loads(got.stdout)
        oracle = json.load(open(path[:-5] + ".expected.json"))
        for key in ["total_calls", "prim_calls", "total_tt", "nfuncs", "ncaller_edges", "roots",
                    "functions"]:
            self.assertEqual(doc[key], oracle[key], key)

    def test_usage_errors_exit_1_with_help_hint(self):
        for args in (["stats", "--sort", "bogus", "x"], ["load"], ["frobnicate"]):
            got = run(*args)
            self.assertEqual(got.returncode, 1, args)
            self.assertIn("Try 'profviz", got.stderr)
        self.assertEqual(run("--help").returncode, 0)
        self.assertIn("profviz", run("--version").stdout)

    def test_a_cache_from_another_version_is_set_aside_not_lost(self):
        cache = os.path.join(self.tmp.name, "xdg")
        os.makedirs(os.path.join(cache, "profviz"))
        old = os.path.join(cache, "profviz", "profiles.db")
        with sqlite3.connect(old) as c:
            c.execute("create table profile(x)")
            c.execute("pragma user_version = 1")
        path = os.path.join(DATA, "pstats", "recursion.prof")
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        got = subprocess.run([PROFVIZ, "load", "-q", path], capture_output=True, text=True, env=env)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertIn("kept as", got.stderr)
        self.assertTrue(os.path.exists(old + ".old-schema"))
        # A store named with --db is the user's: refused, never moved.
        got = run("load", "--db", old + ".old-schema", path)
        self.assertEqual(got.returncode, 2)
        self.assertIn("delete it or pass --db", got.stderr)
        self.assertTrue(os.path.exists(old + ".old-schema"))

    def test_profviz_db_names_the_store_and_db_wins_over_it(self):
        path = os.path.join(DATA, "pstats", "recursion.prof")
        env = dict(os.environ, PROFVIZ_DB="sqlite:" + self.db,
                   XDG_CACHE_HOME=os.path.join(self.tmp.name, "xdg"))
        got = subprocess.run([PROFVIZ, "load", "-q", path], capture_output=True, text=True, env=env)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(self.count_profiles(), 1)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "xdg")))
        other = os.path.join(self.tmp.name, "sub", "other.db")
        got = subprocess.run([PROFVIZ, "load", "-q", "--db", other, path], capture_output=True,
                             text=True, env=env)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertTrue(os.path.exists(other))
        self.assertEqual(self.count_profiles(), 1)
        got = subprocess.run([PROFVIZ, "stats", "-n", "1", "1"], capture_output=True, text=True,
                             env=env)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertIn("recursion.prof", got.stdout)
        env["PROFVIZ_DB"] = ""
        got = subprocess.run([PROFVIZ, "stats", "1"], capture_output=True, text=True, env=env)
        self.assertEqual(got.returncode, 2)
        self.assertIn("$PROFVIZ_DB", got.stderr)

    def test_unknown_id_and_missing_file_are_clear(self):
        got = run("stats", "--db", self.db, "no/such/file.prof")
        self.assertEqual(got.returncode, 2)
        self.assertIn("no such file, and not a profile id", got.stderr)
        got = run("stats", "--db", self.db, "9999")
        self.assertEqual(got.returncode, 2)
        self.assertIn("profile 9999", got.stderr)

    def test_terminal_controls_in_names_are_printed_as_text(self):
        # A title-setting OSC in the file's name, colour and bell in the
        # profile's names, a right-to-left override.
        path = os.path.join(self.tmp.name, "run\x1b]0;pwned\x07.prof")
        with open(path, "wb") as f:
            marshal.dump({("/src/\x1b[31mred.py", 1, "f\x07\u202eg"): (1, 1, 0.5, 0.5, {})}, f)
        got = run("stats", "--db", self.db, path)
        self.assertEqual(got.returncode, 0, got.stderr)
        for stream in (got.stdout, got.stderr):
            self.assertNotIn("\x1b", stream)
            self.assertNotIn("\x07", stream)
            self.assertNotIn("\u202e", stream)
        self.assertIn("/src/\\x1b[31mred.py:1(f\\x07\u27e8U+202E\u27e9g)", got.stdout)
        # A damaged file's error names it the same way.
        with open(path, "wb") as f:
            f.write(b"\x1b[2J not a profile")
        got = run("load", "--db", self.db, path)
        self.assertEqual(got.returncode, 2)
        self.assertNotIn("\x1b", got.stderr)
        self.assertIn("run\\x1b]0;pwned\\x07.prof", got.stderr)
        got = run("stats", "--db", self.db, "--sort", "\x1b[2Jbogus", "x")
        self.assertEqual(got.returncode, 1)
        self.assertIn("'\\x1b[2Jbogus'", got.stderr)

    def test_what_cannot_be_a_store_or_a_profile_is_refused(self):
        path = os.path.join(DATA, "pstats", "recursion.prof")
        for args in (["serve", "-p", "0"], ["load"], ["stats"]):
            for db in ("", ":memory:"):
                got = subprocess.run([PROFVIZ, args[0], "--db", db, *args[1:],
                                      *([] if args[0] == "serve" else [path])],
                                     capture_output=True, text=True, timeout=30)
                self.assertNotEqual(got.returncode, 0, (args, db))
                self.assertIn("wants the path of a store file or a postgresql:// URI", got.stderr)
        fifo = os.path.join(self.tmp.name, "fifo.prof")
        os.mkfifo(fifo)
        got = subprocess.run([PROFVIZ, "stats", "--db", self.db, fifo], capture_output=True,
                             text=True, timeout=10)
        self.assertEqual(got.returncode, 2)
        self.assertIn("fifo.prof: not a regular file", got.stderr)

    def test_serve_refuses_a_store_it_cannot_write(self):
        self.assertEqual(run("load", "-q", "--db", self.db,
                             os.path.join(DATA, "pstats", "recursion.prof")).returncode, 0)
        os.chmod(self.db, 0o444)
        os.chmod(self.tmp.name, 0o755)
        # Root writes any file: the server then runs as nobody.
        drop = (lambda: (os.setgid(65534), os.setuid(65534))) if os.geteuid() == 0 else None
        got = subprocess.run([PROFVIZ, "serve", "--db", self.db, "-p", "0"], capture_output=True,
                             text=True, timeout=30, preexec_fn=drop)
        self.assertEqual(got.returncode, 3, got.stderr)
        self.assertEqual(got.stdout, "")
        self.assertIn("cannot be written", got.stderr)
        # Reading it needs no writing.
        got = subprocess.run([PROFVIZ, "stats", "--db", self.db, "-n", "1", "1"],
                             capture_output=True, text=True, timeout=30, preexec_fn=drop)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertIn("main", got.stdout)

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("mount"), "mounting needs root")
    def test_stats_reads_a_store_on_a_read_only_mount(self):
        mnt = os.path.join(self.tmp.name, "mnt")
        os.mkdir(mnt)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt]).returncode:
            self.skipTest("cannot mount a tmpfs")
        try:
            db = os.path.join(mnt, "s.db")
            self.assertEqual(run("load", "-q", "--db", db,
                                 os.path.join(DATA, "pstats", "recursion.prof")).returncode, 0)
            subprocess.run(["mount", "-o", "remount,ro", mnt], check=True)
            got = run("stats", "--db", db, "-n", "1", "1")
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertIn("8839 function calls", got.stdout)
            got = run("load", "--db", db, os.path.join(DATA, "pstats", "wide.prof"))
            self.assertEqual(got.returncode, 2)
            self.assertIn("cannot be written (Read-only file system)", got.stderr)
        finally:
            subprocess.run(["umount", mnt])


if __name__ == "__main__":
    PROFVIZ, DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=1)
