"""SSE fan-out latency: 1,000 clients on GET /api/v1/events, N events broadcast, p50/p99 of the time
from broadcast to each client's receipt (issue 12, item 8). Run by hand, never in the test suite:

    .venv/bin/python bench/sse_fanout.py --clients 1000 --events 200 --interval 0.02

Everything on 127.0.0.1: a scratch SQLite database under a temp directory (migrated with
``pmsaas db upgrade``), Redis at ``--redis`` (default redis://127.0.0.1:6379/0), ``pmsaas serve``
(granian, one worker) in a subprocess with PMSAAS_REDIS_URL set, so the channels are Redis pub/sub
and this process broadcasts as another process would (the worker's outbox relay). One organization
and its owner are registered over HTTP; the clients open their streams with the owner's token (the
rate limit raised for the run). Each event carries the wall-clock time of its broadcast; each client
records ``receipt - broadcast`` for every event. The clients are raw asyncio streams (no HTTP client
library per connection) so that the client side costs little next to the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Subscribed:
    """Counts the streams that said ``: connected``; set once all have."""

    def __init__(self, total: int) -> None:
        self.total, self.count, self.all = total, 0, asyncio.Event()

    def one(self) -> None:
        self.count += 1
        if self.count == self.total:
            self.all.set()


def start_server(port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(BIN / "pmsaas"), "serve", "--port", str(port)], env=env, cwd=cwd)


async def client(port: int, token: str, expected: int, latencies: list[float], subscribed: Subscribed) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    writer.write(
        f"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"stream refused: {status!r}")
    received = 0
    chunked = False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        chunked = chunked or line.lower().startswith(b"transfer-encoding: chunked")
    ready_seen = False
    while received < expected:
        line = await reader.readline()
        if not line:
            break
        if line.startswith(b": connected") and not ready_seen:
            ready_seen = True
            subscribed.one()
            continue
        if line.startswith(b"data: "):
            now = time.time()
            message = json.loads(line[6:])
            latencies.append(now - message["data"]["sent_at"])
            received += 1
    writer.close()
    return received


async def main(args: argparse.Namespace) -> None:
    from pmsaas.container import build_container, shutdown, upgrade
    from pmsaas.domain.notifications.realtime import publish_event
    from pmsaas.domain.shared.events import DomainEvent
    from pmsaas.settings import load_settings

    tmp = Path(tempfile.mkdtemp(prefix="pmsaas-sse-"))
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    port = free_port()
    env = {
        **os.environ,
        "PMSAAS_DATABASE_URL": url,
        "PMSAAS_REDIS_URL": args.redis,
        "PMSAAS_VAR_DIR": str(tmp),
        "PMSAAS_RATE_LIMIT_STANDARD": "100000000",
        "PMSAAS_REGISTRATIONS_PER_IP_PER_HOUR": "1000",
        "PMSAAS_LOG_LEVEL": "WARNING",
        "PMSAAS_REALTIME_MAX_BACKLOG": "1024",
    }
    server = start_server(port, env, tmp)
    container = None
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for _ in range(300):
                try:
                    if (await http.get("/health/ready")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
            body = {"email": email, "password": "bench password 1", "name": "Bench", "organization_name": "Bench"}
            org = uuid.UUID((await http.post("/api/v1/identity/register", json=body)).json()["data"]["organization_id"])
            login = await http.post("/api/v1/identity/login", json={"email": email, "password": body["password"]})
            token = login.json()["data"]["access_token"]
        samples: list[list[float]] = [[] for _ in range(args.clients)]
        tasks = []
        subscribed = Subscribed(args.clients)
        for i in range(args.clients):
            tasks.append(asyncio.create_task(client(port, token, args.events, samples[i], subscribed)))
            if i % 50 == 49:
                await asyncio.sleep(0.05)  # connect in waves, as a fleet of browsers would
        await asyncio.wait_for(subscribed.all.wait(), timeout=60)
        print(f"{subscribed.count} streams subscribed")
        container = build_container(load_settings({}, database_url=url, redis_url=args.redis, var_dir=str(tmp)))
        realtime = container.realtime()
        started = time.monotonic()
        for n in range(args.events):
            data = {"ticket_id": str(uuid.uuid4()), "title": f"event {n}", "sent_at": time.time()}
            await publish_event(event=DomainEvent("ticket.updated", org, datetime.now(UTC), data), broadcaster=realtime)
            await asyncio.sleep(args.interval)
        received = await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
        elapsed = time.monotonic() - started
        latencies = [x * 1000 for s in samples for x in s]
        expected = args.clients * args.events
        print(f"clients {args.clients}, events {args.events} every {args.interval * 1000:.0f} ms, {elapsed:.1f} s")
        print(f"delivered {sum(received)} of {expected} ({sum(received) / expected:.1%})")
        print(
            f"latency ms: p50 {percentile(latencies, 0.50):.1f}  p90 {percentile(latencies, 0.90):.1f}  "
            f"p99 {percentile(latencies, 0.99):.1f}  max {max(latencies):.1f}  mean {statistics.fmean(latencies):.1f}"
        )
        print(f"load average: {os.getloadavg()}")
    finally:
        if container is not None:
            await shutdown(container)
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.02, help="seconds between broadcasts")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    asyncio.run(main(parser.parse_args()))
