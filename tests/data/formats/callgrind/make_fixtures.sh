#!/bin/sh
# Regenerates the callgrind fixtures made on this machine (the others in
# this directory are copies of ../shared/formats/callgrind, unchanged):
#   c_prog.callgrind        valgrind --tool=callgrind on c_prog.c
#   c_prog_instr.callgrind  the same with --dump-instr=yes --collect-jumps=yes
#                           (instr/line positions in hex and +n/-n/*, jump lines)
#   yappi_prog.callgrind    Debian's python3-yappi on py_prog.py
# and each one's oracle (FILE.expected.json) when ORACLE (default:
# ../shared/formats/oracle_formats.py beside the project) exists.
# Needs gcc, valgrind and Debian's python3-yappi (/usr/bin/python3); the tests need none of them.
# Paths in the files are made relative (run from this directory) so the
# bytes do not depend on where the project is checked out.
# SPDX-License-Identifier: MIT
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Compiled where it runs, so the paths in the debug information (and in
# the files) are that directory's, which the sed below removes.
cp c_prog.c "$tmp/"
(cd "$tmp" && gcc -O0 -g -fno-inline -o c_prog c_prog.c)
(cd "$tmp" && valgrind --tool=callgrind --callgrind-out-file=c_prog.callgrind ./c_prog 18 >/dev/null 2>&1)
(cd "$tmp" && valgrind --tool=callgrind --dump-instr=yes --collect-jumps=yes \
    --callgrind-out-file=c_prog_instr.callgrind ./c_prog 18 >/dev/null 2>&1)
for f in c_prog c_prog_instr; do
    # pid: and cmd: differ from run to run and name the temporary directory.
    sed -e "s|$tmp/||g" -e 's/^pid: .*/pid: 1/' "$tmp/$f.callgrind" > "$f.callgrind"
done
/usr/bin/python3 - "$tmp" <<'PY'
import os, sys, runpy
import yappi
tmp = sys.argv[1]
yappi.set_clock_type("cpu")
yappi.start()
runpy.run_path("py_prog.py", run_name="__main__")
yappi.stop()
yappi.get_func_stats().save(os.path.join(tmp, "yappi_prog.callgrind"), type="callgrind")
PY
sed -e "s|$PWD/||g" -e 's/^pid: .*/pid: 1/' -e 's/^cmd: .*/cmd: py_prog.py/' \
    "$tmp/yappi_prog.callgrind" > yappi_prog.callgrind
oracle=${ORACLE:-../../../../../shared/formats/oracle_formats.py}
if [ -f "$oracle" ]; then
    for f in c_prog.callgrind c_prog_instr.callgrind yappi_prog.callgrind edge_*.callgrind; do
        [ -f "$f" ] || continue
        python3 "$oracle" "$f" -o "$f.expected.json" --format callgrind
    done
fi
