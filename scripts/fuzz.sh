#!/usr/bin/env bash
# Runs every fuzz target for a short time (FUZZTIME, default 10s) so crashes
# are found in CI, after checking that every package that parses device or
# operator data has at least one fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}

# A parser package: non-test Go code with a Parse* function or a parse*.go
# file. Each must have a Fuzz* target.
missing=0
for dir in $(git ls-files --cached --others --exclude-standard '*.go' | xargs -n1 dirname | sort -u); do
	src=$(find "$dir" -maxdepth 1 -name '*.go' ! -name '*_test.go')
	[[ -n $src ]] || continue
	if ls "$dir"/parse*.go >/dev/null 2>&1 || grep -qE '^func (\([^)]*\) )?Parse[A-Z]' $src; then
		if ! grep -qE '^func Fuzz[A-Z]' "$dir"/*_test.go 2>/dev/null; then
			echo "fuzz check: $dir parses input but has no Fuzz target"
			missing=1
		fi
	fi
done
((missing == 0)) || exit 1

total=0
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -hoE '^func Fuzz[A-Za-z0-9_]+' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
		echo "== fuzz $pkg $target ($fuzztime)"
		go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" >/tmp/mfpscan-fuzz.log 2>&1 || {
			cat /tmp/mfpscan-fuzz.log
			echo "fuzz target $pkg $target failed; the crashing input is in $dir/testdata/fuzz/$target"
			exit 1
		}
		total=$((total + 1))
	done
done
echo "fuzz: $total targets ran for $fuzztime each"
