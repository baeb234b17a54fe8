"""The literal IPv4 spellings resolvers accept, read the way inet_aton reads them."""

from __future__ import annotations

import socket

import pytest

from pmsaas.domain.shared.network import legacy_ipv4


@pytest.mark.parametrize(
    "host", ["2130706433", "127.1", "0x7f.0.0.1", "0177.0.0.1", "0x7f000001", "10.1", "192.168.1", "1.2.3.4", "0"]
)
def test_legacy_forms_read_like_inet_aton(host):
    assert str(legacy_ipv4(host)) == socket.inet_ntoa(socket.inet_aton(host))


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "08.1.1.1", ""])
def test_names_and_out_of_range_numbers_are_not_addresses(host):
    assert legacy_ipv4(host) is None


async def test_the_system_resolver_answers_for_an_ip_literal():
    from pmsaas.adapters.net.resolver import SystemHostResolver

    assert await SystemHostResolver().addresses("127.0.0.1") == ["127.0.0.1"]
