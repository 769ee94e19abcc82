#!/bin/sh
# bench/report.sh - `make bench` (via bench/run.sh): the weekly reports on
# a national-size store with two pulls a week apart.  Prints the wall time
# of `report weekly`, `report prefecture 13` and `report all --dir`
# (48 reports and every chart in PNG, PDF, SVG and CSV) three ways, on a
# copy of the store without its forecast cache:
#   - as of the first pull: a new store's first render (nothing cached);
#   - as of the second: the daemon's render right after a week's pull, the
#     first pull's render in the cache (what every weekly cycle costs);
#   - the same again: everything cached.
# Then the publisher's own figures (ms per chart by format against the
# 50 ms target, the 47 prefectures' chart sets, per report), the page
# counts and the size of the tree.  Asserts nothing.
#   usage: sh bench/report.sh BUILD_DIR DB
set -eu
B=${1:?build dir}
DB=${2:?store}
F=$B/fukyu
W=$(mktemp -d /tmp/fukyu-bench-report-XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM

timed() { # label, command...
    label=$1; shift
    /usr/bin/time -f "%e %M %U %S" -o "$W/t" "$@" > "$W/out" 2>&1 || { cat "$W/out"; exit 1; }
    read -r secs kb u s < "$W/t"
    printf '%-38s %7.2f s wall %7.2f s CPU %6.1f MiB\n' "$label" "$secs" "$(echo "$u + $s" | bc -l)" \
        "$(echo "$kb / 1024" | bc -l)"
}

cp "$DB" "$W/r.db"
sqlite3 "$W/r.db" "DELETE FROM cache"
day() { date -u -d "@$(($1 * 86400))" +%F; } # a stored as_of (days since 1970)
first=$(day "$(sqlite3 "$W/r.db" "SELECT min(as_of) FROM pull WHERE outcome = 'stored'")")
last=$(day "$(sqlite3 "$W/r.db" "SELECT max(as_of) FROM pull WHERE outcome = 'stored'")")
timed "report weekly" "$F" report weekly --db "$DB" --config /dev/null --out "$W/weekly.pdf"
timed "report prefecture 13" "$F" report prefecture 13 --db "$DB" --config /dev/null --out "$W/p13.pdf"
timed "report all, $first, empty cache" "$F" report all --date "$first" --db "$W/r.db" --config /dev/null --dir "$W/tree1"
timed "report all, $last, after the pull" "$F" report all --db "$W/r.db" --config /dev/null --dir "$W/tree"
cp "$W/out" "$W/out.after"
timed "report all, $last, cached" "$F" report all --db "$W/r.db" --config /dev/null --dir "$W/tree2"
cp "$W/out.after" "$W/out"
# The publisher's own figures: its timing line on stderr of `report all`.
line=$(grep '^report: ' "$W/out" || true)
if [ -n "$line" ]; then
    get() { echo "$line" | sed -n "s|.*$1.*|\1|p"; } # the \(group\) of a pattern
    printf '%-34s %s s on %s drawing threads (store read + forecasts: %s s alongside)\n' "  publisher" \
        "$(get 'report: \([0-9.]*\) s on')" "$(get 'on \([0-9]*\) threads')" "$(get 'store \([0-9.]*\) s')"
    for f in png pdf svg; do
        avg=$(get "$f \\([0-9.]*\\)/") max=$(get "$f [0-9.]*/\\([0-9.]*\\)")
        verdict=$(echo "$max < 50" | bc -l | sed 's/^1$/under/; s/^0$/OVER/')
        printf '%-34s avg %5.1f ms, max %5.1f ms  (%s the 50 ms target)\n' "  each chart, $f" "$avg" "$max" "$verdict"
    done
    printf '%-34s %s s (drawing and writing, summed over threads)\n' "  47 prefectures' chart sets" \
        "$(get 'chart sets \([0-9.]*\) s')"
    printf '%-34s %s, avg %s ms each\n' "  reports" "$(get '; \([0-9]*\) reports')" "$(get 'reports avg \([0-9]*\) ms')"
fi
printf '%-34s %s pages (national), %s pages (Tokyo)\n' "pages" \
    "$(pdfinfo "$W/weekly.pdf" | sed -n 's/^Pages: *//p')" "$(pdfinfo "$W/p13.pdf" | sed -n 's/^Pages: *//p')"
printf '%-34s %s files, %s\n' "tree" "$(find "$W/tree" -type f | wc -l)" "$(du -sh "$W/tree" | cut -f1)"
