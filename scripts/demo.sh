#!/bin/sh
# demo.sh - `make demo`: the main job on the bundled default.
#
# Starts the bundled feed simulator (national size, today's date in Japan),
# pulls it into ./out/fukyu.db, and writes into ./out what the ministry
# reads each week: the summary, the series, forecasts, charts, the weekly
# report and the non-adopter lists, as far as this build provides them.
set -eu
B=${1:-build}
OUT=${OUT:-out}
PORT=${PORT:-8471}
mkdir -p "$OUT"
F="$B/fukyu"
DB="$OUT/fukyu.db"
CONF="$OUT/fukyu.conf"
URL="http://127.0.0.1:$PORT"

cat > "$CONF" <<CONF
[feed]
url = $URL
[store]
path = $DB
[reports]
out_dir = $OUT
CONF

"$B/fukyu-feedsim" --port "$PORT" --quiet & SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT INT TERM
i=0
until curl -s -o /dev/null "$URL/v1/facilities?limit=1"; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "demo: simulator did not start" >&2; exit 1; }
    sleep 0.05
done

echo "== pull =="
"$F" collect --once --config "$CONF"
for p in eprescription ehr_sharing; do
    "$F" summary --program "$p" --config "$CONF" | tee "$OUT/summary-$p.txt"
    "$F" summary --program "$p" --config "$CONF" --json > "$OUT/summary-$p.json"
    "$F" series --program "$p" --weekly --csv --config "$CONF" > "$OUT/series-$p.csv"
done

has() { "$F" help | grep -q "^  $1 "; }
if has forecast; then
    echo "== forecast =="
    for t in all hospital clinic dental pharmacy; do
        "$F" forecast --program eprescription --type $t --config "$CONF" --json > "$OUT/forecast-eprescription-$t.json"
    done
    "$F" forecast --program eprescription --type pharmacy --config "$CONF"
fi
if has chart; then
    echo "== charts =="
    for k in trend funnel ranking map weekly; do
        "$F" chart $k --program eprescription --config "$CONF" --out "$OUT/chart-$k.png" --csv "$OUT/chart-$k.csv"
        "$F" chart $k --program eprescription --config "$CONF" --out "$OUT/chart-$k.pdf"
    done
    "$F" chart municipalities --program eprescription --prefecture 13 --config "$CONF" --out "$OUT/chart-municipalities-13.png"
    "$F" chart trend --program ehr_sharing --config "$CONF" --out "$OUT/chart-trend-ehr.png"
    "$F" chart trend --metric population_coverage --program eprescription --config "$CONF" --out "$OUT/chart-coverage.png" --csv "$OUT/chart-coverage.csv"
fi
if has report; then
    echo "== reports =="
    "$F" report weekly --config "$CONF" --out "$OUT/weekly.pdf"
    "$F" report all --config "$CONF" --dir "$OUT/reports"
fi
if has export; then
    echo "== non-adopter lists =="
    "$F" export non-adopters --program eprescription --type hospital --format csv --config "$CONF" --out "$OUT/non-adopters-hospital.csv"
    "$F" export non-adopters --program eprescription --prefecture 13 --format xlsx --config "$CONF" --out "$OUT/non-adopters-13.xlsx"
fi
echo "demo: results in $OUT/"
ls -1 "$OUT"
