#!/usr/bin/env bash
# Installs the real peers the test suite runs against (Debian packages and the
# Microsoft SARIF Multitool from npm) and the Go linters. Needs root for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(nmap snmpd snmp cups-ipp-utils dbus sslscan openssl nftables iproute2 chromium time)
missing=()
for p in "${apt_packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "installing Debian packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# snmpd's package starts a system agent on UDP 161; the tests run their own.
if command -v systemctl >/dev/null 2>&1; then systemctl stop snmpd >/dev/null 2>&1 || true; fi
pkill -x snmpd >/dev/null 2>&1 || true

multitool=tools/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [[ ! -x $multitool ]]; then
	echo "installing the SARIF Multitool (npm)"
	(cd tools/sarif && npm ci --no-audit --no-fund --loglevel=error)
	# npm 11 does not run the package's postinstall (chmod) by default.
	chmod u+x "$multitool"
fi

if ! command -v staticcheck >/dev/null 2>&1 && [[ ! -x "$(go env GOPATH)/bin/staticcheck" ]]; then
	echo "installing staticcheck"
	go install honnef.co/go/tools/cmd/staticcheck@2026.1
fi
