# shellcheck shell=bash
# The steps every benchmark script shares (bench/<name>/run.sh), in one place:
# checks of the caller, a work directory cleaned up on exit, building the Go
# tools, a network namespace that has nothing but its own lo, the lab fleet
# started inside it, and measuring one tool run. Source it after setting
# `me` (the script's name in messages):
#
#   me=discovery; . "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
#
# It sets repo (the checkout), and work, bin and ns once the functions that
# create them ran. keep=1 keeps the work directory.

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The CLI measured is the CLI with its defaults and the script's flags: no
# /etc/mfpscan/config.yaml or ~/.config/mfpscan/config.yaml of this machine
# (MFPSCAN_CONFIG set and empty reads none).
export MFPSCAN_CONFIG=
keep=${keep:-0}
work="" bin="" ns="" lab_pid=""

# bench_need_root WHAT: WHAT is what needs root, for the message.
bench_need_root() {
	if ((EUID != 0)); then
		echo "$me: must run as root: it creates $1 (try: sudo $0)" >&2
		exit 2
	fi
}

# bench_need_tools TOOL...: every TOOL must be on PATH.
bench_need_tools() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || {
			echo "$me: $tool not found (apt-get install iproute2 nftables nmap; Go from go.dev)" >&2
			exit 2
		}
	done
}

# bench_workdir PREFIX: a fresh work directory ($work, with bin/ and out/)
# and the exit trap that stops the lab, empties and deletes the namespace
# and removes the work directory (unless keep=1).
bench_workdir() {
	work="$(mktemp -d "/tmp/$1.XXXXXX")"
	bin="$work/bin"
	mkdir -p "$bin" "$work/out"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
bench_cleanup() {
	local rc=$? pid
	if [[ -n "$lab_pid" ]] && kill -0 "$lab_pid" 2>/dev/null; then
		kill -TERM "$lab_pid" 2>/dev/null || true
		wait "$lab_pid" 2>/dev/null || true
	fi
	# Anything still running in the namespace was started by this script.
	if [[ -n "$ns" ]] && ip netns pids "$ns" >/dev/null 2>&1; then
		for pid in $(ip netns pids "$ns"); do kill -KILL "$pid" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	fi
	if ((keep)); then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
	exit "$rc"
}

# bench_build NAME PACKAGE [PREBUILT]: $bin/NAME built from ./PACKAGE, or
# copied from PREBUILT when that is set (e.g. while the package is mid-edit).
bench_build() {
	if [[ -n "${3:-}" ]]; then
		cp "$3" "$bin/$1"
	else
		(cd "$repo" && go build -o "$bin/$1" "./$2")
	fi
}

# bench_old OLD_BIN OLD_REF: the older mfpscan to compare with, in $old
# ("" for none): OLD_BIN as given, else OLD_REF's tree built into
# $bin/mfpscan-old. Prints which one, and which tree the new binary is.
bench_old() {
	old=""
	if [[ -n "$1" ]]; then
		old="$1"
		echo "== old: $1"
	elif [[ -n "$2" ]]; then
		local commit
		commit="$(git -C "$repo" rev-parse "$2")"
		mkdir -p "$work/old-src"
		git -C "$repo" archive "$commit" | tar -x -C "$work/old-src"
		(cd "$work/old-src" && go build -o "$bin/mfpscan-old" ./cmd/mfpscan)
		old="$bin/mfpscan-old"
		echo "== old: $2 at $commit"
	fi
	echo "== new: $(git -C "$repo" rev-parse HEAD)$(git -C "$repo" diff --quiet || echo ' (with uncommitted changes)')"
}

# bench_netns PREFIX [DEAD]: a network namespace PREFIX-PID ($ns) with only
# its own lo; the script refuses to go on if it has any other interface.
# DEAD, an nftables interval list ("127.88.0.42-127.88.0.233, ..."), is
# dropped on input, so those addresses stay silent instead of answering RST.
bench_netns() {
	ns="$1-$$"
	echo "== namespace $ns" >&2
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	local links
	links="$(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
	if [[ "$links" != "lo " ]]; then
		echo "$me: namespace $ns has interfaces other than lo ($links); refusing to scan" >&2
		exit 1
	fi
	[[ -n "${2:-}" ]] || return 0
	in_ns nft -f - <<NFT
table inet bench {
	set dead {
		type ipv4_addr
		flags interval
		elements = { $2 }
	}
	chain input {
		type filter hook input priority filter; policy accept;
		iifname "lo" ip daddr @dead drop
	}
}
NFT
}

in_ns() { ip netns exec "$ns" "$@"; }

# bench_lab SECONDS ARGS...: starts $bin/benchlab ARGS inside the namespace
# and waits up to SECONDS for its truth file ($work/truth.json), which it
# writes only once every listener accepts.
bench_lab() {
	local limit=$(($1 * 20)) i
	shift
	in_ns "$bin/benchlab" "$@" -truth "$work/truth.json" 2>"$work/benchlab.log" &
	lab_pid=$!
	for ((i = 0; i < limit; i++)); do
		[[ -s "$work/truth.json" ]] && break
		kill -0 "$lab_pid" 2>/dev/null || { echo "$me: benchlab died:" >&2; cat "$work/benchlab.log" >&2; exit 1; }
		sleep 0.05
	done
	[[ -s "$work/truth.json" ]] || { echo "$me: benchlab not ready after $((limit / 20)) s" >&2; exit 1; }
	cat "$work/benchlab.log" >&2
}

# measure NAME TIMEOUT CMD...: runs CMD inside the namespace under
# $bin/measure (wall time, peak RSS of the process tree, exit status), one
# tool at a time. Its standard output lands in $work/out/NAME.stdout, the
# measurement in $work/out/NAME.result.json.
measure() {
	local name=$1 timeout=$2
	shift 2
	echo "== $name: $*" >&2
	in_ns "$bin/measure" -timeout "$timeout" -result "$work/out/$name.result.json" -stdout "$work/out/$name.stdout" -- "$@" \
		2>"$work/out/$name.stderr" || true
	tail -n 3 "$work/out/$name.stderr" >&2
}

# bench_header: the line that dates a run and says how busy the machine was.
bench_header() {
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)${1:+  $1}"
}
