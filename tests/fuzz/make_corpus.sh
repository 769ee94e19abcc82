#!/bin/sh
# make_corpus.sh - writes the seed corpora of tests/fuzz/corpus/ from real
# material: feed pages served by the bundled simulator (cut down to small
# consistent snapshots: total and next_cursor fixed so a pull can store
# them), records taken from those pages, etc/fukyu.conf.example, and the
# dashboard's real request paths.  Run from the top directory after
# `make`; needs jq and curl.  The committed corpus is its output.
#
#   sh tests/fuzz/make_corpus.sh [BUILD]
set -eu
build=${1:-build}
c=tests/fuzz/corpus
rm -rf "$c"
mkdir -p "$c/feed" "$c/record" "$c/config" "$c/http"
port=18$(( $$ % 900 + 100 ))
"$build/fukyu-feedsim" --port "$port" --scale 0.01 --date 2025-02-09 --quiet \
    --fault bad-record:date:1 --fault bad-record:unknown-field:1 &
sim=$!
trap 'kill $sim 2>/dev/null' EXIT
sleep 1
url="http://127.0.0.1:$port/v1/facilities"
curl -sf "$url?limit=3" >/tmp/fk-corpus-p0.json
cur=$(jq -r .next_cursor /tmp/fk-corpus-p0.json)
curl -sf "$url?limit=3&cursor=$cur" >/tmp/fk-corpus-p1.json
sep='
==='
# One page, the whole snapshot.
jq -c '.total = 3 | .next_cursor = null' /tmp/fk-corpus-p0.json >"$c/feed/one-page"
# Two pages joined by the cursor the simulator gave.
{ jq -c '.total = 6' /tmp/fk-corpus-p0.json; echo "$sep"
  jq -c '.total = 6 | .next_cursor = null' /tmp/fk-corpus-p1.json; } >"$c/feed/two-pages"
# The first page as served: its total promises more pages.
cp /tmp/fk-corpus-p0.json "$c/feed/as-served"
# An empty snapshot.
jq -c '.total = 0 | .facilities = [] | .next_cursor = null' \
    /tmp/fk-corpus-p0.json >"$c/feed/empty"
# Records one by one, and the bad ones the simulator makes.
i=0
for f in /tmp/fk-corpus-p0.json /tmp/fk-corpus-p1.json; do
    for k in 0 1; do
        jq -c ".facilities[$k]" "$f" >"$c/record/r$i"
        i=$((i + 1))
    done
done
curl -sf "$url?limit=2000" |
    jq -c '[.facilities[] | select(.type == "hospital" or .type == "pharmacy"
                or .programs.eprescription.status == "operating")][0:3][]' |
    split -l 1 - "$c/record/kind-"
curl -sf "$url?limit=3000" |
    jq -c '.facilities[] | select(.x_note != null or
                .programs.eprescription.since == "2024-02-30")' |
    head -n 2 | split -l 1 - "$c/record/fault-"
# The documented example and small variants.
cp etc/fukyu.conf.example "$c/config/example"
printf '[feed]\nurl = "http://feed.example:8471/prefix"\ntoken_file = /etc/fukyu/token\n[schedule]\ninterval = 30\n[http]\nlisten = [::1]:8470\npublic_aggregates = no\n' >"$c/config/interval"
printf '; minimal\n[store]\npath = /tmp/x.db\n[reports]\nlang = en\ntarget = 0.5\n[schedule]\ntimes = 06:00,18:30\nweekly_report = fri 23:59\n' >"$c/config/times"
# Requests the dashboard and its tests really make.
n=0
while IFS= read -r line; do
    printf '%b' "$line" >"$c/http/q$n"
    n=$((n + 1))
done <<'REQS'
GET /
GET /healthz
GET /metrics
GET /prefecture/13
HEAD /prefecture/01\nIf-None-Match: "x"
GET /api/v1/summary?program=eprescription&prefecture=13&date=2025-01-31
GET /api/v1/series?program=eprescription&type=clinic&prefecture=13&from=2024-10-01&to=2025-02-03&weekly=1
GET /api/v1/forecast?program=eprescription&method=holt&horizon=10&target=0.5
GET /exports/non-adopters.csv?program=eprescription&prefecture=13&municipality=13101\nAuthorization: Bearer @PTOKEN@
GET /exports/non-adopters.xlsx?program=eprescription&status=none&header=ja\nAuthorization: Bearer @TOKEN@
GET /charts/national/trend-eprescription.csv
GET /charts/pref/13/municipalities-ehr_sharing.svg
GET /reports/prefecture/13/2025-W06.pdf
GET /charts/national/%2e%2e%2f%2e%2e%2fetc%2fpasswd
REQS
echo "corpus: $(ls $c/feed | wc -l) feed, $(ls $c/record | wc -l) record, $(ls $c/config | wc -l) config, $(ls $c/http | wc -l) http"
