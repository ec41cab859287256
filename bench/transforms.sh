#!/usr/bin/env bash
# transforms.sh — how long a transformed view (t=, docs/api.md) takes
# from the server, in a release build, on the synthetic 100,000-function
# profile.
#
#   bench/transforms.sh     RUNS=10 by default
#
# The first transformed request of a profile builds its whole tree (kept
# with the graph); every later one copies it, applies its transforms and
# cuts its view.  Each timed request asks for a view not asked before (a
# new cutoff), so no printed view kept with the graph answers it; with
# each transform's median and worst wall time, the server's CPU time per
# request (from /proc: what other jobs on the machine change much less).
# Target: every later request under 100 ms.  Output also in
# bench/results/transforms.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
RUNS=${RUNS:-10}

release_build bench/gen_pstats cli/profviz
prof=$(synth 100000)
work_dir
tee_to "$RESULTS/transforms.txt"

id=$("$BUILD/cli/profviz" load -q --db "$tmp/bench.db" "$prof")
start_server "$tmp/bench.db"
api="${base}api/profiles/$id"

# The server's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }

# ms URL: the request's time, ms (the body is checked to be a view).
ms() {
    curl -sf -o "$tmp/body" -w '%{time_total}\n' "$1" | awk '{ printf "%.1f", $1 * 1000 }'
    grep -q '"root"' "$tmp/body" || { echo "not a view: $1" >&2; head -c 300 "$tmp/body" >&2; exit 1; }
}

# The graph is built before the first transform is timed: that cost is
# any view's (bench/README.md's cold figures), not the transforms'.
curl -sf -o "$tmp/plain" "$api/tree?depth=6&cutoff=0.01"
read -r top child < <(python3 -c '
import json, sys
root = json.load(open(sys.argv[1]))["root"]
kids = [c for c in root["children"] if c["id"] is not None]
grand = [c for c in kids[0]["children"] if c["id"] is not None]
print(kids[0]["id"], grand[0]["id"] if grand else kids[0]["id"])' "$tmp/plain")
pkg=$(curl -sf "$api/packages" | python3 -c 'import json, sys; print(json.load(sys.stdin)["rows"][0]["package"])')
pkg_q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$pkg")

say "first transformed request (builds the whole tree): $(ms "$api/tree?depth=10&cutoff=0.001&t=mycode") ms"

cutoff=1
for t in "t=mycode" "t=merge:$child" "t=focus:$child" "t=collapse:$pkg_q" "t=drop:$top,$child" \
         "t=mycode&t=merge:$child&t=collapse:$pkg_q"; do
    times=()
    cpu0=$(cpu_ticks)
    for _ in $(seq "$RUNS"); do
        cutoff=$((cutoff + 1))
        times+=("$(ms "$api/tree?depth=10&cutoff=0.00$cutoff&$t")")
    done
    cpu=$(($(cpu_ticks) - cpu0))
    printf '%s\n' "${times[@]}" | sort -n | awk -v t="$t" -v cpu="$cpu" -v hz="$(getconf CLK_TCK)" '
        { v[NR] = $1 } END { printf "%-46s median %6.1f ms  max %6.1f ms  CPU %5.1f ms\n", t, v[int((NR + 1) / 2)], v[NR], 1000 * cpu / hz / NR }'
done
say "packages: $(curl -sf -o /dev/null -w '%{time_total}' "$api/packages" | awk '{ printf "%.1f", $1 * 1000 }') ms (kept after the first)"
echo "server: $(rss)"
