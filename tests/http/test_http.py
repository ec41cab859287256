"""The real server over real sockets (Python standard library only).

Usage: test_http.py PROFVIZ DATA_DIR

Starts `profviz serve --db TMP -p 0` (and `profviz -s -p 0 FILE`) as a user
would and checks, against the printed URL:
- one real request per route, with the security headers on every response;
- uploads as `curl --data-binary` sends them, the same file again, deletes;
- a malformed-request suite over raw sockets: each gets a 4xx (or, when it
  cannot be parsed as HTTP at all, a closed connection) and the server
  keeps serving;
- idle half-sent requests do not hold up other clients;
- uploads and reads from 8 threads at once, with no error;
- tokens (--token, --read-token);
- `profviz -s -p 0 FILE` prints a working URL and stops cleanly on SIGINT;
  a port asked for with -p and taken stops it, the default port taken
  makes it move to another and say so; Ctrl-C while the file is being
  stored in the background waits for the commit, twice rolls it back, and
  a kill leaves the whole profile or nothing.
"""
import http.client
import json
import os
import re
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

PROFVIZ = DATA = None
FIXTURES = ["recursion.prof", "wide.prof", "profile_module_cli.prof",
            "odd_surrogate_filename.prof", "edge_values_py3_v4.prof", "deep.prof",
            "marshal_v2.prof", "py27_cprofile.prof", "seed_small.prof", "real_pydoc.prof"]
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def fixture(name):
    with open(os.path.join(DATA, "pstats", name), "rb") as f:
        return f.read()


def read_line(stream, timeout):
    """One line of a child's output, or "" when none comes in time."""
    if not select.select([stream], [], [], timeout)[0]:
        return ""
    return stream.readline().decode()


class Server:
    """A profviz process on a free port, stopped by stop()."""

    def __init__(self, *args, view=None, env=None):
        self.tmp = tempfile.TemporaryDirectory()
        self.log = open(os.path.join(self.tmp.name, "stderr.txt"), "w+b")
        if view is None:
            cmd = [PROFVIZ, "serve", "--db", os.path.join(self.tmp.name, "s.db"), "-p", "0", *args]
        else:
            cmd = [PROFVIZ, *args, *view]
        full_env = dict(os.environ, XDG_CACHE_HOME=self.tmp.name, **(env or {}))
        full_env.pop("BROWSER", None)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, env=full_env)
        self.url = read_line(self.proc.stdout, 20).strip()
        if not self.url:
            self.stop()
            raise AssertionError("no URL printed: " + self.stderr())
        parts = urllib.parse.urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port

    def stderr(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def conn(self, timeout=30):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, conn=None):
        """(status, headers as a dict, body bytes) of one request."""
        c = conn or self.conn()
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            if conn is None:
                c.close()

    def json(self, method, path, body=None, headers=None, status=200):
        st, hdrs, data = self.request(method, path, body, headers)
        if st != status:
            raise AssertionError("%s %s: %d, wanted %d: %r" % (method, path, st, status, data[:300]))
        return json.loads(data) if data else None

    def raw(self, data, timeout=5, then=None):
        """Sends bytes, optionally more (`then`) after reading nothing yet,
        and returns everything the server answered until it closed."""
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        out = b""
        try:
            s.sendall(data)
            if then is not None:
                try:
                    s.sendall(then)
                except OSError:
                    pass  # the server may have answered and closed already
            while True:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    return out + b"<timeout>"
                except OSError:
                    return out
                if not chunk:
                    return out
                out += chunk
        finally:
            s.close()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        out = self.stderr()
        self.log.close()
        self.tmp.cleanup()
        return rc, out


def upload(server, name, headers=None, query=None):
    path = "/api/profiles?name=" + urllib.parse.quote(query or name)
    return server.request("POST", path, fixture(name), headers)


