#!/usr/bin/env bash
# Eval benchmark (issue 15): `mfpscan eval` over N facts files, wall clock
# and peak RSS of the whole process, default formats (SARIF, HTML, JSON) and
# --format json. No network: facts are copies of the demo's five devices
# (the demo runs its simulated fleet on loopback only) renamed into the
# benchmarking range 198.18.0.0/15, which is never contacted.
#
#   bench/eval/run.sh                         # 10,000 files, this checkout
#   bench/eval/run.sh -n 3000 OLD_BINARY      # also an older mfpscan, side by side
set -euo pipefail

me=eval
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

n=10000
while (($#)); do
	case "$1" in
	-n) n="${2:?-n needs a value}"; shift ;;
	--keep) keep=1 ;;
	-h | --help) sed -n '2,10p' "$0"; exit 0 ;;
	-*) echo "$me: unknown argument $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
old="${1:-}"

bench_workdir mfpeval
bench_build mfpscan cmd/mfpscan
bench_build genfacts bench/eval/genfacts
"$bin/mfpscan" demo --out "$work/demo" >/dev/null
"$bin/genfacts" -n "$n" -seed "$work/demo/facts" -o "$work/in"
echo "== $n facts files, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

measure() { # LABEL BINARY ARGS...
	local label=$1 exe=$2
	shift 2
	rm -rf "$work/out"
	/usr/bin/time -f "$label %e s %M KB" "$exe" eval --out "$work/out" "$@" "$work/in" >/dev/null 2>"$work/time" || true
	tail -1 "$work/time"
}
for fmt in default json; do
	args=()
	[[ $fmt == json ]] && args=(--format json)
	[[ -n $old ]] && measure "old $fmt" "$old" "${args[@]}"
	measure "new $fmt" "$bin/mfpscan" "${args[@]}"
done
