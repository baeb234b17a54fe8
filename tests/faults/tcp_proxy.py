"""A loopback TCP proxy that injects network faults between the application and PostgreSQL or
Redis: latency on every chunk, connections reset (RST) mid-stream, new connections refused.

It runs its own event loop in a thread: the application may talk to its services synchronously
at times (start-up, a sync engine), which would deadlock a proxy sharing the test's loop. A test
flips faults with plain method calls; they take effect on the proxy's loop at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import socket
import struct
import threading


class FaultProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._server: asyncio.Server | None = None
        self._pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self.latency = 0.0  # seconds added before each forwarded chunk
        self.refusing = False  # new connections are closed at once
        self.connections_made = 0

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)

    def start(self) -> int:
        self._thread.start()
        self._server = self._run(asyncio.start_server(self._accept, "127.0.0.1", 0))
        return int(self._server.sockets[0].getsockname()[1])

    def stop(self) -> None:
        self.reset()
        if self._server is not None:
            self._server.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def reset(self) -> None:
        """Every open connection is cut with a TCP reset, both ways (SO_LINGER 0, then close)."""

        async def cut() -> None:
            for client, upstream in list(self._pairs):
                for writer in (client, upstream):
                    _abort(writer)
            self._pairs.clear()

        self._run(cut())

    def _run(self, coroutine):  # type: ignore[no-untyped-def]
        future: concurrent.futures.Future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)  # type: ignore[type-arg]
        return future.result(timeout=10)

    def heal(self) -> None:
        self.latency, self.refusing = 0.0, False

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            _abort(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            _abort(writer)
            return
        self.connections_made += 1
        pair = (writer, up_writer)
        self._pairs.add(pair)
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self._pairs.discard(pair)
            for w in pair:
                with contextlib.suppress(Exception):
                    w.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(65536):
                if self.latency:
                    await asyncio.sleep(self.latency)
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()


def _abort(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport = writer.transport
    with contextlib.suppress(Exception):
        transport.abort()
