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
