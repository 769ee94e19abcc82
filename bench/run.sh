#!/bin/sh
# bench/run.sh - `make bench`: the collector against its floor and its peer
# (issue 13), then the other benchmarks (bench/*.sh).  Prints; asserts
# nothing but the soak's targets.
#
# The feed is the simulator's snapshot written as static files
# (fukyu-feedsim --dump) and served by nginx on loopback, so what is timed
# is the pull, not the simulator's page generation.  For each feed order
# (random: a registry export in no code order; code: sorted), and
# BENCH_RUNS times (default 3, medians reported), in the same run:
#   fukyu   first full pull, weekly pull (~1% changed, the next week's
#           dump), unchanged pull (304): wall time and peak RSS;
#   floor   curl fetching the same files (one process, one connection)
#           plus the sqlite3 shell's .import of the same rows (CSV);
#   peer    bench/peer.py (python3 + requests), the analyst's script
#           (random order only).
# Then one first pull of a registry BENCH_SCALE times larger (default 10;
# 0 skips it): time should grow linearly, RSS not.
# BENCH_OTHERS=0 skips the other benchmarks: report.sh, dashboard.sh and
# firstrender.sh.  soak.sh is `make soak` (50 pull-and-render cycles,
# about 20 minutes), not part of this run.
set -eu
B=${1:-build}
F=$B/fukyu
S=$B/fukyu-feedsim
RUNS=${BENCH_RUNS:-3}
SCALE=${BENCH_SCALE:-10}
LIMIT=5000
W=$(mktemp -d /tmp/fukyu-bench-XXXXXX)
# nginx's workers run as nobody when started by root: they must read W.
chmod 755 "$W"
NGINX_PID=""
stop_nginx() {
    [ -n "$NGINX_PID" ] || return 0
    kill "$NGINX_PID" 2>/dev/null || true
    while kill -0 "$NGINX_PID" 2>/dev/null; do sleep 0.05; done
    NGINX_PID=""
}
trap 'stop_nginx; rm -rf "$W"' EXIT INT TERM
PORT=$((20000 + $$ % 20000))
URL=http://127.0.0.1:$PORT
command -v nginx > /dev/null || { echo "bench: nginx missing (sh scripts/deps.sh)"; exit 1; }

# nginx with its own prefix and config, serving whatever $W/feed links to.
start_nginx() {
    mkdir -p "$W/nginx"
    cat > "$W/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $W/nginx/body;
    proxy_temp_path $W/nginx/proxy;
    fastcgi_temp_path $W/nginx/fastcgi;
    uwsgi_temp_path $W/nginx/uwsgi;
    scgi_temp_path $W/nginx/scgi;
    default_type application/json;
    sendfile on;
    map \$arg_cursor \$page { "" first; default \$arg_cursor; }
    server {
        listen 127.0.0.1:$PORT;
        root $W/feed;
        location = /v1/facilities {
            try_files /v1/facilities/\$arg_limit/\$page.json =404;
        }
    }
}
EOF
    nginx -p "$W/nginx" -e "$W/nginx/error.log" -c "$W/nginx/nginx.conf"
    i=0; until [ -s "$W/nginx/nginx.pid" ]; do
        i=$((i + 1)); [ $i -lt 100 ] || { cat "$W/nginx/error.log"; exit 1; }; sleep 0.05; done
    NGINX_PID=$(cat "$W/nginx/nginx.pid")
}
serve() { ln -sfn "$1" "$W/feed"; } # dump dir

timed() { # out-file command... ; appends "secs kib" to out-file
    out=$1; shift
    /usr/bin/time -f "%e %M" -o "$W/t" "$@" > "$W/out" 2>&1 || { cat "$W/out"; exit 1; }
    cat "$W/t" >> "$out"
}
median() { # column file
    awk -v c="$1" '{print $c}' "$2" | sort -g | awk '{v[NR]=$1} END {
        if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2];
        else print (v[NR/2] + v[NR/2+1]) / 2 }'
}
# The same rows as the feed's pages, in feed order, as CSV for the floor.
to_csv() { # dump dir, csv
    python3 - "$1" "$2" <<'EOF'
import csv, json, sys
d, out = sys.argv[1], sys.argv[2]
w = csv.writer(open(out, "w", newline=""))
for line in open(d + "/pages.txt"):
    q = dict(kv.split("=") for kv in line.strip().split("?")[1].split("&"))
    name = q.get("cursor", "first")
    page = json.load(open(f"{d}/v1/facilities/{q['limit']}/{name}.json"))
    for f in page["facilities"]:
        w.writerow([f["code"], f["type"], f["name"], f["prefecture"],
                    f.get("municipality", ""), f.get("beds", ""),
                    f.get("address", ""), f.get("phone", "")])
EOF
}
floor() { # dump dir, csv, out-file: curl of every page + .import
    sed "s|^|url = \"$URL|; s|\$|\"\\noutput = \"/dev/null\"|" "$1/pages.txt" > "$W/curl.cfg"
    t0=$(date +%s.%N); curl -sf -K "$W/curl.cfg"; t1=$(date +%s.%N)
    rm -f "$W/floor.db"
    printf 'CREATE TABLE f(code, type, name, pref, muni, beds, address, phone);\n.import --csv %s f\n' "$2" > "$W/imp.sql"
    sqlite3 "$W/floor.db" < "$W/imp.sql"; t2=$(date +%s.%N)
    echo "$t0 $t1 $t2" | awk '{printf "%.3f %.3f %.3f\n", $3 - $1, $2 - $1, $3 - $2}' >> "$3"
}
pull() { # db, out-file
    timed "$2" "$F" collect --once --feed "$URL" --db "$1" --limit $LIMIT
}

