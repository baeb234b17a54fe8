"""Addresses on the public internet: the ``HostResolver`` port and the pure rules on addresses.

The literal forms of an IPv4 address that resolvers accept (``2130706433``, ``127.1``, ``0x7f.0.0.1``,
``0177.0.0.1``) are read here; the URL check built on them is ``urls.check_public_url``.
"""

from __future__ import annotations

import ipaddress
from abc import ABC, abstractmethod

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class HostResolver(ABC):
    @abstractmethod
    async def addresses(self, host: str) -> list[str]:
        """Every address the name resolves to (empty when it does not resolve)."""


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address inet_aton would read from ``host``: 1 to 4 parts in decimal, octal (leading 0) or
    hex (0x), the last part filling the remaining bytes. None when ``host`` is not such a number."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values: list[int] = []
    for part in parts:
        try:
            if part.lower().startswith("0x"):
                values.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                values.append(int(part, 8))
            else:
                values.append(int(part, 10) if part.isdigit() else -1)
        except ValueError:
            return None
    *head, last = values
    if any(not 0 <= v <= 255 for v in head) or not 0 <= last < 256 ** (5 - len(values)):
        return None
    number = 0
    for v in head:
        number = number << 8 | v
    return ipaddress.IPv4Address(number << 8 * (5 - len(values)) | last)


def is_public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
