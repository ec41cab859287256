#!/usr/bin/env python3
"""A stand-in for the profviz binary in the notebook test: checks that it
is called as `profviz export --db DB PROF --html OUT` with a profile
Python's pstats reads, then writes a known report (or, with --png, a
known image) to OUT.  FAKE_PROFVIZ_LOG gets the arguments."""
import os
import pstats
import sys

REPORT = ('<!DOCTYPE html><html><head><title>fake "report" & co</title></head>'
          '<body><p id="r">profiled: %s</p><script>document.getElementById("r").textContent += " (script ran)";</script></body></html>')

args = sys.argv[1:]
with open(os.environ["FAKE_PROFVIZ_LOG"], "a") as log:
    log.write(" ".join(args) + "\n")
assert args[0] == "export" and args[1] == "--db", args
prof = args[3]
names = sorted({fn for (_, _, fn) in pstats.Stats(prof).stats})
if args[4] == "--html":
    with open(args[5], "w", encoding="utf-8") as f:
        f.write(REPORT % ",".join(n for n in names if n in ("work", "helper")))
elif args[4] == "--png":
    with open(args[5], "wb") as f:
        f.write(b"\x89PNG fake")
else:
    sys.exit("fake profviz: unexpected %r" % args)
