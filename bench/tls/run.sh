#!/usr/bin/env bash
# TLS enumeration benchmark (issue 18, item 7): the whole enumeration of one
# port by mfpscan's TLS collector (bench/tls/tlsenum, which calls
# tlsscan.ScanPort as `mfpscan scan` does) against sslscan and nmap's
# ssl-enum-ciphers, on the same OpenSSL server, in one run. Every tool talks
# to 127.0.0.1 only. Suite lists of the three tools are compared by IANA id.
#
#   bench/tls/run.sh [ROUNDS]      # default 3 rounds per tool and server
#
# Needs openssl, sslscan, nmap, python3 and go.
set -euo pipefail
{
cd "$(dirname "$0")/../.."
rounds=${1:-3}
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/tlsenum" ./bench/tls/tlsenum
go build -o "$work/measure" ./bench/cmd/measure
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
	-subj "/CN=Canon iR-ADV C5535 III" -days 2 2>/dev/null

all13=TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256
declare -A configs=(
	[a]="-cipher ALL:@SECLEVEL=0 -ciphersuites $all13"
	[b]="-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305"
	[c]=""
	[d]="-tls1_2 -cipher kDHE+aRSA"
	[e]="-no_tls1_3 -cipher aNULL:eNULL:@SECLEVEL=0"
)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wall() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wall_seconds"])' "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "| server | mfpscan (s) | sslscan (s) | nmap ssl-enum-ciphers (s) | mfpscan / sslscan | mfpscan / nmap | suites equal |"
echo "|---|---|---|---|---|---|---|"
for cfg in a b c d e; do
	port=$(free_port)
	# shellcheck disable=SC2086 # the options are word lists on purpose
	openssl s_server -accept "127.0.0.1:$port" -cert "$work/cert.pem" -key "$work/key.pem" -quiet \
		-naccept 1000000 ${configs[$cfg]} </dev/null >"$work/s_server-$cfg.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
		sleep 0.05 # readiness poll of the server just started
	done
	m=() s=() n=()
	for r in $(seq "$rounds"); do
		"$work/measure" 2>>"$work/measure.log" -result "$work/m$r.json" -stdout "$work/mine-$cfg.json" -- \
			"$work/tlsenum" scan -addr 127.0.0.1 -port "$port" -timeout 2s
		"$work/measure" 2>>"$work/measure.log" -result "$work/s$r.json" -stdout "$work/sslscan-$cfg.out" -- \
			sslscan --no-colour --xml="$work/sslscan-$cfg.xml" "127.0.0.1:$port"
		"$work/measure" 2>>"$work/measure.log" -result "$work/n$r.json" -stdout "$work/nmap-$cfg.out" -- \
			nmap -n -Pn -p "$port" --script ssl-enum-ciphers -oX "$work/nmap-$cfg.xml" 127.0.0.1
		m+=("$(wall "$work/m$r.json")") s+=("$(wall "$work/s$r.json")") n+=("$(wall "$work/n$r.json")")
	done
	mm=$(median "${m[@]}") sm=$(median "${s[@]}") nm=$(median "${n[@]}")
	if "$work/tlsenum" compare -mfpscan "$work/mine-$cfg.json" -sslscan "$work/sslscan-$cfg.xml" \
		-nmap "$work/nmap-$cfg.xml" >"$work/compare-$cfg.txt" 2>&1; then eq=yes; else eq="no (see below)"; fi
	printf '| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %s |\n' "$cfg" "$mm" "$sm" "$nm" \
		"$(python3 -c "print($mm/$sm)")" "$(python3 -c "print($mm/$nm)")" "$eq"
done
echo
for cfg in a b c d e; do
	echo "server $cfg:"
	cat "$work/compare-$cfg.txt"
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
}
