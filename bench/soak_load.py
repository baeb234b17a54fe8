"""The soak's clients: a closed loop of mixed requests against the real server, as an integrator
would send them: reads answer once; creates and payments carry an Idempotency-Key and are retried
with the same key and body on 503, on 409 "still being processed" and on a broken connection,
until they are answered 201 (a client that gives up would not know whether its payment exists).

Every HTTP attempt is recorded (start, end, status, whether its body is in the contract's envelope);
which attempts are errors is decided afterwards, against the fault windows (``classify``).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

PROPERTIES = "/api/v1/properties"
PAYMENTS = "/api/v1/financial/payments"
GRACE_SECONDS = 5.0  # after a fault: a pooled connection cut by it may be met by the next requests
WEIGHTS = {"read": 55, "create": 15, "payment": 30}


@dataclass
class Attempt:
    op: str
    start: float  # time.time()
    end: float
    status: int | None  # None: no HTTP answer (connection broken, timeout)
    problem: str | None  # the body is not the contract's envelope (or the answer is not one expected)
    code: str | None = None  # error.code of an error envelope
    transport: str | None = None
    key: str | None = None  # the Idempotency-Key of a create or payment
    request_id: str | None = None  # X-Request-ID of the answer: the server's log lines of the request


@dataclass
class Outcome:
    attempts: list[Attempt] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> property id (201)
    payments: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> payment id (201)
    abandoned: list[str] = field(default_factory=list)  # keys whose create ended without a 201


def envelope_problem(status: int, body: bytes) -> tuple[str | None, str | None]:
    """(what is wrong with this answer's body, error.code): the platform envelope of the contract."""
    if status == 204:
        return (None if not body else "204 with a body"), None
    try:
        doc = json.loads(body)
    except ValueError:
        return f"{status}: body is not JSON: {body[:80]!r}", None
    if not isinstance(doc, dict) or not isinstance(doc.get("meta"), dict) or "request_id" not in doc["meta"]:
        return f"{status}: no envelope meta.request_id", None
    if status < 400:
        return (None if doc.get("success") is True and "data" in doc else f"{status}: success envelope wrong"), None
    error = doc.get("error")
    if doc.get("success") is not False or not isinstance(error, dict):
        return f"{status}: error envelope wrong", None
    code = error.get("code")
    if (
        not isinstance(code, str)
        or not isinstance(error.get("message"), str)
        or not isinstance(error.get("details"), list)
    ):
        return f"{status}: error.code/message/details missing", None
    if status == 503 and code != "SERVICE_UNAVAILABLE":
        return f"503 with code {code}", code
    if status == 409 and "still being processed" in error["message"]:
        return None, "KEY_IN_PROGRESS"  # the Idempotency-Key's first request has not finished: retry
    return None, code


class Client:
    def __init__(self, http: httpx.AsyncClient, token: str, leases: list[str], out: Outcome, tag: str) -> None:
        self.http, self.out, self.tag = http, out, tag
        self.headers = {"Authorization": f"Bearer {token}"}
        self.leases = leases
        self.n = 0

    async def send(self, op: str, method: str, path: str, **kw: Any) -> tuple[Attempt, Any]:
        start = time.time()
        headers = {**self.headers, **kw.pop("headers", {})}
        key = headers.get("Idempotency-Key")
        try:
            r = await self.http.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            attempt = Attempt(op, start, time.time(), None, None, transport=type(exc).__name__, key=key)
            self.out.attempts.append(attempt)
            return attempt, None
        problem, code = envelope_problem(r.status_code, r.content)
        request_id = r.headers.get("x-request-id") if r.status_code >= 300 else None
        attempt = Attempt(op, start, time.time(), r.status_code, problem, code, None, key, request_id)
        self.out.attempts.append(attempt)
        return attempt, (r.json() if problem is None and r.content else None)

    async def read(self, rng: random.Random) -> None:
        lease = rng.choice(self.leases)
        path, params = rng.choice(
            (
                (PROPERTIES, {"page_size": 20}),
                (PAYMENTS, {"page_size": 20}),
                ("/api/v1/financial/trial-balance", {}),
                (f"/api/v1/leases/{lease}/ledger", {}),
            )
        )
        await self.send("read", "GET", path, params=params)

    async def create_once(self, op: str, path: str, body: dict[str, Any], key: str, until: float) -> str | None:
        """POST with this key until 201 (retrying what a client retries); the id created, or None."""
        delay = 0.1
        while time.time() < until:
            attempt, doc = await self.send(op, "POST", path, json=body, headers={"Idempotency-Key": key})
            if attempt.status == 201 and doc is not None:
                return str(doc["data"]["id"])
            retried = attempt.status == 503 or attempt.code == "KEY_IN_PROGRESS"
            if attempt.status is not None and (not retried or attempt.problem):
                return None  # an answer a client does not retry: counted as an error by ``classify``
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(2.0, delay * 2)
        return None

    async def create_property(self, rng: random.Random, until: float) -> None:
        self.n += 1
        key = f"soak-{self.tag}-p{self.n}"
        body = {
            "name": f"Soak {self.tag} {self.n}",
            "type": rng.choice(("residential", "commercial", "mixed_use")),
            "address": {"street": f"{self.n} Soak Rd", "city": "Mumbai", "province": "MH", "postal_code": "400001"},
        }
        found = await self.create_once("create", PROPERTIES, body, key, until)
        if found:
            self.out.properties[key] = found
        else:
            self.out.abandoned.append(key)

    async def pay(self, rng: random.Random, until: float) -> None:
        self.n += 1
        key = f"soak-{self.tag}-m{self.n}"
        body = {
            "lease_id": rng.choice(self.leases),
            "amount": {"amount": "100.00", "currency": "INR"},
            "method": "bank_transfer",
            "reference": key,
        }
        found = await self.create_once("payment", PAYMENTS, body, key, until)
        if found:
            self.out.payments[key] = found
        else:
            self.out.abandoned.append(key)

    async def run(
        self, seed: int, load_ends: float, retries_end: float, think: float, mix: dict[str, int] | None = None
    ) -> None:
        rng = random.Random(seed)
        ops, weights = zip(*(mix or WEIGHTS).items(), strict=True)
        while time.time() < load_ends:
            op = rng.choices(ops, weights)[0]
            if op == "read":
                await self.read(rng)
            elif op == "create":
                await self.create_property(rng, retries_end)
            else:
                await self.pay(rng, retries_end)
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def run_load(
    base: str,
    token: str,
    leases: list[str],
    clients: int,
    seconds: float,
    think: float,
    seed: int,
    run_tag: str,
    mix: dict[str, int] | None = None,
) -> Outcome:
    """``clients`` loops for ``seconds``; ``mix``: the weights of read, create and payment (``WEIGHTS``
    when None)."""
    out = Outcome()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30.0, limits=limits) as http:
        load_ends = time.time() + seconds
        retries_end = load_ends + 120  # unfinished creates keep retrying this long after the load
        loops = [
            Client(http, token, leases, out, f"{run_tag}c{i}").run(seed * 1000 + i, load_ends, retries_end, think, mix)
            for i in range(clients)
        ]
        await asyncio.gather(*loops)
    return out


