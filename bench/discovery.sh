#!/usr/bin/env bash
# Discovery benchmark: mfpscan's native engine against nmap on the same
# targets and ports, in one run, inside a private network namespace.
#
#   sudo bench/discovery.sh            # the /24 case of issue 3, all tools
#   sudo bench/discovery.sh --quick    # skip `nmap -sT -T4` (~160 s); no 50× check
#   sudo bench/discovery.sh --large    # a /16 sweep, mfpscan only (RSS, time)
#
# The namespace has only its own `lo`: every packet of every tool stays on
# loopback addresses in 127.88.0.0/16 inside it. See docs/BENCHMARKS.md.
set -euo pipefail

# One compound command: bash parses it whole before running any of it, so
# the file can be edited (or updated by git) while a long benchmark runs.
{

usage() {
	cat <<'USAGE'
usage: bench/discovery.sh [--quick] [--large [--large-bits N]] [--keep] [--markdown FILE]
  (MFPSCAN_BIN=PATH / BENCHLAB_BIN=PATH use prebuilt binaries instead of building them)
  --quick          skip the slow `nmap -sT -T4` run (the 50x target is then not checked)
  --large          sweep 127.88.0.0/N (default /16), everything dropped but the 32 live devices; mfpscan only
  --large-bits N   prefix length for --large, 16-24 (default 16)
  --large-timeout D  kill the large sweep after D (Go duration, default 90m)
  --skip-cli       do not run the mfpscan CLI, only the engine with its own defaults (nativesweep) and nmap
  --keep           keep the work directory (tool outputs, logs) instead of deleting it
  --markdown FILE  also write the results table as Markdown to FILE
Needs root (network namespace, nftables), ip, nft, nmap and go.
USAGE
}

quick=0 large=0 large_bits=16 large_timeout=90m keep=0 markdown="" skip_cli=0
while (($#)); do
	case "$1" in
	--quick) quick=1 ;;
	--large) large=1 ;;
	--large-bits) large_bits="${2:?--large-bits needs a value}"; shift ;;
	--large-timeout) large_timeout="${2:?--large-timeout needs a value}"; shift ;;
	--keep) keep=1 ;;
	--skip-cli) skip_cli=1 ;;
	--markdown) markdown="${2:?--markdown needs a file}"; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "discovery.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if ((EUID != 0)); then
	echo "discovery.sh: must run as root: it creates a network namespace and nftables rules (try: sudo $0)" >&2
	exit 2
fi
if [[ ! "$large_bits" =~ ^[0-9]+$ ]] || ((large_bits < 16 || large_bits > 24)); then
	echo "discovery.sh: --large-bits must be 16-24, got $large_bits" >&2
	exit 2
fi
for tool in ip nft nmap go; do
	command -v "$tool" >/dev/null || { echo "discovery.sh: $tool not found (apt-get install iproute2 nftables nmap; Go from go.dev)" >&2; exit 2; }
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/mfpbench.XXXXXX)"
ns="mfpbench-$$"
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

# The lab puts devices at .10 upwards (lab.Config), so the 32 live devices
# are 127.88.0.10-.41 and the 192 dropped addresses 127.88.0.42-.233; the
# remaining 32 addresses of the /24 answer with RST (closed).
subnet=127.88.0.0/24
live_first=127.88.0.10 live_last=127.88.0.41
devices=32
# The ir-adv-factory profile listens on 21 80 443 515 631 8000 8443 9100;
# 22 and 23 are closed on every device: 8 open ports of 10.
ports=21,22,23,80,443,515,631,8000,8443,9100
if ((large)); then
	target="127.88.0.0/$large_bits"
	last_third=$(((1 << (24 - large_bits)) - 1))
	dead="127.88.0.0-127.88.0.9, 127.88.0.42-127.88.$last_third.255"
else
	target="$subnet"
	dead="127.88.0.42-127.88.0.233"
fi

echo "== building (work dir $work)" >&2
mkdir -p "$work/bin" "$work/out"
# BENCHLAB_BIN uses a prebuilt lab (e.g. while lab/ is mid-edit).
if [[ -n "${BENCHLAB_BIN:-}" ]]; then
	cp "$BENCHLAB_BIN" "$work/bin/benchlab"
else
	(cd "$repo" && go build -o "$work/bin/benchlab" ./bench/cmd/benchlab)
fi
(cd "$repo" && go build -o "$work/bin/benchtool" ./bench/cmd/benchtool &&
	go build -o "$work/bin/nativesweep" ./bench/cmd/nativesweep)
