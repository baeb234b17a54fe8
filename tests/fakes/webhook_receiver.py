"""A webhook receiver on loopback for the delivery tests: a few lines of asyncio HTTP/1.1 (one
request per connection), recording what arrives and answering as told (a status, a redirect, or
nothing at all). It checks signatures with the Standard Webhooks algorithm, written here from the
reference library (standard-webhooks/standard-webhooks, libraries/python/standardwebhooks/webhooks.py),
not with the product's signer, and deduplicates by ``webhook-id`` as a receiver should."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from typing import Any


def standard_webhooks_verify(secret: str, headers: dict[str, str], body: bytes, now: float) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_") + "==") if secret.startswith("whsec_") else secret.encode()
    msg_id, stamp, signatures = headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"]
    if abs(now - float(stamp)) > 5 * 60:  # the reference's tolerance
        return False
    expected = hmac.new(key, f"{msg_id}.{stamp}.{body.decode()}".encode(), hashlib.sha256).digest()
    for versioned in signatures.split(" "):
        version, signature = versioned.split(",")
        if version == "v1" and hmac.compare_digest(expected, base64.b64decode(signature)):
            return True
    return False


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    status: int = 200
    hang: bool = False
    location: str | None = None  # with a 3xx status
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None
    _loop: Any = None
    _thread: Any = None
    _open: set[asyncio.StreamWriter] = field(default_factory=set)

    def url(self, host: str = "receiver.example.com", path: str = "/hook") -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def unique(self) -> dict[str, Received]:
        """What a deduplicating consumer processes: the first request of each webhook-id."""
        seen: dict[str, Received] = {}
        for r in self.requests:
            seen.setdefault(r.headers["webhook-id"], r)
        return seen

    async def start(self) -> Receiver:
        """Serves from its own thread and event loop: the app under test (the test client runs it on
        another thread) and the test itself may both be waiting on a delivery."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="webhook-receiver", daemon=True)
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop
        ).result(5)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            self._loop.close()
            self._server = None

    async def _close(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._open):  # a hanging answer holds its connection open
            writer.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._open.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:] if ":" in x)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(Received(path, headers, body))
            if self.hang:
                await reader.read()  # until the sender gives up and closes the connection
                return
            extra = f"location: {self.location}\r\n" if self.location else ""
            writer.write(f"HTTP/1.1 {self.status} X\r\ncontent-length: 0\r\n{extra}connection: close\r\n\r\n".encode())
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._open.discard(writer)
            writer.close()
