#!/usr/bin/env bash
# Floor of the policy engine (issue 5): the built-in catalogue against a
# catalogue of the same size whose rules do almost nothing, on the same
# documents in one run. The gap between the two is what the rules cost; the
# floor is what OPA's evaluator costs for 47 packages with the contract's
# three sets. No network traffic: only files are read.
#
#   bench/policies/floor.sh            # 10,000 documents
#   bench/policies/floor.sh -n 2000
set -euo pipefail

n=10000
while (($#)); do
	case "$1" in
	-n) n="$2"; shift ;;
	-h | --help) sed -n '2,9p' "$0"; exit 0 ;;
	*) echo "floor.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

go build -o "$work/gen" ./bench/policies/gen
go build -o "$work/evalbench" ./bench/policies/evalbench
"$work/gen" -n "$n" -o "$work/docs.json"

# As many packages as the built-in catalogue has rules, each with the three
# sets: not_applicable from the shared library (as every built-in rule),
# deny and review each one body testing an attestation no document has.
mkdir "$work/floor"
cp policies/rego/lib/lib.rego "$work/floor/"
rules=$(find policies/rego/rules -name '*.rego' ! -name '*_test.rego' | wc -l)
for i in $(seq 1 "$rules"); do
	cat >"$work/floor/r$i.rego" <<REGO
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

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains "attested false" if input.attestations.floor_$i == false

review contains "attested oddly" if input.attestations.floor_$i == "odd"
REGO
done

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
	echo "round $round, built-in catalogue:"
	GOMAXPROCS=2 "$work/evalbench" -docs "$work/docs.json" | sed 's/^/  /'
	echo "round $round, floor catalogue ($rules near-empty rules):"
	GOMAXPROCS=2 "$work/evalbench" -docs "$work/docs.json" -no-builtin \
		-policy "$work/floor" -data policies/data/defaults.yaml | sed 's/^/  /'
done
