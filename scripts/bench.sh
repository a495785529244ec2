#!/bin/sh
# bench.sh BUILD_DIR: run every benchmark of a (release) build tree and
# write bench/out/{results.json,table.txt,scaling.dat,scaling.svg}.
#   uiommufd-bench     all scenarios of issue 6 (JSON lines + table)
#   io_pgtable_bench   page-table micro-benchmark (JSON lines appended)
#   dma_bench          DMA throughput, when built (JSON lines appended)
# Each step has a time limit so the whole run stays under 10 minutes; the
# figures are never compared against a time.  Extra arguments go to
# uiommufd-bench (for example --quick or --scenarios 1,5).
set -eu

build=${1:?usage: scripts/bench.sh BUILD_DIR [uiommufd-bench options]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
mkdir -p "$out"

ninja -C "$build" bench/uiommufd-bench bench/bench-shim-child >/dev/null
# optional programs: a build failure only drops their figures
for t in tools/uiommufd-run bench/io_pgtable_bench bench/dma_bench; do
	ninja -C "$build" "$t" >/dev/null 2>&1 || echo "== $t not built; skipped"
done

start=$(date +%s)
echo "== uiommufd-bench $* (results: $out)"
timeout 480 "$build/bench/uiommufd-bench" --out-dir "$out" "$@" | tee "$out/uiommufd-bench.log"
sed -n '/^#  *case/,$p' "$out/uiommufd-bench.log" > "$out/table.txt"

append_json() { # name command...: run, keep its log, append its JSON lines
	name=$1; shift
	echo "== $name"
	if timeout 200 "$@" > "$out/$name.log" 2>&1; then
		cat "$out/$name.log"
		grep '^{' "$out/$name.log" | sed "s/^{/{\"program\":\"$name\",/" >> "$out/results.json" || true
	else
		echo "$name failed (exit $?), see $out/$name.log"
	fi
}
[ -x "$build/bench/io_pgtable_bench" ] && append_json io_pgtable_bench "$build/bench/io_pgtable_bench"
[ -x "$build/bench/dma_bench" ] && append_json dma_bench "$build/bench/dma_bench"

if command -v gnuplot >/dev/null 2>&1 && [ -f "$out/scaling.dat" ]; then
	gnuplot -e "dat='$out/scaling.dat'; out='$out/scaling.svg'" "$root/bench/plot.gp"
	echo "== wrote $out/scaling.svg"
else
	echo "== gnuplot or scaling.dat missing: no chart"
fi
echo "== done in $(( $(date +%s) - start )) s; JSON: $out/results.json; table: $out/table.txt"
