"""Domain names as organizations enter them, and the TXT proof."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pmsaas.domain.identity.email_domains import email_domain
from pmsaas.domain.organizations.email_domains import OrganizationDomain, normalize_domain
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.ids import new_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme.Example", "acme.example"),
        (" mail.acme.co.in. ", "mail.acme.co.in"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("a-b.example", "a-b.example"),
    ],
)
def test_domains_are_normalized(raw, expected):
    assert normalize_domain(raw) == expected


@pytest.mark.parametrize(
    "raw", ["localhost", "10.0.0.1", "-a.example", "a-.example", "a..example", "a b.example", "x" * 64 + ".example", ""]
)
def test_what_is_not_a_domain(raw):
    with pytest.raises(ValidationFailed):
        normalize_domain(raw)


def test_the_proof_is_the_exact_record():
    d = OrganizationDomain.claim(new_id(), "Acme.Example", datetime(2026, 12, 1, tzinfo=UTC))
    assert d.record_name == "_pmsaas.acme.example"
    assert d.record_value == f"pmsaas-verification={d.token}"
    assert d.proven_by(["v=spf1 -all", f" {d.record_value} "])
    assert not d.proven_by([f"{d.record_value}x", "pmsaas-verification=other", ""])
    assert OrganizationDomain.claim(new_id(), "acme.example", d.created_at).token != d.token


def test_an_addresss_domain_is_compared_in_ascii():
    assert email_domain("Sam@Bücher.Example") == "xn--bcher-kva.example"
