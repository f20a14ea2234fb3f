#!/usr/bin/env bash
# Discovery benchmark: mfpscan's native engine against nmap on the same
# targets and ports, in one run, inside a private network namespace.
#
#   sudo bench/discovery/run.sh            # the /24 case of issue 3, all tools
#   sudo bench/discovery/run.sh --quick    # skip `nmap -sT -T4` (~160 s); no 50× check
#   sudo bench/discovery/run.sh --large    # a /16 sweep, mfpscan only (RSS, time)
#
# The namespace has only its own `lo`: every packet of every tool stays on
# loopback addresses in 127.88.0.0/16 inside it. See docs/BENCHMARKS.md.
set -euo pipefail

# One compound command: bash parses it whole before running any of it, so
# the file can be edited (or updated by git) while a long benchmark runs.
{

me=discovery
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

usage() {
	cat <<'USAGE'
usage: bench/discovery/run.sh [--quick] [--large [--large-bits N]] [--keep] [--markdown FILE]
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

quick=0 large=0 large_bits=16 large_timeout=90m markdown="" skip_cli=0
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
	*) echo "$me: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
bench_need_root "a network namespace and nftables rules"
if [[ ! "$large_bits" =~ ^[0-9]+$ ]] || ((large_bits < 16 || large_bits > 24)); then
	echo "$me: --large-bits must be 16-24, got $large_bits" >&2
	exit 2
fi
bench_need_tools ip nft nmap go
bench_workdir mfpbench

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
bench_build benchlab bench/cmd/benchlab "${BENCHLAB_BIN:-}"
bench_build measure bench/cmd/measure
bench_build compare bench/discovery/compare
bench_build nativesweep bench/discovery/nativesweep
# The CLI is what the targets are about; if it does not build, the engine is
# still measured through nativesweep, and the run ends non-zero.
# MFPSCAN_BIN benchmarks a prebuilt binary instead of building one.
have_cli=1
if ((skip_cli)); then
	have_cli=0
elif [[ -n "${MFPSCAN_BIN:-}" ]]; then
	cp "$MFPSCAN_BIN" "$bin/mfpscan"
elif ! (cd "$repo" && go build -o "$bin/mfpscan" ./cmd/mfpscan) 2>"$work/cli-build.log"; then
	have_cli=0
	echo "$me: mfpscan does not build; measuring the native engine only:" >&2
	head -n 5 "$work/cli-build.log" >&2
fi
base=mfpscan
((have_cli)) || base=native-engine

bench_netns mfpbench "$dead"
echo "== lab: $devices × ir-adv-factory on $live_first-$live_last" >&2
bench_lab 30 -subnet "$subnet" -devices "$devices" -profiles ir-adv-factory

runs=()
# run_tool NAME FORMAT OUTPUT TIMEOUT CMD...: measures CMD and notes the run
# for the comparison; FORMAT is how compare reads OUTPUT (mfpscan JSON
# lines, which are the tool's standard output, or nmap XML).
run_tool() {
	local name=$1 format=$2 output=$3
	shift 3
	measure "$name" "$@"
	runs+=("$name:$format:$output:$work/out/$name.result.json")
}
mfp_out() { echo "$work/out/$1.stdout"; }
nmap_out() { echo "$work/out/$1.xml"; }

targets=()
if ((large)); then
	run_tool native-engine mfpscan "$(mfp_out native-engine)" "$large_timeout" \
		"$bin/nativesweep" -ports "$ports" "$target"
fi
if ((large && have_cli)); then
	# --yes-large-sweep only lifts the size guard for prefixes above its limit;
	# it does not change how the sweep runs.
	run_tool mfpscan mfpscan "$(mfp_out mfpscan)" "$large_timeout" \
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
		run_tool mfpscan mfpscan "$(mfp_out mfpscan)" 30m \
			"$bin/mfpscan" discover "$target" --json --ports "$ports"
	fi
	run_tool native-engine mfpscan "$(mfp_out native-engine)" 30m \
		"$bin/nativesweep" -ports "$ports" "$target"
	if ((!quick)); then
		run_tool nmap-sT-T4 nmap "$(nmap_out nmap-sT-T4)" 30m \
			nmap -n -sT -T4 -p "$ports" -oX "$(nmap_out nmap-sT-T4)" "$target"
		targets+=(-target "wall:$base/nmap-sT-T4<=0.02")
	fi
	run_tool nmap-sT-tuned nmap "$(nmap_out nmap-sT-tuned)" 30m \
		nmap -n -sT -T5 --min-rate 2000 --max-retries 1 -p "$ports" -oX "$(nmap_out nmap-sT-tuned)" "$target"
	run_tool nmap-sS-tuned nmap "$(nmap_out nmap-sS-tuned)" 30m \
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
		run_tool mfpscan-nmap mfpscan "$(mfp_out mfpscan-nmap)" 30m \
			"$bin/mfpscan" discover "$target" --json --ports "$ports" --engine nmap
		# The same command run by hand bounds the engine's overhead: the
		# captured arguments minus the probe's target and "-oX -", or
		# NMAP_ENGINE_EQUIVALENT (all arguments but -oX and the target).
		captured="$(head -n 1 "$work/nmap-args.log" 2>/dev/null || true)"
		captured="${captured% -oX -}"
		captured="${captured% "$live_first"/32}"
		equivalent="${NMAP_ENGINE_EQUIVALENT:-$captured}"
		if [[ -z "$equivalent" || "$equivalent" == *"$live_first"* ]]; then
			echo "$me: could not capture the nmap engine's command line ($equivalent); set NMAP_ENGINE_EQUIVALENT" >&2
			exit 1
		fi
		read -r -a equiv <<<"$equivalent"
		run_tool nmap-by-hand nmap "$(nmap_out nmap-by-hand)" 30m \
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
"$bin/compare" -truth "$work/truth.json" -base "$base" "${md_args[@]}" "${targets[@]}" "${runs[@]}"
if ((!have_cli && !skip_cli)); then
	echo "$me: mfpscan did not build, so the CLI was not benchmarked (see above)" >&2
	exit 1
fi
exit
}
