#!/bin/sh
# bench/report.sh - `make bench` (via bench/run.sh): the weekly reports on
# a national-size store with two pulls a week apart.  Prints the wall time
# of `report weekly`, `report prefecture 13` and `report all --dir`
# (48 reports and every chart in PNG, PDF, SVG and CSV), the page counts
# and the size of the tree.  Asserts nothing.
#   usage: sh bench/report.sh BUILD_DIR DB
set -eu
B=${1:?build dir}
DB=${2:?store}
F=$B/fukyu
W=$(mktemp -d /tmp/fukyu-bench-report-XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM

timed() { # label, command...
    label=$1; shift
    /usr/bin/time -f "%e %M" -o "$W/t" "$@" > "$W/out" 2>&1 || { cat "$W/out"; exit 1; }
    read -r secs kb < "$W/t"
    printf '%-34s %8.3f s  %7.1f MiB   %s\n' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)" \
        "$(head -c 100 "$W/out" | tr '\n' ' ')"
}

timed "report weekly" "$F" report weekly --db "$DB" --config /dev/null --out "$W/weekly.pdf"
timed "report prefecture 13" "$F" report prefecture 13 --db "$DB" --config /dev/null --out "$W/p13.pdf"
timed "report all --dir" "$F" report all --db "$DB" --config /dev/null --dir "$W/tree"
printf '%-34s %s pages (national), %s pages (Tokyo)\n' "pages" \
    "$(pdfinfo "$W/weekly.pdf" | sed -n 's/^Pages: *//p')" "$(pdfinfo "$W/p13.pdf" | sed -n 's/^Pages: *//p')"
printf '%-34s %s files, %s\n' "tree" "$(find "$W/tree" -type f | wc -l)" "$(du -sh "$W/tree" | cut -f1)"