class OneServer(unittest.TestCase):
    """A test class whose tests share one server, self.s, stopped cleanly
    at the end; subclasses extend setUpClass to fill it."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server()

    @classmethod
    def tearDownClass(cls):
        rc, err = cls.s.stop()
        assert rc == 0, err


class Routes(OneServer):
    """One real request per route against one server."""

    def check_headers(self, hdrs, cache):
        for k, v in SECURITY_HEADERS.items():
            self.assertEqual(hdrs.get(k), v, k)
        self.assertEqual(hdrs.get("cache-control"), cache)

    def test_every_route(self):
        s = self.s
        st, hdrs, body = upload(s, "recursion.prof")
        self.assertEqual(st, 201, body)
        self.check_headers(hdrs, "no-store")
        up = json.loads(body)
        pid = up["id"]
        self.assertEqual(up["url"], "/p/%d" % pid)
        self.assertIs(up["existed"], False)

        # The same bytes again: the same id, 200.
        st, _, body = upload(s, "recursion.prof", query="again.prof")
        self.assertEqual(st, 200)
        self.assertEqual(json.loads(body), dict(up, existed=True))

        st, hdrs, body = s.request("GET", "/api/profiles")
        self.assertEqual(st, 200)
        self.check_headers(hdrs, "no-store")
        self.assertEqual(hdrs["content-type"], "application/json")
        listed = json.loads(body)["profiles"]
        self.assertIn(pid, [p["id"] for p in listed])
        mine = [p for p in listed if p["id"] == pid][0]
        self.assertEqual(mine["name"], "recursion.prof")
        self.assertEqual(mine["total_calls"], 8839)

        summary = s.json("GET", "/api/profiles/%d" % pid)
        self.assertEqual(summary["n_funcs"], 11)
        self.assertTrue(summary["roots"])

        st, hdrs, body = s.request("GET", "/api/profiles/%d/raw" % pid)
        self.assertEqual(st, 200)
        self.assertEqual(body, fixture("recursion.prof"))
        self.assertEqual(hdrs["content-type"], "application/octet-stream")
        self.assertEqual(hdrs["content-disposition"], 'attachment; filename="recursion.prof"')

        table = s.json("GET", "/api/profiles/%d/functions?sort=name&limit=5&q=CYC" % pid)
        self.assertEqual(table["total"], 3)
        self.assertEqual([r["name"] for r in table["rows"]], ["cyc_a", "cyc_b", "cyc_c"])

        fib = s.json("GET", "/api/profiles/%d/functions/0" % pid)
        self.assertEqual(fib["name"], "fib")
        self.assertEqual(len(fib["callers"]), 3)

        tree = s.json("GET", "/api/profiles/%d/tree?depth=4&cutoff=0.01" % pid)
        self.assertIsNone(tree["root"]["id"])
        self.assertEqual(tree["root"]["time"], summary["total_tt"])
        tree = s.json("GET", "/api/profiles/%d/tree?path=9" % pid)
        self.assertEqual(tree["root"]["name"], "main")
        self.assertEqual([p["id"] for p in tree["path"]], [9])

        # Compared with itself: every change is 0.
        tree = s.json("GET", "/api/profiles/%d/tree?path=9&base=%d" % (pid, pid))
        self.assertEqual((tree["root"]["base"]["state"], tree["root"]["delta"]), ("present", 0))
        diff = s.json("GET", "/api/profiles/%d/diff?base=%d&limit=3" % (pid, pid))
        self.assertEqual((diff["total"], len(diff["rows"])), (11, 3))
        self.assertTrue(all(r["d_tt"] == 0 and r["rule"] in ("exact", "builtin") for r in diff["rows"]))

        for page in ("/", "/index.html", "/p/%d" % pid):
            st, hdrs, body = s.request("GET", page)
            self.assertEqual(st, 200, page)
            self.check_headers(hdrs, "no-cache")
            self.assertTrue(hdrs["content-type"].startswith("text/html"))
            self.assertIn(b"<html", body)
            st, hdrs2, body = s.request("GET", page, headers={"If-None-Match": hdrs["etag"]})
            self.assertEqual(st, 304)
            self.assertEqual(body, b"")
            self.check_headers(hdrs2, "no-cache")

        st, hdrs, body = s.request("HEAD", "/api/profiles/%d" % pid)
        self.assertEqual((st, body), (200, b""))

        st, hdrs, _ = s.request("DELETE", "/api/profiles/%d" % pid)
        self.assertEqual(st, 204)
        self.check_headers(hdrs, "no-store")
        for path in ("/api/profiles/%d" % pid, "/api/profiles/%d/tree" % pid):
            st, hdrs, body = s.request("GET", path)
            self.assertEqual(st, 404)
            self.assertIn("error", json.loads(body))
            self.check_headers(hdrs, "no-store")
        st, _, _ = s.request("DELETE", "/api/profiles/%d" % pid)
        self.assertEqual(st, 404)

    def test_curl_style_upload_prints_the_shareable_url(self):
        # What curl --data-binary sends: a form content type, the raw bytes.
        st, _, body = self.s.request(
            "POST", "/api/profiles", fixture("wide.prof"),
            {"Content-Type": "application/x-www-form-urlencoded", "X-Profile-Name": "ci.prof"})
        self.assertIn(st, (200, 201), body)
        url = json.loads(body)["url"]
        st, _, _ = self.s.request("GET", url)
        self.assertEqual(st, 200)

    def test_rejected_upload_gets_the_loaders_message_and_stores_nothing(self):
        before = self.s.json("GET", "/api/profiles")["profiles"]
        st, _, body = upload(self.s, "bad_trunc_half.prof")
        self.assertEqual(st, 400)
        self.assertIn("byte", json.loads(body)["error"])
        self.assertEqual(self.s.json("GET", "/api/profiles")["profiles"], before)

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        c = self.s.conn()
        try:
            for _ in range(5):
                st, _, _ = self.s.request("GET", "/api/profiles", conn=c)
                self.assertEqual(st, 200)
        finally:
            c.close()


def recorded(name):
    with open(os.path.join(DATA, "recorded", name), "rb") as f:
        return f.read()


class Recorded(OneServer):
    """A recorded profile (docs/recorded-tree.md) uploaded to a real server:
    its tree served from the recorded nodes, every box exact and equal to
    the ground truth."""

    def post(self, name, data):
        return self.s.json("POST", "/api/profiles?name=" + name, data, status=201)["id"]

    def boxes(self, box, above=()):
        """(path of (file, line, name), box) for every box below `box`."""
        for child in box["children"]:
            key = above + ((child["file"], child["line"], child["name"]),)
            yield key, child
            yield from self.boxes(child, key)

    def test_the_tree_is_the_truth_box_for_box(self):
        for program in ("fib", "diamond", "cycle3", "generators"):
            pid = self.post(program + ".prof", recorded(program + ".prof"))
            summary = self.s.json("GET", "/api/profiles/%d" % pid)
            self.assertEqual(summary["tree"], "recorded")
            self.assertEqual(summary["warnings"], [])
            with open(os.path.join(DATA, "groundtruth", program + ".paths.json")) as f:
                truth = json.load(f)
            funcs = [tuple(k) for k in truth["functions"]]
            want = {tuple(funcs[i] for i in p["path"]): p for p in truth["paths"]}
            view = self.s.json("GET", "/api/profiles/%d/tree?depth=64&cutoff=0" % pid)
            self.assertFalse(view["capped"])
            got = dict(self.boxes(view["root"]))
            self.assertEqual(set(got), set(want), program)
            for key, box in got.items():
                self.assertTrue(box["exact"] and box["calls_exact"], (program, key))
                self.assertEqual((box["lo"], box["hi"]), (box["time"], box["time"]))
                self.assertEqual((box["time"], box["calls"]),
                                 (want[key]["time"], want[key]["calls"]), (program, key))
            # The same view rooted at a path of function ids from the top.
            deepest = max(got, key=len)
            ids = []
            box = view["root"]
            for step in deepest:
                box = next(c for c in box["children"] if (c["file"], c["line"], c["name"]) == step)
                ids.append(box["id"])
            zoom = self.s.json("GET", "/api/profiles/%d/tree?path=%s" % (pid, ",".join(map(str, ids))))
            self.assertEqual(len(zoom["path"]), len(ids))
            self.assertEqual(zoom["root"]["time"], want[deepest]["time"])
            # A function's widest path is one the tree answers for.
            fn = self.s.json("GET", "/api/profiles/%d/functions/%d" % (pid, ids[-1]))
            path = ",".join(map(str, fn["path"]))
            self.assertEqual(self.s.json("GET", "/api/profiles/%d/tree?path=%s" % (pid, path))
                             ["root"]["id"], ids[-1])

    def test_overflow_nodes_are_boxes_past_the_cap(self):
        pid = self.post("overflow.prof", recorded("overflow.prof"))
        view = self.s.json("GET", "/api/profiles/%d/tree?depth=64&cutoff=0" % pid)
        over = [b for _, b in self.boxes(view["root"]) if b["name"] == "<paths past the cap>"]
        self.assertGreater(len(over), 0)
        for b in over:
            self.assertIsNone(b["id"])
            self.assertTrue(b["exact"])
            self.assertEqual(b["children"], [])

    def test_the_local_viewer_serves_the_recorded_tree_before_and_after_storing(self):
        # `profviz FILE` answers from memory while it stores (server/ingest.c).
        s = Server("-s", "-p", "0", view=[os.path.join(DATA, "recorded", "overflow.prof")])
        try:
            pid = int(s.url.rsplit("/", 1)[1])
            for _ in range(2):
                self.assertEqual(s.json("GET", "/api/profiles/%d" % pid)["tree"], "recorded")
                view = s.json("GET", "/api/profiles/%d/tree?depth=64&cutoff=0" % pid)
                boxes = [b for _, b in self.boxes(view["root"])]
                self.assertTrue(all(b["exact"] for b in boxes))
                self.assertIn("<paths past the cap>", [b["name"] for b in boxes])
                until = time.time() + 20
                while not s.json("GET", "/api/profiles/%d" % pid)["stored"] and time.time() < until:
                    time.sleep(0.05)
        finally:
            self.assertEqual(s.stop(signal.SIGINT)[0], 0)

    def test_a_plain_profile_says_inferred_and_a_damaged_trailer_stores_nothing(self):
        st, _, body = upload(self.s, "recursion.prof")
        self.assertIn(st, (200, 201), body)
        pid = json.loads(body)["id"]
        self.assertEqual(self.s.json("GET", "/api/profiles/%d" % pid)["tree"], "inferred")
        before = self.s.json("GET", "/api/profiles")["total"]
        st, _, body = self.s.request("POST", "/api/profiles?name=bad.prof",
                                     recorded("damaged/crc_mismatch.prof"))
        self.assertEqual(st, 400)
        self.assertRegex(json.loads(body)["error"], r"^byte \d+: trailer: CRC-32 mismatch")
        self.assertEqual(self.s.json("GET", "/api/profiles")["total"], before)


def status_of(answer):
    m = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    return int(m.group(1)) if m else None


class Malformed(unittest.TestCase):
    """Requests no client should send: 4xx or a closed connection, and the
    server keeps serving."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server("--max-upload", "1M", "--max-header", "16K")
        st, _, body = upload(cls.s, "recursion.prof")
        assert st == 201, body
        cls.pid = json.loads(body)["id"]

    @classmethod
    def tearDownClass(cls):
        rc, err = cls.s.stop()
        assert rc == 0, err

    def still_serving(self):
        st, _, _ = self.s.request("GET", "/api/profiles")
        self.assertEqual(st, 200)

    def expect(self, name, data, statuses=None, may_close=False, then=None):
        answer = self.s.raw(data, then=then)
        st = status_of(answer)
        if st is None:
            self.assertTrue(may_close and b"<timeout>" not in answer,
                            "%s: no answer: %r" % (name, answer[:200]))
        else:
            self.assertTrue(400 <= st < 500, "%s: %d" % (name, st))
            if statuses:
                self.assertIn(st, statuses, name)
        self.still_serving()
        return answer

    def get(self, target, version=b"HTTP/1.1"):
        return b"GET " + target + b" " + version + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

    def test_unparseable_requests(self):
        self.expect("garbage", b"GARBAGE\r\n\r\n", may_close=True)
        self.expect("binary", bytes(range(1, 256)) + b"\r\n\r\n", may_close=True)
        self.expect("tls hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64 +
                    b"\r\n\r\n", may_close=True)
        self.expect("no version", b"GET /api/profiles\r\n\r\n", may_close=True)
        self.expect("no host", b"GET /api/profiles HTTP/1.1\r\n\r\n", {400}, may_close=True)
        self.expect("bad header line", b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
                    may_close=True)
        self.expect("nul in line", b"GET /api/\x00profiles HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    may_close=True)

    def test_bad_paths_and_ids(self):
        p = str(self.pid).encode()
        cases = {
            b"/api/profiles/%zz": 400,
            b"/api/profiles/%": 400,
            b"/api/profiles/" + p + b"%00/tree": 400,
            b"/api/profiles/abc": 400,
            b"/api/profiles/-1": 400,
            b"/api/profiles/999999": 404,
            b"/api/profiles/12345678901234567890": 404,
            b"/api/profiles/123456789012345678901234567890/functions/1": 404,
            b"/api/profiles/" + p + b"/functions/99999999999999999999": 404,
            b"/api/profiles/" + p + b"/functions/abc": 400,
            b"/api/profiles/" + p + b"/tree?path=1,%zz": 400,
            b"/api/profiles/" + p + b"/tree?depth=0": 400,
            b"/api/profiles/" + p + b"/tree?depth=1000": 400,
            b"/api/profiles/" + p + b"/tree?cutoff=nan": 400,
            b"/api/profiles/" + p + b"/tree?cutoff=-1": 400,
            b"/api/profiles/" + p + b"/tree?depth=99999999999999999999999999": 400,
            b"/api/profiles/" + p + b"/functions?limit=0": 400,
            b"/api/profiles/" + p + b"/functions?limit=100000": 400,
            b"/api/profiles/" + p + b"/functions?offset=-5": 400,
            b"/api/profiles/" + p + b"/functions?q=%00": 200,
            b"/api/profiles/" + p + b"/functions?q=%25%27%22_": 200,
            b"/api/nope": 404,
            b"/../../etc/passwd": 404,
            b"/%2e%2e/%2e%2e/etc/passwd": 404,
            b"/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd": 404,
            b"/p/../../etc/passwd": 404,
            b"//etc/passwd": 404,
            b"/index.html%00.js": 404,
            b"/web/index.html": 404,
            b"/" + b"a" * 5000: 404,
        }
        for target, want in cases.items():
            answer = self.s.raw(self.get(target))
            self.assertEqual(status_of(answer), want, target)
            if want != 200:
                body = answer.split(b"\r\n\r\n", 1)[1]
                self.assertIn("error", json.loads(body), target)
            self.still_serving()
        self.assertNotIn(b"root:", self.s.raw(self.get(b"/../../etc/passwd")))

    def test_oversized_headers_and_bodies(self):
        self.expect("100 KB header", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " +
                    b"a" * 100000 + b"\r\n\r\n", may_close=True)
        self.expect("100 KB URL", self.get(b"/" + b"a" * 100000), may_close=True)
        # 10 MB over a 1 MB limit: refused before the body is read.
        body = b"x" * (10 << 20)
        answer = self.expect("10 MB body", b"POST /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body), {413}, then=body)
        self.assertIn(b'"error"', answer)
        self.expect("absurd length", b"POST /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Length: 99999999999999999999999999\r\n\r\n", may_close=True)
        self.expect("negative length", b"POST /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Length: -5\r\n\r\n", may_close=True)
        # Chunked, no length: cut off once past the limit.
        chunk = b"%x\r\n%s\r\n" % (1 << 16, b"y" * (1 << 16))
        self.expect("chunked 3 MB", b"POST /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n", {413}, may_close=True,
                    then=chunk * 48 + b"0\r\n\r\n")
        # A body where none belongs.
        self.expect("GET with body", b"GET /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Length: 5\r\n\r\nhello", {400})
        self.expect("DELETE with body", b"DELETE /api/profiles/999 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Length: 5\r\n\r\nhello", {400})
        self.expect("empty upload", b"POST /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Length: 0\r\nConnection: close\r\n\r\n", {400})
        self.expect("garbage upload", b"POST /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Length: 9\r\nConnection: close\r\n\r\nnot a pro", {400})

    def test_wrong_methods_say_what_is_allowed(self):
        for method, target, allow in ((b"BREW", b"/api/profiles", b"GET, HEAD, POST"),
                                      (b"PUT", b"/api/profiles/1", b"DELETE, GET, HEAD"),
                                      (b"POST", b"/api/profiles/1/tree", b"GET, HEAD"),
                                      (b"OPTIONS", b"/", b"GET, HEAD"),
                                      (b"DELETE", b"/index.html", b"GET, HEAD")):
            answer = self.expect(method, method + b" " + target + b" HTTP/1.1\r\n"
                                 b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n", {405})
            self.assertIn(b"\r\nAllow: " + allow + b"\r\n", answer)

    def test_foreign_origin_may_not_write(self):
        # (Host names and origins in depth: test_limits.py.)
        data = fixture("wide.prof")
        st, _, _ = self.s.request("POST", "/api/profiles", data,
                                  {"Origin": "http://evil.example"})
        self.assertEqual(st, 403)

    def test_idle_half_sent_requests_do_not_hold_up_others(self):
        idle = []
        try:
            for _ in range(40):
                sock = socket.create_connection((self.s.host, self.s.port))
                sock.sendall(b"GET /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                idle.append(sock)
            t0 = time.monotonic()
            for _ in range(10):
                self.still_serving()
            self.assertLess(time.monotonic() - t0, 5)
        finally:
            for sock in idle:
                sock.close()


class Concurrency(unittest.TestCase):
    def test_uploads_and_reads_from_8_threads(self):
        s = Server("-q")
        errors, lock = [], threading.Lock()

        def work(k):
            c = s.conn()
            try:
                for i in range(len(FIXTURES)):
                    name = FIXTURES[(i + k) % len(FIXTURES)]
                    st, _, body = s.request("POST", "/api/profiles?name=" + name, fixture(name),
                                            conn=c)
                    if st not in (200, 201):
                        raise AssertionError("upload %s: %d %r" % (name, st, body[:200]))
                    pid = json.loads(body)["id"]
                    for path in ("/api/profiles", "/api/profiles/%d" % pid,
                                 "/api/profiles/%d/tree" % pid,
                                 "/api/profiles/%d/functions?sort=name&q=e" % pid,
                                 "/api/profiles/%d/functions/0" % pid, "/"):
                        st, _, body = s.request("GET", path, conn=c)
                        if st != 200:
                            raise AssertionError("GET %s: %d %r" % (path, st, body[:200]))
                        if path != "/":
                            json.loads(body)
            except Exception as e:  # collected, reported below
                with lock:
                    errors.append(repr(e))
            finally:
                c.close()

        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        listed = s.json("GET", "/api/profiles")["profiles"]
        rc, err = s.stop()
        self.assertEqual(errors, [])
        self.assertEqual(rc, 0, err)
        # Each distinct file stored once, whatever the races.
        self.assertEqual(len(listed), len(FIXTURES))


class Tokens(unittest.TestCase):
    def test_write_token(self):
        s = Server("--token", "s3cret")
        try:
            for hdrs in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
                st, h, body = upload(s, "recursion.prof", hdrs)
                self.assertEqual(st, 401, hdrs)
                self.assertIn("error", json.loads(body))
                self.assertIn("Bearer", h.get("www-authenticate", ""))
            st, _, body = upload(s, "recursion.prof", {"Authorization": "Bearer s3cret"})
            self.assertEqual(st, 201, body)
            pid = json.loads(body)["id"]
            # Reads stay open.
            s.json("GET", "/api/profiles/%d/tree" % pid)
            st, _, _ = s.request("DELETE", "/api/profiles/%d" % pid)
            self.assertEqual(st, 401)
            st, _, _ = s.request("DELETE", "/api/profiles/%d" % pid,
                                 headers={"Authorization": "Bearer s3cret"})
            self.assertEqual(st, 204)
        finally:
            s.stop()

    def test_read_token(self):
        s = Server("--token", "s3cret", "--read-token", "r3ad")
        try:
            st, _, body = upload(s, "recursion.prof", {"Authorization": "Bearer s3cret"})
            self.assertEqual(st, 201)
            pid = json.loads(body)["id"]
            for path in ("/api/profiles", "/api/profiles/%d/tree" % pid):
                self.assertEqual(s.request("GET", path)[0], 401)
                self.assertEqual(s.request("GET", path, headers={
                    "Authorization": "Bearer nope"})[0], 401)
                for token in ("r3ad", "s3cret"):
                    self.assertEqual(s.request("GET", path, headers={
                        "Authorization": "Bearer " + token})[0], 200)
            st, _, _ = upload(s, "wide.prof", {"Authorization": "Bearer r3ad"})
            self.assertEqual(st, 401)
            self.assertEqual(s.request("GET", "/")[0], 200)
        finally:
            s.stop()

    def test_token_from_the_environment_and_the_open_bind_warning(self):
        s = Server("-H", "0.0.0.0", "--allow-host", "profviz.example")
        try:
            self.assertIn("warning", s.stderr())
        finally:
            s.stop()
        s = Server("-H", "0.0.0.0", env={"PROFVIZ_TOKEN": "envtok"})
        try:
            self.assertNotIn("warning", s.stderr())
            self.assertEqual(upload(s, "recursion.prof")[0], 401)
            self.assertEqual(upload(s, "recursion.prof", {
                "Authorization": "Bearer envtok"})[0], 201)
        finally:
            s.stop()

    def test_read_token_alone_is_a_usage_error(self):
        r = subprocess.run([PROFVIZ, "serve", "--db", "/nonexistent/x.db", "--read-token", "x"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("--token", r.stderr)


class View(unittest.TestCase):
    def view(self, *args):
        return Server(*args, view=[os.path.join(DATA, "pstats", "recursion.prof")])

    def test_view_prints_a_working_url_and_stops_on_sigint(self):
        s = self.view("-s", "-p", "0")
        m = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/p/(\d+)", s.url)
        self.assertTrue(m, s.url)
        pid = int(m.group(2))
        st, _, body = s.request("GET", "/p/%d" % pid)
        self.assertEqual(st, 200)
        self.assertIn(b"<html", body)
        tree = s.json("GET", "/api/profiles/%d/tree" % pid)
        self.assertEqual(tree["root"]["children"][0]["name"], "main")
        rc, err = s.stop(signal.SIGINT)
        self.assertEqual(rc, 0, err)
        self.assertIn("profviz: stopped", err)

    def test_the_local_viewer_answers_only_local_host_names(self):
        # A page of another site rebinding its name to 127.0.0.1.
        s = self.view("-s", "-p", "0")
        try:
            for host, want in ((b"evil.example", 403), (b"evil.example:%d" % s.port, 403),
                               (b"localhost:%d" % s.port, 200), (b"127.0.0.1", 200),
                               (b"127.1.2.3:80", 200)):
                answer = s.raw(b"GET /api/profiles HTTP/1.1\r\nHost: " + host +
                               b"\r\nConnection: close\r\n\r\n")
                self.assertEqual(status_of(answer), want, host)
        finally:
            self.assertEqual(s.stop(signal.SIGINT)[0], 0)

    def test_a_port_asked_for_and_taken_stops_the_viewer(self):
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        try:
            with tempfile.TemporaryDirectory() as tmp:
                db = os.path.join(tmp, "s.db")
                r = subprocess.run([PROFVIZ, "-s", "-p", str(port), "--db", db,
                                    os.path.join(DATA, "pstats", "recursion.prof")],
                                   capture_output=True, text=True, timeout=30,
                                   env=dict(os.environ, XDG_CACHE_HOME=tmp))
                # Nothing was served, so nothing was stored.
                with sqlite3.connect(db) as c:
                    self.assertEqual(c.execute("SELECT count(*) FROM profile").fetchone()[0], 0)
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertEqual(r.stdout, "")
            self.assertIn("port %d on 127.0.0.1 is in use" % port, r.stderr)
            self.assertIn("-p 0", r.stderr)
        finally:
            taken.close()

    def test_the_default_port_taken_moves_the_viewer_and_says_so(self):
        # 8080 is taken: by this test, or by someone else for longer than
        # the test waits (a holder that lets go meanwhile, such as another
        # test run on this machine, would hand 8080 to the viewer).
        taken = socket.socket()
        deadline = time.monotonic() + 10
        while True:
            try:
                taken.bind(("127.0.0.1", 8080))
                taken.listen()
                break
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.1)
        try:
            s = self.view("-s")
            try:
                self.assertNotEqual(s.port, 8080)
                self.assertEqual(s.request("GET", "/")[0], 200)
                self.assertIn("port 8080 is in use; serving on %d instead" % s.port, s.stderr())
            finally:
                self.assertEqual(s.stop(signal.SIGINT)[0], 0)
        finally:
            taken.close()

    def test_a_missing_browser_is_reported_not_fatal(self):
        s = self.view("-p", "0", "-b", "no-such-browser-xyz")
        try:
            deadline = time.monotonic() + 10
            while "open" not in s.stderr() and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertIn("no-such-browser-xyz", s.stderr())
            self.assertEqual(s.request("GET", "/")[0], 200)
        finally:
            self.assertEqual(s.stop(signal.SIGINT)[0], 0)

    def test_bad_files_and_words(self):
        r = subprocess.run([PROFVIZ, "-s", "-p", "0", os.path.join(DATA, "pstats",
                                                                   "bad_trunc_half.prof")],
                           capture_output=True, text=True,
                           env=dict(os.environ, XDG_CACHE_HOME=tempfile.gettempdir()))
        self.assertEqual(r.returncode, 2)
        self.assertIn("byte", r.stderr)
        r = subprocess.run([PROFVIZ, "no-such-command-or-file"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("neither a command nor a file", r.stderr)

    def big_profile(self):
        """The largest profile at hand, so that storing it takes a while."""
        shared = os.path.join(os.environ.get("PV_SHARED", ""), "corpus", "big_50k.prof")
        return shared if os.path.exists(shared) else os.path.join(DATA, "pstats",
                                                                  "real_pydoc.prof")

    def start_viewer(self, db, path):
        proc = subprocess.Popen([PROFVIZ, "-s", "-p", "0", "--db", db, path],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=dict(os.environ, XDG_CACHE_HOME=os.path.dirname(db)))
        url = read_line(proc.stdout, 60).strip()
        m = re.fullmatch(r"http://127\.0\.0\.1:\d+/p/(\d+)", url)
        if not m:
            proc.kill()
            raise AssertionError("no URL: %r %r" % (url, proc.communicate()[1]))
        return proc, int(m.group(1))

    def store_counts(self, db):
        """(profiles, bytes, functions, edges) rows, and the profile's own
        counts (n_funcs + n_caller_only, n_edges) when there is one."""
        with sqlite3.connect(db) as c:
            rows = tuple(c.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                         for t in ("profile", "profile_blob", "function", "edge"))
            own = c.execute("SELECT n_funcs + n_caller_only, n_edges FROM profile").fetchall()
        return rows, own

    def assert_whole_or_nothing(self, db):
        """The store holds the whole profile or nothing of it; returns
        whether it holds it."""
        rows, own = self.store_counts(db)
        if rows[0] == 0:
            self.assertEqual(rows, (0, 0, 0, 0))
            return False
        self.assertEqual(rows[:2], (1, 1))
        self.assertEqual(rows[2:], own[0])
        return True

    def test_ctrl_c_while_storing_finishes_and_twice_rolls_back_saying_which(self):
        big = self.big_profile()
        for presses in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                db = os.path.join(tmp, "s.db")
                proc, pid = self.start_viewer(db, big)
                proc.send_signal(signal.SIGINT)
                seen = ""
                if presses == 2:
                    # A second press, as a user's, after the first is taken
                    # (signals sent at once would merge into one).
                    while "still storing" not in seen:
                        line = read_line(proc.stderr, 30)
                        if not line:
                            break
                        seen += line
                    proc.send_signal(signal.SIGINT)
                _, err = proc.communicate(timeout=60)
                err = seen + err.decode()
                self.assertEqual(proc.returncode, 0, err)
                self.assertIn("profviz: stopped", err)
                stored = self.assert_whole_or_nothing(db)
                if stored:
                    self.assertIn("stored in", err)
                    self.assertIn("(profile %d)" % pid, err)
                else:
                    self.assertIn("not stored: storing was abandoned and rolled back", err)
                if presses == 1:
                    self.assertTrue(stored, err)

    def test_a_viewer_killed_while_storing_leaves_all_or_nothing(self):
        big = self.big_profile()
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "s.db")
            proc, pid = self.start_viewer(db, big)
            proc.kill()
            proc.communicate()
            stored = self.assert_whole_or_nothing(db)
            # A later start finds the store whole and stores (or finds) it.
            proc, again = self.start_viewer(db, big)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=60)
            self.assertEqual(proc.returncode, 0, err)
            self.assertTrue(self.assert_whole_or_nothing(db))
            if stored:
                self.assertEqual(again, pid)
            else:
                self.assertGreater(again, pid)

    @unittest.skipUnless(socket.has_ipv6, "no IPv6")
    def test_ipv6_loopback(self):
        try:
            probe = socket.socket(socket.AF_INET6)
            probe.bind(("::1", 0))
            probe.close()
        except OSError:
            self.skipTest("::1 is not configured")
        s = self.view("-s", "-p", "0", "-H", "::1")
        try:
            self.assertTrue(s.url.startswith("http://[::1]:"), s.url)
            c = http.client.HTTPConnection("::1", s.port, timeout=10)
            c.request("GET", "/api/profiles")
            self.assertEqual(c.getresponse().status, 200)
            c.close()
        finally:
            self.assertEqual(s.stop(signal.SIGINT)[0], 0)


if __name__ == "__main__":
    PROFVIZ, DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
