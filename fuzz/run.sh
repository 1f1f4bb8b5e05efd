#!/usr/bin/env bash
# Fuzz one target with libFuzzer: fuzz/run.sh TARGET SECONDS
# Builds the attention-fuzz product with the fuzzer and AddressSanitizer (in .build-fuzz),
# fuzzes a scratch copy of fuzz/corpus/TARGET, and exits non-zero if an input crashes,
# leaks or hangs (the input is kept in fuzz/artifacts/). Prints the number of executions.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: fuzz/run.sh commands|lesson|npy|json|csv|vocab|safetensors|config SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
[ -d "fuzz/corpus/$target" ] || { echo "fuzz/run.sh: no corpus for target '$target'" >&2; exit 2; }

swift build --product attention-fuzz --scratch-path .build-fuzz --sanitize=fuzzer \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -DFUZZING >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "fuzz/corpus/$target/." "$work/"
mkdir -p fuzz/artifacts
log="$work/fuzz.log"
status=0
ATTENTION_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
    .build-fuzz/debug/attention-fuzz "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -artifact_prefix="fuzz/artifacts/$target-" -print_final_stats=1 >"$log" 2>&1 || status=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz $target: FAILED after $runs executions (exit $status); the input is in fuzz/artifacts/" >&2
    exit 1
fi
echo "fuzz $target: $runs executions in ${seconds}s, no crash"
