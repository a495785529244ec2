#!/bin/sh
# Build and run the whole suite twice, a normal (debugoptimized) build and an
# ASan+UBSan build, then the concurrency tests (suite stress) once more in a
# TSan build (clang); then print one plain summary line, "N passed, N failed,
# N skipped", counting every test case (each cmocka case reports over TAP).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
status=0
total_pass=0; total_fail=0; total_skip=0

run_suite() { # $1 build dir, $2 meson test filter ("" = all), $3.. setup options
	dir=$1; filter=$2; shift 2
	if [ ! -f "$dir/build.ninja" ]; then
		env ${SETUP_CC:+CC=$SETUP_CC} meson setup "$dir" "$@" >/dev/null ||
			{ echo "meson setup $dir failed"; return 1; }
	fi
	ninja -C "$dir" >/dev/null || { ninja -C "$dir" | tail -30; return 1; }
	# shellcheck disable=SC2086
	meson test -C "$dir" --print-errorlogs --num-processes 2 $filter ${MESON_TEST_ARGS:-}
	rc=$?
	# Count the cases from meson's TAP-aware log.
	set -- $(python3 "$top/scripts/count-results.py" "$dir/meson-logs/testlog.json")
	total_pass=$((total_pass + $1)); total_fail=$((total_fail + $2)); total_skip=$((total_skip + $3))
	echo "== $dir: $1 passed, $2 failed, $3 skipped"
	return $rc
}

run_suite build "" || status=1
# The sanitizer build; shim programs run with the ASan runtime preloaded
# first (tests/shim handles that itself).
run_suite build-asan "" -Db_sanitize=address,undefined -Db_lundef=false || status=1
# Data races: the threaded tests under ThreadSanitizer (any report fails).
SETUP_CC=clang run_suite build-tsan "--suite stress" -Db_sanitize=thread -Db_lundef=false || status=1

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ] || status=1
exit $status
