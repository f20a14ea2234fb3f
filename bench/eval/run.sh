#!/usr/bin/env bash
# Eval benchmark (issue 15): `mfpscan eval` over N facts files, wall clock
# and peak RSS of the whole process (/usr/bin/time), default formats (SARIF,
# HTML, JSON), --format json and --format jsonl --out -. Side by side in the
# same run with an older mfpscan: by default main's commit, built into the
# work directory. No network: facts are copies of the demo's five devices
# (the demo runs its simulated fleet on loopback only) renamed into the
# benchmarking range 198.18.0.0/15, which is never contacted. The history
# store is the default one under a private XDG_STATE_HOME in the work
# directory, so it is measured and the machine's own store is not touched.
#
#   bench/eval/run.sh                          # 10,000 files, this checkout and main
#   bench/eval/run.sh -n 10000 -n 100000       # several sizes in one run
#   bench/eval/run.sh --old REF                # compare with another commit
#   bench/eval/run.sh --old-binary PATH        # ... or an existing binary
#   bench/eval/run.sh --old-max 10000          # the old binary only up to N files
#   bench/eval/run.sh --formats default,json   # which measurements (default,json,jsonl)
#   bench/eval/run.sh --profile                # also a CPU profile of the new run
#   bench/eval/run.sh --no-history             # both binaries without the history store
set -euo pipefail

me=eval
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

sizes=() old_ref=main old_bin="" old_max=10000 formats=default,json,jsonl profile=0 history=()
while (($#)); do
	case "$1" in
	-n) sizes+=("${2:?-n needs a value}"); shift ;;
	--old) old_ref="${2:?--old needs a commit}"; shift ;;
	--old-binary) old_bin="${2:?--old-binary needs a path}"; old_ref=""; shift ;;
	--old-max) old_max="${2:?--old-max needs a value}"; shift ;;
	--no-old) old_ref="" ;;
	--formats) formats="${2:?--formats needs a list}"; shift ;;
	--profile) profile=1 ;;
	--no-history) history=(--no-history) ;;
	--keep) keep=1 ;;
	-h | --help) sed -n '2,21p' "$0"; exit 0 ;;
	*) echo "$me: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
((${#sizes[@]})) || sizes=(10000)

bench_workdir mfpeval
bench_build mfpscan cmd/mfpscan
bench_build genfacts bench/eval/genfacts
bench_old "$old_bin" "$old_ref"
export XDG_STATE_HOME="$work/state"
"$bin/mfpscan" demo --no-history --out "$work/demo" >/dev/null

measure() { # LABEL N BINARY ARGS...
	local label=$1 n=$2 exe=$3 t s kb user sys cpu
	shift 3
	rm -rf "$work/out-$label" "$work/state"
	/usr/bin/time -f "%e %M %U %S" -o "$work/time" "$exe" eval "$@" "$work/in" >"$work/stdout" 2>"$work/stderr" &
	local pid=$! log="$work/rss-$label-$fmt-$n.log"
	# RSS of the whole process every RSS_EVERY seconds (default 10), so a
	# long run shows whether memory grows with the devices done.
	while sleep "${RSS_EVERY:-10}" && kill -0 "$pid" 2>/dev/null; do
		echo "$(date -u +%T) $(ps -o rss= --ppid "$pid" | awk '{ s += $1 } END { print int(s / 1024) }') MiB" >>"$log"
	done
	wait "$pid" || true
	read -r s kb user sys <"$work/time"
	t=$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", n / s }')
	# CPU time (user + system) per device: unlike the wall clock, it does
	# not depend on what else the machine runs.
	cpu=$(awk -v n="$n" -v u="$user" -v y="$sys" 'BEGIN { printf "%.2f", 1000 * (u + y) / n }')
	printf '%-5s %-8s %7d files  %8.1f s  %6d devices/s  %6d MiB peak RSS  %s ms CPU/device  load %s\n' \
		"$label" "$fmt" "$n" "$s" "$t" $((kb / 1024)) "$cpu" "$(cut -d' ' -f1 /proc/loadavg)"
}

for n in "${sizes[@]}"; do
	rm -rf "$work/in"
	"$bin/genfacts" -n "$n" -seed "$work/demo/facts" -o "$work/in"
	echo "== $n facts files, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
	IFS=, read -r -a fmts <<<"$formats"
	for fmt in "${fmts[@]}"; do
		case $fmt in
		default) args=() ;;
		json) args=(--format json) ;;
		jsonl) args=(--format jsonl) ;;
		*) echo "$me: unknown format set $fmt" >&2; exit 2 ;;
		esac
		for who in old new; do
			exe="$bin/mfpscan"
			if [[ $who == old ]]; then
				[[ -n $old ]] || continue
				if ((n > old_max)); then
					echo "old   $fmt  $n files: not run (--old-max $old_max)"
					continue
				fi
				# The old binary refuses --out - and has no jsonl.
				[[ $fmt == jsonl ]] && continue
				exe="$old"
			fi
			out=(--out "$work/out-$who")
			[[ $fmt == jsonl ]] && out=(--out -)
			prof=""
			if ((profile)) && [[ $who == new ]]; then
				prof="$work/cpu-$fmt-$n.pprof"
			fi
			MFPSCAN_CPUPROFILE="$prof" measure "$who" "$n" "$exe" "${history[@]}" "${out[@]}" "${args[@]}"
		done
		if [[ -n $old && $fmt != jsonl && -d "$work/out-old" && -d "$work/out-new" ]]; then
			if diff -rq --exclude=.mfpscan.lock "$work/out-old" "$work/out-new" >"$work/diff"; then
				echo "      reports of old and new are byte-identical"
			else
				echo "      reports differ: $(wc -l <"$work/diff") file(s), e.g. $(head -1 "$work/diff")"
			fi
		fi
		if [[ $fmt == jsonl ]]; then
			echo "      jsonl: $(wc -l <"$work/stdout") lines on stdout"
		fi
		rm -rf "$work/out-old" "$work/out-new"
	done
done
if ((profile)); then
	for p in "$work"/cpu-*.pprof; do
		echo "== $p"
		go tool pprof -top -nodecount=25 "$bin/mfpscan" "$p" 2>/dev/null | sed -n '1,32p'
	done
fi
