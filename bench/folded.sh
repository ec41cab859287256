#!/usr/bin/env bash
# folded.sh — folded stacks at scale: how fast a big file is read and
# stored, and what memory that takes.
#
#   bench/folded.sh          SIZES="100M 1G" by default
#
# Builds build-bench (release, configured once), writes folded files of
# each size with gen_folded.py into bench/results/ (git-ignored; kept,
# rewritten only when the generator changes), plus the 100 MB one in
# shuffled order, then:
#   - bench_parse: the reader alone and pv_parse_bytes (reader + SHA-256)
#     on the mapped file, MB/s and peak RSS, each file in a child process;
#   - `profviz load` of each into a new store, end to end (process start
#     to exit, /usr/bin/time: wall seconds and peak RSS).
# The target is 100 MB/s for the reader.  Results are also saved in
# bench/results/folded.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
SIZES=${SIZES:-"100M 1G"}
TARGET_MBS=100

release_build cli/profviz bench/bench_parse
tee_to "$RESULTS/folded.txt"
work_dir

# gen SIZE [--shuffle]: the file's path, written when missing or stale.
gen() {
    local size=$1 out=$RESULTS/folded_$1${2:+_shuffled}.txt
    if [[ ! -f $out || bench/gen_folded.py -nt $out ]]; then
        say "writing $out"
        python3 bench/gen_folded.py --size "$size" ${2:-} -o "$out"
    fi
    echo "$out"
}

files=()
for size in $SIZES; do
    files+=("$(gen "$size")")
done
files+=("$(gen 100M --shuffle)")

say "reading (bench_parse; target: reader >= $TARGET_MBS MB/s)"
"$BUILD/bench/bench_parse" "${files[@]}"

say "profviz load, end to end (new store each)"
printf '%-40s %9s %9s %9s %10s\n' file MB seconds MB/s "peak RSS"
for f in "${files[@]}"; do
    db=$tmp/load.db
    rm -f "$db" "$db-wal" "$db-shm"
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$BUILD/cli/profviz" load -q --db "$db" "$f" >/dev/null
    read -r secs kb <"$tmp/time"
    awk -v f="$(basename "$f")" -v bytes="$(stat -c %s "$f")" -v s="$secs" -v kb="$kb" 'BEGIN {
        printf "%-40s %9.1f %9.2f %9.1f %8.0f M\n", f, bytes / 1e6, s, bytes / 1e6 / s, kb / 1024
        printf "load-e2e file=%s mb=%.1f seconds=%.2f mb_s=%.1f peak_rss_mb=%.0f\n",
            f, bytes / 1e6, s, bytes / 1e6 / s, kb / 1024
    }'
done
