"""A TXT resolver that answers from a table: domain verification tests never touch real DNS."""

from __future__ import annotations

from pmsaas.domain.organizations.ports import TxtResolver
from pmsaas.domain.shared.errors import DependencyUnavailable


class FakeTxtResolver(TxtResolver):
    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.down = False  # DNS not answering
        self.asked: list[str] = []

    def publish(self, name: str, value: str) -> None:
        self.records.setdefault(name, []).append(value)

    async def txt_records(self, name: str) -> list[str]:
        self.asked.append(name)
        if self.down:
            raise DependencyUnavailable("DNS did not answer; try verifying again in a minute")
        return list(self.records.get(name, []))
