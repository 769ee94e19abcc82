#!/bin/sh
# split-reference.sh - derive the `fukyu forecast --input` files
# data/eprescription-TYPE.csv (date,adopting,total) from the reference
# data/eprescription-national.csv, one per facility type (all, hospital,
# clinic, dental, pharmacy).  Run from the repository top; the output is
# committed, so the tests need neither this script nor awk.
set -eu
src=${1:-data/eprescription-national.csv}
out=${2:-data}
head -n 1 "$src" | grep -q '^date,type,adopting,total,' || {
    echo "split-reference.sh: $src: unexpected header" >&2; exit 1; }
for t in all hospital clinic dental pharmacy; do
    # The reference has quoted fields only after the first four columns,
    # so splitting on commas is safe for date,type,adopting,total.
    { echo "date,adopting,total"
      awk -F, -v t="$t" 'NR > 1 && $2 == t { print $1 "," $3 "," $4 }' "$src"
    } > "$out/eprescription-$t.csv.tmp"
    mv "$out/eprescription-$t.csv.tmp" "$out/eprescription-$t.csv"
done
