#!/usr/bin/env bash
# The same workload driven by Artillery (the exported scenario: agents and
# customers) and by routecheck load, one after the other, each against a
# fresh load workbench in its own process (docs/benchmarks.md).
# Usage: scripts/bench-artillery.sh ROUTECHECK ARTILLERY OUTDIR [load flags]
# ART_PROCS=K runs the scenario as K Artillery processes, each with every
# Kth actor and 1/K of the arrival rates (Artillery runs one worker thread
# per CPU less one, so one on a 2-core machine).
set -euo pipefail
bin=$1 art=$2 out=$3
shift 3
procs=${ART_PROCS:-1}
port=${ART_PORT:-18091}
target=http://127.0.0.1:$port
mkdir -p "$out"

serve() { # serve LOG FLAGS...: a fresh load workbench on $port
	local log=$1
	shift
	"$bin" load --serve-bundled 127.0.0.1:$port "$@" 2>"$log" &
	srv=$!
	for _ in $(seq 1 60); do curl -sf $target/healthz >/dev/null && return; sleep 1; done
	echo "load workbench did not start: $(cat "$log")" >&2
	exit 3
}
stop() { kill -INT "$srv"; wait "$srv" || true; }
trap 'kill $srv 2>/dev/null || true' EXIT

# 1. Artillery, agents and customers.
serve "$out/server-artillery.log" "$@"
"$bin" load --export artillery --target $target "$@" --out "$out/artillery"
if [ "$procs" -gt 1 ]; then
	# Shard as Artillery's own workers do: actor row i to process i mod K.
	for k in $(seq 0 $((procs - 1))); do
		d="$out/artillery/p$k"
		mkdir -p "$d"
		cp "$out/artillery/routecheck-processor.js" "$d/"
		awk -v k=$k -v n=$procs 'NR == 1 || (NR - 2) % n == k' "$out/artillery/routecheck-actors.csv" >"$d/routecheck-actors.csv"
		awk -v n=$procs '/arrivalRate:/ { $2 = $2 / n; print "      " $1 " " $2; next } { print }' \
			"$out/artillery/routecheck-artillery.yml" >"$d/routecheck-artillery.yml"
	done
fi
echo "artillery start: $(uptime)" | tee "$out/loadavg.txt"
if [ "$procs" -gt 1 ]; then
	pids=()
	for k in $(seq 0 $((procs - 1))); do
		d="$out/artillery/p$k"
		(cd "$d" && "$art" run --output "$d/artillery.json" routecheck-artillery.yml >"$d/artillery.txt" 2>&1) &
		pids+=($!)
	done
	code=0
	for p in "${pids[@]}"; do wait "$p" || code=$?; done
else
	(cd "$out/artillery" && "$art" run --output "$out/artillery/artillery.json" routecheck-artillery.yml >"$out/artillery/artillery.txt" 2>&1) && code=0 || code=$?
fi
echo "artillery end:   $(uptime)" | tee -a "$out/loadavg.txt"
stop
[ "$code" -eq 0 ] || { echo "artillery failed ($code): see $out/artillery" >&2; exit 1; }

# 2. routecheck load, the same flags, against a fresh workbench.
serve "$out/server-ours.log" "$@"
echo "ours start:      $(uptime)" | tee -a "$out/loadavg.txt"
"$bin" load --target $target "$@" --out "$out/ours" --json >"$out/ours.json" && code=0 || code=$?
echo "ours end:        $(uptime)" | tee -a "$out/loadavg.txt"
stop
# The figures side by side: Artillery's summaries (per process) and ours.
node -e '
const fs = require("fs"), path = require("path");
const [out] = process.argv.slice(1);
const files = [];
const walk = (d) => fs.readdirSync(d).forEach((f) => { const p = path.join(d, f); fs.statSync(p).isDirectory() ? walk(p) : f === "artillery.json" && files.push(p); });
walk(path.join(out, "artillery"));
for (const f of files) {
  const a = JSON.parse(fs.readFileSync(f)).aggregate;
  console.log(path.relative(out, f) + ": " + JSON.stringify(a.counters));
  for (const k of ["routecheck.assign_ms", "routecheck.assign_server_ms", "routecheck.reply_ms", "routecheck.loop_lag_ms"]) {
    const s = a.summaries[k];
    if (s) console.log("  " + k + ": p50 " + s.median + " p95 " + s.p95 + " p99 " + s.p99 + " max " + s.max + " (n " + s.count + ")");
  }
}
const o = JSON.parse(fs.readFileSync(path.join(out, "ours.json")));
console.log("ours: assign " + JSON.stringify(o.latency_ms.assign) + " deliver " + JSON.stringify(o.latency_ms.deliver) + " messages " + JSON.stringify(o.messages));
' "$out"
exit $code
