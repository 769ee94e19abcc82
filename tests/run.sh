#!/bin/sh
# run.sh - run each cmocka test binary given as an argument and finish with
# one summary line "N passed, N failed" (", N skipped" when any test was
# skipped), tests counted across every group of every binary.
# Exits non-zero when any test or binary failed.
passed=0; failed=0; skipped=0; bad=""
# The sum of the counts cmocka prints as "[  WORD  ] N test(s)" (one such
# line per group; a binary may run several groups).
count() {
    printf '%s\n' "$1" | sed -n "s/^\[  $2 *\] \([0-9][0-9]*\) test.*/\1/p" |
        awk '{ s += $1 } END { print s + 0 }'
}
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out"
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
