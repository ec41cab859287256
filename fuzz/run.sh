#!/usr/bin/env bash
# run.sh — fuzz the pstats parser for a while and keep what it breaks.
#
#   fuzz/run.sh SECONDS [JOBS]
#
# Configures build-fuzz once (clang, -Dfuzz=true, ASan+UBSan), seeds the
# working corpus fuzz/corpus-work/ (git-ignored, kept between runs) from
# every .prof in tests/data/ and the shared corpus, then runs libFuzzer for
# SECONDS: in process with one job (the default; it stops at the first
# failure), or with JOBS fork workers that carry on past failures so one
# run can find several.  Each crash, leak, timeout or out-of-memory input
# is replayed to find what failed where; the smallest input of each
# distinct failure is copied to tests/data/fuzz/ (under the name libFuzzer
# gives it, crash-<sha1> etc.), where the fuzz-replay unit test parses it
# on every `meson test`.  Exits 1 when it kept a new one.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
SECS=$1
JOBS=${2:-1}
BUILD=build-fuzz
WORK=fuzz/corpus-work
KEEP=tests/data/fuzz
SHARED=${PV_SHARED:-../shared}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if [[ ! -f $BUILD/build.ninja ]]; then
    CC=clang meson setup "$BUILD" -Dfuzz=true -Db_sanitize=address,undefined \
        -Db_lundef=false -Dbuildtype=debugoptimized -Dbrowser_tests=disabled >/dev/null
fi
say "building $BUILD/fuzz/fuzz_pstats"
meson compile -C "$BUILD" fuzz/fuzz_pstats >/dev/null

# Seeds are stored under their SHA-1, so reseeding never duplicates one.
mkdir -p "$WORK" "$KEEP"
seeds=0
while IFS= read -r -d '' f; do
    sum=$(sha1sum "$f" | cut -c1-40)
    [[ -e $WORK/$sum ]] || { cp "$f" "$WORK/$sum"; seeds=$((seeds + 1)); }
done < <(find tests/data "$SHARED/corpus" "$SHARED/realworld" -type f \
              \( -name '*.prof' -o -path "$KEEP/*" \) -print0 2>/dev/null)
say "corpus: $(find "$WORK" -type f | wc -l) inputs ($seeds new seeds)"

artifacts=$BUILD/fuzz/artifacts-$(date +%Y%m%d-%H%M%S)
mkdir -p "$artifacts"
log=$artifacts/fuzz.log
say "fuzzing for ${SECS}s with $JOBS job(s); log in $log"
# One job fuzzes in process, which is the fastest and stops at the first
# failure; several fork workers that carry on past failures (each fork job
# ends with a merge that replays the corpus, so that mode costs more).
mode=()
if ((JOBS > 1)); then
    mode=(-fork="$JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
status=0
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
"$BUILD/fuzz/fuzz_pstats" -max_total_time="$SECS" -max_len=65536 -rss_limit_mb=2048 \
    -timeout=10 -dict=fuzz/dict -artifact_prefix="$artifacts/" -print_final_stats=1 \
    "${mode[@]}" "$WORK" >"$log" 2>&1 || status=$?

say "summary"
grep -E '^#[0-9]+: cov:|^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|DONE)' "$log" | tail -1 || true
grep -E '^INFO: fuzzed for|^stat::' "$log" || true
echo "libFuzzer exit status: $status"

# Fork mode saves every input that failed, often many for one bug, and logs
# no stack traces: replay each saved input to learn what broke where, and
# keep the smallest input of each distinct failure.
declare -A keep=()
for f in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
    [[ -e $f ]] || continue
    out=$(ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
          "$BUILD/fuzz/fuzz_pstats" -timeout=10 -rss_limit_mb=2048 "$f" 2>&1 || true)
    what=$(grep -oE 'ERROR: [A-Za-z]+: [A-Za-z -]+|runtime error: .*|fuzz_pstats: .*' <<<"$out" |
           head -1 | cut -c1-100)
    where=$(grep -E '#[0-9]+ 0x[0-9a-f]+ in .*/(loader|store|common)/' <<<"$out" | head -1 |
            sed -E 's/.* in ([^ ]+) .*\/((loader|store|common)\/[^ ]+).*/\1 \2/')
    [[ -n $where ]] || where=$(grep -oE '(loader|store|common)/[a-z_]+\.c:[0-9]+' <<<"$out" | head -1)
    sig="${what:-unknown failure} @ ${where:-unknown location}"
    if [[ -z ${keep[$sig]+x} ]] || (($(stat -c %s "$f") < $(stat -c %s "${keep[$sig]}"))); then
        keep[$sig]=$f
    fi
done
new=0
for sig in "${!keep[@]}"; do
    f=${keep[$sig]}
    name=$(basename "$f")
    if [[ ! -e $KEEP/$name ]]; then
        cp "$f" "$KEEP/$name"
        new=$((new + 1))
    fi
    printf '%s\n    kept %s (%s bytes)\n' "$sig" "$KEEP/$name" "$(stat -c %s "$f")"
done
echo "distinct failures: ${#keep[@]}, new regression inputs: $new"
[[ $new -eq 0 ]]
