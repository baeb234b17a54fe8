"""Host names to addresses through the operating system's resolver (getaddrinfo, off the event loop)."""

from __future__ import annotations

import asyncio
import socket

from pmsaas.domain.shared.network import HostResolver


class SystemHostResolver(HostResolver):
    def __init__(self, timeout_seconds: float = 3.0) -> None:
        self._timeout = timeout_seconds

    async def addresses(self, host: str) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), timeout=self._timeout)
        except (OSError, TimeoutError, UnicodeError):
            return []  # an unknown name, or no answer in time: no address to trust
        return list(dict.fromkeys(str(info[4][0]) for info in infos))
