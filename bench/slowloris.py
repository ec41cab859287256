#!/usr/bin/env python3
"""slowloris.py — are normal requests answered while slow clients attack?

    python3 bench/slowloris.py [--profviz PATH] [--conns 1100] [--duration 60]
                               [--interval 10] [--probe-every 0.5] [--no-reconnect]
                               [-- SERVE_ARGS...]

Starts `profviz serve -p 0` on a new store (or attacks --url), opens CONNS
connections that each send a request line and then one header byte every
INTERVAL seconds, never finishing the headers (the slowloris attack the
server must outlast: 1,100 connections, a byte every 10 s), and reopens each one the
server closes, as a determined attacker would.  Meanwhile a normal client
asks GET /api/profiles every PROBE_EVERY seconds on a new connection with
a 5 s timeout.  Prints, per 10 s of the attack, the slow connections the
server held, how many probes were answered and their latency, then the
totals.  Everything runs on this machine, so attacker and client share the
loopback address (no per-address limit applies).  The exit status is 0
when every probe was answered.
"""
import argparse
import http.client
import os
import resource
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


def start_server(profviz, tmp, extra):
    cmd = [profviz, "serve", "-q", "--db", os.path.join(tmp, "s.db"), "-p", "0", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    url = proc.stdout.readline().decode().strip()
    if not url:
        proc.kill()
        sys.exit("slowloris.py: the server printed no URL")
    return proc, url


class Attacker:
    """CONNS slow connections, each one header byte every INTERVAL s."""

    def __init__(self, host, port, conns, interval, reconnect):
        self.addr = (host, port)
        self.conns, self.interval, self.reconnect = conns, interval, reconnect
        self.sel = selectors.DefaultSelector()
        self.next_byte = {}   # socket -> when it sends its next byte
        self.opened = self.closed_by_server = self.refused = 0
        self.stop = threading.Event()

    def open_one(self):
        s = socket.socket()
        s.setblocking(True)
        s.settimeout(2)
        try:
            s.connect(self.addr)
            s.sendall(b"GET /api/profiles HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        except OSError:
            s.close()
            self.refused += 1
            return
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ)
        self.next_byte[s] = time.monotonic() + self.interval
        self.opened += 1

    def drop(self, s):
        self.sel.unregister(s)
        del self.next_byte[s]
        s.close()

    def run(self):
        for _ in range(self.conns):
            self.open_one()
        while not self.stop.is_set():
            for key, _ in self.sel.select(timeout=0.2):
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:   # the server closed it (or answered)
                    self.drop(s)
                    self.closed_by_server += 1
            now = time.monotonic()
            for s, when in list(self.next_byte.items()):
                if now >= when:
                    try:
                        s.send(b"a")
                        self.next_byte[s] = now + self.interval
                    except OSError:
                        self.drop(s)
                        self.closed_by_server += 1
            if self.reconnect:
                for _ in range(self.conns - len(self.next_byte)):
                    if self.stop.is_set():
                        break
                    self.open_one()
        for s in list(self.next_byte):
            self.drop(s)

    def held(self):
        return len(self.next_byte)


def probe(host, port):
    """Seconds one normal request took, or None when it got no answer."""
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection(host, port, timeout=5)
        c.request("GET", "/api/profiles")
        r = c.getresponse()
        r.read()
        c.close()
        return time.monotonic() - t0 if r.status == 200 else None
    except OSError:
        return None


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profviz", default=os.path.join(HERE, "..", "build", "cli", "profviz"))
    ap.add_argument("--url", help="attack this server instead of starting one")
    ap.add_argument("--conns", type=int, default=1100)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--interval", type=float, default=10)
    ap.add_argument("--probe-every", type=float, default=0.5)
    ap.add_argument("--no-reconnect", action="store_true")
    ap.add_argument("serve_args", nargs="*", help="after --: more `profviz serve` options")
    args = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.conns + 256
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    tmp = tempfile.TemporaryDirectory()
    proc = None
    url = args.url
    if not url:
        proc, url = start_server(args.profviz, tmp.name, args.serve_args)
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname, parts.port

    attacker = Attacker(host, port, args.conns, args.interval, not args.no_reconnect)
    thread = threading.Thread(target=attacker.run)
    t_start = time.monotonic()
    thread.start()
    print("attack: %d connections, a header byte every %g s, %s, for %g s; probe every %g s"
          % (args.conns, args.interval, "reopened when closed" if attacker.reconnect
             else "not reopened", args.duration, args.probe_every))
    print("%6s %6s %8s %8s %9s %9s" % ("t(s)", "held", "probes", "answered", "p50(ms)",
                                        "max(ms)"))
    all_lat, n_probes, window, window_t = [], 0, [], t_start + 10
    while time.monotonic() - t_start < args.duration:
        t = time.monotonic()
        lat = probe(host, port)
        n_probes += 1
        window.append(lat)
        if lat is not None:
            all_lat.append(lat)
        if time.monotonic() >= window_t:
            ok = [x for x in window if x is not None]
            print("%6.0f %6d %8d %8d %9.1f %9.1f" % (
                time.monotonic() - t_start, attacker.held(), len(window), len(ok),
                pct(ok, 50) * 1e3, max(ok, default=float("nan")) * 1e3))
            window, window_t = [], window_t + 10
        time.sleep(max(0.0, args.probe_every - (time.monotonic() - t)))
    attacker.stop.set()
    thread.join()
    if proc:
        proc.terminate()
        proc.wait(20)
    tmp.cleanup()
    print("total: %d of %d probes answered; latency p50 %.1f ms, p95 %.1f ms, max %.1f ms; "
          "slow connections opened %d, closed by the server %d, refused %d"
          % (len(all_lat), n_probes, pct(all_lat, 50) * 1e3, pct(all_lat, 95) * 1e3,
             max(all_lat, default=float("nan")) * 1e3, attacker.opened,
             attacker.closed_by_server, attacker.refused))
    return 0 if len(all_lat) == n_probes else 1


if __name__ == "__main__":
    sys.exit(main())
