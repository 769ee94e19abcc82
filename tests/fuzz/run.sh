#!/bin/sh
# run.sh - runs each libFuzzer harness built in BUILD/fuzz for
# FUZZ_SECONDS (default 600), one at a time and niced, over a working
# corpus seeded from tests/fuzz/corpus/NAME; first replays the committed
# regression inputs of tests/fuzz/regress/NAME.  Prints one line of
# figures per harness and fails when any harness finds a crash, a leak or
# a hang (the input is kept as BUILD/fuzz/crash-NAME-*).
#
#   sh tests/fuzz/run.sh BUILD [NAME...]     NAME: record feed config http
set -u
build=$1
shift
secs=${FUZZ_SECONDS:-600}
names=${*:-$(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
bad=""
summary=""
for n in $names; do
    bin=$build/fuzz/fuzz_$n
    work=$build/fuzz/corpus-$n
    log=$build/fuzz/$n.log
    mkdir -p "$work"
    dict=""
    [ -f "tests/fuzz/$n.dict" ] && dict="-dict=tests/fuzz/$n.dict"
    if [ -d "tests/fuzz/regress/$n" ] &&
        ! "$bin" -rss_limit_mb=2048 tests/fuzz/regress/$n/* >"$log.regress" 2>&1; then
        echo "fuzz $n: a regression input fails again (see $log.regress)"
        bad="$bad $n"
        continue
    fi
    # shellcheck disable=SC2086
    nice -n 10 "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 \
        -max_len=65536 -print_final_stats=1 $dict \
        -artifact_prefix="$build/fuzz/crash-$n-" "$work" "tests/fuzz/corpus/$n" \
        >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | sed 's/ft: //')
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    files=$(ls "$work" | wc -l)
    line="fuzz $n: ${runs:-?} runs in ${secs}s (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus $files"
    if [ "$rc" -ne 0 ]; then
        line="$line -- FINDING (exit $rc), see $log"
        bad="$bad $n"
    fi
    echo "$line"
    summary="$summary$line
"
done
printf '%s' "$summary" >"$build/fuzz/summary.txt"
[ -z "$bad" ] || { echo "fuzz: findings in:$bad"; exit 1; }
