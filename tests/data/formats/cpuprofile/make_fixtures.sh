#!/bin/sh
# Makes node_prog.cpuprofile with this machine's node (`node --cpu-prof`,
# sampling every 100 µs) and its oracle with the shared oracle script
# (../shared/formats/oracle_formats.py beside a developer's checkout).
# Usage: tests/data/formats/cpuprofile/make_fixtures.sh [ORACLE_SCRIPT]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
oracle=${1:-$here/../../../../../shared/formats/oracle_formats.py}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && node --cpu-prof --cpu-prof-interval 100 --cpu-prof-dir "$tmp" \
    --cpu-prof-name node_prog.cpuprofile "$here/node_prog.js" >/dev/null)
cp "$tmp/node_prog.cpuprofile" "$here/node_prog.cpuprofile"
python3 "$oracle" "$here/node_prog.cpuprofile" -o "$here/node_prog.cpuprofile.expected.json"
