# lib.sh — what the bench scripts share; sourced, not run.
#
#   BUILD    the release build directory (default build-bench)
#   RESULTS  where inputs and results go (bench/results, git-ignored)

BUILD=${BUILD:-build-bench}
RESULTS=bench/results

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# release_build TARGET...: configure $BUILD once (release), then build the
# targets named.
release_build() {
    if [[ ! -f $BUILD/build.ninja ]]; then
        meson setup "$BUILD" -Dbuildtype=release >/dev/null
    fi
    say "building ($BUILD, release)"
    meson compile -C "$BUILD" "$@" >/dev/null
    mkdir -p "$RESULTS"
}

# synth N: a synthetic N-function profile, written by gen_pstats into
# $RESULTS.  gen_pstats is deterministic, so a file is stale only when the
# generator changed since it was written.
synth() {
    local n=$1 out=$RESULTS/synth_$1.prof
    if [[ ! -f $out || $BUILD/bench/gen_pstats -nt $out ]]; then
        "$BUILD/bench/gen_pstats" --funcs "$n" --seed 1 -o "$out"
    fi
    echo "$out"
}

# load_e2e RUNS FILE...: `profviz load` of each file into a new store, RUNS
# times (process start to exit, as hyperfine would time it); prints best
# and median ms and MB/s (10^6 bytes per second of the best run).
load_e2e() {
    local runs=$1 f i t0 t1 db
    shift
    db=$(mktemp -d)/load.db
    for f in "$@"; do
        local ms=()
        for ((i = 0; i < runs; i++)); do
            rm -f "$db" "$db-wal" "$db-shm"
            t0=$(date +%s%N)
            "$BUILD/cli/profviz" load -q --db "$db" "$f" >/dev/null
            t1=$(date +%s%N)
            ms+=($(((t1 - t0) / 1000000)))
        done
        printf '%s\n' "${ms[@]}" | sort -n | awk -v f="$(basename "$f")" -v bytes="$(stat -c %s "$f")" '
            { v[NR] = $1 }
            END {
                med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                printf "load-e2e file=%s bytes=%d best_ms=%d median_ms=%.0f mb_s=%.1f\n",
                    f, bytes, v[1], med, bytes / 1e6 / (v[1] / 1e3)
            }'
    done
    rm -rf "$(dirname "$db")"
}

# work_dir: a new temporary directory in $tmp; on exit the server
# (start_server) and any other background job are stopped and the
# directory removed.
work_dir() {
    tmp=$(mktemp -d)
    server=
    trap work_dir_cleanup EXIT
}
work_dir_cleanup() {
    [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    jobs -p | xargs -r kill 2>/dev/null
    rm -rf "$tmp"
}

# tee_to FILE: from here on the script's output (stdout and stderr) goes
# to FILE as well; unlike a `{ ...; } | tee FILE` block this keeps the
# rest of the script in this shell, so work_dir's exit trap sees the server.
tee_to() {
    exec > >(tee "$1") 2>&1
}

# start_server DB [OPTION...]: `profviz serve -p 0 -q` on DB in the
# background; sets $server (its pid) and $base (its URL, with a slash).
# work_dir's exit trap stops it.
start_server() {
    local db=$1 out
    shift
    out=$(mktemp)
    "$BUILD/cli/profviz" serve --db "$db" -p 0 -q "$@" >"$out" 2>"$out.log" &
    server=$!
    for _ in $(seq 100); do [[ -s $out ]] && break; sleep 0.1; done
    base=$(head -1 "$out")
    [[ -n $base ]] || { cat "$out.log" >&2; return 1; }
    rm -f "$out" "$out.log"
}

# rss: the server's resident memory now and at its peak, from /proc.
rss() {
    awk '/^VmRSS|^VmHWM/ { printf "%s %d MiB  ", $1, $2 / 1024 } END { print "" }' \
        "/proc/$server/status"
}
