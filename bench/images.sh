#!/usr/bin/env bash
# images.sh — how long `profviz export --svg / --png` takes on big
# profiles, and how big the files are.
#
#   bench/images.sh          RUNS=5 by default
#
# Builds build-bench (release, configured once), loads the synthetic
# 100,000-function profile (gen_pstats) and examples/slow.prof into a new
# store, then times each export of a stored profile (process start to exit,
# best of RUNS): the default view (depth 10, 1200 px) and a large one
# (depth 30, 4000 px), as SVG and as PNG.  Results are also saved in
# bench/results/images.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
RUNS=${RUNS:-5}

release_build cli/profviz bench/gen_pstats
tee_to "$RESULTS/images.txt"
work_dir

db=$tmp/images.db
files=("$(synth 100000)" examples/slow.prof)
ids=()
for f in "${files[@]}"; do
    ids+=("$("$BUILD/cli/profviz" load -q --db "$db" "$f")")
done

# best_ms ARGS...: the fastest of RUNS runs of `profviz export ARGS`.
best_ms() {
    local best= t0 t1 ms
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        "$BUILD/cli/profviz" export --db "$db" "$@" >/dev/null
        t1=$(date +%s%N)
        ms=$(((t1 - t0) / 1000000))
        [[ -z $best || $ms -lt $best ]] && best=$ms
    done
    echo "$best"
}

for k in "${!files[@]}"; do
    name=$(basename "${files[$k]}")
    for view in "" "--depth 30 --width 4000"; do
        for kind in svg png; do
            out=$tmp/out.$kind
            # shellcheck disable=SC2086  # $view is two options or none
            ms=$(best_ms "${ids[$k]}" --$kind "$out" $view)
            printf 'images file=%s kind=%s view=%s best_ms=%d bytes=%d\n' "$name" "$kind" \
                "${view:-default}" "$ms" "$(stat -c %s "$out")"
        done
    done
done
