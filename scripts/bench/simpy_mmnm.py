#!/usr/bin/python3
"""M/M/n+M (Erlang-A) in SimPy: the reference point for routecheck's simulator speed.

The same model as fixtures/traffic/pure-queueing.yaml with --always-open --agents 20
--capacity 3: Poisson arrivals at 300/h, exponential patience (mean 2 min) in a FIFO
queue, exponential chat duration (mean 6 min) on one of n = 60 places. It counts
pickups, abandonments and the time in queue, and prints chats per wall-clock second.

    /usr/bin/python3 scripts/bench/simpy_mmnm.py --hours 3360    # about 1M chats

Written for Debian's python3-simpy (apt-get install python3-simpy), which is SimPy 2.3:
processes are generator methods yielding (hold, ...) and (request, ...) tuples, and a
request raced against a hold is SimPy 2's reneging.
"""
import argparse
import random
import time

from SimPy.Simulation import Process, Resource, Simulation, hold, release, request


class Stats:
    requests = picked = abandoned = 0
    wait = 0.0


class Customer(Process):
    def visit(self, places, st, rng, a):
        arrived = self.sim.now()
        st.requests += 1
        yield (request, self, places), (hold, self, rng.expovariate(1.0 / a.patience))
        st.wait += self.sim.now() - arrived
        if self.acquired(places):
            st.picked += 1
            yield hold, self, rng.expovariate(1.0 / a.service)
            yield release, self, places
        else:
            st.abandoned += 1


class Source(Process):
    def generate(self, places, st, rng, a):
        lam = a.per_hour / 3600.0
        horizon = a.hours * 3600.0
        while True:
            yield hold, self, rng.expovariate(lam)
            if self.sim.now() >= horizon:
                return
            c = Customer(sim=self.sim)
            self.sim.activate(c, c.visit(places, st, rng, a))


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
    sim = Simulation()
    sim.initialize()
    places = Resource(capacity=a.places, name="places", sim=sim)
    st = Stats()
    src = Source(sim=sim)
    sim.activate(src, src.generate(places, st, rng, a))
    start = time.perf_counter()
    sim.simulate(until=a.hours * 3600.0 * 2)
    wall = time.perf_counter() - start
    n = st.requests
    print(f"chats {n}  pickup {st.picked / n:.4f}  abandonment {st.abandoned / n:.4f}  "
          f"mean wait {st.wait / n:.2f} s  wall {wall:.2f} s  chats/s {n / wall:.0f}")


if __name__ == "__main__":
    main()
