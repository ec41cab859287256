"""The server's holes closed and limits kept, over real sockets.

Usage: test_limits.py PROFVIZ DATA_DIR

Uses test_http.py's Server and helpers.  Checks:
- Host names: a loopback `serve` (and `profviz FILE`) answers only
  addresses, localhost and --allow-host names (DNS rebinding); beyond
  loopback it needs --allow-host or --token, and says which it uses; a
  write from a page of another site (Origin) is refused, the page's own
  and a CLI's pass;
- slow clients: headers that do not arrive in time close the connection
  while others are answered; a slow body is not cut off; one address may
  hold only so many connections (loopback exempt);
- requests libmicrohttpd would wait on (hundreds of query parameters, an
  unknown Transfer-Encoding) or misread (two lengths) are answered at once;
  numbers in query parameters are strict;
- the request log shows a client's control characters as text;
- a full disk: uploads get 507 "store full" and deletes still work and make
  room (as root, on a small tmpfs; skipped otherwise).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_http  # noqa: E402  (the helpers: Server, upload, fixture, status_of)
from test_http import Server, fixture, status_of, upload  # noqa: E402


def get(host, path=b"/api/profiles", method=b"GET", extra=b""):
    return (method + b" " + path + b" HTTP/1.1\r\nHost: " + host + b"\r\n" + extra +
            b"Connection: close\r\n\r\n")


def body_of(answer):
    return json.loads(answer.split(b"\r\n\r\n", 1)[1])


class HostNames(unittest.TestCase):
    def test_loopback_serve_refuses_names_it_does_not_know(self):
        s = Server()
        try:
            st, _, body = upload(s, "recursion.prof")
            pid = json.loads(body)["id"]
            # The issue's rebinding request: a page of evil.example whose name
            # now points at 127.0.0.1 sends its own name and origin.
            evil = b"evil.example:%d" % s.port
            answer = s.raw(get(evil, b"/api/profiles/%d" % pid, b"DELETE",
                               b"Origin: http://" + evil + b"\r\n"))
            self.assertEqual(status_of(answer), 403)
            self.assertIn("evil.example", body_of(answer)["error"])
            self.assertEqual(status_of(s.raw(get(evil))), 403)
            s.json("GET", "/api/profiles/%d" % pid)
            for host in (b"localhost:%d" % s.port, b"127.0.0.1:%d" % s.port, b"127.0.0.1",
                         b"[::1]:%d" % s.port, b"LOCALHOST"):
                self.assertEqual(status_of(s.raw(get(host))), 200, host)
            for host in (b"localhost.evil.example", b"127.0.0.1.evil.example", b"[::1",
                         b"evil.example:80@127.0.0.1"):
                self.assertEqual(status_of(s.raw(get(host))), 403, host)
        finally:
            s.stop()

    def test_allowed_names_with_and_without_a_port(self):
        s = Server("--allow-host", "profviz.example", "--allow-host", "team.example:8443")
        try:
            for host, want in ((b"profviz.example", 200), (b"profviz.example:1234", 200),
                               (b"PROFVIZ.Example", 200), (b"team.example:8443", 200),
                               (b"team.example", 403), (b"team.example:80", 403),
                               (b"evil.example", 403), (b"profviz.example.evil", 403)):
                self.assertEqual(status_of(s.raw(get(host))), want, host)
            self.assertIn("--allow-host name", s.stderr())
        finally:
            s.stop()

    def test_beyond_loopback_a_name_or_a_token_is_needed(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run([test_http.PROFVIZ, "serve", "--db", os.path.join(tmp, "s.db"),
                                "-H", "0.0.0.0", "-p", "0"], capture_output=True, text=True,
                               timeout=30)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn("--allow-host NAME", r.stderr)
        self.assertIn("--token SECRET", r.stderr)

        s = Server("-H", "0.0.0.0", "--allow-host", "profviz.example")
        try:
            self.assertEqual(status_of(s.raw(get(b"profviz.example"))), 200)
            self.assertEqual(status_of(s.raw(get(b"evil.example"))), 403)
            self.assertIn("warning", s.stderr())  # anyone may still upload
        finally:
            s.stop()

        s = Server("-H", "0.0.0.0", "--token", "t0k")
        try:
            self.assertIn("any Host name", s.stderr())
            self.assertEqual(status_of(s.raw(get(b"evil.example"))), 200)
            answer = s.raw(get(b"evil.example", b"/api/profiles/1", b"DELETE"))
            self.assertEqual(status_of(answer), 401)
        finally:
            s.stop()

    def test_writes_from_another_site_are_refused_the_pages_own_pass(self):
        s = Server()
        try:
            own = "http://127.0.0.1:%d" % s.port
            for origin in ("http://evil.example", "null", "http://127.0.0.1:1",
                           "http://127.0.0.1:%d.evil.example" % s.port):
                st, _, body = upload(s, "recursion.prof", {"Origin": origin})
                self.assertEqual(st, 403, origin)
                self.assertIn("error", json.loads(body))
            self.assertEqual(s.json("GET", "/api/profiles")["profiles"], [])
            st, _, body = upload(s, "recursion.prof", {"Origin": own})  # the page
            self.assertEqual(st, 201, body)
            pid = json.loads(body)["id"]
            self.assertEqual(upload(s, "recursion.prof")[0], 200)   # curl: no Origin
            path = "/api/profiles/%d" % pid
            self.assertEqual(s.request("DELETE", path, headers={
                "Origin": "http://evil.example"})[0], 403)
            self.assertEqual(s.request("DELETE", path, headers={"Origin": own})[0], 204)
            # Reading is not a write: a cross-site GET is the browser's to
            # refuse (no CORS headers are sent), not the server's.
            self.assertEqual(s.request("GET", "/api/profiles", headers={
                "Origin": "http://evil.example"})[0], 200)
        finally:
            s.stop()

    def test_the_local_viewer_answers_the_same_names(self):
        s = Server("-s", "-p", "0", view=[os.path.join(test_http.DATA, "pstats",
                                                          "recursion.prof")])
        try:
            self.assertEqual(status_of(s.raw(get(b"evil.example:%d" % s.port))), 403)
            self.assertEqual(status_of(s.raw(get(b"localhost:%d" % s.port))), 200)
        finally:
            s.stop()


def slow_socket(s, sent=b"GET /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "):
    sock = socket.create_connection((s.host, s.port), timeout=10)
    sock.sendall(sent)
    return sock


def closed_by_server(sock, wait):
    """Whether the server closed `sock` within `wait` seconds."""
    sock.settimeout(wait)
    try:
        return sock.recv(4096) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def outside_address():
    """An address of this machine that is not loopback, or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent
        addr = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if addr.startswith("127.") or addr == "0.0.0.0" else addr


