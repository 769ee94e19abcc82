#!/bin/sh
# deps.sh - install the Debian packages fukyu needs to build, test and run.
#
# Installs only what is missing and runs `apt-get update` at most once, and
# only when something must be installed, so running it twice is cheap and safe.
set -eu

PKGS="build-essential pkg-config clang clang-format git ca-certificates curl
libcurl4-openssl-dev libcjson-dev libsqlite3-dev sqlite3
libcairo2-dev libpango1.0-dev libmicrohttpd-dev libxlsxwriter-dev
libcmocka-dev libsystemd-dev zlib1g-dev nettle-dev libpng-dev
libzip-dev libexpat1-dev wrk rrdtool
fonts-ipaexfont-gothic fonts-noto-cjk fontconfig poppler-utils qpdf valgrind time bc unzip
chromium systemd man-db groff-base nginx python3 python3-requests
libclang-rt-14-dev util-linux"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "deps: all packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
