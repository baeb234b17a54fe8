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


# Webhook targets every surface must refuse (422 on url), given the table above.
PRIVATE_TARGETS = [
    "http://127.0.0.1/hook",
    "http://10.0.0.1/hook",
    "https://100.64.0.1/hook",  # CGNAT
    "http://[fd00::1]/hook",  # IPv6 unique local
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://127.1/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://0x7f000001/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://intranet/",  # a bare name
    "http://localhost./",
    "http://127.0.0.1.nip.io/",
    "http://10.0.0.1.nip.io/hook",
    "https://intranet.example.com/hook",
    "https://mixed.example.com/hook",  # one private answer is enough
    "https://v6-loopback.example.com/",
    "https://does-not-resolve.example.com/",
]
