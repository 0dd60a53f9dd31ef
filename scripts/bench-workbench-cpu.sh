#!/usr/bin/env bash
# The load workbench's CPU and write system calls per message, for each
# routecheck binary given (e.g. two builds, interleaved: old new old new),
# each driven by the first binary's generator with the same workload
# (docs/benchmarks.md, "CPU per message on the workbench").
# Usage: scripts/bench-workbench-cpu.sh BINARY... (LOAD overrides the workload)
set -euo pipefail
LOAD=${LOAD:---customers 2000 --agents 400 --capacity 5 --ramp 10s --duration 20s --hold 20s --think 2s}
port=${PORT:-18093}
gen=$1
out=$(mktemp -d)
i=0
for bin in "$@"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	"$bin" load --serve-bundled 127.0.0.1:$port $LOAD 2>"$out/server-$i.log" &
	srv=$!
	for _ in $(seq 1 60); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.5; done
	la=$(cut -d' ' -f1-3 /proc/loadavg)
	# shellcheck disable=SC2086
	"$gen" load --target http://127.0.0.1:$port $LOAD --json --out "$out/run-$i" 2>/dev/null >"$out/run-$i.json" || true
	read -r ut st < <(awk '{ print $14, $15 }' /proc/$srv/stat)
	w=$(awk '/syscw/ { print $2 }' /proc/$srv/io)
	kill -INT $srv
	wait $srv || true
	sent=$(grep -m1 '"sent"' "$out/run-$i.json" | tr -dc 0-9)
	lost=$(grep -m1 '"lost"' "$out/run-$i.json" | tr -dc 0-9)
	tick=$(getconf CLK_TCK)
	awk -v b="$bin" -v la="$la" -v ut="$ut" -v st="$st" -v w="$w" -v m="$sent" -v lost="$lost" -v tick="$tick" 'BEGIN {
		cpu = (ut + st) * 1000 / tick
		printf "%s (load %s): workbench cpu %d ms, %.1f us/message, %.2f write syscalls/message, %d messages, %d lost\n", b, la, cpu, cpu * 1000 / m, w / m, m, lost
	}'
done
rm -rf "$out"
