#!/bin/sh
# valgrind.sh - make test-valgrind: a part of the suite under valgrind's
# memcheck (--leak-check=full, tests/valgrind.supp), in two ways:
#   - in-process tests (the library code they call) run under valgrind;
#   - CLI tests run normally, and every `fukyu` they start runs under
#     valgrind (tests/testutil.c reads FK_VALGRIND).
# Each valgrind process logs to BUILD/valgrind/PID.log, which -q leaves
# empty unless there is an error or a definite leak; any such log fails
# the run.  The rest of the suite (the collector's error table, charts,
# reports, the daemon, e2e) is too slow under valgrind for CI; it runs
# under ASan (make test-asan) instead.
#
#   sh tests/valgrind.sh BUILD
set -u
build=$1
top=$(pwd)
logs=$build/valgrind
rm -rf "$logs"
mkdir -p "$logs/bin"
chmod 1777 "$logs" # the read-only store test runs fukyu as nobody
FK_VALGRIND="valgrind -q --error-exitcode=1 --leak-check=full \
--errors-for-leak-kinds=definite --suppressions=$top/tests/valgrind.supp \
--log-file=$top/$logs/%p.log"
export FK_VALGRIND FK_BUILD="$build"
inproc=${FK_VG_INPROC:-"test_core test_store"}
children=${FK_VG_CHILDREN:-"test_cli test_faults"}
set --
for t in $inproc; do
    printf '#!/bin/sh\nexec %s %s\n' "$FK_VALGRIND" "$build/tests/$t" >"$logs/bin/$t"
    chmod +x "$logs/bin/$t"
    set -- "$@" "$logs/bin/$t"
done
for t in $children; do set -- "$@" "$build/tests/$t"; done
sh tests/run.sh "$@"
rc=$?
bad=$(find "$logs" -name '*.log' -size +0 | sort)
if [ -n "$bad" ]; then
    for f in $bad; do echo "== $f"; cat "$f"; done
    echo "valgrind: errors in $(echo "$bad" | wc -l) process(es)"
    exit 1
fi
echo "valgrind: $(find "$logs" -name '*.log' | wc -l) processes, no errors"
exit $rc
