"""Outbound URLs the product will call on a customer's behalf (webhooks): never our own network."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pmsaas.domain.shared.errors import ValidationFailed

BLOCKED_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain")


def check_public_url(url: str, *, field: str = "url", require_https: bool = False) -> None:
    """An http(s) URL to a public host: not loopback, private, link-local, CGNAT or the cloud metadata
    address (SSRF). Only the literal is checked here; the delivery client checks the resolved address
    again at connect time, since a public name may resolve to a private address."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    schemes = ("https",) if require_https else ("http", "https")
    if parts.scheme not in schemes or not host:
        raise ValidationFailed.single(field, "must be an https URL" if require_https else "must be an http(s) URL")
    if parts.username or parts.password:
        raise ValidationFailed.single(field, "must not carry credentials")
    if host == "localhost" or host.endswith(BLOCKED_SUFFIXES) or host == "metadata.google.internal":
        raise ValidationFailed.single(field, "must point to a public host")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_global:  # loopback, private, link-local (169.254.169.254), CGNAT (100.64/10), reserved
        raise ValidationFailed.single(field, "must point to a public address")