# -- after the run: which attempts are errors ------------------------------------------------------


def _during_fault(attempt: Attempt, windows: list[tuple[float, float]]) -> bool:
    return any(attempt.start <= end + GRACE_SECONDS and attempt.end >= start for start, end in windows)


def classify(attempts: list[Attempt], windows: list[tuple[float, float]]) -> dict[str, Any]:
    """Counts per kind. Errors: a body outside the envelope, a 5xx other than 503, a 503 with no
    fault near it, no HTTP answer at all, or a 4xx other than the 409 of a key still in progress."""
    counts: dict[str, int] = {
        "attempts": len(attempts),
        "ok": 0,
        "503_during_fault": 0,
        "409_key_in_progress": 0,
        "error_non_envelope": 0,
        "error_5xx_not_503": 0,
        "error_503_outside_fault": 0,
        "error_4xx": 0,
        "error_no_answer": 0,
    }
    examples: list[str] = []
    for a in attempts:
        kind = _kind(a, windows)
        counts[kind] += 1
        if kind.startswith("error") and len(examples) < 20:
            examples.append(f"{a.op} {a.status} {a.problem or a.code or a.transport} at {a.start:.1f} {a.request_id}")
    errors = sum(v for k, v in counts.items() if k.startswith("error"))
    return {**counts, "errors": errors, "error_rate": errors / max(1, len(attempts)), "error_examples": examples}


def _kind(a: Attempt, windows: list[tuple[float, float]]) -> str:
    if a.status is None:
        return "error_no_answer"
    if a.problem:
        return "error_non_envelope"
    if a.status == 503:
        return "503_during_fault" if _during_fault(a, windows) else "error_503_outside_fault"
    if a.status >= 500:
        return "error_5xx_not_503"
    if a.status == 409 and a.code == "KEY_IN_PROGRESS":
        return "409_key_in_progress"
    if a.status >= 400:
        return "error_4xx"
    return "ok"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def latencies(attempts: list[Attempt]) -> dict[str, dict[str, float]]:
    """p50/p99 in ms per operation and over all, of every attempt that got an HTTP answer."""
    groups: dict[str, list[float]] = {"all": []}
    for a in attempts:
        if a.status is None:
            continue
        ms = (a.end - a.start) * 1000
        groups["all"].append(ms)
        groups.setdefault(a.op, []).append(ms)
    return {
        op: {"n": len(v), "p50_ms": percentile(v, 50), "p99_ms": percentile(v, 99), "max_ms": max(v, default=0)}
        for op, v in groups.items()
    }
