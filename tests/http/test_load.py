"""The server under load, over real sockets (Python standard library only).

Usage: test_load.py PROFVIZ DATA_DIR

Reuses test_http.py's Server.  Checks, against real `profviz serve`
processes:
- two servers on one store: a profile deleted through one is answered 404
  by the other for every resource, however much of it that one had cached;
- gzip: JSON answers are compressed for clients that send
  Accept-Encoding: gzip (and only for them), say Vary: Accept-Encoding, and
  decompress to the plain answer;
- expensive views (no cutoff, 64 levels) of a wide profile are answered
  within their limits with `capped` saying which, cheap requests keep
  being answered meanwhile, and the server's memory stays under its
  --cache-mb budget (not checked under AddressSanitizer, whose shadow
  memory and quarantine are not the server's).
"""
import gzip
import json
import marshal
import os
import sys
import tempfile
import threading
import time
import unittest

import test_http
from test_http import OneServer, Server, upload

# A view the server may take this long, s: its time limit is 0.5 s, and
# a sanitizer build prints and compresses several times slower.
VIEW_BOUND_S = 10.0


def wide_profile(levels=5, fanout=40, width=200):
    """pstats bytes of a layered call graph: `width` functions per level,
    each calling `fanout` functions of the next level, so the call tree
    has width * fanout ** depth boxes at depth `depth` (a view with no
    cutoff explodes like a real program's).  Times are consistent: each
    edge's figures are its callee's share, ct = tt + the callees' ct."""
    funcs = [[("/srv/app/layer%d.py" % lv, 10 + i, "f%d_%d" % (lv, i)) for i in range(width)]
             for lv in range(levels)]
    calls = {}  # callee key -> {caller key: calls}
    for lv in range(levels - 1):
        for i, f in enumerate(funcs[lv]):
            for k in range(fanout):
                g = funcs[lv + 1][(i + k) % width]
                calls.setdefault(g, {})[f] = calls.get(g, {}).get(f, 0) + 1 + k
    stats = {}
    ct_of = {}
    for lv in reversed(range(levels)):
        for f in funcs[lv]:
            callers = calls.get(f, {})
            nc = sum(callers.values()) or 1
            tt = nc * 1e-6
            # Callees' ct shared out by calls: what each caller's calls took.
            below = 0.0
            if lv + 1 < levels:
                for g in funcs[lv + 1]:
                    made = calls[g].get(f, 0)
                    if made:
                        below += ct_of[g] * made / sum(calls[g].values())
            ct = tt + below
            ct_of[f] = ct
            edges = {c: (n, n, tt * n / nc, ct * n / nc) for c, n in callers.items()}
            stats[f] = (nc, nc, tt, ct, edges)
    return marshal.dumps(stats)


def under_asan():
    with open(test_http.PROFVIZ, "rb") as f:
        return b"__asan_init" in f.read()