row() { # label, fukyu-file, [floor-file], [peer-file]  (globals: row_*)
    row_t=$(median 1 "$2"); row_fl=""; row_pe=""; row_r1=""; row_r2=""
    if [ -n "${3:-}" ]; then
        row_fl="$(median 1 "$3") s"
        row_r1=$(echo "$row_t $(median 1 "$3")" | awk '{printf "%.2f", $1 / $2}')
    fi
    if [ -n "${4:-}" ]; then
        row_pe=$(printf '%.2f s %4.0f MiB' "$(median 1 "$4")" "$(echo "$(median 2 "$4") / 1024" | bc -l)")
        row_r2=$(echo "$(median 1 "$4") $row_t" | awk '{printf "%.2f", $1 / $2}')
    fi
    printf '%-28s %7.3f s %5.1f MiB | %-8s | %-16s | %-10s | %s\n' "$1" "$row_t" \
        "$(echo "$(median 2 "$2") / 1024" | bc -l)" "$row_fl" "$row_pe" "$row_r1" "$row_r2"
}

echo "== collector: static feed from nginx on loopback, limit $LIMIT, medians of $RUNS runs =="
echo "   machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
start_nginx
for order in random code; do
    "$S" --dump "$W/$order-1" --date 2025-02-09 --order $order --limit $LIMIT
    "$S" --dump "$W/$order-2" --date 2025-02-16 --order $order --limit $LIMIT
    to_csv "$W/$order-1" "$W/$order.csv"
    for r in $(seq "$RUNS"); do
        serve "$W/$order-1"
        floor "$W/$order-1" "$W/$order.csv" "$W/$order.floor"
        rm -f "$W/$order.db" "$W/$order.db-wal" "$W/$order.db-shm"
        pull "$W/$order.db" "$W/$order.first"
        serve "$W/$order-2"
        pull "$W/$order.db" "$W/$order.weekly"
        pull "$W/$order.db" "$W/$order.unchanged"
        # The 304 pull's own time, without the process start (77 libraries).
        sqlite3 "$W/$order.db" "SELECT seconds FROM pull ORDER BY id DESC LIMIT 1" >> "$W/$order.inproc"
        [ $order = random ] || continue
        serve "$W/$order-1"
        rm -f "$W/peer.db" "$W/peer.db-wal" "$W/peer.db-shm"
        timed "$W/$order.peer" python3 bench/peer.py "$URL" "$W/peer.db"
    done
done
fl=$(median 1 "$W/random.floor")
echo "floor: curl $(median 2 "$W/random.floor") s + sqlite3 .import $(median 3 "$W/random.floor") s ($(wc -l < "$W/random.csv") rows), random order"
printf '%-28s %-20s | %-8s | %-16s | %-10s | %s\n' "what" "fukyu" "floor" "peer (python)" "pull/floor" "peer/pull"
for order in random code; do
    peer=""; [ $order = random ] && peer="$W/$order.peer"
    row "first pull, $order order" "$W/$order.first" "$W/$order.floor" $peer
    row "weekly pull, $order order" "$W/$order.weekly"
    row "unchanged (304), $order" "$W/$order.unchanged"
done
echo "== against the targets (random order) =="
first=$(median 1 "$W/random.first")
awk -v f="$first" -v fl="$fl" -v w="$(median 1 "$W/random.weekly")" \
    -v u="$(median 1 "$W/random.unchanged")" -v p="$(median 1 "$W/random.peer")" \
    -v m="$(median 2 "$W/random.first")" -v i="$(median 1 "$W/random.inproc")" 'BEGIN {
    printf "first pull / floor      %6.2f  (target <= 1.5)\n", f / fl
    printf "peer / first pull       %6.2f  (target >= 3)\n", p / f
    printf "first pull peak RSS     %6.1f MiB (target <= 64)\n", m / 1024
    printf "weekly / first pull     %6.2f  (target <= 0.5)\n", w / f
    printf "unchanged pull          %6.0f ms (target < 50; %.0f ms of it the pull itself)\n", u * 1000, i * 1000 }'
rm -rf "$W"/random-? "$W"/code-?

if [ "$SCALE" != 0 ]; then
    echo "== collector: registry x$SCALE, random order, one run =="
    "$S" --dump "$W/big" --date 2025-02-09 --order random --scale "$SCALE" --limit $LIMIT
    serve "$W/big"
    pull "$W/big.db" "$W/big.first"
    row "first pull x$SCALE" "$W/big.first"
    awk -v b="$(median 1 "$W/big.first")" -v f="$first" -v s="$SCALE" 'BEGIN {
        printf "x%s time / national time %6.2f  (linear: %s)\n", s, b / f, s }'
    rm -rf "$W/big" "$W"/big.db*
fi
stop_nginx

# Other benchmarks get the build directory and a national store (two
# pulls a week apart).  BENCH_OTHERS=0 skips them.
[ "${BENCH_OTHERS:-1}" != 0 ] || exit 0
for b in bench/*.sh; do
    case $b in bench/run.sh | bench/soak.sh) continue ;; esac
    echo "== $(basename "$b" .sh) =="
    sh "$b" "$B" "$W/code.db"
done
