#!/usr/bin/env bash
# The full test suite: formatting, vet, staticcheck, generated-docs freshness,
# unit + end-to-end tests with the race detector (real peers: nmap, snmpd,
# ippeveprinter, openssl, sslscan, chromium, the SARIF Multitool), and a short
# run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
gobin=$(go env GOBIN)
export PATH="${gobin:-$(go env GOPATH)/bin}:$PATH"

scripts/install-peers.sh
# Every test that runs a real peer must find it: a missing peer fails here,
# where a contributor's plain `go test ./...` would skip it (internal/testpeer).
export MFPSCAN_REQUIRE_PEERS=1

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go'))
if [[ -n $unformatted ]]; then echo "gofmt needed:"; echo "$unformatted"; exit 1; fi

echo "== go vet"
go vet ./...
# tools/package is its own module (nfpm and OPA need incompatible gobwas/glob).
(cd tools/package && go vet ./...)

echo "== staticcheck"
staticcheck ./...

echo "== fuzz targets (short runs)"
FUZZTIME=${FUZZTIME:-8s} scripts/fuzz.sh

echo "== no pass without evidence (generated property, without -race)"
go test -count=1 -timeout 30m -run 'NoPassWithoutEvidence' ./policies ./pipeline

echo "== go test (race)"
go test -race -count=1 -timeout 30m ./...
