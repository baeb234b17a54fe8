"""Faults between the application and its services: under each, requests answer in the envelope
(503 where the service is needed), nothing is half-written, and the service recovers by itself
once the fault ends, without a restart."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fault_support import Faulty, faulty_app

from support import property_body

pytestmark = pytest.mark.today("2026-12-01")  # the suite's fixed clock

PROPERTIES = "/api/v1/properties"


@pytest.fixture
async def faulty(tmp_path: Path) -> AsyncIterator[Faulty]:
    async with faulty_app(tmp_path) as app:
        yield app


def _unavailable(response) -> bool:  # type: ignore[no-untyped-def]
    body = response.json()
    return response.status_code == 503 and body["success"] is False and body["error"]["code"] == "SERVICE_UNAVAILABLE"


async def _until_ok(api, token, attempts: int = 3):  # type: ignore[no-untyped-def]
    """Recovery: the first request after a fault may meet one more dead pooled connection (and say
    503); within a few requests, with no restart, the service answers again."""
    for _ in range(attempts):
        r = await api.get(PROPERTIES, token)
        if r.status_code == 200:
            return r
        assert _unavailable(r), r.text
    raise AssertionError(f"still failing after {attempts} requests: {r.text}")


async def test_database_gone_mid_service_is_503_then_recovers(faulty):
    api = faulty.api
    owner = await api.new_org()
    assert (await api.post(PROPERTIES, owner.token, json=property_body())).status_code == 201

    faulty.database.refusing = True
    faulty.database.reset()  # every pooled connection is cut, and no new one gets through
    for method, body in (("GET", None), ("POST", property_body(name="During the outage"))):
        r = await api.request(method, PROPERTIES, token=owner.token, json=body)
        assert _unavailable(r), r.text
        assert r.headers["x-request-id"]

    faulty.database.heal()
    listed = await _until_ok(api, owner.token)
    assert [p["name"] for p in listed.json()["data"]] == ["Sunset Apartments"]  # the refused POST wrote nothing


async def test_connections_reset_mid_transaction_leave_no_half_written_rows(faulty):
    """Creates run while connections are cut at random moments, in the middle of their transactions
    (and of their commits, where the client cannot know whether the server committed). Each create
    is whole (the property and its outbox event) or absent; retried with its Idempotency-Key once
    the fault ends, every create exists exactly once."""
    api = faulty.api
    owner = await api.new_org()
    stop = threading.Event()

    def cut_repeatedly() -> None:  # from another thread: the test client serves one request at a time
        pause = random.Random(7)
        while not stop.wait(pause.uniform(0.01, 0.08)):
            faulty.database.reset()

    async def create(n: int):  # type: ignore[no-untyped-def]
        body, key = property_body(name=f"Block {n}"), {"Idempotency-Key": f"fault-{owner.org_id}-{n}"}
        return await api.post(PROPERTIES, owner.token, json=body, headers=key)

    cutter = threading.Thread(target=cut_repeatedly)
    cutter.start()
    try:
        answers = [await create(n) for n in range(60)]
    finally:
        stop.set()
        cutter.join()
    codes = [r.status_code for r in answers]
    assert set(codes) == {201, 503}, codes  # the faults did land in the middle of requests
    await _until_ok(api, owner.token)
    for n, answer in enumerate(answers):
        if answer.status_code == 503:
            answers[n] = await create(n)  # the client's retry, same key
    assert [r.status_code for r in answers] == [201] * 60, [r.text for r in answers if r.status_code != 201]
    created = {r.json()["data"]["id"] for r in answers}

    engine = sa.create_engine(faulty.direct_url)
    with engine.connect() as conn:
        org = uuid.UUID(owner.org_id)
        query = "select id, name from properties_properties where organization_id = :o"
        rows = {str(i): name for i, name in conn.execute(sa.text(query), {"o": org})}
        query = "select payload from notifications_outbox where organization_id = :o and event = 'property.created'"
        events = [_property_id(payload) for (payload,) in conn.execute(sa.text(query), {"o": org})]
    engine.dispose()
    assert sorted(rows.values()) == sorted(f"Block {n}" for n in range(60))  # each exactly once
    assert set(rows) == created  # the retries answered with the rows the first attempts wrote
    assert sorted(events) == sorted(rows)  # one event per row, never one without the other


def _property_id(payload) -> str:  # type: ignore[no-untyped-def]
    data = payload.get("data", payload)
    return str(data.get("property_id") or data.get("id"))


async def test_slow_database_still_answers(faulty):
    api = faulty.api
    owner = await api.new_org()
    faulty.database.latency = 0.05  # 50 ms on every chunk, both ways
    r = await api.post(PROPERTIES, owner.token, json=property_body())
    assert r.status_code == 201, r.text
    assert (await api.get(PROPERTIES, owner.token)).json()["meta"]["pagination"]["total_count"] == 1


async def test_redis_gone_is_503_not_500_then_recovers(faulty):
    """Redis holds the rate limit and the revocation list: without it a request cannot be admitted
    (letting it through would ignore a revoked token), so the answer is 503 in the envelope."""
    api = faulty.api
    owner = await api.new_org()
    faulty.redis.refusing = True
    faulty.redis.reset()
    r = await api.get(PROPERTIES, owner.token)
    assert _unavailable(r), r.text
    faulty.redis.heal()
    await _until_ok(api, owner.token)


async def test_redis_reset_mid_request_then_recovers(faulty):
    api = faulty.api
    owner = await api.new_org()
    assert (await api.get(PROPERTIES, owner.token)).status_code == 200
    faulty.redis.reset()  # the client's pooled connection dies; new ones are allowed
    r = await api.get(PROPERTIES, owner.token)
    assert r.status_code == 200 or _unavailable(r), r.text
    await _until_ok(api, owner.token)
