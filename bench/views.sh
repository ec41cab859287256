#!/usr/bin/env bash
# views.sh — distinct tree views per second, as a team clicking around
# asks for them, in a release build.
#
#   bench/views.sh          DURATION=10s by default
#
# Loads the synthetic 100,000-function profile into a temporary store,
# starts `profviz serve` on it, collects the zoom paths of every box of its
# depth-8 view (a few hundred), then runs wrk with views.lua: every request
# a different view (a path, depth 10, one of eight cutoffs; 8 x the paths
# combinations, so the views kept with the graph rarely answer), with 1 and
# then 2 connections, plain and then with Accept-Encoding: gzip, with the
# server's CPU time per view (from /proc: less sensitive than views/s to
# whatever else the machine runs).  Target on 2 cores (wrk shares them):
# >= 1,000 views/s with 2 connections, plain.
# Output also in bench/results/views.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
DURATION=${DURATION:-10s}
VIEWS_TARGET=1000

command -v wrk >/dev/null || { echo "views.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
release_build bench/gen_pstats cli/profviz
prof=$(synth 100000)

work_dir

# The server's CPU time so far (user + system), in clock ticks: per view,
# a figure the other load on the machine does not change much.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }

id=$("$BUILD/cli/profviz" load -q --db "$tmp/bench.db" "$prof")
start_server "$tmp/bench.db"
curl -sf "${base}api/profiles/$id/tree?depth=8&cutoff=0.001" | python3 -c '
import json, sys
paths = []
def walk(box, path):
    if box["id"] is not None:
        path = path + [box["id"]]
        paths.append(path)
    for c in box.get("children", []):
        walk(c, path)
walk(json.load(sys.stdin)["root"], [])
print("\n".join(",".join(map(str, p)) for p in paths))' >"$tmp/paths"
say "$(wc -l <"$tmp/paths") zoom paths x 8 cutoffs, depth 10"

{
    for gzip in 0 1; do
        for conns in 1 2; do
            say "wrk -t$conns -c$conns -d$DURATION, a different view every request, gzip=$gzip"
            cpu0=$(cpu_ticks)
            PATHS=$tmp/paths PROFILE=$id GZIP=$gzip \
                wrk -t"$conns" -c"$conns" -d"$DURATION" --latency -s bench/views.lua "$base" |
                tee "$tmp/wrk"
            awk -v ticks=$(($(cpu_ticks) - cpu0)) -v hz="$(getconf CLK_TCK)" '
                / requests in / { printf "server CPU: %.2f ms a view\n", 1000 * ticks / hz / $1 }' \
                "$tmp/wrk"
            echo "server: $(rss)"
        done
    done
} 2>&1 | tee "$RESULTS/views.txt"

say "targets"
awk -v t="$VIEWS_TARGET" '
    /^Requests\/sec:/ { rps[++n] = $2 }
    /Non-2xx or 3xx responses:/ { errs += $NF }
    END {
        split("1 connection|2 connections|1 connection, gzip|2 connections, gzip", what, "|")
        for (i = 1; i <= n; i++)
            printf "  %-24s %8.0f views/s%s\n", what[i], rps[i],
                i == 2 ? sprintf("  target >= %d  %s", t, rps[i] >= t ? "met" : "MISSED") : ""
        printf "  2 connections / 1: %.2f (plain), %.2f (gzip); %d errors\n",
            rps[2] / rps[1], rps[4] / rps[3], errs
        exit rps[2] < t || errs > 0
    }' "$RESULTS/views.txt"
