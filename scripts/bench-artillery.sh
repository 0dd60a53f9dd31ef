#!/usr/bin/env bash
# The same workload driven by Artillery (the exported scenario: agents and
# customers) and by routecheck load, one after the other, each against a
# fresh load workbench in its own process (docs/benchmarks.md).
# Usage: scripts/bench-artillery.sh ROUTECHECK ARTILLERY OUTDIR [load flags]
# ART_PROCS=K runs the scenario as K Artillery processes, each with every
# Kth actor and 1/K of the arrival rates (Artillery runs one worker thread
# per CPU less one, so one on a 2-core machine). ART_NICE=N runs Artillery
# at that nice value (e.g. -10, as root: ahead of the machine's other work).
set -euo pipefail
# Each generator's CPU time is recorded, and the time its threads waited
# for a CPU (Linux schedstat): on a shared machine a tail can be the
# generator waiting for a CPU rather than the workbench being slow.
TIMEFORMAT='cpu user %U s, sys %S s, wall %R s'
bin=$1 art=$2 out=$3
shift 3
procs=${ART_PROCS:-1}
artnice=${ART_NICE:-0}
port=${ART_PORT:-18091}
target=http://127.0.0.1:$port
mkdir -p "$out"
out=$(cd "$out" && pwd) # Artillery runs in the scenario's directory

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
		(cd "$d" && { time nice -n "$artnice" "$art" run --output "$d/artillery.json" routecheck-artillery.yml >"$d/artillery.txt" 2>&1; } 2>"$d/cputime.txt") &
		pids+=($!)
	done
	code=0
	for p in "${pids[@]}"; do wait "$p" || code=$?; done
else
	(cd "$out/artillery" && { time nice -n "$artnice" "$art" run --output "$out/artillery/artillery.json" routecheck-artillery.yml >"$out/artillery/artillery.txt" 2>&1; } 2>"$out/artillery/cputime.txt") && code=0 || code=$?
fi
echo "artillery end:   $(uptime)" | tee -a "$out/loadavg.txt"
stop
[ "$code" -eq 0 ] || { echo "artillery failed ($code): see $out/artillery" >&2; exit 1; }

# 2. routecheck load, the same flags, against a fresh workbench.
serve "$out/server-ours.log" "$@"
echo "ours start:      $(uptime)" | tee -a "$out/loadavg.txt"
"$bin" load --target $target "$@" --out "$out/ours" --json >"$out/ours.json" 2>"$out/ours.log" &
gen=$!
# The generator's threads: CPU time and time spent waiting for a CPU.
while kill -0 $gen 2>/dev/null; do
	awk '{ r += $1; w += $2 } END { printf "threads: cpu %d ms, waiting for a cpu %d ms\n", r / 1e6, w / 1e6 }' \
		/proc/$gen/task/*/schedstat >"$out/ours-sched.tmp" 2>/dev/null && mv "$out/ours-sched.tmp" "$out/ours-sched.txt"
	sleep 0.5
done
wait $gen && code=0 || code=$?
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
  console.log("  " + fs.readFileSync(path.join(path.dirname(f), "cputime.txt"), "utf8").trim());
  for (const k of ["routecheck.assign_ms", "routecheck.assign_server_ms", "routecheck.reply_ms", "routecheck.loop_lag_ms", "routecheck.node.gc_ms"]) {
    const s = a.summaries[k];
    if (s) console.log("  " + k + ": p50 " + s.median + " p95 " + s.p95 + " p99 " + s.p99 + " max " + s.max + " (n " + s.count + ")");
  }
  // Artillery 10 s periods: the slowest assignment beside the worst event-loop lag.
  for (const p of JSON.parse(fs.readFileSync(f)).intermediate) {
    const m = (k) => (p.summaries[k] ? p.summaries[k].max : "-");
    console.log("  " + new Date(Number(p.period)).toISOString().slice(11, 19) + " assign max " + m("routecheck.assign_ms") +
      " ms (workbench " + m("routecheck.assign_server_ms") + " ms), loop lag max " + m("routecheck.loop_lag_ms") + " ms, gc max " +
      m("routecheck.node.gc_ms") + " ms, cpu " + (p.counters["routecheck.node.cpu_ms"] || 0) + " ms, waiting for a cpu " +
      (p.counters["routecheck.node.runqueue_ms"] || 0) + " ms");
  }
}
const o = JSON.parse(fs.readFileSync(path.join(out, "ours.json")));
if (fs.existsSync(path.join(out, "ours-sched.txt"))) console.log("ours: " + fs.readFileSync(path.join(out, "ours-sched.txt"), "utf8").trim());
console.log("ours: assign " + JSON.stringify(o.latency_ms.assign) + " deliver " + JSON.stringify(o.latency_ms.deliver) + " messages " + JSON.stringify(o.messages));
' "$out"
exit $code
