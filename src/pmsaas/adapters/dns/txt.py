"""TXT records through dnspython's asyncio resolver (the system's name servers, /etc/resolv.conf).

dnspython (~60 modules, a few MiB per process) is imported on the first look-up, not with the container:
domain verification is rare, and every web worker would carry it otherwise."""

from __future__ import annotations

from pmsaas.domain.organizations.ports import TxtResolver
from pmsaas.domain.shared.errors import DependencyUnavailable


class DnsPythonTxtResolver(TxtResolver):
    def __init__(self, lifetime_seconds: float = 5.0) -> None:
        self._lifetime = lifetime_seconds

    async def txt_records(self, name: str) -> list[str]:
        import dns.asyncresolver
        import dns.exception
        import dns.resolver

        try:
            answer = await dns.asyncresolver.resolve(name, "TXT", lifetime=self._lifetime, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []  # the name, or its TXT records, do not exist (yet)
        except (dns.exception.Timeout, dns.resolver.NoNameservers, dns.resolver.NoResolverConfiguration) as exc:
            raise DependencyUnavailable("DNS did not answer; try verifying again in a minute") from exc
        # One record may hold several character-strings (each at most 255 bytes): they form one value (RFC 7208 §3.3).
        return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]
