"""The workflow teams use, over real sockets (Python standard library only).

Usage: test_team.py PROFVIZ DATA_DIR STORE_SCHEMA_SQL

- labels: set at upload, shown, edited with PATCH, checked against their
  limits, guarded by the write token;
- GET /api/profiles filtered by label and text, in pages, with a total;
- a store of the previous schema (version 2) keeps its profiles when
  `serve` opens it;
- retention: --keep-days and --max-store, at start and after an upload,
  unlabelled first, each deletion logged;
- `profviz upload`: links on stdout, labels, a stored-before file, a token
  mismatch, a damaged file, https and bad URLs, a server answering 503
  then 201 (retried) and a 400 (not retried), a server that is down.
"""
import http.server
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_http  # noqa: E402  (the Server class and fixtures)
from test_http import Server, fixture, upload  # noqa: E402

PROFVIZ = DATA = SCHEMA_SQL = None
TOKEN = "t0ken"
AUTH = {"Authorization": "Bearer " + TOKEN}


def q(**params):
    return urllib.parse.urlencode(params, doseq=True)


def labels_of(server, pid):
    return server.json("GET", "/api/profiles/%d" % pid)["labels"]


def used_bytes(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT (page_count - freelist_count) * page_size FROM "
                         "pragma_page_count(), pragma_freelist_count(), pragma_page_size()"
                         ).fetchone()[0]


def store_ids(db):
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute("SELECT id FROM profile ORDER BY id")]


class Labels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server("--token", TOKEN)

    @classmethod
    def tearDownClass(cls):
        rc, err = cls.s.stop()
        assert rc == 0, err

    def post(self, name, labels=(), headers=AUTH, status=201):
        path = "/api/profiles?" + q(name=name, label=list(labels))
        st, _, body = self.s.request("POST", path, fixture(name), headers)
        self.assertEqual(st, status, body)
        return json.loads(body)

    def patch(self, pid, body, headers=AUTH, status=200):
        return self.s.json("PATCH", "/api/profiles/%d/labels" % pid,
                           json.dumps(body).encode(), headers, status=status)

    def test_labels_set_at_upload_shown_and_edited(self):
        a = self.post("recursion.prof", ["service:api", "commit:1a2b:3c"])
        self.assertEqual(a["labels"], {"service": "api", "commit": "1a2b:3c"})
        self.assertEqual(labels_of(self.s, a["id"]), {"commit": "1a2b:3c", "service": "api"})
        # The same bytes again: the existing profile, with the new labels.
        again = self.post("recursion.prof", ["branch:main", "service:web"], status=200)
        self.assertTrue(again["existed"])
        self.assertEqual(again["id"], a["id"])
        self.assertEqual(again["labels"],
                         {"branch": "main", "commit": "1a2b:3c", "service": "web"})
        # PATCH: a string sets, null removes.
        out = self.patch(a["id"], {"commit": None, "host": "ci-7 ‹ü›"})
        self.assertEqual(out["labels"], {"branch": "main", "host": "ci-7 ‹ü›", "service": "web"})
        self.assertEqual(labels_of(self.s, a["id"]), out["labels"])
        # Values are data: markup characters come back escaped in the JSON text.
        self.patch(a["id"], {"note": "<img src=x>&"})
        st, _, raw = self.s.request("GET", "/api/profiles/%d" % a["id"])
        self.assertNotIn(b"<img", raw)
        self.assertEqual(labels_of(self.s, a["id"])["note"], "<img src=x>&")

    def test_label_limits_and_tokens(self):
        p = self.post("wide.prof")
        for bad in ({"bad key": "v"}, {"k": ""}, {"k": "a\u0007b"}, {"k": 5},
                    {"k" * 65: "v"}, {"k": "v" * 257}):
            err = self.patch(p["id"], bad, status=400)
            self.assertIn("label", err["error"])
        self.patch(p["id"], {"k" * 64: "v" * 256})
        many = {"k%d" % i: "v" for i in range(32)}
        err = self.patch(p["id"], many, status=400)
        self.assertIn("at most 32 labels", err["error"])
        self.assertEqual(len(labels_of(self.s, p["id"])), 1)  # all or nothing
        for body in (b"[1]", b"not json", b""):
            st, _, _ = self.s.request("PATCH", "/api/profiles/%d/labels" % p["id"], body, AUTH)
            self.assertEqual(st, 400, body)
        self.patch(p["id"], {"x": "y"}, headers={}, status=401)
        self.patch(p["id"], {"x": "y"}, headers={"Authorization": "Bearer nope"}, status=401)
        self.patch(p["id"], {"x": "y"}, headers=dict(AUTH, Origin="http://evil.example"),
                   status=403)
        self.patch(999999, {"x": "y"}, status=404)
        # An upload with a bad label stores nothing.
        before = self.s.json("GET", "/api/profiles?limit=1")["total"]
        st, _, body = self.s.request("POST", "/api/profiles?" + q(name="deep.prof", label="nocolon"),
                                     fixture("deep.prof"), AUTH)
        self.assertEqual(st, 400)
        self.assertIn("key:value", json.loads(body)["error"])
        self.assertEqual(self.s.json("GET", "/api/profiles?limit=1")["total"], before)


