"""cprofile_run.py — `python -m cProfile -o OUT ARGS...` in this fresh
interpreter, with a deterministic clock, under cProfile or under the
recorder.

Started by make_realtruth.py, twice per program, as

    python -c 'import sys; sys.path.insert(0, HERE); import cprofile_run; cprofile_run.main()' \
        MODE OUT ARGS...

MODE "cprofile": CPython's own cProfile.py runs as `python -m cProfile`
runs it (runpy._run_module_as_main, the call `-m` makes), so the program
is compiled and started by cProfile's main() exactly as for a user:
Profile.runctx(code, globs, None) with builtins.exec at the top of the
tree, imports under the profiler, sys.argv and sys.path as cProfile sets
them.  The one change: every Profile it creates gets timer=a counter
advanced once per call and timeunit=UNIT, so a function's time is the
number of profiler events during its calls.  cProfile writes OUT.

MODE "record": the same, but the Profile is never enabled; its enable()
installs a recorder.Recorder (sys.setprofile) that advances its own counter
at the events where cProfile calls its timer, and its disable() — the C
method, whose c_call the recorder sees — ends the run.  OUT then holds a
marshal of Recorder.result().

Both modes load the same modules before profiling: this file,
recorder.py, lsprof_model.py, and of the standard library only gc and
ctypes beyond what `python -m cProfile` loads itself (the workloads import
neither, so a dump's functions and call counts are those of a plain
`python -m cProfile` run).  Both switch the cyclic garbage collector off: a
collection runs finalizers, whose Python code would then show up at
different points of the two runs.
"""
import functools
import gc
import itertools
import marshal
import os
import runpy
import sys

import _lsprof
import recorder

RECORDERS = []


class _TimedProfiler(_lsprof.Profiler):
    """cProfile's Profile base, forced onto the event counter."""

    def __init__(self, timer=None, timeunit=0.0, subcalls=True, builtins=True):
        super().__init__(itertools.count(1).__next__, recorder.UNIT, subcalls, builtins)


class _RecordingProfiler(_lsprof.Profiler):
    """cProfile's Profile base, never enabled: enable() hooks a Recorder
    instead (a partial of the C function sys.setprofile, so no Python frame
    of ours returns under the hook)."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        rec = recorder.Recorder(self, itertools.count(1).__next__)
        RECORDERS.append(rec)
        self.enable = functools.partial(sys.setprofile, rec)


def main():
    mode, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    _lsprof.Profiler = {'cprofile': _TimedProfiler, 'record': _RecordingProfiler}[mode]
    # As `python -m cProfile -o OUT ARGS` would have them: the current
    # directory first on sys.path (where -c put '', and this file's folder
    # before it), sys.argv[0] replaced by cProfile's path.
    del sys.path[0]
    sys.path[0] = os.getcwd()
    sys.argv[:] = ['-m', '-o', out] + args
    gc.disable()
    runpy._run_module_as_main('cProfile')
    if mode == 'record':
        rec, = RECORDERS
        if not rec.done or sys.getprofile() is not None:
            raise SystemExit('the recorder did not see the profiler switched off')
        with open(out, 'wb') as f:
            marshal.dump(rec.result(), f)
