#!/usr/bin/env bash
# Installs the real peers the test suite runs against (Debian packages and the
# Microsoft SARIF Multitool from npm) and the Go linters. Needs root for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

# buildah builds and runs the container image (deploy/) with vfs storage and
# chroot isolation; podman is not needed, its crun runtime cannot set rlimits in
# a sandbox.
apt_packages=(nmap snmpd snmp cups-ipp-utils dbus sslscan openssl nftables iproute2 chromium time buildah postgresql)
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
# Stop only the package's agent, through its service manager, or by the PID in
# the package's own pid file: never by process name.
stop_package_snmpd() {
	if [[ -d /run/systemd/system ]]; then
		systemctl stop snmpd.service >/dev/null 2>&1 || true
		return
	fi
	if command -v service >/dev/null 2>&1; then
		service snmpd stop >/dev/null 2>&1 || true
	fi
	local pidfile=/run/snmpd.pid pid
	[[ -r $pidfile ]] || return 0
	pid=$(<"$pidfile")
	if [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/exe && $(readlink /proc/$pid/exe) == /usr/sbin/snmpd ]]; then
		kill "$pid" 2>/dev/null || true
	fi
}
stop_package_snmpd

multitool=tools/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [[ ! -x $multitool ]]; then
	echo "installing the SARIF Multitool (npm)"
	(cd tools/sarif && npm ci --no-audit --no-fund --loglevel=error)
	# npm 11 does not run the package's postinstall (chmod) by default.
	chmod u+x "$multitool"
fi

# Pinned to a version the Go module proxy serves (its 2026.1 tag is refused).
staticcheck_version=v0.8.2
gobin=$(go env GOBIN)
gobin=${gobin:-$(go env GOPATH)/bin}
if ! "$gobin/staticcheck" -version 2>/dev/null | grep -qF "(${staticcheck_version#v})"; then
	echo "installing staticcheck $staticcheck_version"
	go install "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version"
fi