bin="$work/bin"
# The CLI is what the targets are about; if it does not build, the engine is
# still measured through nativesweep, and the run ends non-zero.
# MFPSCAN_BIN benchmarks a prebuilt binary instead of building one.
have_cli=1
if ((skip_cli)); then
	have_cli=0
elif [[ -n "${MFPSCAN_BIN:-}" ]]; then
	cp "$MFPSCAN_BIN" "$work/bin/mfpscan"
elif ! (cd "$repo" && go build -o "$work/bin/mfpscan" ./cmd/mfpscan) 2>"$work/cli-build.log"; then
	have_cli=0
	echo "discovery.sh: mfpscan does not build; measuring the native engine only:" >&2
	head -n 5 "$work/cli-build.log" >&2
fi
base=mfpscan
((have_cli)) || base=native-engine

echo "== namespace $ns" >&2
ip netns add "$ns"
ip -n "$ns" link set lo up
links="$(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
if [[ "$links" != "lo " ]]; then
	echo "discovery.sh: namespace $ns has interfaces other than lo ($links); refusing to scan" >&2
	exit 1
fi
ip netns exec "$ns" nft -f - <<NFT
table inet mfpbench {
	set dead {
		type ipv4_addr
		flags interval
		elements = { $dead }
	}
	chain input {
		type filter hook input priority filter; policy accept;
		iifname "lo" ip daddr @dead drop
	}
}
NFT

echo "== lab: $devices × ir-adv-factory on $live_first-$live_last" >&2
ip netns exec "$ns" "$bin/benchlab" -subnet "$subnet" -devices "$devices" -truth "$work/truth.json" 2>"$work/benchlab.log" &
lab_pid=$!
# benchlab writes the truth file only once every listener accepts; poll it.
for ((i = 0; i < 600; i++)); do
	[[ -s "$work/truth.json" ]] && break
	kill -0 "$lab_pid" 2>/dev/null || { echo "discovery.sh: benchlab died:" >&2; cat "$work/benchlab.log" >&2; exit 1; }
	sleep 0.05
done
[[ -s "$work/truth.json" ]] || { echo "discovery.sh: benchlab not ready after 30 s" >&2; exit 1; }

in_ns() { ip netns exec "$ns" "$@"; }
runs=()
# measure NAME FORMAT OUTPUT TIMEOUT -- CMD...: runs CMD inside the
# namespace under benchtool (wall time, peak RSS); mfpscan output is stdout.
measure() {
	local name=$1 format=$2 output=$3 timeout=$4
	shift 5
	echo "== $name: $*" >&2
	local stdout_args=()
	[[ "$format" == mfpscan ]] && stdout_args=(-stdout "$output")
	in_ns "$bin/benchtool" run -timeout "$timeout" -result "$work/out/$name.result.json" "${stdout_args[@]}" -- "$@" \
		2>"$work/out/$name.stderr" || true
	tail -n 3 "$work/out/$name.stderr" >&2
	runs+=("$name:$format:$output:$work/out/$name.result.json")
}
nmap_out() { echo "$work/out/$1.xml"; }

targets=()
if ((large)); then
	measure native-engine mfpscan "$work/out/native-engine.jsonl" "$large_timeout" -- \
		"$bin/nativesweep" -ports "$ports" "$target"
fi
if ((large && have_cli)); then
	# --yes-large-sweep only lifts the size guard for prefixes above its limit;
	# it does not change how the sweep runs.
	measure mfpscan mfpscan "$work/out/mfpscan.jsonl" "$large_timeout" -- \
		"$bin/mfpscan" discover "$target" --json --ports "$ports" --yes-large-sweep
fi
if ((large)); then
	# "Time proportional to addresses / rate": allow twice the probe budget
	# (10 TCP ports + the SNMP probe per address at the tool's default rate,
	# read from its --help so it follows the code). Both the CLI and the
	# engine on its own are held to it.
	addrs=$((1 << (32 - large_bits)))
	large_target() { # NAME RATE
		[[ -n "$2" ]] || return 0
		local budget
		budget=$(awk -v a="$addrs" -v r="$2" 'BEGIN { printf "%.1f", 2 * a * 11 / r }')
		targets+=(-target "wall:$1<=$budget" -target "rss:$1<=150")
		echo "== $1: $addrs addresses at the default rate $2/s: twice the probe budget is $budget s" >&2
	}
	if ((have_cli)); then
		large_target mfpscan "$("$bin/mfpscan" discover --help 2>&1 | sed -n 's/.*--rate .*(default \([0-9.]*\)).*/\1/p' || true)"
	fi
	# -h exits non-zero (flag.ErrHelp); only its text matters here.
	large_target native-engine "$({ "$bin/nativesweep" -h 2>&1 || true; } | sed -n '/^  -rate/{n;s/.*(default \([0-9.]*\)).*/\1/p}')"
