"""The inverted tree against Python's own pstats, over the shared corpus.

Usage: test_views_corpus.py PROFVIZ SHARED_DIR

Every valid dump of SHARED_DIR/corpus is loaded into a store and served
(`profviz serve -p 0`); for each, the inverted view's first level
(GET /api/profiles/ID/tree?view=inverted) must be pstats' own time per
function (Stats.stats[f][2]) and each function's second level its callers'
tt (Stats.stats[f][4][caller][2]), exactly, with pstats' call counts.
Dumps Python 3's pstats cannot read (Python 2's marshal) are left out and
named.  Without SHARED_DIR (a user's clone) the test is skipped (exit 77).
"""
import glob
import json
import os
import pstats
import select
import subprocess
import sys
import tempfile
import urllib.request

# Functions of a big dump whose callers are compared (the largest by own
# time): one request each.
MAX_SECOND_LEVEL = 150


def get(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.loads(r.read())


def key_of(box):
    return (box["file"], box["line"], box["name"])


def check(url, pid, path, stats, problems):
    base = "%s/api/profiles/%d/tree?view=inverted&cutoff=0&depth=1" % (url, pid)
    view = get(base)
    if view["capped"]:
        # Too many functions for one answer: the largest, and one
        # "(n smaller)" box for the rest.
        base = base.replace("cutoff=0", "cutoff=0.0001")
        view = get(base)
    if view["view"] != "inverted":
        problems.append("%s: view echoed as %r" % (path, view["view"]))
    first = {key_of(b): b for b in view["root"]["children"] if b["id"] is not None}
    shown = len(first) + sum(b["n_merged"] for b in view["root"]["children"])
    owning = {k: v for k, v in stats.items() if v[2] > 0}
    if shown != len(owning) or not first:
        problems.append("%s: first level has %d functions, pstats %d with own time"
                        % (path, shown, len(owning)))
    # Keys a JSON string can name as pstats does (not a code object, not
    # a Python 2 byte string).
    want = {k: v for k, v in owning.items() if all(isinstance(x, (str, int)) for x in k)}
    for k, v in want.items():
        b = first.get(k)
        if not b and v[2] >= 0.0001 * view["root"]["time"]:
            problems.append("%s: %s has no box" % (path, k))
        elif b and (b["time"] != v[2] or not b["exact"] or b["calls"] != v[1]):
            problems.append("%s: %s: box %r/%r, pstats tt %r nc %r"
                            % (path, k, b["time"], b["calls"], v[2], v[1]))
    biggest = sorted(want, key=lambda k: -want[k][2])[:MAX_SECOND_LEVEL]
    compared = 0
    for k in biggest:
        if k not in first:
            continue
        callers = stats[k][4]
        view = get("%s&path=%d" % (base.replace("cutoff=0.0001", "cutoff=0"), first[k]["id"]))
        boxes = {key_of(b): b for b in view["root"]["children"]}
        for ck, cv in callers.items():
            if not isinstance(cv, tuple) or k not in want or ck not in want and ck not in boxes:
                continue  # the `profile` module's bare call counts: no tt
            b = boxes.get(ck)
            compared += 1
            if not b or b["time"] != cv[2] or b["calls"] != cv[0] or not b["exact"]:
                problems.append("%s: %s <- %s: box %r, pstats tt %r nc %r"
                                % (path, k[2], ck[2], b and b["time"], cv[2], cv[0]))
    return compared


def main():
    profviz, shared = sys.argv[1], sys.argv[2]
    files = sorted(f for f in glob.glob(os.path.join(shared, "corpus", "*.prof"))
                   if not os.path.basename(f).startswith("bad_"))
    if not files:
        print("no shared corpus at %s: skipped" % shared)
        return 77
    readable = {}
    for f in files:
        try:
            readable[f] = pstats.Stats(f).stats
        except Exception as e:  # Python 2 marshal, or a dump pstats refuses
            print("pstats cannot read %s (%s): left out" % (os.path.basename(f), type(e).__name__))
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "s.db")
        names = list(readable)
        out = subprocess.run([profviz, "load", "--db", db, "-q", *names], check=True,
                             capture_output=True, text=True).stdout.split()
        proc = subprocess.Popen([profviz, "serve", "--db", db, "-p", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=dict(os.environ, XDG_CACHE_HOME=tmp))
        try:
            ready = select.select([proc.stdout], [], [], 20)[0]
            url = proc.stdout.readline().decode().strip().rstrip("/") if ready else ""
            if not url:
                print("profviz serve printed no URL")
                return 1
            problems, edges = [], 0
            for path, pid in zip(names, out):
                edges += check(url, int(pid), os.path.basename(path), readable[path], problems)
        finally:
            proc.terminate()
            proc.wait(20)
            proc.stdout.close()
    for p in problems[:40]:
        print(p)
    print("%d dumps, %d caller edges compared, %d problems" % (len(names), edges, len(problems)))
    return 1 if problems or edges == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
