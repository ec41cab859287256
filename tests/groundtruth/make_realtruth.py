#!/usr/bin/env python3
"""make_realtruth.py — ground truth from real programs, run the way
`python -m cProfile` runs them.

For each workload below, two fresh interpreters (this one's executable) run
`python -m cProfile -o OUT ARGS...` through cprofile_run.py: once under
cProfile, once under the recorder (recorder.py), each with a counter clock
advanced once per timer call, so a function's time is the number of
profiler events during its calls.  cProfile's accounting of the recorded
events must give the dump exactly (lsprof_model.py), and the paths pass
make_groundtruth.py's checks; then OUT_DIR/NAME.prof and
OUT_DIR/NAME.paths.json are written in make_groundtruth.py's format (its
docstring says what a path's time is), plus "command", the cProfile
command line.  The work files go to OUT_DIR/work/.

WHAT IS PINNED so that both runs see one event stream: PYTHONHASHSEED=0
(string hashes order sets and dicts), PYTHONDONTWRITEBYTECODE=1 (the first
run would otherwise write .pyc files the second one reads), the cyclic
garbage collector off (cprofile_run.py), LC_ALL=C.UTF-8, no other PYTHON*
variables, and a working directory at one fixed path, rebuilt from scratch
for every run (programs/ copied in; compileall also gets a private copy of
the stdlib json package, whose __pycache__ it writes).  What is not pinned
changes values but not events: clocks, random temporary names.

TWO THINGS OF A REAL DUMP the truth cannot keep as they are:
  - a few C functions' labels hold an address ("<built-in method __new__
    of type object at 0x7f...>"), which differs between two processes:
    both runs write it " at 0x..." (recorder.unaddressed());
  - `python -m cProfile -m MOD` runs a code object keyed ('<string>', 1,
    '<module>'), and so does every namedtuple class created under the
    profiler: cProfile keeps them apart, then its dump keeps one of them
    and contradicts itself.  The dump is checked as it is, and NAME.prof
    is the profile with one function per key (truthfile.profile_of(),
    "shared_keys" in NAME.paths.json).

These truths depend on the Python build (the stdlib's code is the
workload), and a little on OUT_DIR (unittest's discovery calls realpath,
which walks the working directory's path one component at a time), so
they are generated at test time, not committed.  CPython 3.7
to 3.11 (checked with 3.7.16, 3.8.18, 3.9.18, 3.10.13, 3.11.2 and 3.11.7):
from 3.12 on cProfile listens to sys.monitoring, not to the profile
callback sys.setprofile hooks, and the recorder does not even see the
profiler's disable() there, so its replay cannot be checked.

Usage: make_realtruth.py OUT_DIR [--only NAME]...
Exit status 0, 1 (a check failed: the message says which), 77 (this Python
is not one the recorder supports).
"""
import json
import os
import shutil
import subprocess
import sys

import truthfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(HERE, 'programs')
SUPPORTED = ((3, 7), (3, 11))  # first and last minor version

# name: (cProfile's arguments after -o OUT, what the working directory
# holds: files or folders of programs/, or 'stdlib json')
WORKLOADS = {
    'compileall': (['-m', 'compileall', '-q', '-f', 'json'], ['stdlib json']),
    'pydoc': (['-m', 'pydoc', '-w', 'json'], []),
    'unittest': (['-m', 'unittest', 'discover', '-s', 'gt_tests', '-t', '.'], ['gt_tests']),
    'json': (['json_work.py'], ['json_work.py']),
    'argparse_email': (['args_email.py'], ['args_email.py']),
    're': (['regexes.py'], ['regexes.py']),
    'package': (['-m', 'gtpkg.main', '4'], ['gtpkg']),
}

_DRIVER = 'import sys; sys.path.insert(0, %r); import cprofile_run; cprofile_run.main()' % HERE


def _env():
    env = {k: v for k, v in os.environ.items() if not k.startswith('PYTHON')}
    env.update(PYTHONHASHSEED='0', PYTHONDONTWRITEBYTECODE='1', LC_ALL='C.UTF-8')
    return env


def _fresh_workdir(path, contents):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    for item in contents:
        if item == 'stdlib json':
            src = os.path.dirname(json.__file__)
            shutil.copytree(src, os.path.join(path, 'json'), ignore=shutil.ignore_patterns('__pycache__'))
        elif os.path.isdir(os.path.join(PROGRAMS, item)):
            shutil.copytree(os.path.join(PROGRAMS, item), os.path.join(path, item),
                            ignore=shutil.ignore_patterns('__pycache__'))
        else:
            shutil.copy(os.path.join(PROGRAMS, item), path)


def _run(name, mode, out, workdir):
    """One fresh interpreter; returns the unmarshalled OUT."""
    args, contents = WORKLOADS[name]
    _fresh_workdir(workdir, contents)
    r = subprocess.run([sys.executable, '-c', _DRIVER, mode, out] + args, cwd=workdir, env=_env(),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, errors='replace')
    if r.returncode != 0:
        raise SystemExit('%s: the %s run failed (exit %d):\n%s' % (name, mode, r.returncode, r.stderr[-3000:]))
    return truthfile.load_marshal(out)


def generate(name, out_dir):
    scratch = os.path.join(out_dir, 'work')
    os.makedirs(scratch, exist_ok=True)
    workdir = os.path.join(scratch, name)
    dump = _run(name, 'cprofile', os.path.join(scratch, name + '.cprofile'), workdir)
    rec = _run(name, 'record', os.path.join(scratch, name + '.record'), workdir)
    command = 'python -m cProfile -o %s.prof %s' % (name, ' '.join(WORKLOADS[name][0]))
    return truthfile.write(name, out_dir, dump, rec, {'command': command})


def main(argv):
    if not SUPPORTED[0] <= sys.version_info[:2] <= SUPPORTED[1]:
        print('skipped: the recorder supports CPython %d.%d to %d.%d, this is %d.%d: '
              'from 3.12 on cProfile listens to sys.monitoring, older ones are not checked '
              '(see make_realtruth.py)'
              % (SUPPORTED[0] + SUPPORTED[1] + sys.version_info[:2]))
        return 77
    out_dir = os.path.abspath(argv[1])
    only = [argv[i + 1] for i, a in enumerate(argv) if a == '--only']
    unknown = [n for n in only if n not in WORKLOADS]
    if unknown:
        raise SystemExit('no workload %s (there are: %s)' % (', '.join(unknown), ', '.join(WORKLOADS)))
    os.makedirs(out_dir, exist_ok=True)
    for name in only or WORKLOADS:
        doc = generate(name, out_dir)
        print('%-16s %5d functions %6d paths (%5d with repeats)  %7d ticks'
              % (name, len(doc['functions']), len(doc['paths']), doc['paths_with_repeats'],
                 doc['total_ticks']))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
