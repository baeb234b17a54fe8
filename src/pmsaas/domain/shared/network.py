"""Outbound URLs we call on a customer's behalf (webhooks) must reach the public internet only.

Pure rules plus one port: the literal forms of an IPv4 address that resolvers accept (``2130706433``,
``127.1``, ``0x7f.0.0.1``, ``0177.0.0.1``) are read here, and names go through ``HostResolver``: every
address a name resolves to must be public, or the URL is refused (a name such as ``127.0.0.1.nip.io``
that resolves to a private range included).
"""

from __future__ import annotations

import ipaddress
from abc import ABC, abstractmethod
from urllib.parse import urlsplit

from pmsaas.domain.shared.errors import ValidationFailed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan")


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


async def check_public_url(url: str, resolver: HostResolver, *, field: str = "url") -> None:
    """Raise ValidationFailed unless ``url`` is http(s) to a host whose every address is public."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationFailed.single(field, "must be an http(s) URL")
    if host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
        raise ValidationFailed.single(field, "must point to a public host")
    literal = _literal(host)
    if literal is not None:
        if not is_public(literal):
            raise ValidationFailed.single(field, "must point to a public address")
        return
    if "." not in host:
        raise ValidationFailed.single(field, "must be a fully qualified public host name")
    resolved = await resolver.addresses(host)
    if not resolved:
        raise ValidationFailed.single(field, "host name does not resolve")
    if not all(is_public(ipaddress.ip_address(a.split("%", 1)[0])) for a in resolved):
        raise ValidationFailed.single(field, "must point to a public address")


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return legacy_ipv4(host)