class SlowClients(unittest.TestCase):
    def test_slow_headers_are_cut_off_while_others_are_answered(self):
        s = Server("-q", "--header-timeout", "2")
        slow, stop = [slow_socket(s) for _ in range(300)], threading.Event()

        def trickle():
            # A byte every 0.5 s: never idle long enough for an idle timeout.
            while not stop.wait(0.5):
                for sock in slow:
                    try:
                        sock.send(b"a")
                    except OSError:
                        pass
        t = threading.Thread(target=trickle)
        t.start()
        try:
            for _ in range(10):
                t0 = time.monotonic()
                self.assertEqual(s.request("GET", "/api/profiles")[0], 200)
                self.assertLess(time.monotonic() - t0, 1)
                time.sleep(0.2)
            time.sleep(1.5)  # past the 2 s deadline (checked every 250 ms)
            stop.set()
            t.join()
            self.assertEqual(sum(closed_by_server(sock, 2) for sock in slow), len(slow))
        finally:
            stop.set()
            for sock in slow:
                sock.close()
            s.stop()

    def test_the_deadline_is_for_headers_not_bodies_and_applies_between_requests(self):
        s = Server("-q", "--header-timeout", "1")
        try:
            data = fixture("recursion.prof")
            sock = slow_socket(s, b"POST /api/profiles?name=slow.prof HTTP/1.1\r\n"
                                  b"Host: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % len(data))
            step = len(data) // 5 + 1
            for i in range(0, len(data), step):  # over 2.5 s, past the deadline
                time.sleep(0.5)
                sock.sendall(data[i:i + step])
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += sock.recv(4096)
            self.assertEqual(status_of(answer), 201, answer)
            # The connection is kept alive, waiting for the next request's
            # headers: that wait has the deadline too.
            self.assertTrue(closed_by_server(sock, 3))
            sock.close()
        finally:
            s.stop()

    def test_one_address_may_hold_only_so_many_connections(self):
        addr = outside_address()
        if not addr:
            self.skipTest("this machine has no address but loopback")
        s = Server("-q", "-H", "0.0.0.0", "--token", "t", "--max-conns-per-ip", "4")
        held = []
        try:
            held = [socket.create_connection((addr, s.port), timeout=5) for _ in range(4)]
            time.sleep(0.3)
            extra = socket.create_connection((addr, s.port), timeout=5)
            self.assertTrue(closed_by_server(extra, 3))
            extra.close()
            # Loopback is exempt (a reverse proxy on this machine).
            self.assertEqual(s.request("GET", "/api/profiles")[0], 200)
            held.pop().close()
            time.sleep(0.3)
            c = test_http.http.client.HTTPConnection(addr, s.port, timeout=5)
            c.request("GET", "/api/profiles")
            self.assertEqual(c.getresponse().status, 200)
            c.close()
        finally:
            for sock in held:
                sock.close()
            s.stop()


class Framing(unittest.TestCase):
    """Requests that used to hang for the idle timeout, or were misread."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server("-q")
        st, _, body = upload(cls.s, "recursion.prof")
        cls.pid = json.loads(body)["id"]

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def answer_at_once(self, data, want):
        t0 = time.monotonic()
        answer = self.s.raw(data, timeout=10)
        self.assertLess(time.monotonic() - t0, 2, answer[:200])
        self.assertEqual(status_of(answer), want, answer[:300])
        self.assertIn("error", body_of(answer))
        return answer

    def test_hundreds_of_query_parameters(self):
        query = b"&".join(b"a%d=1" % i for i in range(500))
        answer = self.answer_at_once(get(b"127.0.0.1", b"/api/profiles?" + query), 400)
        self.assertIn(b"X-Content-Type-Options: nosniff", answer)
        # A handful, as the page sends, is fine.
        self.assertEqual(status_of(self.s.raw(get(b"127.0.0.1", b"/api/profiles?a=1&b=2"))),
                         200)

    def test_bodies_whose_length_is_unknown_or_ambiguous(self):
        head = b"POST /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        self.answer_at_once(head + b"Transfer-Encoding: gzip\r\n\r\nabc", 501)
        self.answer_at_once(head + b"Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde", 400)
        self.answer_at_once(head + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                            b"5\r\nabcde\r\n0\r\n\r\n", 400)

    def test_numbers_are_strict(self):
        base = b"/api/profiles/%d" % self.pid
        for query in (b"/tree?cutoff=0x1", b"/tree?cutoff=%2B0.1", b"/tree?cutoff=%200.1",
                      b"/tree?cutoff=.5", b"/tree?cutoff=inf", b"/tree?cutoff=1e",
                      b"/tree?cutoff=01", b"/tree?depth=0x5", b"/tree?depth=%2B5",
                      b"/functions?limit=1e2", b"/functions?offset=%205"):
            answer = self.s.raw(get(b"127.0.0.1", base + query))
            self.assertEqual(status_of(answer), 400, query)
            self.assertIn("error", body_of(answer))
        for query in (b"/tree?cutoff=0.001", b"/tree?cutoff=1e-7", b"/tree?cutoff=0",
                      b"/tree?cutoff=1E-3", b"/tree?depth=5", b"/functions?limit=10"):
            self.assertEqual(status_of(self.s.raw(get(b"127.0.0.1", base + query))), 200, query)


class RequestLog(unittest.TestCase):
    def test_a_clients_control_characters_are_logged_as_text(self):
        s = Server()
        self.assertIsNotNone(status_of(s.raw(
            b"\x1b]0;pwned\x07 /api/server HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")))
        s.raw(get(b"127.0.0.1", b"/api/%1b[2J%07\xc2\x9b31m%e2%80%ae"))
        rc, err = s.stop()
        self.assertEqual(rc, 0, err)
        for byte in ("\x1b", "\x07", "\x9b", "\u202e"):
            self.assertNotIn(byte, err)
        self.assertIn("\\x1b]0;pwned\\x07 /api/server", err)
        self.assertIn("/api/\\x1b[2J\\x07\u27e8U+009B\u27e931m\u27e8U+202E\u27e9 404", err)


@unittest.skipUnless(hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount"),
                     "mounting a small tmpfs needs root")
class DiskFull(unittest.TestCase):
    def setUp(self):
        self.mnt = tempfile.mkdtemp()
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", self.mnt],
                           capture_output=True, text=True)
        if r.returncode != 0:
            os.rmdir(self.mnt)
            self.skipTest("cannot mount a tmpfs: " + r.stderr.strip())

    def tearDown(self):
        subprocess.run(["umount", self.mnt])
        os.rmdir(self.mnt)

    def fill(self):
        """Fills what is left of the disk with another program's file."""
        fd = os.open(os.path.join(self.mnt, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)

    def test_store_full_is_507_and_deletes_make_room(self):
        db = os.path.join(self.mnt, "s.db")
        s = Server(view=["serve", "-q", "--db", db, "-p", "0"])
        try:
            ids = []
            for name in ("real_pydoc.prof", "wide.prof", "deep.prof"):
                st, _, body = upload(s, name)
                self.assertEqual(st, 201, body)
                ids.append(json.loads(body)["id"])
            self.assertTrue(os.path.exists(db + "-reserve"))
            self.fill()
            st, _, body = upload(s, "profile_module_cli.prof")
            self.assertEqual(st, 507, body)
            self.assertIn("store full", json.loads(body)["error"])
            self.assertEqual(len(s.json("GET", "/api/profiles")["profiles"]), 3)
            for pid in ids[:2]:
                st, _, body = s.request("DELETE", "/api/profiles/%d" % pid)
                self.assertEqual(st, 204, body)
                self.assertEqual(s.request("GET", "/api/profiles/%d" % pid)[0], 404)
            # The room the deleted profiles held takes a new one.
            st, _, body = upload(s, "profile_module_cli.prof")
            self.assertEqual(st, 201, body)
            self.assertEqual(len(s.json("GET", "/api/profiles")["profiles"]), 2)
        finally:
            rc, err = s.stop()
        self.assertEqual(rc, 0, err)
        self.assertIn("is full", err)


if __name__ == "__main__":
    test_http.PROFVIZ, test_http.DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
