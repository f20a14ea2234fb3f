#!/usr/bin/env bash
# History store benchmark: record RUNS runs of DEVICES devices x RULES rules
# in a fresh SQLite store through the history API (the path a scan takes),
# then time the trend queries and report the file size. No network.
#
#   bench/history/run.sh                       # 1,000 x 1,000 x 47 (issue 17)
#   bench/history/run.sh --runs 50             # a quicker, smaller measure
set -euo pipefail
{
runs=1000 devices=1000 rules=47 keep=0
while (($#)); do
	case "$1" in
	--runs) runs=$2; shift ;;
	--devices) devices=$2; shift ;;
	--rules) rules=$2; shift ;;
	--keep) keep=1 ;;
	*) echo "usage: bench/history/run.sh [--runs N] [--devices N] [--rules N] [--keep]" >&2; exit 2 ;;
	esac
	shift
done
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=$(mktemp -d "${TMPDIR:-/tmp}/mfpscan-bench-history.XXXXXX")
((keep)) || trap 'rm -rf "$work"' EXIT
(cd "$repo" && go build -o "$work/histbench" ./bench/history/histbench)
echo "history bench: $runs runs x $devices devices x $rules rules, store $work/history.db" >&2
"$work/histbench" -runs "$runs" -devices "$devices" -rules "$rules" -db "$work/history.db"
exit
}
