#!/usr/bin/env python3
"""M/M/n+M (Erlang-A) in SimPy: the reference point for routecheck's simulator speed.

The same model as fixtures/traffic/pure-queueing.yaml with --always-open --agents 20
--capacity 3: Poisson arrivals at 300/h, exponential patience (mean 2 min) in a FIFO
queue, exponential chat duration (mean 6 min) on one of n = 60 places. It counts
pickups, abandonments and the time in queue, and prints chats per wall-clock second.

    python3 scripts/bench/simpy_mmnm.py --hours 3360    # about 1M chats

Needs Debian's python3-simpy (apt-get install python3-simpy).
"""
import argparse
import random
import time

import simpy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-hour", type=float, default=300)
    ap.add_argument("--service", type=float, default=360, help="mean chat duration, seconds")
    ap.add_argument("--patience", type=float, default=120, help="mean patience, seconds")
    ap.add_argument("--places", type=int, default=60, help="agents x capacity")
    ap.add_argument("--hours", type=float, default=168)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    rng = random.Random(a.seed)
    env = simpy.Environment()
    places = simpy.Resource(env, capacity=a.places)
    stats = {"requests": 0, "picked": 0, "abandoned": 0, "wait": 0.0}
    lam = a.per_hour / 3600.0
    horizon = a.hours * 3600.0

    def chat(env):
        arrived = env.now
        stats["requests"] += 1
        with places.request() as req:
            got = yield req | env.timeout(rng.expovariate(1.0 / a.patience))
            stats["wait"] += env.now - arrived
            if req in got:
                stats["picked"] += 1
                yield env.timeout(rng.expovariate(1.0 / a.service))
            else:
                stats["abandoned"] += 1

    def arrivals(env):
        while True:
            yield env.timeout(rng.expovariate(lam))
            if env.now >= horizon:
                return
            env.process(chat(env))

    env.process(arrivals(env))
    start = time.perf_counter()
    env.run()
    wall = time.perf_counter() - start
    n = stats["requests"]
    print(f"chats {n}  pickup {stats['picked'] / n:.4f}  abandonment {stats['abandoned'] / n:.4f}  "
          f"mean wait {stats['wait'] / n:.2f} s  wall {wall:.2f} s  chats/s {n / wall:.0f}")


if __name__ == "__main__":
    main()
