#!/bin/sh
# bench/soak.sh - `make soak` (also run by `make bench`): months of service
# in minutes.  The daemon runs against the bundled simulator and is driven
# through SOAK_CYCLES pull-and-render cycles as fast as the machine allows:
# before each cycle the simulated date moves on a day (so every pull stores
# a new snapshot) and SIGUSR1 asks the daemon to pull now; the render that
# follows a stored pull ends the cycle.  After each cycle it prints the
# daemon's RSS, its open file descriptors and the latency of /healthz (just
# then, and the worst seen by a sampler polling it throughout the cycle).
#
# Targets (exit 1 when one fails): RSS after the last cycle within 10% of
# RSS after cycle 10 (cycle 2 for runs of 10 cycles or fewer);
# descriptors flat (after the last cycle within 2 of after cycle 10);
# /healthz answered 200 within 100 ms throughout; no pull or render error.
#
#   usage: sh bench/soak.sh BUILD_DIR [ignored]
#   SOAK_CYCLES (default 50), SOAK_SCALE (default 0.02; 1 = national),
#   SOAK_HEALTHZ_MS (default 100).
set -eu
B=${1:-build}
F=$B/fukyu
S=$B/fukyu-feedsim
N=${SOAK_CYCLES:-50}
SCALE=${SOAK_SCALE:-0.02}
HZ_MS=${SOAK_HEALTHZ_MS:-100}
BASE=10 # the cycle the last one is compared with: the caches are warm
[ "$N" -gt $BASE ] || BASE=$((N < 3 ? 1 : 2))
W=$(mktemp -d /tmp/fukyu-soak-XXXXXX)
SIM='' DAEMON='' SAMPLER=''
cleanup() {
    for p in $SAMPLER $DAEMON $SIM; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT INT TERM
PORT=$((20000 + ($$ + 7) % 20000))
FEED=http://127.0.0.1:$PORT
D0=2025-02-09

. "$(dirname "$0")/daemon.lib"
sim_start soak "$FEED" --scale "$SCALE" --date $D0
daemon_start soak "$FEED" "$W"

# Samples /healthz every 0.2 s from the first stored pull on (before it,
# 503 is the right answer): "ms code" per line.
start_sampler() {
    ( while :; do
          curl -s -o /dev/null -m 5 -w '%{time_total} %{http_code}\n' "http://$HTTP/healthz" |
              awk '{ printf "%.1f %s\n", $1 * 1000, $2 }' >> "$W/hz"
          sleep 0.2
      done ) & SAMPLER=$!
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON/status"; }
fds() { ls "/proc/$DAEMON/fd" | wc -l; }
bad() { grep -E 'pull [0-9]+ failed|pull failed|render failed|unchanged' "$W/log" || true; }

echo "soak: scale $SCALE, $N cycles, daemon pid $DAEMON, http $HTTP"
printf '%5s  %-10s  %9s  %4s  %9s  %9s  %7s\n' cycle as_of "RSS MiB" fds "hz ms" "hz max" "cycle s"
fail=0 seen=0
c=1
while [ $c -le "$N" ]; do
    t0=$(date +%s.%N)
    if [ $c -gt 1 ]; then # cycle 1 is the daemon's --run-now pull
        d=$(date -u -d "$D0 + $((c - 1)) days" +%F)
        curl -sf -X POST "$FEED/_sim/date?d=$d" > /dev/null
        kill -USR1 $DAEMON
    fi
    i=0
    while [ "$(grep -c 'render done' "$W/log")" -lt $c ]; do
        if [ -n "$(bad)" ] || ! kill -0 $DAEMON 2>/dev/null; then
            tail -n 20 "$W/log"; echo "soak: cycle $c: pull or render error"; exit 1
        fi
        i=$((i + 1)); [ $i -lt 36000 ] || { tail -n 20 "$W/log"; echo "soak: cycle $c did not finish"; exit 1; }
        sleep 0.05
    done
    t1=$(date +%s.%N)
    [ -n "$SAMPLER" ] || { : > "$W/hz"; start_sampler; }
    rss=$(rss_kb) fd=$(fds)
    hz=$(curl -s -o /dev/null -w '%{time_total} %{http_code}' "http://$HTTP/healthz" |
         awk '{ printf "%.1f", $1 * 1000; if ($2 != 200) printf "!%s", $2 }')
    # The sampler's worst latency during this cycle, and any non-200.
    n=$(wc -l < "$W/hz")
    worst=$(tail -n +$((seen + 1)) "$W/hz" | awk -v m=0 '{ if ($1 > m) m = $1; if ($2 != 200) e = e " " $2 } END { printf "%.1f%s", m, e ? "!" e : "" }')
    seen=$n
    asof=$(grep 'render done' "$W/log" | tail -n 1 | sed 's/.*as_of \([0-9-]*\).*/\1/')
    printf '%5d  %-10s  %9.1f  %4d  %9s  %9s  %7.2f\n' $c "$asof" "$(echo "$rss / 1024" | bc -l)" \
        "$fd" "$hz" "$worst" "$(echo "$t1 - $t0" | bc -l)"
    echo "$c $rss $fd $hz $worst" >> "$W/rows"
    c=$((c + 1))
done

echo "== against the targets =="
base_rss=$(awk -v c=$BASE '$1 == c { print $2 }' "$W/rows")
last_rss=$(awk -v c="$N" '$1 == c { print $2 }' "$W/rows")
growth=$(echo "($last_rss - $base_rss) * 100 / $base_rss" | bc -l)
ok=$(echo "$growth <= 10" | bc -l)
printf 'RSS after cycle %d / after cycle %d  %+6.1f%%  (%.1f -> %.1f MiB; target within 10%%)  %s\n' \
    "$N" $BASE "$growth" "$(echo "$base_rss / 1024" | bc -l)" "$(echo "$last_rss / 1024" | bc -l)" \
    "$([ "$ok" = 1 ] && echo ok || echo FAIL)"
[ "$ok" = 1 ] || fail=1
# Against the same cycle as RSS: the /healthz sampler starts after cycle
# 1 and may hold a connection (2 descriptors) when one is counted.
fd_base=$(awk -v c=$BASE '$1 == c { print $3 }' "$W/rows")
fd_min=$(awk 'NR == 1 || $3 < m { m = $3 } END { print m }' "$W/rows")
fd_max=$(awk '$3 > m { m = $3 } END { print m }' "$W/rows")
fd_last=$(awk -v c="$N" '$1 == c { print $3 }' "$W/rows")
ok=$([ "$fd_last" -le $((fd_base + 2)) ] && echo 1 || echo 0)
printf 'descriptors                        %d..%d; %d after cycle %d, %d after cycle %d (target: within 2)  %s\n' \
    "$fd_min" "$fd_max" "$fd_base" $BASE "$fd_last" "$N" "$([ "$ok" = 1 ] && echo ok || echo FAIL)"
[ "$ok" = 1 ] || fail=1
hz_n=$(wc -l < "$W/hz")
hz_max=$(awk '$1 > m { m = $1 } END { printf "%.1f", m }' "$W/hz")
hz_after=$(awk '{ v = $4; sub(/!.*/, "", v); if (v + 0 > m) m = v + 0 } END { printf "%.1f", m }' "$W/rows")
hz_bad=$(awk '$2 != 200' "$W/hz" | wc -l)
hz_bad=$((hz_bad + $(grep -c '!' "$W/rows" || true)))
hz_p99=$(awk '{ print $1 }' "$W/hz" | sort -n | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.1f", v[i] }')
ok=$(echo "$hz_max <= $HZ_MS && $hz_after <= $HZ_MS" | bc -l)
[ "$hz_bad" -eq 0 ] || ok=0
printf '/healthz                           worst %s ms, p99 %s ms over %d samples; after cycles worst %s ms; %d not 200 (target 200 within %d ms)  %s\n' \
    "$hz_max" "$hz_p99" "$hz_n" "$hz_after" "$hz_bad" "$HZ_MS" "$([ "$ok" = 1 ] && echo ok || echo FAIL)"
[ "$ok" = 1 ] || fail=1
printf 'pull or render errors              none  ok\n'
kill $DAEMON; wait $DAEMON 2>/dev/null || true; DAEMON=''
exit $fail
