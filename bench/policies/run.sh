#!/usr/bin/env bash
# Policy benchmark (issue 5): mfpscan's engine against `opa eval` on the same
# catalogue and the same facts documents, in one run. No network traffic:
# both sides only read files.
#
#   bench/policies/run.sh            # 10,000 documents
#   bench/policies/run.sh -n 2000    # fewer documents
#
# OPA=PATH uses an existing opa binary; otherwise opa v1.22.3 is built from
# the Go module proxy into a temporary GOBIN (it is not added to go.mod).
set -euo pipefail

n=10000
while (($#)); do
	case "$1" in
	-n) n="$2"; shift ;;
	-h | --help) sed -n '2,10p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

opa=${OPA:-}
if [[ -z "$opa" ]]; then
	echo "building opa v1.22.3 (module proxy) ..." >&2
	(cd "$work" && GOBIN="$work/bin" GOFLAGS=-mod=mod go install github.com/open-policy-agent/opa@v1.22.3)
	opa="$work/bin/opa"
fi
go build -o "$work/gen" ./bench/policies/gen
go build -o "$work/evalbench" ./bench/policies/evalbench

"$work/gen" -n "$n" -o "$work/docs.json"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$opa" version | head -1

# opa eval: same Rego v1 modules (tests excluded), same default data, the
# documents as one input array, one query computing every package's sets
# for every document (bench/policies/wrapper.rego).
/usr/bin/time -f "opa: wall_s=%e cpu_s=%U+%S peak_rss_kb=%M" -o "$work/opa.time" \
	"$opa" eval --ignore '*_test.rego' \
	-d policies/rego -d policies/data/defaults.yaml -d bench/policies/wrapper.rego \
	-i "$work/docs.json" --format json --metrics 'data.bench.results' >"$work/opa.json"
cat "$work/opa.time"

GOMAXPROCS=2 "$work/evalbench" -docs "$work/docs.json" -opa "$work/opa.json" | tee "$work/mfpscan.txt"

# Informational only (not the figure compared with the targets): the same
# engine with Go's default GC target, i.e. without the policies.RelaxGC that
# the pipeline (and evalbench, by default) applies around the evaluation.
echo "informational, Go's default GC target (-default-gc):"
GOMAXPROCS=2 "$work/evalbench" -default-gc -docs "$work/docs.json" | sed 's/^/  /'
echo "informational, OPA's topdown evaluator instead of the compiled catalogue (-evaluator topdown):"
GOMAXPROCS=2 "$work/evalbench" -evaluator topdown -docs "$work/docs.json" | sed 's/^/  /'

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
