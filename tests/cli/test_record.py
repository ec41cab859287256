"""`profviz record`, driven as a user would drive it, against
`python -m cProfile` on the same programs.

Usage: test_record.py PROFVIZ
- a script and a module (-m, with arguments) see the sys.argv, globals and
  sys.path that `python -m cProfile` gives them;
- the exit status is passed through (0, 3, an exception: 1 with the
  traceback, sys.exit("msg"): 1 with the message, Ctrl-C: the signal), and
  the output is written and read by pstats.Stats in every case, where the
  user named it or as SCRIPT.prof / MODULE.prof, even after a chdir;
- every CPython 3.8-3.13 of pyenv present records (skipped when absent);
  3.7, 3.6, 2.7, a non-CPython, a non-Python, a missing compiler or
  missing headers are refused with a message saying what to do, before the
  program runs; so are a missing script and an unwritable output folder;
- the recorder is built once (the second run runs no compiler) and four
  first runs at once all work, leaving one build;
- --max-paths reaches the recorder (the trailer's meta says it);
- --open serves the profile it wrote on a real socket.
"""
import glob
import marshal
import os
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import urllib.request

PROFVIZ = None
PYENV = os.path.expanduser("~/.pyenv/versions")
TRAILER_MAGIC = b"\x89PVTREE\n"

SHOW = textwrap.dedent("""\
    import os, sys
    def work(n):
        return sum(i * i for i in range(n))
    work(1000)
    print(repr(sys.argv))
    spec = globals().get('__spec__')
    print(__name__, __file__, __package__, __cached__, spec and (spec.name, spec.origin))
    print(repr(sys.path[:2]), os.getcwd())
    what = sys.argv[1] if len(sys.argv) > 1 else ''
    if what == 'exit':
        sys.exit(int(sys.argv[2]) if sys.argv[2].isdigit() else sys.argv[2])
    if what == 'raise':
        raise ValueError('boom')
    if what == 'sigint':
        os.kill(os.getpid(), 2)
        import time; time.sleep(5)
    if what == 'chdir':
        os.chdir('/')
""")


def pyenv_python(version):
    """The pyenv build of a minor version ("3.8"), or None."""
    found = sorted(glob.glob(os.path.join(PYENV, version + ".*", "bin", "python" + version)))
    return found[-1] if found else None


