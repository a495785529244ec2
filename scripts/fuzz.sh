#!/bin/sh
# Run each libFuzzer target for SECONDS seconds (make fuzz: FUZZ_SECONDS,
# default 600).  Builds build-fuzz with clang, -Dfuzzers=true and
# ASan+UBSan the first time.  New inputs go to build-fuzz/corpus/<target>
# (the seed corpus in tests/fuzz/corpus is read, never written); findings
# are written as build-fuzz/<target>-crash-* by libFuzzer.  Prints, per
# target, the executions, the coverage (libFuzzer's cov: counter) and the
# corpus size reached.
#   usage: scripts/fuzz.sh SECONDS [TARGET...]
set -eu
secs=${1:-600}
shift 2>/dev/null || true
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
dir=${FUZZ_BUILD:-build-fuzz}
targets=${*:-"fuzz_ioctl fuzz_ioas_model"}

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz.sh: clang is needed for libFuzzer" >&2
	exit 1
fi
if [ ! -f "$dir/build.ninja" ]; then
	CC=clang meson setup "$dir" -Dfuzzers=true \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
for t in $targets; do
	ninja -C "$dir" "tests/fuzz/$t" >/dev/null
done

status=0
for t in $targets; do
	work="$dir/corpus/$t"
	log="$dir/$t.log"
	mkdir -p "$work"
	echo "== $t: $secs s"
	if ! ASAN_OPTIONS=detect_leaks=1 "$dir/tests/fuzz/$t" "$work" "tests/fuzz/corpus/$t" \
		-max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$dir/$t-" >"$log" 2>&1; then
		echo "$t: FAILED (see $log)"
		status=1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	units=$(ls "$work" | wc -l)
	echo "$t: executions=${execs:-?} cov=${cov:-?} ft=${ft:-?} corpus=$units"
done
exit $status
