#!/usr/bin/env bash
# list.sh — listing a team store of 10,000 profiles, in a release build.
#
#   bench/list.sh           N=10000 RUNS=20 by default
#
# 1. bench_list fills a new store with N labelled profiles through the store
#    API and times pages of the listing query (pv_store_query) directly.
# 2. A real `profviz serve -p 0 -q` on that store: GET /api/profiles pages,
#    filtered and not, timed with curl (connection to last byte, median of
#    RUNS).  Target: every page under 100 ms.
# Results are also saved in bench/results/list.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
N=${N:-10000}
RUNS=${RUNS:-20}
TARGET_MS=100

command -v curl >/dev/null || { echo "list.sh: curl is not installed" >&2; exit 1; }
release_build bench/bench_list cli/profviz

work_dir

tee_to "$RESULTS/list.txt"
say "bench_list: $N profiles, the query alone (median of $RUNS)"
"$BUILD/bench/bench_list" -n "$N" -r "$RUNS" --keep "$tmp/list.db" | grep -v '^bench '

say "GET /api/profiles over HTTP (median of $RUNS)"
start_server "$tmp/list.db"
worst=0
for path in 'api/profiles?limit=50' "api/profiles?limit=50&offset=$((N - 50))" \
            'api/profiles?limit=50&label=service:api' \
            'api/profiles?limit=50&label=service:web&label=branch:main' \
            'api/profiles?limit=50&q=nightly' 'api/profiles?limit=50&q=nightly&label=service:api' \
            'api/profiles?limit=50&q=nothing-matches'; do
    ms=()
    for ((i = 0; i < RUNS; i++)); do
        ms+=($(curl -sf -o /dev/null -w '%{time_total}' "$base$path" | awk '{ printf "%.2f", $1 * 1000 }'))
    done
    med=$(printf '%s\n' "${ms[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    printf '%-60s %8s ms\n' "/$path" "$med"
    worst=$(awk -v a="$worst" -v b="$med" 'BEGIN { print (b > a ? b : a) }')
done
awk -v w="$worst" -v t="$TARGET_MS" 'BEGIN { printf "slowest page: %s ms (target < %d ms): %s\n", w, t, (w < t ? "ok" : "MISSED") }'
