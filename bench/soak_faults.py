"""The soak's fault injector: two loopback proxies (PostgreSQL, Redis) in a process of their own, and
a random schedule of faults on them while the load runs.

The proxy is the fault suite's own (tests/faults/tcp_proxy.py), imported, not copied. It runs in a
separate process so its event loop does not share a GIL with the load generator's. Every fault is
recorded as a window (start, end, on the wall clock, which all processes of the machine share): the
load generator counts a 503 as expected when the request overlapped a window (plus a grace).
"""

from __future__ import annotations

import multiprocessing as mp
import random
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "faults"))

from tcp_proxy import FaultProxy  # the fault suite's proxy, on the path just above

KINDS = ("latency", "reset", "reset_burst", "outage")
WEIGHTS = (3, 3, 2, 2)


@dataclass(frozen=True)
class Fault:
    target: str  # "postgres" | "redis"
    kind: str  # latency | reset | reset_burst | outage
    start: float  # time.time()
    end: float
    detail: str


def _latency(proxy: FaultProxy, rng: random.Random, stop: Any) -> str:
    delay = rng.uniform(0.02, 0.25)
    proxy.latency = delay
    stop.wait(rng.uniform(2, 6))
    proxy.heal()
    return f"{delay * 1000:.0f} ms per chunk"


def _reset(proxy: FaultProxy, rng: random.Random, stop: Any) -> str:
    proxy.reset()  # every open connection cut with an RST: requests and transactions in flight die
    return "all connections reset"


def _reset_burst(proxy: FaultProxy, rng: random.Random, stop: Any) -> str:
    cuts = 0
    until = time.time() + rng.uniform(1, 3)
    while time.time() < until and not stop.wait(rng.uniform(0.01, 0.08)):
        proxy.reset()  # as the fault suite's cutter: new connections are cut again within ~50 ms
        cuts += 1
    return f"{cuts} resets"


def _outage(proxy: FaultProxy, rng: random.Random, stop: Any) -> str:
    proxy.refusing = True
    proxy.reset()  # dropped: the open connections die and new ones are refused
    held = rng.uniform(0.5, 3)
    stop.wait(held)
    proxy.heal()
    return f"refused for {held:.1f} s"


ACTIONS = {"latency": _latency, "reset": _reset, "reset_burst": _reset_burst, "outage": _outage}


def _inject(
    ports_out: Any,
    go: Any,
    stop: Any,
    faults_out: Any,
    seed: int,
    gap: tuple[float, float],
    targets: tuple[str, ...],
    pg: int,
    redis: int,
) -> None:
    proxies = {"postgres": FaultProxy("127.0.0.1", pg), "redis": FaultProxy("127.0.0.1", redis)}
    ports_out.send({name: proxy.start() for name, proxy in proxies.items()})
    rng = random.Random(seed)
    faults: list[Fault] = []
    go.wait()
    while not stop.wait(rng.uniform(*gap)):
        target = rng.choice(targets)
        kind = rng.choices(KINDS, WEIGHTS)[0]
        start = time.time()
        detail = ACTIONS[kind](proxies[target], rng, stop)
        faults.append(Fault(target, kind, start, time.time(), detail))
    for proxy in proxies.values():
        proxy.heal()
    faults_out.send([asdict(f) for f in faults])
    threading.Event().wait()  # the proxies keep forwarding (healed) until the parent ends this process


class FaultInjector:
    """``ports`` are the proxies' loopback ports; a fault every ``gap`` seconds (uniform), from
    ``start()`` to ``stop()``, after which the proxies forward cleanly."""

    def __init__(
        self, seed: int, gap: tuple[float, float], targets: tuple[str, ...], pg_port: int = 5432, redis_port: int = 6379
    ) -> None:
        ports_r, ports_w = mp.Pipe(duplex=False)
        self._faults_r, faults_w = mp.Pipe(duplex=False)
        self._go, self._stop = mp.Event(), mp.Event()
        args = (ports_w, self._go, self._stop, faults_w, seed, gap, targets, pg_port, redis_port)
        self.proc = mp.Process(target=_inject, args=args, daemon=True, name="soak-faults")
        self.proc.start()
        self.ports: dict[str, int] = ports_r.recv()

    def start(self) -> None:
        self._go.set()

    def stop(self) -> list[Fault]:
        self._go.set()
        self._stop.set()
        return [Fault(**f) for f in self._faults_r.recv()]

    def close(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(5)
