#!/usr/bin/env bash
# Policy benchmark (issue 5): mfpscan's engine against `opa eval` on the same
# catalogue and the same facts documents, in one run. No network traffic:
# both sides only read files.
#
#   bench/policies/run.sh              # 10,000 documents
#   bench/policies/run.sh -n 2000      # fewer documents
#   bench/policies/run.sh --floor      # the engine's floor, no opa (below)
#
# OPA=PATH uses an existing opa binary; otherwise opa v1.22.3 is built from
# the Go module proxy into a temporary GOBIN (it is not added to go.mod).
#
# --floor compares the built-in catalogue with a catalogue of the same size
# whose rules do almost nothing, on the same documents: the gap is what the
# rules cost, the floor what OPA's evaluator costs for that many packages.
set -euo pipefail

me=policies
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

n=10000 floor=0
while (($#)); do
	case "$1" in
	-n) n="${2:?-n needs a value}"; shift ;;
	--floor) floor=1 ;;
	--keep) keep=1 ;;
	-h | --help) sed -n '2,16p' "$0"; exit 0 ;;
	*) echo "$me: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

bench_workdir mfppolicies
cd "$repo"
bench_build gen bench/policies/gen
bench_build evalbench bench/policies/evalbench
"$bin/gen" -n "$n" -o "$work/docs.json"
bench_header

if ((floor)); then
	# As many packages as the built-in catalogue has rules, each with the three
	# sets: not_applicable from the shared library (as every built-in rule),
	# deny and review each one body testing an attestation no document has.
	# The library moves to floor.lib: custom policies may not declare
	# packages under mfpscan (the reserved namespace); it still reads the
	# defaults under data.mfpscan.config.
	mkdir "$work/floor"
	sed 's/^package mfpscan\.lib$/package floor.lib/' policies/rego/lib/lib.rego >"$work/floor/lib.rego"
	rules=$(find policies/rego/rules -name '*.rego' ! -name '*_test.rego' | wc -l)
	for i in $(seq 1 "$rules"); do
		cat >"$work/floor/r$i.rego" <<-REGO
	# METADATA
	# title: floor rule $i
	# description: does almost nothing
	# scope: package
	# custom:
	#   id: FLOOR-$(printf %03d "$i")
	#   severity: low
	#   guide_point: 1
	#   remediation: none
	package floor.r$i

	import data.floor.lib

	not_applicable contains reason if some reason in lib.mfp_not_applicable

	deny contains "attested false" if input.attestations.floor_$i == false

	review contains "attested oddly" if input.attestations.floor_$i == "odd"
	REGO
	done

	for round in 1 2; do
		echo "round $round, built-in catalogue:"
		GOMAXPROCS=2 "$bin/evalbench" -docs "$work/docs.json" | sed 's/^/  /'
		echo "round $round, floor catalogue ($rules near-empty rules):"
		GOMAXPROCS=2 "$bin/evalbench" -docs "$work/docs.json" -no-builtin \
			-policy "$work/floor" -data policies/data/defaults.yaml | sed 's/^/  /'
	done
	exit 0
fi

opa=${OPA:-}
if [[ -z "$opa" ]]; then
	echo "building opa v1.22.3 (module proxy) ..." >&2
	(cd "$work" && GOBIN="$work/bin" GOFLAGS=-mod=mod go install github.com/open-policy-agent/opa@v1.22.3)
	opa="$work/bin/opa"
fi
"$opa" version | head -1

# opa eval: same Rego v1 modules (tests excluded), same default data, the
# documents as one input array, one query computing every package's sets
# for every document (bench/policies/wrapper.rego).
/usr/bin/time -f "opa: wall_s=%e cpu_s=%U+%S peak_rss_kb=%M" -o "$work/opa.time" \
	"$opa" eval --ignore '*_test.rego' \
	-d policies/rego -d policies/data/defaults.yaml -d bench/policies/wrapper.rego \
	-i "$work/docs.json" --format json --metrics 'data.bench.results' >"$work/opa.json"
cat "$work/opa.time"

GOMAXPROCS=2 "$bin/evalbench" -docs "$work/docs.json" -opa "$work/opa.json" | tee "$work/mfpscan.txt"

# Informational only (not the figure compared with the targets): the same
# engine with Go's default GC target, i.e. without the policies.RelaxGC that
# the pipeline (and evalbench, by default) applies around the evaluation.
echo "informational, Go's default GC target (-default-gc):"
GOMAXPROCS=2 "$bin/evalbench" -default-gc -docs "$work/docs.json" | sed 's/^/  /'
echo "informational, OPA's topdown evaluator instead of the compiled catalogue (-evaluator topdown):"
GOMAXPROCS=2 "$bin/evalbench" -evaluator topdown -docs "$work/docs.json" | sed 's/^/  /'

python3 - "$n" "$work/opa.json" "$work/opa.time" "$work/mfpscan.txt" <<'PY'
import json, re, sys
n = int(sys.argv[1])
metrics = json.load(open(sys.argv[2]))["metrics"]
opa_eval_s = metrics["timer_rego_query_eval_ns"] / 1e9
opa_wall_s = float(re.search(r"wall_s=([\d.]+)", open(sys.argv[3]).read()).group(1))
m = open(sys.argv[4]).read()
dps = float(re.search(r"devices_per_s=([\d.]+)", m).group(1))
print(f"opa: query_eval_s={opa_eval_s:.2f} devices_per_s(query eval)={n/opa_eval_s:.0f} devices_per_s(whole process)={n/opa_wall_s:.0f}")
print(f"mfpscan: devices_per_s={dps:.0f}")
print(f"ratio mfpscan/opa: {dps/(n/opa_eval_s):.2f}x vs opa query eval, {dps/(n/opa_wall_s):.2f}x vs opa whole process")
print(f"targets: >=2000 devices/s: {'met' if dps >= 2000 else 'MISSED'}; >=2x opa (query eval): {'met' if dps >= 2*n/opa_eval_s else 'MISSED'}")
PY
