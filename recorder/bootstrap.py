"""bootstrap.py — what `profviz record` runs in the Python it profiles.

profviz (cli/cmd_record.c) embeds this text and starts

    PY -c THIS_TEXT MODULE_SO OUT MAX_PATHS -- SCRIPT ARGS...
    PY -c THIS_TEXT MODULE_SO OUT MAX_PATHS -m -- MODULE ARGS...

It loads the recorder (_profviz_recorder, built by profviz into its cache)
from MODULE_SO and then hands over to this interpreter's own cProfile.main,
with cProfile's runctx replaced by one that records: so sys.argv, sys.path,
the script's globals (__name__, __file__, __spec__, which differ between
Python versions) and the -m handling are exactly those of
`python -m cProfile -o OUT ...` on this Python, with no copy of its code
to drift.  Unlike cProfile, a SystemExit is not swallowed: the process
exits with the script's status (sys.exit's message printed, an uncaught
exception's traceback and status 1, KeyboardInterrupt as Python ends on
it), and OUT is written before, whichever way the script ended.

It must stay valid on every Python 3 profviz starts it with (3.8 on),
and it keeps its names inside a function: this module's globals are
the __main__ module the script sees, as cProfile's are under -m cProfile.
"""
import sys


def _record():
    import importlib.util
    import os

    path, out, max_paths = sys.argv[1], sys.argv[2], int(sys.argv[3])
    spec = importlib.util.spec_from_file_location('_profviz_recorder', path)
    recorder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recorder)
    sys.modules['_profviz_recorder'] = recorder

    import cProfile

    def runctx(code, globs, locs, outfile, sort):
        # As cProfile.Profile.runctx: the exec builtin is the tree's top.
        rec = recorder.Recorder(max_paths=max_paths)
        rec.enable()
        try:
            exec(code, globs, locs)
        finally:
            rec.disable()
            rec.dump(outfile)

    cProfile.runctx = runctx
    # `python -m cProfile` starts with the current directory first on
    # sys.path (-c put '' there); cProfile.main inserts the script's folder.
    sys.path[0] = os.getcwd()
    sys.argv[:] = ['cProfile', '-o', out] + sys.argv[4:]
    cProfile.main()


_record()
