"""record_run.py — one run of tests/groundtruth/cprofile_run.py, as
`python -m cProfile -o OUT ARGS...` runs it, in one of three modes:

    python record_run.py MODULE_DIR MODE OUT ARGS...

"cprofile" and "record" are cprofile_run.py's own (cProfile on the event
counter; the ground truth's sys.setprofile recorder); "ours" is the
recorder under test: cProfile's Profile hooks a Recorder on the same kind of
counter, and OUT holds a marshal of {"stats": stats(), "tree": tree(),
"functions": functions()}.
threading is imported first in every mode: Recorder.enable() hooks the
threads started later through it (and must not import it itself, or the
program would import it under the profiler in one mode only).
"""
import itertools
import marshal
import os
import sys
import threading  # noqa: F401  (see above)

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    module_dir, mode = sys.argv[1], sys.argv[2]
    del sys.argv[1]
    sys.path[0] = module_dir
    import _profviz_recorder
    # cprofile_run.main() expects sys.path[0:2] == [its folder, the script's]
    sys.path[0] = os.path.join(HERE, '..', 'groundtruth')
    sys.path.insert(1, HERE)
    import _lsprof
    import cprofile_run
    import recorder

    class _OurProfiler(_lsprof.Profiler):
        """cProfile's Profile base, never enabled itself: enable() and
        disable() are the Recorder's."""
        done = True

        def __init__(self, *args, **kwargs):
            super().__init__()
            self.rec = _profviz_recorder.Recorder(itertools.count(1).__next__, recorder.UNIT)
            self.enable, self.disable = self.rec.enable, self.rec.disable
            cprofile_run.RECORDERS.append(self)

        def result(self):
            return {'stats': self.rec.stats(), 'tree': self.rec.tree(), 'functions': self.rec.functions()}

    if mode == 'ours':
        cprofile_run._RecordingProfiler = _OurProfiler
        mode = 'record'
    sys.argv[1] = mode
    cprofile_run.main()


if __name__ == '__main__':
    main()
