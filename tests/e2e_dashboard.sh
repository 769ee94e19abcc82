#!/bin/sh
# e2e_dashboard.sh - the dashboard in a real browser: fill a store from the
# bundled simulator, render the national charts, start `fukyu serve`, load
# / in headless Chromium, and check the page (DOM) and that every image it
# shows was fetched successfully (from the server's access log) and drawn
# (a non-trivial screenshot).  The page has no JavaScript, so the browser
# itself is the only client logic tested here.
#
#   sh tests/e2e_dashboard.sh [BUILD_DIR]     (default: build)
#
# Exits 0 with a message when Chromium is not installed.  E2E_SHOT=FILE
# keeps the screenshot.
set -eu
B=${1:-${FK_BUILD:-build}}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
    echo "e2e_dashboard: skipped: $CHROMIUM not installed (apt-get install chromium)"
    exit 0
fi
F="$B/fukyu"
T=$(mktemp -d "${TMPDIR:-/tmp}/fukyu-test-e2e-XXXXXX")
SIM=""; SRV=""
cleanup() {
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null
    [ -n "$SIM" ] && kill "$SIM" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() { echo "e2e_dashboard: FAIL: $*" >&2; [ -f "$T/serve.log" ] && tail -n 20 "$T/serve.log" >&2; exit 1; }

# The simulator on a port of its own (retry when taken).
for try in 1 2 3 4 5; do
    PORT=$(( 20000 + ($$ * 7 + try * 7919) % 40000 ))
    "$B/fukyu-feedsim" --port "$PORT" --scale 0.05 --date 2025-02-09 --quiet 2>"$T/sim.log" & SIM=$!
    i=0
    while [ $i -lt 100 ] && kill -0 "$SIM" 2>/dev/null && ! curl -s -o /dev/null "http://127.0.0.1:$PORT/v1/facilities?limit=1"; do
        i=$((i + 1)); sleep 0.05
    done
    kill -0 "$SIM" 2>/dev/null && break
    SIM=""
done
[ -n "$SIM" ] || fail "the simulator did not start"

printf '[http]\npublic_aggregates = yes\n' > "$T/fukyu.conf"
C="--db $T/fukyu.db --config $T/fukyu.conf"
"$F" collect --once --feed "http://127.0.0.1:$PORT" $C >/dev/null 2>&1 || fail "collect"
mkdir -p "$T/out/charts/national"
# Under ASan: cairo and fontconfig keep a few hundred bytes that are not
# fukyu's (see tests/test_charts.c); harmless otherwise.
printf 'leak:libcairo.so.2\nleak:libfontconfig.so.1\n' > "$T/lsan.supp"
export LSAN_OPTIONS="suppressions=$T/lsan.supp:print_suppressions=0"
for p in eprescription ehr_sharing; do
    for k in trend map; do
        "$F" chart "$k" --program "$p" --out "$T/out/charts/national/$k-$p.png" $C 2>/dev/null ||
            fail "chart $k $p"
    done
done

"$F" serve --listen 127.0.0.1:0 --out "$T/out" $C >"$T/serve.out" 2>"$T/serve.log" & SRV=$!
i=0
until grep -q 'port [0-9]' "$T/serve.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 200 ] && kill -0 "$SRV" 2>/dev/null || fail "fukyu serve did not start"
    sleep 0.05
done
HP=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$T/serve.out")
URL="http://127.0.0.1:$HP/"

FLAGS="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
 --disable-sync --no-first-run --hide-scrollbars --user-data-dir=$T/profile --window-size=1280,4000"
# shellcheck disable=SC2086
timeout 120 "$CHROMIUM" $FLAGS --dump-dom "$URL" >"$T/dom.html" 2>"$T/chromium.log" || fail "chromium --dump-dom"
# shellcheck disable=SC2086
timeout 120 "$CHROMIUM" $FLAGS --screenshot="$T/shot.png" "$URL" >>"$T/chromium.log" 2>&1 || fail "chromium --screenshot"

# The page as the browser parsed it.
grep -q '<html lang="ja">' "$T/dom.html" || fail "no lang=ja"
grep -q '電子処方箋・電子カルテ情報共有サービスの普及状況（全国）' "$T/dom.html" || fail "no title heading"
grep -q '2025-02-09（令和7年2月9日）' "$T/dom.html" || fail "no as-of date"
grep -q '<a href="/prefecture/13">東京都</a>' "$T/dom.html" || fail "no prefecture table"
n_img=$(grep -o '<img src="/charts/national/[a-z_-]*\.png"' "$T/dom.html" | sort -u | wc -l)
[ "$n_img" -eq 4 ] || fail "expected 4 chart images in the page, found $n_img"
grep -q '<script' "$T/dom.html" && fail "the page has a script"

# Every image was requested by the browser and served with 200.
for img in $(grep -o '/charts/national/[a-z_-]*\.png' "$T/dom.html" | sort -u); do
    grep -q "GET $img 200 " "$T/serve.log" || fail "the browser did not load $img"
done
grep -E 'GET /charts/[^ ]* [45][0-9][0-9] ' "$T/serve.log" && fail "an image failed"

# The screenshot is a PNG with the images drawn in (far bigger than text).
head -c 8 "$T/shot.png" | od -An -tx1 | grep -q '89 50 4e 47' || fail "no screenshot"
size=$(wc -c <"$T/shot.png")
[ "$size" -gt 150000 ] || fail "screenshot only $size bytes"
[ -n "${E2E_SHOT:-}" ] && cp "$T/shot.png" "$E2E_SHOT"
echo "e2e_dashboard: ok (4 images loaded, screenshot $size bytes)"