class Listing(unittest.TestCase):
    def test_filter_by_label_and_text_in_pages_with_a_total(self):
        s = Server()
        try:
            names = ["recursion.prof", "wide.prof", "profile_module_cli.prof", "deep.prof",
                     "marshal_v2.prof", "seed_small.prof", "real_pydoc.prof"]
            ids = {}
            for i, name in enumerate(names):
                labels = ["service:api" if i % 2 == 0 else "service:web", "run:%d" % i]
                st, _, body = s.request("POST", "/api/profiles?" + q(name=name, label=labels),
                                        fixture(name))
                self.assertEqual(st, 201, body)
                ids[name] = json.loads(body)["id"]
            newest_first = [ids[n] for n in reversed(names)]
            every = s.json("GET", "/api/profiles")
            self.assertEqual(every["total"], 7)
            self.assertEqual([p["id"] for p in every["profiles"]], newest_first)
            self.assertEqual(every["profiles"][0]["labels"], {"run": "6", "service": "api"})
            # Pages: offset and limit, the total unchanged.
            page = s.json("GET", "/api/profiles?limit=3&offset=3")
            self.assertEqual([p["id"] for p in page["profiles"]], newest_first[3:6])
            self.assertEqual((page["total"], page["offset"], page["limit"]), (7, 3, 3))
            self.assertEqual(s.json("GET", "/api/profiles?offset=50")["profiles"], [])
            # Labels.
            api = s.json("GET", "/api/profiles?" + q(label="service:api"))
            self.assertEqual(api["total"], 4)
            self.assertTrue(all(p["labels"]["service"] == "api" for p in api["profiles"]))
            both = s.json("GET", "/api/profiles?" + q(label=["service:api", "run:2"]))
            self.assertEqual([p["id"] for p in both["profiles"]], [ids["profile_module_cli.prof"]])
            # Text: in the name or a label value, ASCII case ignored.
            self.assertEqual([p["id"] for p in s.json("GET", "/api/profiles?q=WIDE")["profiles"]],
                             [ids["wide.prof"]])
            self.assertEqual(s.json("GET", "/api/profiles?" + q(q="web"))["total"], 3)
            self.assertEqual(s.json("GET", "/api/profiles?" + q(q="web", label="run:1"))["total"], 1)
            # Bad parameters.
            for bad in ("limit=0", "limit=1001", "offset=-1", "label=nocolon",
                        "label=bad%20key:v", "q=" + "x" * 1025,
                        "&".join("label=k:%d" % i for i in range(9))):
                st, _, body = s.request("GET", "/api/profiles?" + bad)
                self.assertEqual(st, 400, bad)
                self.assertIn("error", json.loads(body))
        finally:
            s.stop()


