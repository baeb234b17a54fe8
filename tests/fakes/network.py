"""A resolver that answers from a table: no test depends on the network or on real DNS answers."""

from __future__ import annotations

from pmsaas.domain.shared.network import HostResolver

PUBLIC = "93.184.215.14"  # any name not in the table resolves here (a public address)


class FakeHostResolver(HostResolver):
    def __init__(self, table: dict[str, list[str]] | None = None) -> None:
        self.table = {
            "intranet.example.com": ["10.1.2.3"],
            "127.0.0.1.nip.io": ["127.0.0.1"],
            "10.0.0.1.nip.io": ["10.0.0.1"],
            "mixed.example.com": [PUBLIC, "192.168.1.5"],
            "v6-loopback.example.com": ["::1"],
            "does-not-resolve.example.com": [],
            **(table or {}),
        }

    async def addresses(self, host: str) -> list[str]:
        return list(self.table.get(host, [PUBLIC]))
