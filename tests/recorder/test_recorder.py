"""test_recorder.py — the recorder suite for one interpreter.

    python3 test_recorder.py VERSION BUILD_DIR

VERSION "system" is Debian's /usr/bin/python3; "3.8" .. "3.13" the pyenv
build ~/.pyenv/versions/3.8*/bin/python3.  The recorder is compiled for
that interpreter (build.py, as `profviz record` compiles it) and
check_recorder.py runs under it.  Exit 77, with the reason, when the
interpreter, its headers or a compiler is missing.
"""
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def interpreter(version):
    if version == 'system':
        return '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else None
    found = sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/%s.*/bin/python3' % version)))
    return found[-1] if found else None


def main():
    version, build_dir = sys.argv[1], sys.argv[2]
    python = interpreter(version)
    if python is None:
        print('skipped: no Python %s here (%s)' % (
            version, '/usr/bin/python3' if version == 'system' else '~/.pyenv/versions/%s.*' % version))
        return 77
    r = subprocess.run([python, os.path.join(HERE, 'build.py'), build_dir],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if r.returncode != 0:
        print(r.stdout.strip())
        return r.returncode
    module_dir = r.stdout.strip().splitlines()[-1]
    scratch = os.path.join(build_dir, 'scratch-' + os.path.basename(module_dir))
    return subprocess.run([python, os.path.join(HERE, 'check_recorder.py'), module_dir, scratch]).returncode


if __name__ == '__main__':
    sys.exit(main())
