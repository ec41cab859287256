#!/usr/bin/env bash
# expensive.sh — the server's memory and its cheap answers while expensive
# views hammer it, in a release build.
#
#   bench/expensive.sh      DURATION=20 (seconds) HAMMERS=4 CACHE_MB="512 128"
#
# For each --cache-mb in CACHE_MB: a fresh `profviz serve` on the
# synthetic 100,000-function profile; HAMMERS loops ask, back to back, for
# views with no cutoff and 20 to 64 levels (each a different view: depth
# and a cutoff of 0 or 1e-12 .. 1e-9, so none is answered from the views
# kept), while one client asks for cheap things in turn (the profile's
# summary, a kept depth-10 view, the first page of the functions table)
# and times each.  Reports the expensive answers' time, size and `capped`,
# the server's peak resident memory (VmHWM) against the budget, and the
# cheap requests' latency (median, p95, max).  Output also in
# bench/results/expensive.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
DURATION=${DURATION:-20}
HAMMERS=${HAMMERS:-4}
CACHE_MB=${CACHE_MB:-512 128}

release_build bench/gen_pstats cli/profviz
prof=$(synth 100000)

work_dir
id=$("$BUILD/cli/profviz" load -q --db "$tmp/bench.db" "$prof")

hammer() {  # hammer N END: expensive views until time END
    local n=$1 end=$2 i=0
    while ((SECONDS < end)); do
        i=$((i + 1))
        curl -s -o /dev/null -w "%{time_total} %{size_download}\n" \
            "${base}api/profiles/$id/tree?depth=$((20 + (i * 7 + n) % 45))&cutoff=$((i % 1000))e-12"
    done >"$tmp/hammer.$n"
}

percentiles() {  # stdin: seconds, one a line
    sort -n | awk '{ v[NR] = $1 * 1000 } END {
        printf "n=%d median %.1f ms  p95 %.1f ms  max %.1f ms\n", NR, v[int((NR + 1) / 2)],
            v[int(NR * 0.95 + 0.999)], v[NR] }'
}

tee_to "$RESULTS/expensive.txt"
for mb in $CACHE_MB; do
    start_server "$tmp/bench.db" --cache-mb "$mb"
    say "--cache-mb $mb: $HAMMERS loops of expensive views for ${DURATION}s"
    curl -sf -o /dev/null "${base}api/profiles/$id/tree?depth=10"   # graph built, view kept
    echo "after the first view: $(rss)"
    curl -s "${base}api/profiles/$id/tree?depth=64&cutoff=0" |
        python3 -c 'import json, sys; print("a depth-64 view, cutoff 0: capped", json.load(sys.stdin)["capped"])'
    end=$((SECONDS + DURATION))
    for n in $(seq "$HAMMERS"); do hammer "$n" "$end" & done
    : >"$tmp/cheap"
    peak=0
    while ((SECONDS < end)); do
        for url in "api/profiles/$id" "api/profiles/$id/tree?depth=10" "api/profiles/$id/functions?limit=50"; do
            curl -s -o /dev/null -w "%{time_total}\n" "$base$url" >>"$tmp/cheap"
        done
        kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$server/status")
        ((kb > peak)) && peak=$kb
        sleep 0.05
    done
    wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
    cat "$tmp"/hammer.* | awk '{ t += $1; b += $2; if ($1 > m) m = $1 } END {
        printf "expensive views: %d answered, mean %.0f ms, max %.0f ms, mean %.1f MB\n",
            NR, 1000 * t / NR, 1000 * m, b / NR / 1e6 }'
    echo "cheap requests meanwhile: $(percentiles <"$tmp/cheap")"
    echo "server: $(rss) (budget $mb MiB)"
    echo "bench-expensive cache_mb=$mb hwm_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$server/status") sampled_peak_kb=$peak"
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=
done
