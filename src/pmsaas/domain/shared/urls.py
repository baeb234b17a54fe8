"""Outbound URLs the product will call on a customer's behalf (webhooks): never our own network.

The one check for every webhook surface. The literal forms of an IPv4 address that resolvers accept
(``2130706433``, ``127.1``, ``0x7f.0.0.1``, ``0177.0.0.1``) are read as addresses (``network.py``), and
names go through the ``HostResolver`` port: every address a name resolves to must be public, or the
URL is refused (a name such as ``127.0.0.1.nip.io`` that resolves to a private range included).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.network import HostResolver, IPAddress, is_public, legacy_ipv4

BLOCKED_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan")


async def check_public_url(
    url: str, resolver: HostResolver, *, field: str = "url", require_https: bool = False
) -> None:
    """Raise ValidationFailed unless ``url`` is http(s) (https only when required, i.e. in production),
    carries no credentials, and names a host whose every address is public: not loopback, private,
    link-local (169.254.169.254, the cloud metadata address), CGNAT (100.64/10), reserved or multicast,
    nor an IPv4-mapped IPv6 spelling of one. The delivery client checks the address again at connect
    time, since a name may resolve differently later."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    schemes = ("https",) if require_https else ("http", "https")
    if parts.scheme not in schemes or not host:
        raise ValidationFailed.single(field, "must be an https URL" if require_https else "must be an http(s) URL")
    if parts.username or parts.password:
        raise ValidationFailed.single(field, "must not carry credentials")
    if host == "localhost" or host.endswith(BLOCKED_SUFFIXES):  # metadata.google.internal included
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
