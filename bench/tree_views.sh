#!/usr/bin/env bash
# tree_views.sh — how long the server takes to answer each view of the
# tree (view=top, inverted, callers, callees) of the synthetic
# 100,000-function profile, in a release build.
#
#   bench/tree_views.sh      RUNS=9 by default
#
# Loads the profile into a temporary store, starts `profviz serve`, builds
# the graph once (a first view: the graph is then cached, as on a server
# in use), then asks for each view RUNS times, each time with a different
# cutoff so that no answer comes from the views kept with the graph, and
# prints curl's total time (request to last byte): the median and the
# worst.  The sandwich is centred on the function with the most callers
# (callers) and on the one with the most callees (callees), the widest
# halves, and on main() (its whole subtree).  Target: every view under
# 100 ms.  Output also in bench/results/tree_views.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
RUNS=${RUNS:-9}

release_build bench/gen_pstats cli/profviz
prof=$(synth 100000)
work_dir
tee_to "$RESULTS/tree_views.txt"

id=$("$BUILD/cli/profviz" load -q --db "$tmp/bench.db" "$prof")
start_server "$tmp/bench.db"
api="${base}api/profiles/$id"
curl -sf "$api/tree?depth=1" >/dev/null
# The functions the sandwich is centred on: function ids are the dump's
# order, which pstats keeps.
read -r most_callers most_callees main_fn < <(python3 - "$prof" <<'PY'
import collections, pstats, sys
stats = pstats.Stats(sys.argv[1]).stats
ids = {k: i for i, k in enumerate(stats)}
callees = collections.Counter(c for v in stats.values() for c in v[4])
print(ids[max(stats, key=lambda k: len(stats[k][4]))], ids[callees.most_common(1)[0][0]],
      min(i for k, i in ids.items() if k[2] == "main"))
PY
)

time_view() {
    local label=$1 query=$2 times=()
    for r in $(seq "$RUNS"); do
        times+=("$(curl -sf -o /dev/null -w '%{time_total}' "$api/tree?$query&cutoff=0.00$r")")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" '
        { t[NR] = $1 * 1000 } END {
            printf "%-34s median %7.1f ms   worst %7.1f ms\n", label, t[int((NR + 1) / 2)], t[NR] }'
}

say "$RUNS views each, depth 10, graph cached, a different cutoff each time"
time_view "top" "depth=10"
time_view "inverted" "view=inverted&depth=10"
time_view "callers (most callers, $most_callers)" "view=callers&fn=$most_callers&depth=10"
time_view "callees (most callees, $most_callees)" "view=callees&fn=$most_callees&depth=10"
time_view "callers (main, $main_fn)" "view=callers&fn=$main_fn&depth=10"
time_view "callees (main, $main_fn)" "view=callees&fn=$main_fn&depth=10"
