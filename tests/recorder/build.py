"""build.py — compile recorder/profviz_recorder.c for the running Python.

    python build.py OUT_DIR     prints the directory holding the module

The way `profviz record` builds it on first use: one `cc -shared -fPIC
-I<include> -O2` over the one C file.  Used as a module, build(out_dir)
returns that directory, or raises Skip (a missing compiler or Python
headers) with the reason.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, '..', '..', 'recorder', 'profviz_recorder.c')


class Skip(Exception):
    """The module cannot be built here; the message says why."""


def build(out_dir):
    include = sysconfig.get_paths()['include']
    if not os.path.exists(os.path.join(include, 'Python.h')):
        raise Skip('no Python.h in %s (the headers of %s are not installed)' % (include, sys.executable))
    cc = os.environ.get('CC', 'cc').split()
    if shutil.which(cc[0]) is None:
        raise Skip('no C compiler (%s)' % cc[0])
    # one directory per interpreter: two builds of one version may differ
    tag = '%d%d-%08x' % (sys.version_info[:2] + (zlib.crc32(os.fsencode(sys.executable)),))
    out = os.path.join(os.path.abspath(out_dir), 'py' + tag)
    os.makedirs(out, exist_ok=True)
    suffix = sysconfig.get_config_var('EXT_SUFFIX') or '.so'
    target = os.path.join(out, '_profviz_recorder' + suffix)
    cmd = cc + ['-shared', '-fPIC', '-I' + include, '-O2', '-Wall', '-Wextra', '-Werror',
                '-o', target, SOURCE]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit('%s failed:\n%s' % (' '.join(cmd), r.stderr))
    return out


if __name__ == '__main__':
    try:
        print(build(sys.argv[1]))
    except Skip as e:
        print('skipped: %s' % e)
        sys.exit(77)
