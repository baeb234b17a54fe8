"""Webhook requests over httpx, to a checked address only (SSRF, DNS rebinding).

The URL was checked when it was registered, but a name may resolve differently now. So each attempt
resolves the host itself, refuses unless every address is public, and connects to the address it
checked: the request goes to ``scheme://<ip>:<port>/path`` with the ``Host`` header and the TLS
server name (SNI, and so certificate verification) set to the original host. Nothing resolves the
name a second time between the check and the connection.

Redirects are not followed (a 3xx is a failed attempt); the whole attempt is bounded by the timeout
(10 s by default); of the response body at most 64 KiB is read, and discarded.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
import weakref
from urllib.parse import urlsplit, urlunsplit

import httpx

from pmsaas.domain.notifications.messages import SendOutcome
from pmsaas.domain.notifications.ports import WebhookSender
from pmsaas.domain.shared.network import HostResolver, IPAddress, is_public, legacy_ipv4

USER_AGENT = "pmsaas-webhooks/1"
MAX_DRAINED_BYTES = 64 * 1024


class Refused(Exception):
    """The target is not one we may call; the message is the attempt's recorded error."""


class HttpxWebhookSender(WebhookSender):
    def __init__(
        self,
        resolver: HostResolver,
        *,
        timeout_seconds: float = 10.0,
        require_https: bool = False,
        allow_loopback: bool = False,
    ) -> None:
        self._resolver = resolver
        self._timeout = timeout_seconds
        self._require_https = require_https
        # Tests only (settings.webhook_allow_loopback, refused in production): a receiver on 127.0.0.1.
        self._allow_loopback = allow_loopback
        # One client per event loop: its pooled connections belong to the loop that opened them (the
        # HTTP app and a worker task may share this object in one process, each on its own loop).
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    def _http(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = httpx.AsyncClient(
                timeout=httpx.Timeout(self._timeout),
                follow_redirects=False,
                trust_env=False,  # no proxy from the environment: we connect to the address we checked
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            )
        return client

    def _allowed(self, ip: IPAddress) -> bool:
        return is_public(ip) or (self._allow_loopback and ip.is_loopback)

    async def _address(self, host: str) -> IPAddress:
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = legacy_ipv4(host)
        if literal is not None:
            addresses = [literal]
        else:
            resolved = await self._resolver.addresses(host)
            if not resolved:
                raise Refused("host name does not resolve")
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolved]
        blocked = [str(a) for a in addresses if not self._allowed(a)]
        if blocked:
            raise Refused(f"refused at connect time: {blocked[0]} is not a public address")
        return addresses[0]

    async def _request(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        schemes = ("https",) if self._require_https else ("http", "https")
        if parts.scheme not in schemes or not host:
            raise Refused("refused: the URL must be https" if self._require_https else "refused: not an http(s) URL")
        ip = await self._address(host.lower())
        port = parts.port or (443 if parts.scheme == "https" else 80)
        netloc = f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"
        target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        default_port = port == (443 if parts.scheme == "https" else 80)
        literal_v6 = ":" in host
        name = f"[{host}]" if literal_v6 else host
        sent = {**headers, "host": name if default_port else f"{name}:{port}", "user-agent": USER_AGENT}
        extensions = {"sni_hostname": host} if parts.scheme == "https" and not literal_v6 else {}
        client = self._http()
        request = client.build_request("POST", target, content=body, headers=sent, extensions=extensions)
        response = await client.send(request, stream=True)
        try:
            # Only the status matters. A short body is drained so the connection can be reused; a long
            # one is not read further (closing drops the connection).
            drained = 0
            async for chunk in response.aiter_raw():
                drained += len(chunk)
                if drained > MAX_DRAINED_BYTES:
                    break
        finally:
            await response.aclose()
        return response.status_code

    async def send(self, url: str, body: bytes, headers: dict[str, str]) -> SendOutcome:
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            async with asyncio.timeout(self._timeout):
                status = await self._request(url, body, headers)
        except Refused as refused:
            error = str(refused)
        except TimeoutError:
            error = f"no answer within {self._timeout:g} s"
        except httpx.TimeoutException:
            error = f"no answer within {self._timeout:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: connection failed"
        except OSError as exc:
            error = f"connection failed ({exc.__class__.__name__})"
        if status is not None and 300 <= status < 400:
            error = f"redirect ({status}) not followed: update the webhook URL"
        elif status is not None and not 200 <= status < 300:
            error = f"the endpoint answered {status}"
        return SendOutcome(status, error, int((time.monotonic() - started) * 1000))

    async def close(self) -> None:
        """Closes this loop's client (the others go with their loops)."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()
