#!/usr/bin/env bash
# run.sh — the load benchmarks, in a release build of their own.
#
#   bench/run.sh            RUNS=N (default 5) sets the best-of count
#
# Builds build-bench (-Dbuildtype=release, configured once), generates a
# 100,000-function synthetic profile with gen_pstats and a genuine
# 200,000-function cProfile dump with gen_program.py (cached in
# bench/results/, which git ignores), runs bench_load on the shared 50k
# profile, those two and examples/slow.prof, times the real CLI end to end
# with hyperfine when it is installed, times the page in headless Chromium
# (bench/browser.mjs) and the cold first chart (bench/cold.mjs) when
# chromium and node_modules are there, and prints the figures next to the
# targets.  Results are also saved in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh
RUNS=${RUNS:-5}
LOAD_TARGET_MS=500    # a 50k-function profile parsed and committed
PARSE_TARGET_MBS=100  # parse alone, on files of at least 1 MB
CHART_TARGET_MS=1000  # navigation to the first chart, median, big_50k: within a second
COLD_50K_TARGET_MS=1000   # spawn -> first chart, new store, median, big_50k
COLD_200K_TARGET_MS=2000  # the same for the genuine 200k-function dump

release_build bench/gen_pstats bench/bench_load cli/profviz

files=()
big50k=../shared/corpus/big_50k.prof
if [[ -f $big50k ]]; then
    files+=("$big50k")
else
    # Without the shared corpus a synthetic profile of the same size stands
    # in for it, so the 50k target is still checked.
    echo "note: ../shared is absent: skipping big_50k.prof, using a synthetic 50k profile" >&2
    big50k=$(synth 50000)
    files+=("$big50k")
fi
files+=("$(synth 100000)" examples/slow.prof)

# A genuine 200k-function cProfile dump (gen_program.py runs a generated
# program under python3 -m cProfile; ~30 s, made once).
big200k=$RESULTS/big_200k.prof
if [[ ! -f $big200k ]]; then
    say "making $big200k (python3 bench/gen_program.py, about 30 s)"
    python3 bench/gen_program.py -o "$big200k"
fi
files+=("$big200k")

say "bench_load (best of $RUNS)"
"$BUILD/bench/bench_load" -r "$RUNS" "${files[@]}" | tee "$RESULTS/bench_load.txt"

if command -v hyperfine >/dev/null; then
    say "profviz load end to end (hyperfine, fresh store each run)"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    db=$tmp/bench.db
    cmds=()
    for f in "${files[@]}"; do
        cmds+=("$BUILD/cli/profviz load -q --db $db $f")
    done
    hyperfine --shell=none --warmup 1 --runs "$RUNS" --style basic \
        --prepare "rm -f $db $db-wal $db-shm" \
        --export-json "$RESULTS/hyperfine.json" "${cmds[@]}"
else
    say "profviz load end to end (new store each run; hyperfine is not installed)"
    load_e2e "$RUNS" "${files[@]}" | tee "$RESULTS/load_e2e.txt"
fi

# The page in headless Chromium (optional: needs chromium, node and
# `npm ci`'s puppeteer-core; a failure there is reported, not fatal).
: >"$RESULTS/browser.txt"
: >"$RESULTS/cold.txt"
if command -v chromium >/dev/null && command -v node >/dev/null && [[ -d node_modules/puppeteer-core ]]; then
    for f in "$big50k" "$(synth 100000)"; do
        say "the page on $(basename "$f") in headless Chromium (bench/browser.mjs, $RUNS runs)"
        node bench/browser.mjs --runs "$RUNS" --profviz "$BUILD/cli/profviz" "$f" |
            tee -a "$RESULTS/browser.txt" || echo "note: the browser benchmark failed (see above)" >&2
    done
    say "cold first chart: spawn -> chart painted, new store each run (bench/cold.mjs, $RUNS runs)"
    node bench/cold.mjs --runs "$RUNS" --profviz "$BUILD/cli/profviz" "$big50k" "$big200k" |
        tee "$RESULTS/cold.txt" || echo "note: the cold benchmark failed (see above)" >&2
else
    echo "note: chromium, node or node_modules (npm ci) missing: skipping the browser benchmark" >&2
fi

say "targets"
awk -v big="$(basename "$big50k")" -v load_t="$LOAD_TARGET_MS" -v parse_t="$PARSE_TARGET_MBS" \
    -v chart_t="$CHART_TARGET_MS" -v cold50_t="$COLD_50K_TARGET_MS" \
    -v big200="$(basename "$big200k")" -v cold200_t="$COLD_200K_TARGET_MS" '
    $1 == "bench-cold" {
        for (i = 2; i <= NF; i++) { split($i, p, "="); c[p[1]] = p[2] }
        t = c["file"] == big ? cold50_t : c["file"] == big200 ? cold200_t : 0
        if (t) {
            ok = c["cold_ms_median"] + 0 < t
            printf "  %-28s cold chart  %9.1f ms   target < %d ms     %s\n",
                c["file"], c["cold_ms_median"], t, ok ? "met" : "MISSED"
            bad = bad || !ok
        }
        next
    }
    $1 == "bench-browser" {
        for (i = 2; i <= NF; i++) { split($i, p, "="); b[p[1]] = p[2] }
        if (b["file"] == big) {
            ok = b["chart_ms_median"] + 0 < chart_t
            printf "  %-28s chart drawn %9.1f ms   target < %d ms     %s\n",
                b["file"], b["chart_ms_median"], chart_t, ok ? "met" : "MISSED"
            bad = bad || !ok
        }
        next
    }
    $1 != "bench" { next }
    {
        delete kv
        for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
        if (kv["status"] != "ok") { printf "  %-28s FAILED to load\n", kv["file"]; bad = 1; next }
        if (kv["file"] == big) {
            ok = kv["load_ms"] + 0 < load_t
            printf "  %-28s parse+store %9.1f ms   target < %d ms      %s\n",
                kv["file"], kv["load_ms"], load_t, ok ? "met" : "MISSED"
            bad = bad || !ok
        }
        if (kv["bytes"] + 0 >= 1000000) {
            ok = kv["parse_mb_s"] + 0 >= parse_t
            printf "  %-28s parse       %9.1f MB/s target >= %d MB/s  %s\n",
                kv["file"], kv["parse_mb_s"], parse_t, ok ? "met" : "MISSED"
            bad = bad || !ok
        }
    }
    END { exit bad }' "$RESULTS/bench_load.txt" "$RESULTS/browser.txt" "$RESULTS/cold.txt" &&
    echo "all targets met" || echo "some targets missed"
