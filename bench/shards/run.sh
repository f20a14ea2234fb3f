#!/usr/bin/env bash
# Sharded sweep benchmark: one `mfpscan scan` of the lab against N shard
# processes of the same sweep run side by side, then `mfpscan merge`.
# Wall clock from process start to exit and CPU time (user+sys) come from
# GNU time (RATE and TIMEOUT override the probe rate and timeout; 3 s keeps
# a loaded machine from dropping probes, which made the runs differ).
# Everything stays on loopback: the lab serves 127.86.0.0/BITS
# with its ports shifted (no root needed).
#
#   bench/shards/run.sh            # /20, 4 shards
#   BITS=22 SHARDS=2 bench/shards/run.sh
#   PIN=1 SHARDS=2 bench/shards/run.sh   # the single run on core 0, shard K
#                                        # on core K mod cores (taskset)
#   sudo QUOTA=0.25 bench/shards/run.sh  # the single run and each shard in a
#                                        # CPU cgroup of its own, capped at
#                                        # QUOTA cores (root; cgroup v1 or v2)
set -euo pipefail
{
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bits=${BITS:-20} shards=${SHARDS:-4} offset=${OFFSET:-13000} pin=${PIN:-0} quota=${QUOTA:-}
subnet="127.86.0.0/$bits"
command -v /usr/bin/time >/dev/null || { echo "shards: GNU time (/usr/bin/time) needed" >&2; exit 2; }
work="$(mktemp -d /tmp/mfpscan-shards.XXXXXX)"
lab_pid=""
groups=()
cleanup() {
	[[ -n "$lab_pid" ]] && kill -TERM "$lab_pid" 2>/dev/null && wait "$lab_pid" 2>/dev/null
	# A group is removed once its process has exited (it is empty then).
	for g in "${groups[@]}"; do rmdir "$g" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -o "$work/mfpscan" ./cmd/mfpscan)
"$work/mfpscan" lab --subnet "$subnet" --port-offset "$offset" >"$work/lab.log" 2>&1 &
lab_pid=$!
for _ in $(seq 100); do grep -qs "runs until interrupted" "$work/lab.log" && break; sleep 0.1; done
grep -q "runs until interrupted" "$work/lab.log" || { cat "$work/lab.log"; exit 1; }

# The lab's own (shifted) TCP ports, from the fleet table it prints: the
# default port list is unshifted and would find only the SNMP devices.
ports=$(awk 'NR > 1 && $3 ~ /^[0-9,]+$/ {print $3}' "$work/lab.log" | tr ',' '\n' | sort -nu | paste -sd, -)
[[ -n "$ports" ]] || { echo "shards: no ports in the lab's fleet table" >&2; cat "$work/lab.log"; exit 1; }
scan=("$work/mfpscan" scan "$subnet" --lab-port-offset "$offset" --ports "$ports" --rate "${RATE:-20000}" --timeout "${TIMEOUT:-3s}" --format sarif,json --quiet --no-history --shard-seed 1)
cores=$(nproc)
# pinned CORE: taskset on CORE when PIN=1, else nothing.
pinned() { ((pin)) && echo taskset -c "$1"; return 0; }

# A CPU budget per process (QUOTA cores): each measured process gets a
# cgroup of its own with a CFS quota, so "4 workers, each with its own
# core budget" is measurable on a machine with fewer than 4 free cores,
# as long as the budgets add up to less than the machine (the lab serving
# the sweep runs outside them and needs the rest).
cgroot=""
if [[ -n "$quota" ]]; then
	if [[ -w /sys/fs/cgroup/cpu/cpu.cfs_quota_us || -w /sys/fs/cgroup/cpu/cgroup.procs ]]; then
		cgroot=/sys/fs/cgroup/cpu # cgroup v1
	elif grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
		cgroot=/sys/fs/cgroup # cgroup v2 with the cpu controller enabled
	else
		echo "shards: QUOTA needs root and a writable CPU cgroup (v1 cpu controller or v2 cpu.max)" >&2
		exit 2
	fi
	total=$(echo "$quota * $shards" | bc)
	(($(echo "$total < $cores" | bc))) || { echo "shards: $shards x QUOTA=$quota cores leaves nothing for the lab on $cores cores" >&2; exit 2; }
fi
# budget NAME: sets wrap to the words that run a command in NAME's own
# capped cgroup (empty without QUOTA): a small script joins the group, then
# execs the command, so GNU time still measures the scan alone.
wrap=()
if [[ -n "$cgroot" ]]; then
	printf '#!/bin/sh\necho $$ >"$1/cgroup.procs" || exit 1\nshift\nexec "$@"\n' >"$work/inbudget"
	chmod +x "$work/inbudget"
fi
budget() {
	wrap=()
	[[ -z "$cgroot" ]] && return 0
	local g="$cgroot/mfpscan-bench-$$-$1" period=100000 us
	mkdir "$g"
	groups+=("$g")
	us=$(echo "$quota * $period / 1" | bc)
	if [[ $cgroot == /sys/fs/cgroup/cpu ]]; then
		echo "$period" >"$g/cpu.cfs_period_us"
		echo "$us" >"$g/cpu.cfs_quota_us"
	else
		echo "$us $period" >"$g/cpu.max"
	fi
	wrap=("$work/inbudget" "$g")
}
# measure NAME CMD...: prints NAME wall-seconds cpu-seconds max-RSS-KiB
measure() {
	local name=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" || { cat "$work/$name.err"; exit 1; }
	read -r e u s m <"$work/$name.time"
	printf '%-12s wall %7.2f s  cpu %7.2f s  maxrss %6d MiB\n' "$name" "$e" "$(echo "$u + $s" | bc)" "$((m / 1024))"
}
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  $cores cores, load $(cut -d' ' -f1-3 /proc/loadavg), $shards shards of $subnet, PIN=$pin QUOTA=${quota:-none}"
budget single
# shellcheck disable=SC2046 # pinned prints words or nothing
measure single $(pinned 0) "${wrap[@]}" "${scan[@]}" --out "$work/single"
start=$(date +%s.%N)
pids=()
for ((k = 0; k < shards; k++)); do
	budget "shard-$k"
	# shellcheck disable=SC2046
	measure "shard-$k" $(pinned $((k % cores))) "${wrap[@]}" "${scan[@]}" --shard "$k/$shards" --out "$work/shard-$k" &
	pids+=($!)
done
# Not a bare wait: that would wait for the lab too.
for p in "${pids[@]}"; do wait "$p"; done
dirs=(); for ((k = 0; k < shards; k++)); do dirs+=("$work/shard-$k"); done
measure merge "$work/mfpscan" merge "${dirs[@]}" --out "$work/merged" --format sarif,json
end=$(date +%s.%N)
printf 'sharded total wall (shards in parallel + merge): %.2f s\n' "$(echo "$end - $start" | bc)"
cpu=0; for f in "$work"/shard-*.time "$work/merge.time"; do read -r _ u s _ <"$f"; cpu=$(echo "$cpu + $u + $s" | bc); done
printf 'sharded total cpu: %.2f s\n' "$cpu"
# The merged findings must be the single run's (same rules, addresses, statuses).
jq -S '[.results[] | {rule_id, address, status, severity}] | sort_by(.address, .rule_id)' "$work/single/findings.json" >"$work/a.json"
jq -S '[.results[] | {rule_id, address, status, severity}] | sort_by(.address, .rule_id)' "$work/merged/findings.json" >"$work/b.json"
cmp -s "$work/a.json" "$work/b.json" && echo "merged findings equal the single run's ($(jq length "$work/a.json") results)" || {
	echo "merged findings differ (single run < > merged):"
	diff <(jq -c '.[]' "$work/a.json") <(jq -c '.[]' "$work/b.json") | head -20
	exit 1
}
exit 0
}
