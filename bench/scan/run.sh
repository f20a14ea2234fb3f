#!/usr/bin/env bash
# Scan memory benchmark (issue 15 item 6): one `mfpscan scan` of a /16 that
# holds N lab devices (default 1,000, from .10 upwards), default formats
# (SARIF, HTML, JSON), through the CLI: wall clock and peak RSS of the
# process. Everything runs in a private network namespace with only its own
# lo, so every packet stays on 127.91.0.0/16 inside it.
#
#   sudo bench/scan/run.sh                  # 1,000 devices
#   sudo bench/scan/run.sh --devices 200    # quicker
#   sudo SCAN_ENV=GOMEMLIMIT=180MiB bench/scan/run.sh
#   sudo bench/scan/run.sh --old-bin /tmp/mfpscan-main   # that binary first, same lab
#
# --old-bin runs a second mfpscan (e.g. built from main) on the same lab
# before this checkout's, one after the other, so the two figures share
# the fleet and, as far as it goes, the machine's load.
set -euo pipefail
{
me=scan
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

devices=1000 timeout=60m extra="" old_bin=""
while (($#)); do
	case "$1" in
	--devices) devices="${2:?--devices needs a value}"; shift ;;
	--timeout) timeout="${2:?--timeout needs a value}"; shift ;;
	--mfpscan-args) extra="${2?--mfpscan-args needs a value}"; shift ;;
	--old-bin) old_bin="${2:?--old-bin needs a path}"; shift ;;
	--keep) keep=1 ;;
	*) echo "$me: unknown argument $1 (--devices N, --timeout D, --mfpscan-args S, --old-bin PATH, --keep)" >&2; exit 2 ;;
	esac
	shift
done
bench_need_root "a network namespace"
bench_need_tools ip go
bench_workdir mfpscanmem
subnet=127.91.0.0/16

echo "== building (work dir $work)" >&2
bench_build benchlab bench/cmd/benchlab
bench_build measure bench/cmd/measure
bench_build mfpscan cmd/mfpscan "${MFPSCAN_BIN:-}"
[[ -z "$old_bin" ]] || cp "$old_bin" "$bin/mfpscan-old"

bench_netns mfpscanmem
echo "== lab: $devices devices on $subnet" >&2
bench_lab 600 -subnet "$subnet" -devices "$devices"

read -r -a extra_args <<<"$extra"
# SCAN_ENV (e.g. GOMEMLIMIT=180MiB) is the environment of mfpscan only, not
# of the lab.
read -r -a scan_env <<<"${SCAN_ENV:-}"
runs=(scan)
if [[ -n "$old_bin" ]]; then
	runs=(scan-old scan)
	echo "load before scan-old: $(cut -d' ' -f1-3 /proc/loadavg)"
	measure scan-old "$timeout" env "${scan_env[@]}" "$bin/mfpscan-old" scan "$subnet" --out "$work/out/scan-old" -q --no-history "${extra_args[@]}"
fi
echo "load before scan: $(cut -d' ' -f1-3 /proc/loadavg)"
measure scan "$timeout" env "${scan_env[@]}" "$bin/mfpscan" scan "$subnet" --out "$work/out/scan" -q --no-history "${extra_args[@]}"

echo "== results, $devices devices on $subnet"
bench_header
for run in "${runs[@]}"; do
	printf '%s: ' "$run"
	jq -r '"wall \(.wall_seconds) s, peak RSS \(.max_rss_kb / 1024 | floor) MiB, exit \(.exit_code)"' "$work/out/$run.result.json" 2>/dev/null || cat "$work/out/$run.result.json"
	echo "devices in $run/findings.json: $(jq '.summary.devices' "$work/out/$run/findings.json" 2>/dev/null || echo ?)"
done
exit
}
