"""The dnspython adapter: answers joined, absence is no record, silence is a dependency outage."""

from __future__ import annotations

from typing import Any

import dns.asyncresolver
import dns.exception
import dns.resolver
import pytest

from pmsaas.adapters.dns.txt import DnsPythonTxtResolver
from pmsaas.domain.shared.errors import DependencyUnavailable


class _Rdata:
    def __init__(self, *strings: bytes) -> None:
        self.strings = strings


def _answering(result: Any) -> Any:
    async def resolve(name: str, rdtype: str, **kw: Any) -> Any:
        assert rdtype == "TXT" and kw["search"] is False
        if isinstance(result, Exception):
            raise result
        return result

    return resolve


async def test_records_are_read_with_their_strings_joined(monkeypatch):
    answer = [_Rdata(b"pmsaas-verification=", b"abc"), _Rdata(b"v=spf1 -all")]
    monkeypatch.setattr(dns.asyncresolver, "resolve", _answering(answer))
    assert await DnsPythonTxtResolver().txt_records("_pmsaas.acme.example") == [
        "pmsaas-verification=abc",
        "v=spf1 -all",
    ]


@pytest.mark.parametrize("error", [dns.resolver.NXDOMAIN(), dns.resolver.NoAnswer()])
async def test_no_name_or_no_record_is_an_empty_answer(monkeypatch, error):
    monkeypatch.setattr(dns.asyncresolver, "resolve", _answering(error))
    assert await DnsPythonTxtResolver().txt_records("_pmsaas.acme.example") == []


@pytest.mark.parametrize("error", [dns.exception.Timeout(), dns.resolver.NoNameservers()])
async def test_dns_not_answering_is_unavailable(monkeypatch, error):
    monkeypatch.setattr(dns.asyncresolver, "resolve", _answering(error))
    with pytest.raises(DependencyUnavailable):
        await DnsPythonTxtResolver().txt_records("_pmsaas.acme.example")
