#!/usr/bin/env bash
# merge.sh — the pstats writer, folded export and merge at scale: wall
# time and peak RSS of each command, end to end (process start to exit).
#
#   bench/merge.sh           RUNS=3 by default (best of RUNS)
#
# Inputs: ../shared/corpus/big_50k.prof (a real 50,010-function cProfile
# dump; without ../shared a synthetic 50k profile from gen_pstats stands
# in), the synthetic 100k profile, and a recorded tree of 200,000 nodes
# over the 50k profile's functions (gen_recorded.py).  For each: `export --pstats` and `export --folded` of
# the stored profile (by id: the load is not timed), and `merge` of three
# copies of the file.  It also checks that writing the written dump again
# gives the same bytes.  Results are saved in bench/results/merge.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
RUNS=${RUNS:-3}

release_build cli/profviz bench/gen_pstats
tee_to "$RESULTS/merge.txt"
work_dir

files=()
if [[ -f ../shared/corpus/big_50k.prof ]]; then
    files+=(../shared/corpus/big_50k.prof)
else
    say "no ../shared: a synthetic 50k profile stands in for big_50k.prof"
    files+=("$(synth 50000)")
fi
files+=("$(synth 100000)")
rec=$RESULTS/recorded_200k.prof
if [[ ! -f $rec || bench/gen_recorded.py -nt $rec ]]; then
    python3 bench/gen_recorded.py "${files[0]}" 200000 "$rec"
fi
files+=("$rec")

# timed NAME CMD...: best wall seconds and its peak RSS over RUNS runs.
timed() {
    local name=$1 best= rss= i secs kb
    shift
    for ((i = 0; i < RUNS; i++)); do
        /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null
        read -r secs kb <"$tmp/time"
        if [[ -z $best ]] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$secs rss=$kb
        fi
    done
    printf '%-44s %8.2f s %8.0f MB\n' "$name" "$best" "$((rss / 1024))"
}

db=$tmp/bench.db
printf '%-44s %10s %11s\n' "command (file)" "best" "peak RSS"
for f in "${files[@]}"; do
    base=$(basename "$f")
    id=$("$BUILD/cli/profviz" load -q --db "$db" "$f")
    timed "export --pstats ($base)" "$BUILD/cli/profviz" export --db "$db" "$id" --pstats "$tmp/out.prof"
    timed "export --folded ($base)" "$BUILD/cli/profviz" export --db "$db" "$id" --folded "$tmp/out.folded"
    timed "merge x3 ($base)" "$BUILD/cli/profviz" merge "$f" "$f" "$f" -o "$tmp/merged.prof"
    "$BUILD/cli/profviz" export --db "$db" "$tmp/out.prof" --pstats "$tmp/again.prof" 2>/dev/null
    cmp -s "$tmp/out.prof" "$tmp/again.prof" && stable=yes || stable=NO
    printf '  %s: dump %s bytes (file %s), folded %s lines, rewrite byte-identical: %s\n' "$base" \
        "$(stat -c %s "$tmp/out.prof")" "$(stat -c %s "$f")" "$(grep -vc '^#' "$tmp/out.folded")" "$stable"
done