def vm_kib(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s in /proc/%d/status" % (key, pid))


def post(server, data, name):
    st, _, body = server.request("POST", "/api/profiles?name=" + name, data)
    if st not in (200, 201):
        raise AssertionError("upload %s: %d %r" % (name, st, body[:200]))
    return json.loads(body)["id"]


class TwoServersOneStore(unittest.TestCase):
    def test_a_profile_deleted_by_one_server_is_gone_from_the_other(self):
        tmp = tempfile.TemporaryDirectory()
        db = os.path.join(tmp.name, "shared.db")
        a = Server("--db", db)
        b = Server("--db", db)
        try:
            st, _, body = upload(a, "real_pydoc.prof")
            self.assertEqual(st, 201, body)
            pid = json.loads(body)["id"]
            keep = post(a, test_http.fixture("recursion.prof"), "kept.prof")
            urls = ["/api/profiles/%d%s" % (pid, rest) for rest in
                    ("", "/raw", "/tree", "/tree?depth=3&cutoff=0", "/functions",
                     "/functions?sort=name", "/functions/0")]
            # B reads everything, building and keeping the graph, memos and views.
            for url in urls + urls:
                st, _, body = b.request("GET", url)
                self.assertEqual(st, 200, (url, body[:200]))
            self.assertEqual(b.request("GET", "/api/profiles/%d/tree" % keep)[0], 200)
            st, _, _ = a.request("DELETE", "/api/profiles/%d" % pid)
            self.assertEqual(st, 204)
            for url in urls:
                st, _, body = b.request("GET", url)
                self.assertEqual(st, 404, (url, body[:200]))
                self.assertIn("error", json.loads(body))
            # The other profile is still served by both.
            for s in (a, b):
                self.assertEqual(s.request("GET", "/api/profiles/%d/tree" % keep)[0], 200)
        finally:
            for s in (a, b):
                rc, err = s.stop()
                self.assertEqual(rc, 0, err)
            tmp.cleanup()


class Gzip(OneServer):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        st, _, body = upload(cls.s, "real_pydoc.prof")
        assert st == 201, body
        cls.pid = json.loads(body)["id"]

    def test_json_is_compressed_for_clients_that_take_it(self):
        s = self.s
        for url in ("/api/profiles/%d/tree?depth=8&cutoff=0" % self.pid,
                    "/api/profiles/%d/tree" % self.pid,
                    "/api/profiles/%d/functions?limit=200" % self.pid,
                    "/api/profiles"):
            st, hdrs, plain = s.request("GET", url)
            self.assertEqual(st, 200)
            self.assertNotIn("content-encoding", hdrs)
            self.assertEqual(hdrs.get("vary"), "Accept-Encoding")
            # Asked twice: printed, then kept (compressed) with the graph.
            for _ in range(2):
                st, hdrs, body = s.request("GET", url, headers={"Accept-Encoding": "gzip, deflate"})
                self.assertEqual(st, 200)
                self.assertEqual(hdrs.get("vary"), "Accept-Encoding")
                if len(plain) < 1024:
                    self.assertNotIn("content-encoding", hdrs, url)
                    self.assertEqual(body, plain)
                    continue
                self.assertEqual(hdrs.get("content-encoding"), "gzip", url)
                self.assertEqual(int(hdrs["content-length"]), len(body))
                self.assertLess(len(body), len(plain))
                self.assertEqual(gzip.decompress(body), plain, url)
            # Refused with q=0: plain, also after a compressed copy was kept.
            st, hdrs, body = s.request("GET", url, headers={"Accept-Encoding": "gzip;q=0, br"})
            self.assertNotIn("content-encoding", hdrs)
            self.assertEqual(body, plain)

    def test_a_big_view_is_a_fraction_of_its_size(self):
        url = "/api/profiles/%d/tree?depth=20&cutoff=0" % self.pid
        _, _, plain = self.s.request("GET", url)
        _, hdrs, body = self.s.request("GET", url, headers={"Accept-Encoding": "gzip"})
        self.assertGreater(len(plain), 100000)
        self.assertLess(len(body), len(plain) / 5)

    def test_small_answers_and_errors_stay_plain(self):
        for url in ("/api/server", "/api/profiles/999999", "/api/profiles/%d/tree?depth=0" % self.pid):
            st, hdrs, body = self.s.request("GET", url, headers={"Accept-Encoding": "gzip"})
            self.assertNotIn("content-encoding", hdrs, url)
            json.loads(body)


class ExpensiveViews(unittest.TestCase):
    """A wide profile whose views with no cutoff pass every limit."""

    BUDGET_MB = 96

    @classmethod
    def setUpClass(cls):
        cls.s = Server("--cache-mb", str(cls.BUDGET_MB), "--threads", "4")
        cls.pid = post(cls.s, wide_profile(), "wide_layers.prof")
        cls.pid_small = post(cls.s, test_http.fixture("recursion.prof"), "small.prof")

    @classmethod
    def tearDownClass(cls):
        rc, err = cls.s.stop()
        assert rc == 0, err

    def view(self, depth, cutoff="0"):
        t0 = time.monotonic()
        st, _, body = self.s.request(
            "GET", "/api/profiles/%d/tree?depth=%d&cutoff=%s" % (self.pid, depth, cutoff))
        self.assertEqual(st, 200, body[:200])
        return json.loads(body), len(body), time.monotonic() - t0

    def test_an_expensive_view_is_answered_within_its_limits_and_says_which(self):
        view, size, took = self.view(64)
        cap = view["capped"]
        self.assertIsInstance(cap, dict, "a 64-level view of this profile must be capped")
        self.assertIn(cap["reason"], ("boxes", "bytes", "time"))
        if cap["reason"] == "bytes":
            # A 32nd of the budget.
            self.assertEqual(cap["limit"], self.BUDGET_MB * 2**20 // 32)
            self.assertLessEqual(size, cap["limit"])
        self.assertLess(cap["depth"], 64)
        self.assertLess(took, VIEW_BOUND_S)

        def walk(box, depth):
            n = 1
            if depth == cap["depth"]:
                self.assertEqual(box["children"], [])
            for c in box["children"]:
                n += walk(c, depth + 1)
            return n

        self.assertEqual(walk(view["root"], 0), cap["boxes"])
        # The deepest level shown says it has more.
        deepest = view["root"]
        for _ in range(cap["depth"]):
            deepest = deepest["children"][0]
        self.assertTrue(deepest["more"])

    def test_cheap_requests_are_answered_while_expensive_views_run(self):
        stop = time.monotonic() + 4
        errors = []

        def hammer(k):
            i = 0
            while time.monotonic() < stop:
                i += 1
                try:
                    self.view(20 + (i * 4 + k) % 45, "%de-12" % (i % 1000))
                except Exception as e:  # reported below, in the main thread
                    errors.append(e)
                    return

        threads = [threading.Thread(target=hammer, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        cheap = []
        try:
            while time.monotonic() < stop:
                for url in ("/api/server", "/api/profiles/%d" % self.pid_small,
                            "/api/profiles/%d/tree" % self.pid_small):
                    t0 = time.monotonic()
                    st, _, body = self.s.request("GET", url)
                    cheap.append(time.monotonic() - t0)
                    self.assertEqual(st, 200, body[:200])
        finally:
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        self.assertGreater(len(cheap), 10)
        self.assertLess(max(cheap), VIEW_BOUND_S)

    def test_memory_stays_under_the_budget(self):
        if under_asan():
            self.skipTest("AddressSanitizer's memory is not the server's")
        for depth in range(16, 64):
            self.view(depth)
        hwm = vm_kib(self.s.proc.pid, "VmHWM")
        self.assertLess(hwm, self.BUDGET_MB * 1024, "peak %d KiB" % hwm)


if __name__ == "__main__":
    test_http.PROFVIZ, test_http.DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