class Record(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One cache for the class: the recorder is built once per Python.
        cls.cache = tempfile.TemporaryDirectory()
        cls.python = shutil.which("python3")

    @classmethod
    def tearDownClass(cls):
        cls.cache.cleanup()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.script = os.path.join(self.dir, "show.py")
        with open(self.script, "w") as f:
            f.write(SHOW)

    def tearDown(self):
        self.tmp.cleanup()

    def run_in(self, args, cache=None, env=None, **kw):
        e = dict(os.environ, XDG_CACHE_HOME=cache or self.cache.name, **(env or {}))
        return subprocess.run(args, cwd=self.dir, env=e, capture_output=True, text=True,
                              timeout=300, **kw)

    def record(self, *args, **kw):
        return self.run_in([PROFVIZ, "record", *args], **kw)

    def cprofile(self, *args):
        return self.run_in([self.python, "-m", "cProfile", "-o", "cprofile.prof", *args])

    def assert_recorded(self, path, funcs=("work",)):
        """The file is a pstats dump pstats reads, with these functions,
        and a trailer after it."""
        st = pstats.Stats(path)
        names = {k[2] for k in st.stats}
        for f in funcs:
            self.assertIn(f, names, path)
        with open(path, "rb") as f:
            marshal.load(f)
            self.assertEqual(f.read(8), TRAILER_MAGIC, "no trailer after the dump")
        return st

    def trailer_meta(self, path):
        with open(path, "rb") as f:
            marshal.load(f)
            self.assertEqual(f.read(8), TRAILER_MAGIC)
            n = int.from_bytes(f.read(8), "little")
            return marshal.loads(f.read(n))[3]

    def test_script_sees_what_cprofile_gives_it(self):
        os.mkdir(os.path.join(self.dir, "sub"))
        shutil.copy(self.script, os.path.join(self.dir, "sub", "show.py"))
        for script in ["show.py", "sub/show.py", self.script]:
            args = [script, "a", "--b", "-o", "x"]
            want = self.cprofile(*args)
            got = self.record("-o", "rec.prof", *args)
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertEqual(got.stdout, want.stdout, script)
            self.assert_recorded(os.path.join(self.dir, "rec.prof"))

    def test_module_with_arguments(self):
        pkg = os.path.join(self.dir, "pkg")
        os.mkdir(pkg)
        open(os.path.join(pkg, "__init__.py"), "w").close()
        shutil.copy(self.script, os.path.join(pkg, "show.py"))
        want = self.cprofile("-m", "pkg.show", "--flag", "value")
        got = self.record("-m", "pkg.show", "--flag", "value")
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(got.stdout, want.stdout)
        self.assertIn("'pkg.show'", got.stdout)  # cProfile's -m leaves argv[0] the name
        self.assert_recorded(os.path.join(self.dir, "pkg.show.prof"))
        # A standard-library module reads its own options after -m's name.
        got = self.record("-o", "j.prof", "-mjson.tool", "--help")
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertIn("usage:", got.stdout)
        self.assert_recorded(os.path.join(self.dir, "j.prof"), funcs=())

    def test_exit_status_and_output_in_every_ending(self):
        cases = [([], 0, None), (["exit", "3"], 3, None), (["exit", "0"], 0, None),
                 (["raise"], 1, "ValueError: boom"), (["exit", "bye now"], 1, "bye now")]
        for args, status, stderr in cases:
            out = os.path.join(self.dir, "show.prof")
            if os.path.exists(out):
                os.unlink(out)
            got = self.record("show.py", *args)
            self.assertEqual(got.returncode, status, (args, got.stderr))
            if stderr:
                self.assertIn(stderr, got.stderr)
            if args == ["raise"]:
                self.assertIn("Traceback (most recent call last)", got.stderr)
                self.assertIn('show.py", line', got.stderr)
            # The default name, in the current folder, said on stderr.
            self.assertIn("show.prof", got.stderr)
            self.assert_recorded(out)

    def test_ctrl_c_writes_the_output_and_ends_as_python_does(self):
        bare = self.run_in([self.python, "show.py", "sigint"])
        got = self.record("show.py", "sigint")
        self.assertEqual(bare.returncode, -signal.SIGINT)
        self.assertEqual(got.returncode, -signal.SIGINT, got.stderr)
        self.assertIn("KeyboardInterrupt", got.stderr)
        self.assert_recorded(os.path.join(self.dir, "show.prof"))

    def test_output_path_is_taken_before_the_script_changes_folder(self):
        got = self.record("-o", "rel.prof", "show.py", "chdir")
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assert_recorded(os.path.join(self.dir, "rel.prof"))

    def test_max_paths_reaches_the_recorder(self):
        got = self.record("--max-paths", "7", "-o", "m.prof", "show.py")
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(self.trailer_meta(os.path.join(self.dir, "m.prof"))["max_paths"], 7)
        for bad in ["0", "x", "-1"]:
            got = self.record("--max-paths", bad, "show.py")
            self.assertEqual(got.returncode, 1)
            self.assertIn("--max-paths", got.stderr)

    def test_every_supported_pyenv_python(self):
        ran = 0
        for minor in range(8, 14):
            py = pyenv_python("3.%d" % minor)
            if not py:
                print("no pyenv Python 3.%d: skipped" % minor)
                continue
            with self.subTest(python=py):
                want = self.run_in([py, "-m", "cProfile", "-o", "c.prof", "show.py", "a"])
                got = self.record("--python", py, "-o", "v.prof", "show.py", "a")
                self.assertEqual(got.returncode, 0, got.stderr)
                self.assertIn("CPython 3.%d" % minor, got.stderr)
                self.assertEqual(got.stdout, want.stdout)
                self.assert_recorded(os.path.join(self.dir, "v.prof"))
                ran += 1
        if not ran:
            self.skipTest("no pyenv CPython 3.8-3.13 on this machine")

    def test_unsupported_pythons_are_refused_before_running(self):
        fake_pypy = os.path.join(self.dir, "pypy3")
        with open(fake_pypy, "w") as f:
            f.write("#!/bin/sh\nprintf 'PyPy\\n3\\n10\\npypy310-pp73\\n.so\\n/usr/include\\n\\n'\n")
        os.chmod(fake_pypy, 0o755)
        cases = [(pyenv_python(v), "is CPython %s; the recorder supports CPython 3.8 to 3.13" % v)
                 for v in ("3.7", "3.6", "2.7")]
        cases += [(fake_pypy, "is PyPy 3.10; the recorder is built for CPython only"),
                  ("/bin/true", "did not answer as a Python interpreter does"),
                  ("no-such-python", "cannot run no-such-python")]
        for py, message in cases:
            if not py:
                continue
            got = self.record("--python", py, "-o", "n.prof", "show.py")
            self.assertEqual(got.returncode, 1, py)
            self.assertIn(message, got.stderr)
            if not message.startswith("cannot run"):
                self.assertIn("with --python", got.stderr)  # says what would do
            self.assertEqual(got.stdout, "", "the script ran")
            self.assertFalse(os.path.exists(os.path.join(self.dir, "n.prof")))

    def test_missing_script_and_unwritable_output(self):
        got = self.record("nosuch.py")
        self.assertEqual(got.returncode, 1)
        self.assertIn("nosuch.py: No such file or directory", got.stderr)
        got = self.record("-o", "/nonexistent-dir/x.prof", "show.py")
        self.assertEqual(got.returncode, 1)
        self.assertIn("cannot write /nonexistent-dir/x.prof", got.stderr)
        self.assertEqual(got.stdout, "", "the script ran")
        got = self.record()
        self.assertEqual(got.returncode, 1)
        self.assertIn("no SCRIPT", got.stderr)

    def test_missing_compiler_or_headers_say_what_to_install(self):
        with tempfile.TemporaryDirectory() as cache:
            got = self.record("show.py", cache=cache, env={"CC": "/nonexistent/cc"})
            self.assertEqual(got.returncode, 1)
            self.assertIn("apt install gcc", got.stderr)
            self.assertEqual(got.stdout, "")
            # A CPython whose headers are not installed (Debian without -dev).
            fake = os.path.join(self.dir, "python3.11")
            with open(fake, "w") as f:
                f.write("#!/bin/sh\nprintf 'CPython\\n3\\n11\\ncpython-311-x86_64-linux-gnu\\n"
                        ".cpython-311-x86_64-linux-gnu.so\\n%s\\n%s\\n'\n" % (self.dir, fake))
            os.chmod(fake, 0o755)
            got = self.record("--python", fake, "show.py", cache=cache)
            self.assertEqual(got.returncode, 1)
            self.assertIn("apt install python3-dev, or python3.11-dev", got.stderr)

    def builds(self, cache):
        return glob.glob(os.path.join(cache, "profviz", "recorder", "*", "*"))

    def test_the_build_is_reused(self):
        with tempfile.TemporaryDirectory() as cache:
            first = self.record("show.py", cache=cache)
            self.assertEqual(first.returncode, 0, first.stderr)
            self.assertIn("building the recorder", first.stderr)
            built, = self.builds(cache)
            before = os.stat(built)
            # No compiler at all the second time: it must not be needed.
            second = self.record("show.py", cache=cache, env={"CC": "/nonexistent/cc"})
            self.assertEqual(second.returncode, 0, second.stderr)
            self.assertNotIn("building", second.stderr)
            self.assertEqual(self.builds(cache), [built])
            self.assertEqual(os.stat(built).st_ino, before.st_ino)
            self.assertEqual(os.stat(built).st_mtime_ns, before.st_mtime_ns)

    def test_concurrent_first_runs(self):
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, XDG_CACHE_HOME=cache)
            procs = [subprocess.Popen([PROFVIZ, "record", "-o", "c%d.prof" % i, "show.py", str(i)],
                                      cwd=self.dir, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for i in range(4)]
            for i, p in enumerate(procs):
                out, err = p.communicate(timeout=300)
                self.assertEqual(p.returncode, 0, err)
                self.assertIn("'%d'" % i, out)
                self.assert_recorded(os.path.join(self.dir, "c%d.prof" % i))
            # One module, no temporary file or source left behind.
            built, = self.builds(cache)
            self.assertTrue(built.endswith(".so"), built)

    def test_open_serves_what_it_recorded(self):
        url_file = os.path.join(self.dir, "url")
        browser = os.path.join(self.dir, "browser")
        with open(browser, "w") as f:
            f.write('#!/bin/sh\necho "$1" > %s.tmp && mv %s.tmp %s\n' % (url_file, url_file, url_file))
        os.chmod(browser, 0o755)
        env = dict(os.environ, XDG_CACHE_HOME=self.cache.name, BROWSER=browser)
        p = subprocess.Popen([PROFVIZ, "record", "--open", "show.py", "exit", "3"], cwd=self.dir,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120
            while not os.path.exists(url_file) and time.monotonic() < deadline:
                self.assertIsNone(p.poll(), "profviz stopped before opening a browser")
                time.sleep(0.1)
            with open(url_file) as f:
                url = f.read().strip()
            base, pid = url.rsplit("/p/", 1)
            with urllib.request.urlopen("%s/api/profiles/%s/functions?limit=1000" % (base, pid),
                                        timeout=30) as r:
                body = r.read().decode()
            self.assertIn('"work"', body)
        finally:
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=120)
        # The program's status, once the viewer stops.
        self.assertEqual(p.returncode, 3, err)
        self.assertIn(url, out)
        self.assert_recorded(os.path.join(self.dir, "show.prof"))


if __name__ == "__main__":
    PROFVIZ = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
