#!/usr/bin/env bash
# Fuzz one target with libFuzzer: fuzz/run.sh TARGET SECONDS [--fast] [--runs N] [--grow]
# Builds the attention-fuzz product with the fuzzer and AddressSanitizer (in .build-fuzz),
# fuzzes a scratch copy of fuzz/corpus/TARGET, and exits non-zero if an input crashes,
# leaks or hangs (the input is kept in fuzz/artifacts/). Prints the number of executions.
#   --fast    build optimised and without AddressSanitizer (in .build-fuzz-fast), for the long
#             runs: several times the executions a second; a crash or a trap (a bounds check,
#             an overflow) is still caught, a silent out-of-bounds read is not, so pair a long
#             fast run with a shorter sanitised one.
#   --runs N  stop after N executions (SECONDS still bounds the time).
#   --grow    afterwards, merge the inputs that reach new code into fuzz/corpus/TARGET
#             (libFuzzer's -merge=1 keeps the smallest set that covers what the whole did).
# Ctrl-C stops the fuzzer early; the count is printed and --grow still merges, as it does after
# a failure (the failing input itself is in fuzz/artifacts/, not in the corpus).
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: fuzz/run.sh commands|lesson|npy|json|csv|vocab|safetensors|config|session|answer SECONDS [--fast] [--runs N] [--grow]"
target=${1:?$usage}
seconds=${2:?$usage}
shift 2
fast=0 grow=0 runs_limit=()
while [ $# -gt 0 ]; do
    case "$1" in
        --fast) fast=1 ;;
        --grow) grow=1 ;;
        --runs) runs_limit=(-runs="${2:?--runs needs a number}"); shift ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
    shift
done
[ -d "fuzz/corpus/$target" ] || { echo "fuzz/run.sh: no corpus for target '$target'" >&2; exit 2; }

if [ "$fast" -eq 1 ]; then
    swift build -c release --product attention-fuzz --scratch-path .build-fuzz-fast --sanitize=fuzzer \
        -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld -Xswiftc -DFUZZING >&2
    binary=.build-fuzz-fast/release/attention-fuzz
else
    swift build --product attention-fuzz --scratch-path .build-fuzz --sanitize=fuzzer \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -DFUZZING >&2
    binary=.build-fuzz/debug/attention-fuzz
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus="$work/corpus"   # the copy that grows; the logs stay outside it
mkdir "$corpus"
cp -R "fuzz/corpus/$target/." "$corpus/"
mkdir -p fuzz/artifacts
log="$work/fuzz.log"
status=0
ATTENTION_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
    "$binary" "$corpus" -max_total_time="$seconds" ${runs_limit[@]+"${runs_limit[@]}"} -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -artifact_prefix="fuzz/artifacts/$target-" -print_final_stats=1 >"$log" 2>&1 || status=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
# Ctrl-C (or kill -INT) makes libFuzzer stop, print its counts and exit 72: not a failure, and
# what the run found is still merged with --grow.
interrupted=0
if [ "$status" -eq 72 ] && grep -q 'libFuzzer: run interrupted' "$log"; then interrupted=1 status=0; fi
if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz $target: FAILED after $runs executions (exit $status); the input is in fuzz/artifacts/" >&2
elif [ "$interrupted" -eq 1 ]; then
    echo "fuzz $target: interrupted after $runs executions, no crash$([ "$fast" -eq 1 ] && echo " (optimised, no AddressSanitizer)")"
else
    elapsed=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "$seconds")
    echo "fuzz $target: $runs executions in ${elapsed}s, no crash$([ "$fast" -eq 1 ] && echo " (optimised, no AddressSanitizer)")"
fi
if [ "$grow" -eq 1 ]; then
    before=$(ls "fuzz/corpus/$target" | wc -l)
    ATTENTION_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
        "$binary" -merge=1 -max_len=4096 -timeout=10 -rss_limit_mb=2048 "fuzz/corpus/$target" "$corpus" >"$work/merge.log" 2>&1 \
        || { tail -n 20 "$work/merge.log" >&2; echo "fuzz $target: the merge failed" >&2; exit 1; }
    echo "fuzz $target: corpus $before -> $(ls "fuzz/corpus/$target" | wc -l) files"
fi
if [ "$status" -ne 0 ]; then
    # After a merge's output, say again that the run failed; without one it was the last line.
    [ "$grow" -eq 1 ] && echo "fuzz $target: FAILED (exit $status); the input is in fuzz/artifacts/" >&2
    exit 1
fi