elif ((!large)); then
	if ((have_cli)); then
		measure mfpscan mfpscan "$work/out/mfpscan.jsonl" 30m -- \
			"$bin/mfpscan" discover "$target" --json --ports "$ports"
	fi
	measure native-engine mfpscan "$work/out/native-engine.jsonl" 30m -- \
		"$bin/nativesweep" -ports "$ports" "$target"
	if ((!quick)); then
		measure nmap-sT-T4 nmap "$(nmap_out nmap-sT-T4)" 30m -- \
			nmap -n -sT -T4 -p "$ports" -oX "$(nmap_out nmap-sT-T4)" "$target"
		targets+=(-target "wall:$base/nmap-sT-T4<=0.02")
	fi
	measure nmap-sT-tuned nmap "$(nmap_out nmap-sT-tuned)" 30m -- \
		nmap -n -sT -T5 --min-rate 2000 --max-retries 1 -p "$ports" -oX "$(nmap_out nmap-sT-tuned)" "$target"
	measure nmap-sS-tuned nmap "$(nmap_out nmap-sS-tuned)" 30m -- \
		nmap -n -sS -T5 --min-rate 5000 --max-retries 1 -Pn -p "$ports" -oX "$(nmap_out nmap-sS-tuned)" "$target"
	targets+=(-target "wall:$base/nmap-sT-tuned<=0.5")
	# The nmap engine is optional: only measured when this build has it.
	# The probe run goes through a logging wrapper, so the command line the
	# engine builds (scanner/nmapengine.go, CLI defaults) is captured rather
	# than copied here, where it went stale when the defaults changed.
	mkdir -p "$work/wrap"
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s"\nexec "%s" "$@"\n' "$work/nmap-args.log" "$(command -v nmap)" >"$work/wrap/nmap"
	chmod +x "$work/wrap/nmap"
	if ((have_cli)) && in_ns env PATH="$work/wrap:$PATH" "$bin/mfpscan" discover "$live_first" --engine nmap --json --ports "$ports" >/dev/null 2>"$work/out/nmap-engine-probe.stderr"; then
		measure mfpscan-nmap mfpscan "$work/out/mfpscan-nmap.jsonl" 30m -- \
			"$bin/mfpscan" discover "$target" --json --ports "$ports" --engine nmap
		# The same command run by hand bounds the engine's overhead: the
		# captured arguments minus the probe's target and "-oX -", or
		# NMAP_ENGINE_EQUIVALENT (all arguments but -oX and the target).
		captured="$(head -n 1 "$work/nmap-args.log" 2>/dev/null || true)"
		captured="${captured% -oX -}"
		captured="${captured% "$live_first"/32}"
		equivalent="${NMAP_ENGINE_EQUIVALENT:-$captured}"
		if [[ -z "$equivalent" || "$equivalent" == *"$live_first"* ]]; then
			echo "discovery.sh: could not capture the nmap engine's command line ($equivalent); set NMAP_ENGINE_EQUIVALENT" >&2
			exit 1
		fi
		read -r -a equiv <<<"$equivalent"
		measure nmap-by-hand nmap "$(nmap_out nmap-by-hand)" 30m -- \
			nmap "${equiv[@]}" -oX "$(nmap_out nmap-by-hand)" "$target"
		targets+=(-target "wall:mfpscan-nmap/nmap-by-hand<=1.10")
	elif ((have_cli)); then
		echo "== mfpscan --engine nmap not available in this build, skipped: $(head -c 300 "$work/out/nmap-engine-probe.stderr")" >&2
	fi
fi

echo >&2
echo "== results ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, target $target, ports $ports)"
md_args=()
[[ -n "$markdown" ]] && md_args=(-markdown "$markdown")
"$bin/benchtool" report -truth "$work/truth.json" -base "$base" "${md_args[@]}" "${targets[@]}" "${runs[@]}"
if ((!have_cli && !skip_cli)); then
	echo "discovery.sh: mfpscan did not build, so the CLI was not benchmarked (see above)" >&2
	exit 1
fi
exit
}
