"""Webhook delivery benchmark (issue 12, item 8, webhook half): events per second from commit to a
verified webhook at a local receiver, and the commit-to-verified latency under a steady load.

    .venv/bin/python bench/webhook_delivery.py [--db postgres|sqlite] [--backlog 5000] [--rate 200 --seconds 20]

What runs (all on 127.0.0.1, nothing else needed but PostgreSQL for ``--db postgres``):

* a fresh database (``pmsaas db upgrade`` on a scratch PostgreSQL database or SQLite file);
* a receiver in its own process: asyncio HTTP/1.1 with keep-alive that checks every request's
  Standard Webhooks signature (HMAC-SHA256 over ``id.timestamp.body``, as the reference library does)
  and records each ``webhook-id``'s first arrival (a deduplicating consumer);
* one organization with one webhook subscribed to ``property.created``, stored directly (the URL is
  ``http://127.0.0.1:<port>``, which registration refuses; the sender runs with the test-only
  loopback switch, every other check as in production);
* the product's own code paths: events committed through ``SqlUnitOfWork`` (one event per
  transaction, as a use case does), ``relay_outbox`` (the relay with the webhook fan-out) and
  ``deliver_due_webhooks`` (claim, sign, send over httpx, record), each looping as a worker does
  but without the cron's pause (they poll every 10 ms when idle), in this process.

Two measurements:

1. **backlog**: ``--backlog`` events are committed first, then relay and delivery start; events/s =
   backlog / (time from start to the receiver verifying the last one);
2. **steady**: relay and delivery running, events committed at ``--rate`` per second for
   ``--seconds``; commit-to-verified latency p50/p90/p99 (the committer's ``time.time()`` after the
   commit, the receiver's at arrival: one machine, one clock).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import multiprocessing as mp
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SECRET = "whsec_" + base64.b64encode(b"bench-secret-of-thirty-two-bytes").decode()


# -- the receiver (own process) ---------------------------------------------------------------------


def _receiver(port_out: Any, stop_in: Any, result_out: Any) -> None:
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    first: dict[str, float] = {}
    stats = {"requests": 0, "bad": 0}

    def check(headers: dict[str, str], body: bytes) -> bool:
        msg_id, stamp = headers["webhook-id"], headers["webhook-timestamp"]
        expected = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest())
        return any(
            hmac.compare_digest(expected, s.split(",", 1)[1].encode()) for s in headers["webhook-signature"].split(" ")
        )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:] if ":" in x)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                now = time.time()
                stats["requests"] += 1
                if check(headers, body):
                    first.setdefault(headers["webhook-id"], now)
                    writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                else:
                    stats["bad"] += 1
                    writer.write(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        port_out.send(server.sockets[0].getsockname()[1])
        loop = asyncio.get_running_loop()
        while True:
            if await loop.run_in_executor(None, stop_in.poll, 0.2):
                command = stop_in.recv()
                if command == "stop":
                    break
                result_out.send({"first": dict(first), **stats})
        server.close()
        result_out.send({"first": dict(first), **stats})

    asyncio.run(main())


class ReceiverProcess:
    def __init__(self) -> None:
        port_r, self._port_w = mp.Pipe(duplex=False)
        self._stop_r, self._stop_w = mp.Pipe(duplex=False)
        self._res_r, res_w = mp.Pipe(duplex=False)
        self.proc = mp.Process(target=_receiver, args=(self._port_w, self._stop_r, res_w), daemon=True)
        self.proc.start()
        self.port = port_r.recv()

    def snapshot(self) -> dict[str, Any]:
        self._stop_w.send("snapshot")
        return dict(self._res_r.recv())

    def stop(self) -> dict[str, Any]:
        self._stop_w.send("stop")
        result = dict(self._res_r.recv())
        self.proc.join(5)
        return result


# -- the product side ---------------------------------------------------------------------------------


async def _setup(url: str, tmp: str, port: int) -> tuple[Any, uuid.UUID]:
    from pmsaas.container import build_container
    from pmsaas.domain.notifications.model import Webhook
    from pmsaas.settings import load_settings

    settings = load_settings(
        {}, env="test", database_url=url, var_dir=tmp, webhook_allow_loopback=True, outbox_relay_interval_seconds=0
    )
    container = build_container(settings)
    org, now = uuid.uuid4(), datetime.now(UTC)
    hook = Webhook(
        organization_id=org,
        url=f"http://127.0.0.1:{port}/hook",
        events=("property.created",),
        secret_sealed=container.secret_box().seal(SECRET),
        created_at=now,
        updated_at=now,
    )
    async with container.system_uow() as uow:
        await uow.webhooks.add(hook)
        await uow.commit()
    return container, org


async def _commit(container: Any, org: uuid.UUID, committed: dict[str, float]) -> None:
    from pmsaas.domain.shared.events import DomainEvent

    event = DomainEvent(
        name="property.created",
        organization_id=org,
        occurred_at=datetime.now(UTC),
        data={"property_id": str(uuid.uuid4()), "name": "Bench Towers", "type": "residential"},
    )
    async with container.system_uow() as uow:
        uow.record(event)
        await uow.commit()
    committed[str(event.id)] = time.time()


async def _workers(container: Any, stop: asyncio.Event) -> None:
    from pmsaas.domain.notifications.webhook_delivery import deliver_due_webhooks
    from pmsaas.domain.shared.outbox import relay_outbox

    async def relay() -> None:
        while not stop.is_set():
            n = await relay_outbox(
                outbox=container.outbox(),
                publisher=container.event_publisher(),
                clock=container.clock(),
                subscribers=container.outbox_subscribers(),
                batch_size=200,
                max_batches=1,
            )
            if not n:
                await asyncio.sleep(0.01)

    async def deliver() -> None:
        while not stop.is_set():
            n = await deliver_due_webhooks(
                uow_factory=container.system_uow,
                sender=container.webhook_sender(),
                box=container.secret_box(),
                clock=container.clock(),
                limit=200,
                concurrency=32,
            )
            if not n:
                await asyncio.sleep(0.01)

    await asyncio.gather(relay(), deliver())


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _backlog(container: Any, org: uuid.UUID, receiver: ReceiverProcess, n: int) -> dict[str, Any]:
    committed: dict[str, float] = {}
    for _ in range(n):
        await _commit(container, org, committed)
    stop = asyncio.Event()
    started, cpu = time.time(), time.process_time()
    workers = asyncio.create_task(_workers(container, stop))
    while True:
        await asyncio.sleep(0.25)
        if workers.done():  # a relay or delivery loop failed: its error, not ten minutes of waiting
            workers.result()
        snap = receiver.snapshot()
        if set(committed) <= set(snap["first"]):
            break
        if time.time() - started > 600:
            raise RuntimeError("backlog not delivered within 10 minutes")
    stop.set()
    await workers
    used = time.process_time() - cpu  # this process: relay + delivery (the receiver is another process)
    last = max(snap["first"][k] for k in committed)
    return {
        "events": n,
        "seconds": last - started,
        "events_per_second": n / (last - started),
        "cpu_ms_per_event": used * 1000 / n,
        "bad": snap["bad"],
    }


async def _steady(container: Any, org: uuid.UUID, receiver: ReceiverProcess, rate: int, seconds: int) -> dict[str, Any]:
    committed: dict[str, float] = {}
    stop = asyncio.Event()
    workers = asyncio.create_task(_workers(container, stop))
    start = time.monotonic()
    sent = 0
    while (elapsed := time.monotonic() - start) < seconds:
        due = int(elapsed * rate) + 1
        while sent < due:
            await _commit(container, org, committed)
            sent += 1
        await asyncio.sleep(0.002)
    deadline = time.time() + 60
    while time.time() < deadline:
        if workers.done():
            workers.result()
        snap = receiver.snapshot()
        if set(committed) <= set(snap["first"]):
            break
        await asyncio.sleep(0.25)
    stop.set()
    await workers
    latencies = [(snap["first"][k] - t) * 1000 for k, t in committed.items() if k in snap["first"]]
    return {
        "rate": rate,
        "achieved_rate": len(committed) / seconds,
        "events": len(committed),
        "delivered": len(latencies),
        "p50_ms": _percentile(latencies, 50),
        "p90_ms": _percentile(latencies, 90),
        "p99_ms": _percentile(latencies, 99),
        "max_ms": max(latencies),
        "bad": snap["bad"],
    }


async def _run(args: argparse.Namespace) -> None:
    import tempfile

    from pmsaas.container import scratch_database, shutdown, upgrade

    base = "postgresql://postgres@127.0.0.1:5432/postgres" if args.db == "postgres" else "sqlite://"
    receiver = ReceiverProcess()
    try:
        with scratch_database(base) as url, tempfile.TemporaryDirectory() as tmp:
            upgrade(url)
            container, org = await _setup(url, tmp, receiver.port)
            try:
                backlog = await _backlog(container, org, receiver, args.backlog)
                print(
                    f"[{args.db}] backlog: {backlog['events']} events verified in {backlog['seconds']:.1f} s"
                    f" = {backlog['events_per_second']:.0f} events/s,"
                    f" {backlog['cpu_ms_per_event']:.2f} ms CPU per event in the worker process"
                    f" (bad signatures: {backlog['bad']}; load average {os.getloadavg()[0]:.1f})"
                )
                steady = await _steady(container, org, receiver, args.rate, args.seconds)
                print(
                    f"[{args.db}] steady {steady['rate']}/s (achieved {steady['achieved_rate']:.0f}/s),"
                    f" {steady['delivered']}/{steady['events']} delivered: commit→verified"
                    f" p50 {steady['p50_ms']:.0f} ms, p90 {steady['p90_ms']:.0f} ms, p99 {steady['p99_ms']:.0f} ms,"
                    f" max {steady['max_ms']:.0f} ms"
                )
            finally:
                await shutdown(container)
    finally:
        result = receiver.stop()
        print(f"receiver: {result['requests']} requests, {len(result['first'])} distinct ids, {result['bad']} bad")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    asyncio.run(_run(parser.parse_args()))


if __name__ == "__main__":
    main()
