"""Helpers for the real-time tests: the app served by uvicorn on loopback, and an SSE reader."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn

from conftest import Api, make_settings
from pmsaas.container import Container, build_container
from pmsaas.entrypoints.http.app import create_app


def settings_like(api: Api, tmp: Any, **overrides: Any) -> Any:
    """The ``api`` fixture's databases (and Redis on the PostgreSQL pass), with overrides."""
    s = api.container.settings()
    return make_settings(s.database_url, tmp, redis_url=s.redis_url, **overrides)


@asynccontextmanager
async def live_server(
    settings: Any, prepare: Callable[[Container], None] | None = None
) -> AsyncIterator[tuple[Api, Container]]:
    """A real server on a free loopback port (SSE streams need a real socket), and an ``Api`` on it.
    ``prepare`` may override the container's providers before the app is built."""
    container = build_container(settings)
    if prepare is not None:
        prepare(container)
    config = uvicorn.Config(
        create_app(container), host="127.0.0.1", port=0, log_level="warning", lifespan="on", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        try:
            yield Api(client, container, "live"), container  # type: ignore[arg-type]
        finally:
            server.should_exit = True
            await task


class Sse:
    """Reads one SSE response frame by frame."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        # One task reads the body, so a timed-out wait never interrupts httpx mid-line.
        try:
            async for line in self.response.aiter_lines():
                await self._queue.put(line)
        finally:
            await self._queue.put(None)

    async def close(self) -> None:
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)

    async def frame(self, within: float = 5.0) -> dict[str, Any]:
        """The next frame: ``id``, ``event``, ``data`` (decoded JSON), ``comments``, ``retry``."""
        frame: dict[str, Any] = {"comments": []}
        data: list[str] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            line = await asyncio.wait_for(self._queue.get(), max(0.0, deadline - loop.time()))
            if line is None:
                raise EOFError("stream ended")
            if line == "":
                if data or frame["comments"] or "retry" in frame:
                    break
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "":
                frame["comments"].append(value)
            elif field == "data":
                data.append(value)
            else:
                frame[field] = value
        if data:
            frame["data"] = json.loads("\n".join(data))
        return frame

    async def message(self, within: float = 5.0) -> dict[str, Any]:
        """The next frame that carries data within ``within`` seconds (heartbeats skipped)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            frame = await self.frame(max(0.0, deadline - loop.time()))
            if "data" in frame:
                return frame


@asynccontextmanager
async def sse(api: Api, token: str, **headers: str) -> AsyncIterator[Sse]:
    async with api.client.stream(
        "GET", "/api/v1/events", headers={"Authorization": f"Bearer {token}", **headers}
    ) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        reader = Sse(response)
        try:
            first = await reader.frame()  # sent once the stream is subscribed
            assert first["comments"] == ["connected"] and first["retry"] == "3000", first
            yield reader
        finally:
            await reader.close()
