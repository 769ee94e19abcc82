#!/bin/sh
# bench/dashboard.sh - `make bench` (via bench/run.sh): forecast cost and the
# dashboard, each beside a reference measured in the same run (issue 13).
#   - a cold `fukyu chart trend` (history, forecast and bands; a fresh
#     process, the store's forecast cache filled by the first run) beside a
#     cold `rrdtool graph` of the same size: a 5-line 745-day trend,
#     1200x700 PNG, from an RRD holding the same daily rates; and the
#     first run on its own (an empty cache: everything fitted);
#   - `fukyu forecast --method auto` for one series (Japan, all types);
#   - /api/v1/summary in requests a second with 16 connections (wrk) beside
#     a rendered chart file served by the same server in the same run, and
#     the 304 a matching ETag gets.
# Medians of RUNS runs (default 5).  Prints the load average, since the
# machine may be shared.  Asserts nothing.
#   usage: sh bench/dashboard.sh BUILD_DIR DB
set -eu
B=${1:?build dir}
DB=${2:?store}
F=$B/fukyu
RUNS=${RUNS:-5}
W=$(mktemp -d /tmp/fukyu-bench-dash-XXXXXX)
SRV=""
trap '[ -z "$SRV" ] || kill $SRV 2>/dev/null || true; rm -rf "$W"' EXIT INT TERM

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# RUNS runs of a command: prints the median wall seconds and leaves the
# median CPU seconds (user + system) in $W/cpu, which a loaded machine
# disturbs less, and the first run's "wall cpu" in $W/first.
runs() {
    i=0; : > "$W/walls"; : > "$W/cpus"
    while [ $i -lt "$RUNS" ]; do
        /usr/bin/time -f "%e %U %S" -o "$W/t" "$@" > /dev/null 2> "$W/err" || { cat "$W/err"; exit 1; }
        read -r e u s < "$W/t"; echo "$e" >> "$W/walls"; echo "$u + $s" | bc -l >> "$W/cpus"
        [ $i -gt 0 ] || echo "$e $(echo "$u + $s" | bc -l)" > "$W/first"
        i=$((i + 1))
    done
    median < "$W/cpus" > "$W/cpu"; median < "$W/walls"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# ---- the chart beside rrdtool ------------------------------------------------
# On a copy of the store without its forecast cache: the first run fits
# everything (a new store), the others find what it saved, which is the
# state after every pull once the daemon has rendered (a pull in between
# costs little more: its new origins only, docs/forecast.md).
mkdir -p "$W/out/charts/national"
cp "$DB" "$W/chart.db"
sqlite3 "$W/chart.db" "DELETE FROM cache"
chart=$(runs "$F" chart trend --program eprescription --db "$W/chart.db" --config /dev/null \
    --out "$W/out/charts/national/trend-eprescription.png"); chart_cpu=$(cat "$W/cpu")
read -r chart_first chart_first_cpu < "$W/first"
# The same five daily rate lines, the last 745 days, into an RRD.
for t in all hospital clinic dental pharmacy; do
    "$F" series --program eprescription --type $t --json --db "$DB" --config /dev/null > "$W/s-$t.json"
done
python3 - "$W" > "$W/rrd.args" <<'EOF'
import json, sys, datetime
w = sys.argv[1]
types = ["all", "hospital", "clinic", "dental", "pharmacy"]
pts = [json.load(open(f"{w}/s-{t}.json"))["points"][-745:] for t in types]
epoch = lambda d: int(datetime.datetime.strptime(d, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc).timestamp())
print(epoch(pts[0][0]["date"]) - 86400)
for i in range(len(pts[0])):
    print("%d:%s" % (epoch(pts[0][i]["date"]), ":".join("%.6f" % (p[i]["rate"] * 100) for p in pts)))
EOF
start=$(head -n 1 "$W/rrd.args")
rrdtool create "$W/t.rrd" --start "$start" --step 86400 \
    DS:all:GAUGE:172800:0:100 DS:hospital:GAUGE:172800:0:100 DS:clinic:GAUGE:172800:0:100 \
    DS:dental:GAUGE:172800:0:100 DS:pharmacy:GAUGE:172800:0:100 RRA:AVERAGE:0.5:1:800
tail -n +2 "$W/rrd.args" | xargs rrdtool update "$W/t.rrd"
end=$(tail -n 1 "$W/rrd.args" | cut -d: -f1)
rrd=$(runs rrdtool graph "$W/rrd.png" --start "$start" --end "$end" -w 1200 -h 700 \
    --title "e-prescription adoption (%)" \
    DEF:a="$W/t.rrd":all:AVERAGE DEF:h="$W/t.rrd":hospital:AVERAGE \
    DEF:c="$W/t.rrd":clinic:AVERAGE DEF:d="$W/t.rrd":dental:AVERAGE \
    DEF:p="$W/t.rrd":pharmacy:AVERAGE \
    LINE2:a#000000:all LINE2:h#1f77b4:hospital LINE2:c#ff7f0e:clinic \
    LINE2:d#2ca02c:dental LINE2:p#d62728:pharmacy); rrd_cpu=$(cat "$W/cpu")
printf '%-34s %8.3f s wall %8.3f s CPU (first run: fits everything)\n' "fukyu chart trend, empty cache" \
    "$chart_first" "$chart_first_cpu"
printf '%-34s %8.3f s wall %8.3f s CPU (medians of %s fresh processes)\n' "cold fukyu chart trend" "$chart" "$chart_cpu" "$RUNS"
printf '%-34s %8.3f s wall %8.3f s CPU (%s days x 5 lines)\n' "cold rrdtool graph, same size" "$rrd" \
    "$rrd_cpu" "$(($(wc -l < "$W/rrd.args") - 1))"
printf '%-34s %8.2f wall %8.2f CPU (target <= 1)\n' "chart / rrdtool" "$(echo "$chart / $rrd" | bc -l)" \
    "$(echo "$chart_cpu / $rrd_cpu" | bc -l)"
fc=$(runs "$F" forecast --program eprescription --method auto --db "$DB" --config /dev/null)
printf '%-34s %8.0f ms wall %6.0f ms CPU (target < 20 ms)\n' "forecast --method auto, 1 series" \
    "$(echo "$fc * 1000" | bc -l)" "$(echo "$(cat "$W/cpu") * 1000" | bc -l)"

# ---- the API beside a chart file ----------------------------------------------
if ! command -v wrk > /dev/null; then echo "wrk not installed (sh scripts/deps.sh): API figures skipped"; exit 0; fi
"$F" serve --listen 127.0.0.1:0 --out "$W/out" --quiet --db "$DB" --config /dev/null > "$W/serve.log" 2>&1 & SRV=$!
i=0; until grep -qs 'listening on' "$W/serve.log"; do
    i=$((i + 1)); [ $i -lt 200 ] || { cat "$W/serve.log"; exit 1; }; sleep 0.05; done
PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$W/serve.log")
U=http://127.0.0.1:$PORT
rps() { # path: the median of RUNS 3-second wrk runs, requests a second
    i=0
    while [ $i -lt "$RUNS" ]; do
        wrk -t2 -c16 -d3s "$U$1" | sed -n 's/^Requests\/sec: *//p'; i=$((i + 1))
    done | median
}
api=$(rps "/api/v1/summary?program=eprescription")
file=$(rps "/charts/national/trend-eprescription.png")
etag=$(curl -s -D - -o /dev/null "$U/api/v1/summary?program=eprescription" | sed -n 's/^[Ee][Tt]ag: *\(.*\)\r$/\1/p')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$U/api/v1/summary?program=eprescription")
printf '%-34s %8.0f req/s (16 connections; target >= 10000)\n' "/api/v1/summary" "$api"
printf '%-34s %8.0f req/s (same server, same run)\n' "a rendered chart file" "$file"
printf '%-34s %8s\n' "summary with its ETag" "$code"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
