#!/bin/sh
# run.sh - run each cmocka test binary given as an argument and finish with
# one summary line "N passed, N failed" (", N skipped" when any test was
# skipped), tests counted across every group of every binary.
# Exits non-zero when any test or binary failed.
#
# FK_TEST_JOBS binaries run at once (default 2: most of the suite waits on
# servers, pipes and child processes rather than computing, so two at a
# time nearly halves the wall time on two cores).  Each binary's output is
# kept apart and printed whole, in the order given, as it would be one by
# one.  Every test picks its own free ports and temporary directory, so
# binaries never share anything.
jobs=${FK_TEST_JOBS:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/fukyu-run-XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
i=0
for t in "$@"; do
    i=$((i + 1))
    printf '%s %s\n' "$i" "$t"
done | xargs -P "$jobs" -L 1 sh -c '
    "$2" > "$0/$1.out" 2>&1
    echo $? > "$0/$1.rc"' "$work"
passed=0; failed=0; skipped=0; bad=""
# The sum of the counts cmocka prints as "[  WORD  ] N test(s)" (one such
# line per group; a binary may run several groups).
count() {
    sed -n "s/^\[  $2 *\] \([0-9][0-9]*\) test.*/\1/p" "$1" |
        awk '{ s += $1 } END { print s + 0 }'
}
i=0
for t in "$@"; do
    i=$((i + 1))
    out=$work/$i.out
    cat "$out"
    rc=$(cat "$work/$i.rc" 2>/dev/null || echo 127)
    p=$(count "$out" PASSED); f=$(count "$out" FAILED); s=$(count "$out" SKIPPED)
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ "$rc" -ne 0 ]; then
        # A binary that died before cmocka's summary still counts a failure.
        [ "$f" -eq 0 ] && failed=$((failed + 1))
        bad="$bad $(basename "$t")"
    fi
done
echo
[ -n "$bad" ] && echo "failing:$bad"
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ -z "$bad" ]
