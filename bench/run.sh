#!/bin/sh
# bench/run.sh - `make bench`: figures for the collector (issue 4 targets)
# and, where built, the other benchmarks.  Prints; asserts nothing but
# the soak's targets.
#
# Collector, against the simulator's national snapshot over loopback:
#   first full pull, a weekly pull (~1% of statuses changed), an unchanged
#   pull (304): wall time and peak RSS of `fukyu collect`;
#   the floor: curl alone fetching the same pages, plus the sqlite3 shell
#   importing the same facilities as CSV.
# BENCH_SCALE=10 (or any) repeats the pull on a larger registry to show
# that peak RSS does not grow with it.
# Then every other bench/*.sh, among them soak.sh (`make soak`: the daemon
# over 50 pull-and-render cycles), which does assert its targets.
set -eu
B=${1:-build}
F=$B/fukyu
S=$B/fukyu-feedsim
W=$(mktemp -d /tmp/fukyu-bench-XXXXXX)
trap 'kill $SIM 2>/dev/null || true; rm -rf "$W"' EXIT INT TERM
PORT=$((20000 + $$ % 20000))
URL=http://127.0.0.1:$PORT
LIMIT=5000

start_sim() { # scale date
    "$S" --port $PORT --scale "$1" --date "$2" --quiet & SIM=$!
    i=0; until curl -s -o /dev/null "$URL/v1/facilities?limit=1"; do
        i=$((i + 1)); [ $i -lt 300 ] || { echo "simulator did not start"; exit 1; }; sleep 0.05; done
}
timed() { # label, command...
    label=$1; shift
    /usr/bin/time -f "%e %M" -o "$W/t" "$@" > "$W/out" 2>&1 || { cat "$W/out"; exit 1; }
    read -r secs kb < "$W/t"
    printf '%-34s %8.3f s  %7.1f MiB   %s\n' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)" "$(head -c 110 "$W/out" | tr '\n' ' ')"
    echo "$secs" > "$W/last"
}
floor_fetch() { # fetch every page with curl alone, following cursors
    c=""; n=0
    while :; do
        if [ -z "$c" ]; then curl -s --compressed "$URL/v1/facilities?limit=$LIMIT" > "$W/page"
        else curl -s --compressed "$URL/v1/facilities?limit=$LIMIT&cursor=$c" > "$W/page"; fi
        n=$((n + 1))
        c=$(grep -o '"next_cursor":"[^"]*"' "$W/page" | sed 's/.*:"\(.*\)"/\1/' || true)
        [ -n "$c" ] || break
    done
    echo "$n pages"
}

echo "== collector: national snapshot over loopback (limit $LIMIT) =="
start_sim 1 2025-02-09
timed "first full pull" "$F" collect --once --feed "$URL" --db "$W/a.db" --limit $LIMIT
first=$(cat "$W/last")
"$F" summary --program eprescription --db "$W/a.db" | sed 's/^/    /'
curl -s -X POST "$URL/_sim/date?d=2025-02-16" > /dev/null
timed "weekly pull (~1% changed)" "$F" collect --once --feed "$URL" --db "$W/a.db" --limit $LIMIT
weekly=$(cat "$W/last")
timed "unchanged pull (304)" "$F" collect --once --feed "$URL" --db "$W/a.db" --limit $LIMIT
unchanged=$(cat "$W/last")

echo "== floor: curl alone + sqlite3 .import of the same facilities =="
t0=$(date +%s.%N); floor_fetch > /dev/null; t1=$(date +%s.%N)
curl_s=$(echo "$t1 - $t0" | bc -l)
sqlite3 -csv "$W/a.db" "SELECT printf('%010d', code), type, pref, muni, name, address, phone, beds FROM facility WHERE closed_on IS NULL" > "$W/f.csv"
printf 'CREATE TABLE f(code, type, pref, muni, name, address, phone, beds);\n.import --csv %s f\n' "$W/f.csv" > "$W/imp.sql"
t0=$(date +%s.%N); sqlite3 "$W/floor.db" < "$W/imp.sql"; t1=$(date +%s.%N)
import_s=$(echo "$t1 - $t0" | bc -l)
floor=$(echo "$curl_s + $import_s" | bc -l)
printf '%-34s %8.3f s\n' "curl fetch of all pages" "$curl_s"
printf '%-34s %8.3f s   (%s rows)\n' "sqlite3 .import of facilities" "$import_s" "$(wc -l < "$W/f.csv")"
printf '%-34s %8.3f s\n' "floor (sum)" "$floor"
echo "== against the targets =="
printf 'first pull / floor        %5.2f  (target <= 1.5)\n' "$(echo "$first / $floor" | bc -l)"
printf 'weekly pull / first pull  %5.2f  (target <= 0.5)\n' "$(echo "$weekly / $first" | bc -l)"
printf 'unchanged pull            %5.0f ms (target < 50 ms)\n' "$(echo "$unchanged * 1000" | bc -l)"
kill $SIM; wait $SIM 2>/dev/null || true

if [ -n "${BENCH_SCALE:-}" ]; then
    echo "== collector: registry x$BENCH_SCALE =="
    start_sim "$BENCH_SCALE" 2025-02-09
    timed "first full pull x$BENCH_SCALE" "$F" collect --once --feed "$URL" --db "$W/big.db" --limit $LIMIT
    kill $SIM; wait $SIM 2>/dev/null || true
fi

# Other benchmarks get the build directory and the national store above
# (two pulls a week apart).
for b in bench/*.sh; do
    [ "$b" = bench/run.sh ] && continue
    echo "== $(basename "$b" .sh) =="
    sh "$b" "$B" "$W/a.db"
done
