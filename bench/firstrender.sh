#!/bin/sh
# bench/firstrender.sh - `make bench` (via bench/run.sh): how soon the
# dashboard's national charts are served after the daemon's first pull
# (issue 13: within 2 s; the prefectures follow).  A new store, the
# simulator's national registry, `fukyu daemon --run-now`; from the moment
# the daemon logs "pull 1 stored", the ten national PNGs the national page
# shows (trend, funnel, weekly, ranking, map for both programs) are asked
# for every 20 ms until each answers 200.  FIRST_RUNS runs (default 3),
# medians.  Prints; asserts nothing.
#   usage: sh bench/firstrender.sh BUILD_DIR [ignored]
set -eu
B=${1:-build}
F=$B/fukyu
S=$B/fukyu-feedsim
RUNS=${FIRST_RUNS:-3}
W=$(mktemp -d /tmp/fukyu-first-XXXXXX)
SIM='' DAEMON=''
cleanup() {
    for p in $DAEMON $SIM; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT INT TERM
PORT=$((20000 + ($$ + 11) % 20000))
FEED=http://127.0.0.1:$PORT
. "$(dirname "$0")/daemon.lib"
sim_start first "$FEED" --date 2025-02-09
now() { date +%s.%N; }
charts=""
for p in eprescription ehr_sharing; do
    for k in trend funnel weekly ranking map; do charts="$charts $k-$p.png"; done
done

for r in $(seq "$RUNS"); do
    rm -rf "$W/run"; mkdir -p "$W/run"
    daemon_start first "$FEED" "$W/run"
    i=0; until grep -q 'pull 1 stored' "$W/run/log"; do
        i=$((i + 1)); [ $i -lt 6000 ] || { cat "$W/run/log"; exit 1; }; sleep 0.01; done
    t0=$(now); left=$charts; trend=""
    while [ -n "$left" ]; do
        still=""
        for c in $left; do
            code=$(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP/charts/national/$c")
            if [ "$code" = 200 ]; then
                [ "$c" = trend-eprescription.png ] && trend=$(echo "$(now) - $t0" | bc)
            else
                still="$still $c"
            fi
        done
        left=$still
        [ "$(echo "$(now) - $t0 > 120" | bc)" = 0 ] || { echo "first: charts not served in 120 s"; exit 1; }
        [ -z "$left" ] || sleep 0.02
    done
    echo "$trend $(echo "$(now) - $t0" | bc)" >> "$W/times"
    kill "$DAEMON"; wait "$DAEMON" 2>/dev/null || true; DAEMON=''
done
median() { awk -v c="$1" '{print $c}' "$W/times" | sort -g | awk '{v[NR]=$1} END {
    print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2 }'; }
printf '%-34s %6.2f s  (median of %s; target: all ten within 2 s)\n' \
    "national trend PNG after pull 1" "$(median 1)" "$RUNS"
printf '%-34s %6.2f s\n' "all ten national PNGs after pull 1" "$(median 2)"
