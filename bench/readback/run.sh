#!/usr/bin/env bash
# Read-back benchmark: the two commands that read a finished run back,
# `mfpscan merge RUN... --out DIR` and `mfpscan report --from RUN --out DIR`,
# through the CLI: wall clock and peak RSS of the whole process
# (/usr/bin/time), side by side in the same run with an older mfpscan (by
# default main's commit, built into the work directory), and a check that
# both binaries write byte-identical reports.
#
#   bench/readback/run.sh                      # 10,000 devices, this checkout and main
#   bench/readback/run.sh -n 1000 -n 10000     # several sizes in one run
#   bench/readback/run.sh --old REF            # compare with another commit
#   bench/readback/run.sh --old-binary PATH    # ... or an existing binary
#   bench/readback/run.sh --no-old             # this checkout only (no comparison)
#   bench/readback/run.sh --keep               # keep the work directory
#
# Per size N: genfacts copies the demo's five devices (the demo's fleet runs
# on loopback only) into N facts files in 198.18.0.0/15, which is never
# contacted; the NEW binary evaluates them once into run/ (default formats,
# --no-history), and the same files dealt round-robin into four directories
# into run-0..run-3: four runs of site "default" with disjoint addresses,
# as the shards of one sweep would be. Then each binary, under nice, runs
#   merge run --out m-BIN
#   merge run-0 run-1 run-2 run-3 --out m4-BIN
#   report --from run --out rr-BIN
# Exit status 1 when a command fails or old and new outputs differ.
set -euo pipefail

me=readback
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

sizes=() old_ref=main old_bin=""
while (($#)); do
	case "$1" in
	-n) sizes+=("${2:?-n needs a value}"); shift ;;
	--old) old_ref="${2:?--old needs a commit}"; shift ;;
	--old-binary) old_bin="${2:?--old-binary needs a path}"; old_ref=""; shift ;;
	--no-old) old_ref="" old_bin="" ;;
	--keep) keep=1 ;;
	-h | --help) sed -n '2,25p' "$0"; exit 0 ;;
	*) echo "$me: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
((${#sizes[@]})) || sizes=(10000)
command -v /usr/bin/time >/dev/null || { echo "$me: GNU time (/usr/bin/time) needed" >&2; exit 2; }

bench_workdir mfpreadback
bench_build mfpscan cmd/mfpscan
bench_build genfacts bench/eval/genfacts
bench_old "$old_bin" "$old_ref"
# The history store, should either command open it, is a private one.
export XDG_STATE_HOME="$work/state"
"$bin/mfpscan" demo --no-history --out "$work/demo" >/dev/null

failed=0 rows=()

# timed LABEL BINARY ARGS...: one niced run of BINARY ARGS; adds a table row.
timed() {
	local label=$1 who=$2 exe=$3 s kb
	shift 3
	echo "== $label ($who): $*" >&2
	if ! nice /usr/bin/time -f "%e s %M KB" -o "$work/time" "$exe" "$@" >"$work/stdout" 2>"$work/stderr"; then
		echo "$me: $label ($who) failed: $(tail -n 3 "$work/stderr")" >&2
		rows+=("| $label | $who | failed | - |")
		failed=1
		return 0
	fi
	read -r s _ kb _ <"$work/time"
	rows+=("$(awk -v l="$label" -v w="$who" -v s="$s" -v kb="$kb" 'BEGIN { printf "| %s | %s | %.2f s | %.1f |", l, w, s, kb / 1024 }')")
}

# compare LABEL OLD NEW: old and new outputs must be byte-identical.
# Neither merge nor report stamps the reading binary's version or the
# clock: the version and the started_at/finished_at in findings.json,
# results.sarif and report.html are the input run's (its "scan" block,
# written by the eval that made it), copied through. So no field is
# removed before comparing; a version string that differed would be a
# real change of output. The one file that differs between two runs of
# the same binary is .mfpscan.lock (the pid and start time of the process
# that held the output directory's lock, left behind by design, not a
# report): it is left out.
compare() {
	local label=$1 a=$2 b=$3 f
	for f in findings.json results.sarif report.html; do
		if [[ ! -f "$a/$f" || ! -f "$b/$f" ]]; then
			echo "$label: DIFFERENT: $f (missing in $( [[ -f "$a/$f" ]] && echo new || echo old))"
			failed=1
		elif cmp -s "$a/$f" "$b/$f"; then
			echo "$label: identical: $f"
		else
			echo "$label: DIFFERENT: $f ($(cmp "$a/$f" "$b/$f" 2>&1 | head -n 1))"
			failed=1
		fi
	done
	if diff -rq "$a/facts" "$b/facts" >"$work/diff" 2>&1; then
		echo "$label: identical: facts/ ($(find "$a/facts" -type f | wc -l) files)"
	else
		echo "$label: DIFFERENT: facts/ ($(wc -l <"$work/diff") entries, e.g. $(head -n 1 "$work/diff"))"
		failed=1
	fi
	# Any other file one of them writes, or writes differently.
	if ! diff -rq --exclude=.mfpscan.lock --exclude=facts --exclude=findings.json \
		--exclude=results.sarif --exclude=report.html "$a" "$b" >"$work/diff" 2>&1; then
		echo "$label: DIFFERENT: other files ($(head -n 1 "$work/diff"))"
		failed=1
	fi
}

for n in "${sizes[@]}"; do
	rm -rf "$work/in" "$work"/in-? "$work/run" "$work"/run-?
	"$bin/genfacts" -n "$n" -seed "$work/demo/facts" -o "$work/in" >&2
	# The shards' inputs: the same files dealt round-robin, hard-linked
	# (eval only reads them).
	mkdir -p "$work"/in-{0..3}
	i=0
	for f in "$work"/in/*; do
		ln "$f" "$work/in-$((i % 4))/"
		i=$((i + 1))
	done
	echo "== input: eval of $n files into run/ and run-0..run-3 with the new binary" >&2
	"$bin/mfpscan" eval "$work/in" --out "$work/run" --no-history >/dev/null
	for k in 0 1 2 3; do
		"$bin/mfpscan" eval "$work/in-$k" --out "$work/run-$k" --no-history >/dev/null
	done

	echo
	echo "### $n devices ($(nproc) cores)"
	echo
	echo "uptime:$(uptime)"
	echo
	rows=()
	cmds=("merge run" "merge run-0..3" "report --from run")
	outs=(m m4 rr)
	for c in 0 1 2; do
		for who in old new; do
			exe="$bin/mfpscan"
			if [[ $who == old ]]; then
				[[ -n $old ]] || continue
				exe="$old"
			fi
			out="$work/${outs[c]}-$who"
			rm -rf "$out"
			case $c in
			0) timed "${cmds[c]}" "$who" "$exe" merge "$work/run" --out "$out" ;;
			1) timed "${cmds[c]}" "$who" "$exe" merge "$work"/run-{0..3} --out "$out" ;;
			2) timed "${cmds[c]}" "$who" "$exe" report --from "$work/run" --out "$out" ;;
			esac
		done
		if [[ -n $old ]]; then
			compare "$n ${cmds[c]}" "$work/${outs[c]}-old" "$work/${outs[c]}-new"
		fi
		((keep)) || rm -rf "$work/${outs[c]}-old" "$work/${outs[c]}-new"
	done
	echo
	echo "| command | binary | wall | peak RSS (MiB) |"
	echo "| --- | --- | --- | --- |"
	printf '%s\n' "${rows[@]}"
done
if ((failed)); then
	echo "$me: a command failed or old and new outputs differ (see above)" >&2
	exit 1
fi
