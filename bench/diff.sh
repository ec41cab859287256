#!/usr/bin/env bash
# diff.sh — what comparing two profiles costs the server, in a release
# build: a compared view (GET .../tree?base=) against the plain view of
# the same profile, and the comparison table (GET .../diff?base=).
#
#   bench/diff.sh           RUNS=5 by default (best of RUNS)
#
# Pairs: ../shared/corpus/big_50k.prof (a real 50,010-function dump;
# without ../shared the synthetic 50k profile) against itself and against
# a changed copy (perturb_pstats.py: a tenth of the functions slower, a
# twentieth moved three lines), and the synthetic 100k profile against
# itself.  Output also in bench/results/diff.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
RUNS=${RUNS:-5}

release_build bench/gen_pstats cli/profviz
big=../shared/corpus/big_50k.prof
[[ -f $big ]] || { say "no ../shared: the synthetic 50k profile stands in for big_50k"; big=$(synth 50000); }
changed=$RESULTS/big_50k_changed.prof
python3 bench/perturb_pstats.py "$big" "$changed"
s100=$(synth 100000)

work_dir
tee_to "$RESULTS/diff.txt"
ids=($("$BUILD/cli/profviz" load -q --db "$tmp/bench.db" "$big" "$changed" "$s100"))
start_server "$tmp/bench.db"

# best_ms URL: the fastest of RUNS fetches, ms (after one unmeasured fetch:
# graphs built, views kept).
best_ms() {
    curl -sf -o /dev/null "$1"
    for ((i = 0; i < RUNS; i++)); do
        curl -sf -o /dev/null -w '%{time_total}\n' "$1"
    done | sort -n | head -1 | awk '{ printf "%.1f", $1 * 1000 }'
}

pair() {
    local name=$1 new=$2 base=$3 q='depth=10&cutoff=0.001'
    local api="${base_url}api/profiles/$new"
    printf '%-22s tree %6s ms   tree?base %6s ms   tree?base depth 20 cutoff 0 %6s ms   diff %6s ms   diff sort=calls %6s ms\n' \
        "$name" "$(best_ms "$api/tree?$q")" "$(best_ms "$api/tree?$q&base=$base")" \
        "$(best_ms "$api/tree?depth=20&cutoff=0&base=$base")" "$(best_ms "$api/diff?base=$base")" \
        "$(best_ms "$api/diff?base=$base&sort=calls")"
}

base_url=$base
say "best of $RUNS, ms (the plain tree is a kept view; compared views and tables are computed per request)"
pair "big_50k vs itself" "${ids[0]}" "${ids[0]}"
pair "big_50k changed vs it" "${ids[1]}" "${ids[0]}"
pair "synth_100k vs itself" "${ids[2]}" "${ids[2]}"
curl -sf "${base_url}api/profiles/${ids[1]}/diff?base=${ids[0]}&limit=1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("big_50k changed vs big_50k: matched", d["match"], "rows", d["total"])'
