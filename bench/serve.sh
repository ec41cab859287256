#!/usr/bin/env bash
# serve.sh — the tree endpoint under load, in a release build.
#
#   bench/serve.sh          DURATION=20s THREADS=2 CONNS=32 RUNS=20 by default
#
# 1. bench_tree: pv_tree_build for a depth-10 view (cutoff 0.001) of the
#    100,000-function synthetic profile, best of RUNS, and the JSON printed
#    for it (target: the tree under 20 ms).
# 2. wrk against a real `profviz serve -p 0` holding that profile:
#    GET /api/profiles/ID/tree?depth=10, the same view over and over, as
#    when a team opens one shared link (target: >= 2000 req/s, 0 errors);
#    then every request a different view (cutoff varied by a Lua script),
#    so none is answered from the views kept with the graph.  The server's
#    resident memory is read from /proc after each run.
# Results are also saved in bench/results/ (bench_tree.txt, serve.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
RUNS=${RUNS:-20}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
TREE_TARGET_MS=20
RPS_TARGET=2000

command -v wrk >/dev/null || { echo "serve.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "serve.sh: curl is not installed" >&2; exit 1; }
release_build bench/gen_pstats bench/bench_tree cli/profviz
prof=$(synth 100000)

say "bench_tree (best of $RUNS)"
"$BUILD/bench/bench_tree" -r "$RUNS" "$prof" | tee "$RESULTS/bench_tree.txt"

work_dir

say "profviz serve"
db=$tmp/bench.db
id=$("$BUILD/cli/profviz" load -q --db "$db" "$prof")
start_server "$db"
path="api/profiles/$id/tree?depth=10"
# The first request reads the profile and builds its graph.
curl -sf -o /dev/null -w "first request (graph built): %{time_total} s\n" "$base$path"

# A different cutoff for every request: 0.001 plus a count, per wrk thread.
cat >"$tmp/views.lua" <<'LUA'
local threads = 0
function setup(thread)
    thread:set("id", threads)
    threads = threads + 1
end
local n = 0
function request()
    n = n + 1
    return wrk.format(nil, wrk.path .. string.format("&cutoff=%.12f", 0.001 + (id * 1e8 + n) * 1e-12))
end
LUA

{
    say "wrk -t$THREADS -c$CONNS -d$DURATION: one view, over and over"
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$base$path"
    echo "server: $(rss)"
    say "wrk -t$THREADS -c$CONNS -d$DURATION: a different view every request"
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$tmp/views.lua" "$base$path"
    echo "server: $(rss)"
} 2>&1 | tee "$RESULTS/serve.txt"

say "targets"
awk -v tree_t="$TREE_TARGET_MS" '$1 == "bench" {
        for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
        ok = kv["tree_ms"] + 0 < tree_t
        printf "  tree view of %s funcs  %8.2f ms      target < %d ms      %s\n",
            kv["funcs"], kv["tree_ms"], tree_t, ok ? "met" : "MISSED"
        bad = !ok
    } END { exit bad }' "$RESULTS/bench_tree.txt" || missed=1
awk -v rps_t="$RPS_TARGET" '
    /^Requests\/sec:/ { rps[++n] = $2 }
    /Non-2xx or 3xx responses:/ { errs[n + 1] += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errs[n + 1] += $i + 0 }
    END {
        split("one view|a different view every request", what, "|")
        for (i = 1; i <= n; i++) {
            ok = (i > 1 || rps[i] + 0 >= rps_t) && errs[i] + 0 == 0
            printf "  %-38s %8.0f req/s  %d errors%s  %s\n", what[i], rps[i], errs[i],
                i == 1 ? sprintf("  target >= %d req/s, 0 errors", rps_t) : "",
                i == 1 ? (ok ? "met" : "MISSED") : (errs[i] ? "ERRORS" : "")
            bad = bad || !ok
        }
        exit bad
    }' "$RESULTS/serve.txt" || missed=1
[[ -z ${missed:-} ]] && echo "all targets met" || echo "some targets missed"
