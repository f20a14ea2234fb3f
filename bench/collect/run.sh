#!/usr/bin/env bash
# Collection benchmark (issue 4): `mfpscan scan` (discovery + collection +
# evaluation) against nmap -sV -sU -sT with the ssl-enum-ciphers,
# snmp-sysdescr, http-title and http-headers scripts, on the same 256 lab
# devices, in one run, inside a private network namespace.
#
#   sudo bench/collect/run.sh                 # 256 devices, both tools
#   sudo bench/collect/run.sh --devices 20    # a quicker, smaller fleet
#
# The namespace has only its own `lo`: every packet stays on loopback
# addresses in 127.90.0.0/23 inside it. See docs/BENCHMARKS.md.
set -euo pipefail

# One compound command: bash parses it whole before running any of it, so
# the file can be edited while a long benchmark runs.
{

me=collect
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

usage() {
	cat <<'USAGE'
usage: bench/collect/run.sh [--devices N] [--keep] [--timeout D] [--mfpscan-args "ARGS"]
  --devices N        lab devices, cycling the five default profiles (default 256, max 500)
  --timeout D        kill either tool after D (Go duration, default 120m: nmap needs ~70m for 256)
  --mfpscan-args S   extra arguments for `mfpscan scan` (e.g. "--per-host 16")
  --keep             keep the work directory (outputs, logs)
  (MFPSCAN_BIN=PATH uses a prebuilt mfpscan instead of building one)
Needs root (network namespace), ip, nmap and go.
USAGE
}

devices=256 timeout=120m extra=""
while (($#)); do
	case "$1" in
	--devices) devices="${2:?--devices needs a value}"; shift ;;
	--timeout) timeout="${2:?--timeout needs a value}"; shift ;;
	--mfpscan-args) extra="${2?--mfpscan-args needs a value}"; shift ;;
	--keep) keep=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "$me: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
bench_need_root "a network namespace"
if [[ ! "$devices" =~ ^[0-9]+$ ]] || ((devices < 1 || devices > 500)); then
	echo "$me: --devices must be 1-500 (a /23 from .10), got $devices" >&2
	exit 2
fi
bench_need_tools ip nmap go
bench_workdir mfpcollect

# 256 devices from .10 run to 127.90.1.9: the lab needs the /23.
subnet=127.90.0.0/23
tcp_ports=21,80,443,631,8000,8443

echo "== building (work dir $work)" >&2
bench_build benchlab bench/cmd/benchlab
bench_build measure bench/cmd/measure
bench_build mfpscan cmd/mfpscan "${MFPSCAN_BIN:-}"

bench_netns mfpcollect
echo "== lab: $devices devices on $subnet" >&2
bench_lab 60 -subnet "$subnet" -devices "$devices" -targets "$work/targets.txt"

# mfpscan gets the subnet, not the address list: it has to find the devices
# itself, which is the job a user runs. nmap gets the live addresses (-Pn),
# so it spends nothing on the 254 empty addresses.
read -r -a extra_args <<<"$extra"
measure mfpscan "$timeout" "$bin/mfpscan" scan "$subnet" --ports "$tcp_ports" --format json \
	--out "$work/out/mfpscan" -q "${extra_args[@]}"
measure nmap "$timeout" nmap -n -Pn -sV -sU -sT -p "T:80,443,8000,8443,21,631,U:161" \
	--script ssl-enum-ciphers,snmp-sysdescr,http-title,http-headers \
	-iL "$work/targets.txt" -oX "$work/out/nmap.xml"

echo >&2
echo "== results, $devices devices on $subnet"
bench_header
# compare is built only now, so a broken build of it still leaves the
# measurements (kept) for a rerun of this step by hand.
if ! bench_build compare bench/collect/compare; then
	keep=1
	echo "$me: compare does not build; measurements kept in $work/out" >&2
	exit 1
fi
"$bin/compare" -truth "$work/truth.json" \
	-mfpscan "$work/out/mfpscan/facts" -mfpscan-result "$work/out/mfpscan.result.json" \
	-nmap "$work/out/nmap.xml" -nmap-result "$work/out/nmap.result.json"
exit
}
