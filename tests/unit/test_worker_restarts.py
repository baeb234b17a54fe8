"""`pmsaas worker` starts arq again when Redis drops it (entrypoints/worker/supervise.py). arq's own
clean-up calls Redis first (`Worker.close` deletes its health-check key) and only then the shutdown
hook, so when Redis is what failed, the hook never ran: every restart left the previous container
(its database pools, Redis clients, connections) and its event loop behind. The 30-minute soak saw
the worker grow by about 10 MiB a minute under Redis faults. Each incarnation is now shut down and
its loop closed whatever arq managed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from dependency_injector import providers
from redis.exceptions import ConnectionError as RedisConnectionError

from pmsaas.entrypoints.worker import supervise
from pmsaas.entrypoints.worker.settings import WorkerSettings


@pytest.fixture(autouse=True)
def _the_suite_keeps_its_event_loop() -> Iterator[None]:
    """The supervisor sets a loop of its own per incarnation (and closes it): put the suite's back."""
    try:
        before: asyncio.AbstractEventLoop | None = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # none set (pytest-asyncio sets its own while a test runs)
        before = None
    yield
    asyncio.set_event_loop(before)


class Incarnation:
    """An arq worker whose start-up built a container and whose run ends as the test says."""

    def __init__(self, ending: BaseException | None) -> None:
        self.container = object()
        self.ctx: dict[str, Any] = {"container": self.container}
        self.ending = ending
        self.loop = asyncio.get_event_loop()
        self.pool = None  # arq's Redis pool: none here

    def run(self) -> None:
        if self.ending is not None:
            raise self.ending


def test_every_incarnation_dropped_by_redis_is_shut_down_and_its_loop_closed(monkeypatch: pytest.MonkeyPatch):
    endings: list[BaseException | None] = [RedisConnectionError("reset"), RedisConnectionError("reset"), None]
    incarnations: list[Incarnation] = []
    shut_down: list[object] = []

    def create_worker(_settings: Any) -> Incarnation:
        incarnations.append(Incarnation(endings.pop(0)))
        return incarnations[-1]

    async def stop(ctx: dict[str, Any]) -> None:
        shut_down.append(ctx.pop("container"))

    monkeypatch.setattr(supervise, "create_worker", create_worker)
    monkeypatch.setattr(WorkerSettings, "on_shutdown", stop)
    monkeypatch.setattr(supervise.time, "sleep", lambda _s: None)
    supervise.run_until_stopped()
    assert len(incarnations) == 3
    # The two dropped ones, and the one a signal stopped, each shut down once, their loops closed.
    assert shut_down == [i.container for i in incarnations]
    assert all(i.loop.is_closed() for i in incarnations)


def test_a_container_arq_already_shut_down_is_not_shut_down_twice(monkeypatch: pytest.MonkeyPatch):
    stopped: list[object] = []

    class Clean(Incarnation):
        def run(self) -> None:
            self.ctx.pop("container")  # arq's close ran the shutdown hook itself

    monkeypatch.setattr(supervise, "create_worker", lambda _s: Clean(None))
    monkeypatch.setattr(WorkerSettings, "on_shutdown", lambda ctx: stopped.append(ctx) or asyncio.sleep(0))
    supervise.run_until_stopped()
    assert stopped == []


async def test_shutting_a_container_down_releases_the_database_when_redis_is_gone(tmp_path):
    """The job queue cannot close while Redis is down (why the worker is restarting): the database
    pools are disposed all the same, and the failure is still reported."""
    from pmsaas.container import build_container, shutdown
    from pmsaas.settings import load_settings

    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    container = build_container(load_settings({}, env="test", database_url=url, var_dir=str(tmp_path)))

    class Unclosable:
        async def close(self) -> None:
            raise RedisConnectionError("Redis is down")

    container.job_queue.override(providers.Object(Unclosable()))
    pool = container.engine().sync_engine.pool  # disposing an engine replaces its pool
    with pytest.raises(RedisConnectionError):
        await shutdown(container)
    assert container.engine().sync_engine.pool is not pool
