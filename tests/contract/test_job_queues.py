"""One suite for every JobQueue adapter: in-process (always) and arq on Redis (when
PMSAAS_TEST_REDIS_URL is set; an unreachable Redis fails the run). The arq side runs a real
``arq.Worker`` in burst mode in this process."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from pmsaas.adapters.jobs.inprocess import InProcessJobQueue
from pmsaas.domain.shared.ports import JobQueue

REDIS_URL = os.environ.get("PMSAAS_TEST_REDIS_URL")
ADAPTERS = ["inprocess"] + (["arq"] if REDIS_URL else [])


async def record(ctx: dict[str, Any], *, value: Any, note: str = "") -> None:
    ctx["calls"].append((ctx["job_id"], value, note))


async def explode(ctx: dict[str, Any]) -> None:
    ctx["calls"].append((ctx["job_id"], "boom", ""))
    raise RuntimeError("task failed")


TASKS = {"record": record, "explode": explode}


@dataclass
class Harness:
    queue: JobQueue
    run: Callable[[], Awaitable[None]]  # run everything enqueued so far, then return
    calls: list[tuple[str, Any, str]]


@pytest.fixture(params=ADAPTERS)
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    calls: list[tuple[str, Any, str]] = []
    if request.param == "inprocess":
        queue = InProcessJobQueue(TASKS, ctx={"calls": calls})

        async def run() -> None:
            try:
                await queue.drain()
            except RuntimeError as exc:
                assert str(exc) == "task failed"

        yield Harness(queue, run, calls)
        await queue.close()
        return

    from arq.connections import RedisSettings
    from arq.worker import Worker, func

    from pmsaas.adapters.jobs.arq import ArqJobQueue

    queue_name = f"pmsaas:test:{uuid.uuid4().hex}"
    settings = RedisSettings.from_dsn(REDIS_URL)
    queue = ArqJobQueue(settings, queue_name=queue_name)

    async def run_arq() -> None:
        worker = Worker(
            functions=[func(fn, name=name, max_tries=1) for name, fn in TASKS.items()],
            queue_name=queue_name,
            redis_settings=settings,
            burst=True,
            handle_signals=False,
            poll_delay=0.01,
            keep_result=0,  # as WorkerSettings: ids are deduplicated while pending or running
            ctx={"calls": calls},
        )
        try:
            await worker.main()
        finally:
            await worker.close()

    yield Harness(queue, run_arq, calls)
    await queue.close()


async def test_a_job_runs_with_its_arguments(harness):
    assert await harness.queue.enqueue("record", job_id="j1", value={"ids": ["a", "b"], "n": 3}, note="hi")
    await harness.run()
    assert harness.calls == [("j1", {"ids": ["a", "b"], "n": 3}, "hi")]


async def test_the_same_job_id_enqueued_twice_runs_once(harness):
    assert await harness.queue.enqueue("record", job_id="invoice:org:lease:2026-11", value=1) is True
    assert await harness.queue.enqueue("record", job_id="invoice:org:lease:2026-11", value=2) is False
    await harness.run()
    assert harness.calls == [("invoice:org:lease:2026-11", 1, "")]


async def test_a_finished_job_id_may_run_again(harness):
    assert await harness.queue.enqueue("record", job_id="again", value=1)
    await harness.run()
    assert await harness.queue.enqueue("record", job_id="again", value=2)
    await harness.run()
    assert [value for _, value, _ in harness.calls] == [1, 2]


async def test_different_ids_all_run(harness):
    for i in range(5):
        assert await harness.queue.enqueue("record", job_id=f"job-{i}", value=i)
    await harness.run()
    assert sorted(value for _, value, _ in harness.calls) == [0, 1, 2, 3, 4]


async def test_a_failing_job_does_not_stop_the_others(harness):
    assert await harness.queue.enqueue("explode", job_id="bad")
    assert await harness.queue.enqueue("record", job_id="good", value="ok")
    await harness.run()
    assert sorted(call[0] for call in harness.calls) == ["bad", "good"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"value": uuid.uuid4()}, TypeError),  # ids travel as strings
        ({"value": {1: "non-string key"}}, TypeError),
        ({"value": object()}, TypeError),
        ({"value": 1, "_private": 2}, ValueError),
    ],
)
async def test_only_primitive_arguments_are_accepted(harness, kwargs, error):
    with pytest.raises(error):
        await harness.queue.enqueue("record", job_id="refused", **kwargs)
    await harness.run()
    assert harness.calls == []


# -- in-process specifics ---------------------------------------------------------------------


async def test_in_process_refuses_unknown_task_names():
    queue = InProcessJobQueue(TASKS, ctx={"calls": []})
    with pytest.raises(LookupError):
        await queue.enqueue("no_such_task", job_id="x")


async def test_in_process_drain_surfaces_failures_and_defer_waits():
    calls: list[Any] = []
    queue = InProcessJobQueue(TASKS, ctx={"calls": calls})
    await queue.enqueue("explode", job_id="bad")
    with pytest.raises(RuntimeError, match="task failed"):
        await queue.drain()
    await queue.enqueue("record", job_id="later", defer_seconds=0.2, value=1)
    await asyncio.sleep(0)
    assert calls == [("bad", "boom", "")] and queue.pending == 1
    await queue.drain()
    assert calls[-1] == ("later", 1, "")


async def test_in_process_arguments_are_copied():
    calls: list[Any] = []
    queue = InProcessJobQueue(TASKS, ctx={"calls": calls})
    value = {"items": [1]}
    await queue.enqueue("record", job_id="copy", value=value)
    value["items"].append(2)
    await queue.drain()
    assert calls == [("copy", {"items": [1]}, "")]


async def test_in_process_close_cancels_pending_jobs():
    calls: list[Any] = []
    queue = InProcessJobQueue(TASKS, ctx={"calls": calls})
    await queue.enqueue("record", job_id="never", defer_seconds=10, value=1)
    await queue.close()
    assert queue.pending == 0 and calls == []


async def test_in_process_drain_works_from_another_event_loop():
    """The app under the test client runs in its own thread and loop; tests drain from theirs."""
    from anyio.from_thread import start_blocking_portal

    calls: list[Any] = []
    queue = InProcessJobQueue(TASKS, ctx={"calls": calls})
    with start_blocking_portal() as portal:

        async def enqueue_there() -> None:
            await queue.enqueue("record", job_id="elsewhere", defer_seconds=0.2, value=1)

        portal.call(enqueue_there)
        assert calls == []
        await queue.drain()
        assert calls == [("elsewhere", 1, "")]
