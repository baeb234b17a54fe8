"""`pmsaas worker` outlives Redis resets and a short outage (the soak found it exiting, the outbox then
standing still): connections cut again and again while events come in, then three seconds of refused
connections; the process still runs, and an event committed afterwards is relayed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fault_support import Faulty, faulty_app

from support import property_body

PMSAAS = Path(sys.executable).parent / "pmsaas"


@pytest.fixture
async def faulty(tmp_path: Path) -> AsyncIterator[Faulty]:
    async with faulty_app(tmp_path) as app:
        yield app


def _start_worker(faulty: Faulty, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMSAAS_")},
        "PMSAAS_ENV": "test",
        "PMSAAS_DATABASE_URL": faulty.direct_url,
        "PMSAAS_REDIS_URL": str(faulty.api.container.settings().redis_url),  # through the fault proxy
        "PMSAAS_VAR_DIR": str(tmp_path / "worker-var"),
    }
    log = (tmp_path / "worker.log").open("wb")
    return subprocess.Popen([str(PMSAAS), "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)


async def _relayed(faulty: Faulty, property_id: str, within: float) -> bool:
    engine = sa.create_engine(sa.make_url(faulty.direct_url).set(drivername="postgresql+psycopg"))
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                published = conn.execute(
                    sa.text(
                        "SELECT count(*) FROM notifications_outbox WHERE published_at IS NOT NULL"
                        " AND payload::text LIKE :id"
                    ),
                    {"id": f"%{property_id}%"},
                ).scalar_one()
            if published:
                return True
            await asyncio.sleep(0.5)
        return False
    finally:
        engine.dispose()


async def test_the_worker_outlives_redis_resets_and_keeps_relaying(faulty: Faulty, tmp_path: Path) -> None:
    worker = _start_worker(faulty, tmp_path)
    try:
        await asyncio.sleep(4)  # started, polling
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        owner = await faulty.api.new_org(f"During the resets {uuid.uuid4().hex[:6]}")
        for n in range(40):  # connections cut while it polls, runs its crons and finishes jobs
            faulty.redis.reset()
            await faulty.api.post("/api/v1/properties", owner.token, json=property_body(name=f"During {n}"))
            await asyncio.sleep(0.25)
        faulty.redis.refusing = True  # then an outage: Redis refuses new connections for three seconds
        faulty.redis.reset()
        await asyncio.sleep(3)
        faulty.redis.heal()
        await asyncio.sleep(2)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]

        owner = await faulty.api.new_org(f"After the resets {uuid.uuid4().hex[:6]}")
        r = await faulty.api.post("/api/v1/properties", owner.token, json=property_body(name="Relayed"))
        assert r.status_code == 201, r.text
        assert await _relayed(faulty, r.json()["data"]["id"], within=30), (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
