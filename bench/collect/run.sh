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

devices=256 keep=0 timeout=120m extra=""
while (($#)); do
	case "$1" in
	--devices) devices="${2:?--devices needs a value}"; shift ;;
	--timeout) timeout="${2:?--timeout needs a value}"; shift ;;
	--mfpscan-args) extra="${2?--mfpscan-args needs a value}"; shift ;;
	--keep) keep=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if ((EUID != 0)); then
	echo "run.sh: must run as root: it creates a network namespace (try: sudo $0)" >&2
	exit 2
fi
if [[ ! "$devices" =~ ^[0-9]+$ ]] || ((devices < 1 || devices > 500)); then
	echo "run.sh: --devices must be 1-500 (a /23 from .10), got $devices" >&2
	exit 2
fi
for tool in ip nmap go; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool not found" >&2; exit 2; }
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d /tmp/mfpcollect.XXXXXX)"
ns="mfpcollect-$$"
lab_pid=""

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	local rc=$?
	if [[ -n "$lab_pid" ]] && kill -0 "$lab_pid" 2>/dev/null; then
		kill -TERM "$lab_pid" 2>/dev/null || true
		wait "$lab_pid" 2>/dev/null || true
	fi
	# Anything still running in the namespace was started by this script.
	if ip netns pids "$ns" >/dev/null 2>&1; then
		for pid in $(ip netns pids "$ns"); do kill -KILL "$pid" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	fi
	if ((keep)); then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 256 devices from .10 run to 127.90.1.9: the lab needs the /23.
subnet=127.90.0.0/23
tcp_ports=21,80,443,631,8000,8443

echo "== building (work dir $work)" >&2
bin="$work/bin"
mkdir -p "$bin" "$work/out"
(cd "$repo" && go build -o "$bin/collectlab" ./bench/collect/cmd/collectlab &&
	go build -o "$bin/benchtool" ./bench/cmd/benchtool)
if [[ -n "${MFPSCAN_BIN:-}" ]]; then
	cp "$MFPSCAN_BIN" "$bin/mfpscan"
else
	(cd "$repo" && go build -o "$bin/mfpscan" ./cmd/mfpscan)
fi

echo "== namespace $ns" >&2
ip netns add "$ns"
ip -n "$ns" link set lo up
links="$(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
if [[ "$links" != "lo " ]]; then
	echo "run.sh: namespace $ns has interfaces other than lo ($links); refusing to scan" >&2
	exit 1
fi
in_ns() { ip netns exec "$ns" "$@"; }

echo "== lab: $devices devices on $subnet" >&2
in_ns "$bin/collectlab" -subnet "$subnet" -devices "$devices" -truth "$work/truth.json" -targets "$work/targets.txt" 2>"$work/collectlab.log" &
lab_pid=$!
# collectlab writes the truth only once every listener accepts; poll it.
for ((i = 0; i < 1200; i++)); do
	[[ -s "$work/truth.json" ]] && break
	kill -0 "$lab_pid" 2>/dev/null || { echo "run.sh: collectlab died:" >&2; cat "$work/collectlab.log" >&2; exit 1; }
	sleep 0.05
done
[[ -s "$work/truth.json" ]] || { echo "run.sh: collectlab not ready after 60 s" >&2; exit 1; }
cat "$work/collectlab.log" >&2

# measure NAME -- CMD...: CMD inside the namespace under benchtool (wall
# time, peak RSS of the process tree).
measure() {
	local name=$1
	shift 2
	echo "== $name: $*" >&2
	in_ns "$bin/benchtool" run -timeout "$timeout" -result "$work/out/$name.result.json" -- "$@" \
		>"$work/out/$name.stdout" 2>"$work/out/$name.stderr" || true
	tail -n 2 "$work/out/$name.stderr" >&2
}

# mfpscan gets the subnet, not the address list: it has to find the devices
# itself, which is the job a user runs. nmap gets the live addresses (-Pn),
# so it spends nothing on the 254 empty addresses.
read -r -a extra_args <<<"$extra"
measure mfpscan -- "$bin/mfpscan" scan "$subnet" --ports "$tcp_ports" --format json \
	--out "$work/out/mfpscan" -q "${extra_args[@]}"
measure nmap -- nmap -n -Pn -sV -sU -sT -p "T:80,443,8000,8443,21,631,U:161" \
	--script ssl-enum-ciphers,snmp-sysdescr,http-title,http-headers \
	-iL "$work/targets.txt" -oX "$work/out/nmap.xml"

echo >&2
echo "== results ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $devices devices on $subnet)"
# factcount is built only now, so a broken build of it still leaves the
# measurements (with --keep) for a rerun of this step by hand.
if ! (cd "$repo" && go build -o "$bin/factcount" ./bench/collect/cmd/factcount); then
	keep=1
	echo "run.sh: factcount does not build; measurements kept in $work/out" >&2
	exit 1
fi
"$bin/factcount" -truth "$work/truth.json" \
	-mfpscan "$work/out/mfpscan/facts" -mfpscan-result "$work/out/mfpscan.result.json" \
	-nmap "$work/out/nmap.xml" -nmap-result "$work/out/nmap.result.json"
exit
}