class OldStore(unittest.TestCase):
    def test_a_version_2_store_keeps_its_profiles(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "old.db")
            r = subprocess.run([PROFVIZ, "load", "--db", db,
                                os.path.join(DATA, "pstats", "recursion.prof")],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            # Take the label, recorded-tree and formats steps back out: what
            # is left must be exactly the main branch's schema
            # (store/schema.sql, version 2).
            with sqlite3.connect(db) as c:
                c.executescript("DROP TABLE label; DROP TABLE recorded_tree; "
                                "DROP TABLE recorded_node; DROP TABLE profile_chunk; " +
                                "".join("ALTER TABLE profile DROP COLUMN %s; " % col for col in
                                        ("unit", "calls_unit", "variant", "choices",
                                         "empty_weight", "file_sha256")) +
                                "PRAGMA user_version = 2;")
                old = sorted(c.execute("SELECT type, name, sql FROM sqlite_schema"))
            ref = sqlite3.connect(":memory:")
            with open(SCHEMA_SQL) as f:
                ref.executescript(f.read())
            self.assertEqual(old, sorted(ref.execute("SELECT type, name, sql FROM sqlite_schema")))
            self.assertEqual(ref.execute("PRAGMA user_version").fetchone()[0], 2)
            s = Server("--db", db)
            try:
                listed = s.json("GET", "/api/profiles")
                self.assertEqual([p["name"] for p in listed["profiles"]], ["recursion.prof"])
                self.assertEqual(listed["profiles"][0]["labels"], {})
                pid = listed["profiles"][0]["id"]
                s.json("GET", "/api/profiles/%d/tree" % pid)
                s.json("PATCH", "/api/profiles/%d/labels" % pid, b'{"branch": "main"}')
                self.assertEqual(labels_of(s, pid), {"branch": "main"})
                # Upgraded past version 4 too: it keeps a recorded tree.
                with open(os.path.join(DATA, "recorded", "fib.prof"), "rb") as f:
                    rid = s.json("POST", "/api/profiles?name=fib.prof", f.read(), status=201)["id"]
                self.assertEqual(s.json("GET", "/api/profiles/%d" % rid)["tree"], "recorded")
                # And past version 5: the old profile reads as the pstats it is.
                old = s.json("GET", "/api/profiles/%d" % pid)
                self.assertEqual((old["unit"], old["calls_unit"], old["variant"], old["choices"]),
                                 ("seconds", "calls", "", []))
            finally:
                s.stop()
            with sqlite3.connect(db) as c:
                self.assertEqual(c.execute("PRAGMA user_version").fetchone()[0], 5)
                self.assertGreater(c.execute("SELECT count(*) FROM recorded_node").fetchone()[0], 0)


class Retention(unittest.TestCase):
    def test_keep_days_at_start_deletes_old_unlabelled_profiles_and_logs_them(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "r.db")
            s = Server("--db", db)
            try:
                old = json.loads(upload(s, "recursion.prof")[2])["id"]
                kept = json.loads(s.request("POST", "/api/profiles?name=wide.prof&label=keep:yes",
                                            fixture("wide.prof"))[2])["id"]
                new = json.loads(upload(s, "deep.prof")[2])["id"]
            finally:
                s.stop()
            with sqlite3.connect(db) as c:
                c.execute("UPDATE profile SET loaded_at = loaded_at - 10 * 86400 WHERE id IN (?, ?)",
                          (old, kept))
            s = Server("--db", db, "--keep-days", "7")
            try:
                ids = [p["id"] for p in s.json("GET", "/api/profiles")["profiles"]]
                self.assertEqual(ids, [new, kept])
            finally:
                rc, err = s.stop()
            self.assertIn('retention: deleted profile %d "recursion.prof"' % old, err)
            self.assertIn("unlabelled", err)
            self.assertIn("older than --keep-days 7", err)

    def test_max_store_after_an_upload_deletes_the_oldest_unlabelled_first(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "r.db")
            s = Server("--db", db)
            try:
                first = json.loads(s.request("POST", "/api/profiles?name=deep.prof&label=release:1",
                                             fixture("deep.prof"))[2])["id"]
                second = json.loads(upload(s, "real_pydoc.prof")[2])["id"]
                two = used_bytes(db)
                third = json.loads(upload(s, "wide.prof")[2])["id"]
                three = used_bytes(db)
                s.request("DELETE", "/api/profiles/%d" % third)
            finally:
                s.stop()
            self.assertGreater(three, two)
            # Room for the first two, not for all three: the upload of the
            # third makes the oldest unlabelled one (the second) go.
            limit = "%dK" % ((three - 32 * 1024) // 1024)
            s = Server("--db", db, "--max-store", limit)
            try:
                self.assertEqual(store_ids(db), [first, second])
                third = json.loads(upload(s, "wide.prof")[2])["id"]
                deadline = time.time() + 20
                while time.time() < deadline and second in store_ids(db):
                    time.sleep(0.1)
                self.assertEqual(store_ids(db), [first, third])
                self.assertEqual(s.request("GET", "/api/profiles/%d" % second)[0], 404)
            finally:
                rc, err = s.stop()
            self.assertIn("retention: deleted profile %d" % second, err)
            self.assertIn("over --max-store", err)

    def test_bad_retention_options(self):
        for args in (["--keep-days", "0"], ["--keep-days", "x"], ["--max-store", "0"],
                     ["--max-store", "-5"], ["--max-store", "12Q"]):
            r = subprocess.run([PROFVIZ, "serve", "--db", "/nonexistent/x.db", *args],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn(args[0], r.stderr)


class Stub(http.server.BaseHTTPRequestHandler):
    """Answers POSTs from a script of (status, body) pairs."""
    script = []
    seen = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        Stub.seen.append((self.path, self.headers.get("Authorization"), body))
        status, answer = Stub.script.pop(0)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class UploadCommand(unittest.TestCase):
    def run_upload(self, *args, env=None, timeout=60):
        full_env = dict(os.environ, **(env or {}))
        for k in ("PROFVIZ_SERVER", "PROFVIZ_TOKEN"):
            if not env or k not in env:
                full_env.pop(k, None)
        return subprocess.run([PROFVIZ, "upload", *args], capture_output=True, text=True,
                              env=full_env, timeout=timeout)

    def path(self, name):
        return os.path.join(DATA, "pstats", name)

    def test_uploads_print_links_and_apply_labels(self):
        s = Server("--token", TOKEN)
        try:
            r = self.run_upload("--server", s.url, "--token", TOKEN, "--label", "branch=main",
                                "--label", "commit=1a2b=c", self.path("recursion.prof"),
                                self.path("wide.prof"))
            self.assertEqual(r.returncode, 0, r.stderr)
            links = r.stdout.split()
            self.assertEqual(len(links), 2)
            for link in links:
                self.assertRegex(link, r"^%sp/\d+$" % s.url)
                pid = int(link.rsplit("/", 1)[1])
                self.assertEqual(labels_of(s, pid), {"branch": "main", "commit": "1a2b=c"})
                self.assertEqual(s.request("GET", urllib.parse.urlsplit(link).path)[0], 200)
            self.assertIn("stored as profile", r.stderr)
            # The same file again, from the environment: the same link, new labels.
            r = self.run_upload("--label", "host=ci-3", self.path("recursion.prof"),
                                env={"PROFVIZ_SERVER": s.url.rstrip("/"), "PROFVIZ_TOKEN": TOKEN})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.split(), links[:1])
            self.assertIn("stored before", r.stderr)
            pid = int(links[0].rsplit("/", 1)[1])
            self.assertEqual(labels_of(s, pid)["host"], "ci-3")
            # A token mismatch: refused once, not retried, exit 2, the server's words.
            r = self.run_upload("--server", s.url, "--token", "wrong", self.path("deep.prof"))
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stdout, "")
            self.assertIn("401", r.stderr)
            self.assertIn("Bearer", r.stderr)
            self.assertNotIn("trying again", r.stderr)
            # A damaged file: the loader's message; the good file after it still goes.
            bad = os.path.join(DATA, "pstats", "bad_deep_nesting.prof")
            r = self.run_upload("--server", s.url, "--token", TOKEN, bad, self.path("deep.prof"))
            self.assertEqual(r.returncode, 2)
            self.assertEqual(len(r.stdout.split()), 1)
            self.assertIn("400", r.stderr)
            # A missing file.
            r = self.run_upload("--server", s.url, "--token", TOKEN, "/nonexistent.prof")
            self.assertEqual(r.returncode, 2)
            self.assertIn("No such file", r.stderr)
        finally:
            s.stop()

    def test_ipv6_literal_and_a_path_prefix(self):
        s = Server("-H", "::1")
        try:
            self.assertTrue(s.url.startswith("http://[::1]:"), s.url)
            r = self.run_upload("--server", s.url, self.path("recursion.prof"))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(r.stdout.startswith("http://[::1]:"), r.stdout)
        except AssertionError:
            raise
        finally:
            s.stop()
        # A prefix (a reverse proxy's path) goes before /api, and into the links.
        Stub.script = [(201, {"id": 4, "url": "/p/4", "existed": False, "n_funcs": 1})]
        Stub.seen = []
        srv = http.server.HTTPServer(("127.0.0.1", 0), Stub)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        try:
            url = "http://127.0.0.1:%d/team/profviz/" % srv.server_port
            r = self.run_upload("--server", url, "--label", "a=b c", self.path("recursion.prof"))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), url + "p/4")
            path = Stub.seen[0][0]
            self.assertTrue(path.startswith("/team/profviz/api/profiles?name=recursion.prof&"), path)
            self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["label"],
                             ["a:b c"])
        finally:
            srv.shutdown()
            srv.server_close()

    def test_retries_5xx_but_not_4xx(self):
        Stub.seen = []
        srv = http.server.HTTPServer(("127.0.0.1", 0), Stub)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        url = "http://127.0.0.1:%d" % srv.server_port
        try:
            Stub.script = [(503, {"error": "store busy"}),
                           (201, {"id": 9, "url": "/p/9", "existed": False, "n_funcs": 3})]
            r = self.run_upload("--server", url, "--token", "abc", self.path("recursion.prof"))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, url + "/p/9\n")
            self.assertIn("503: store busy; trying again in 1 s", r.stderr)
            self.assertEqual(len(Stub.seen), 2)
            self.assertEqual(Stub.seen[1][1], "Bearer abc")
            self.assertEqual(Stub.seen[1][2], fixture("recursion.prof"))
            # 5xx every time: bounded tries, exit 3.
            Stub.seen = []
            Stub.script = [(500, {"error": "internal error (x)"})] * 3
            r = self.run_upload("--server", url, "--retries", "2", self.path("recursion.prof"))
            self.assertEqual(r.returncode, 3)
            self.assertEqual(len(Stub.seen), 3)
            self.assertIn("internal error (x)", r.stderr)
            # 4xx: one try.
            Stub.seen = []
            Stub.script = [(413, {"error": "too big"})]
            r = self.run_upload("--server", url, self.path("recursion.prof"))
            self.assertEqual(r.returncode, 2)
            self.assertEqual(len(Stub.seen), 1)
            self.assertIn("413", r.stderr)
        finally:
            srv.shutdown()
            srv.server_close()
        # Nobody listening: connection errors are retried, then exit 3.
        r = self.run_upload("--server", url, "--retries", "1", self.path("recursion.prof"))
        self.assertEqual(r.returncode, 3)
        self.assertIn("cannot connect", r.stderr)
        self.assertIn("trying again", r.stderr)

    def test_usage_errors(self):
        for args, words in ((["--server", "https://x.example", "f"], "plain HTTP"),
                            (["--server", "ftp://x", "f"], "http://"),
                            (["--server", "http://x:99999", "f"], "port"),
                            (["--server", "http://u@x", "f"], "user"),
                            (["f"], "--server"),
                            (["--server", "http://x"], "no file"),
                            (["--server", "http://x", "--label", "novalue", "f"], "KEY=VALUE"),
                            (["--server", "http://x", "--retries", "99", "f"], "--retries")):
            r = self.run_upload(*args)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn(words, r.stderr, args)
        r = self.run_upload("--help")
        self.assertEqual(r.returncode, 0)
        for word in ("--server", "--token", "--label", "--retries", "PROFVIZ_SERVER", "Exit status"):
            self.assertIn(word, r.stdout)


if __name__ == "__main__":
    PROFVIZ, DATA, SCHEMA_SQL = sys.argv[1], sys.argv[2], sys.argv[3]
    test_http.PROFVIZ, test_http.DATA = PROFVIZ, DATA
    unittest.main(argv=[sys.argv[0], "-v"])
