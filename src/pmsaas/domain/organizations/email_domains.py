"""An organization's e-mail domains, proven by a DNS TXT record.

The organization adds ``acme.example``; we answer with a token; its DNS administrator publishes
``pmsaas-verification=<token>`` as a TXT record at ``_pmsaas.acme.example``; ``verify`` looks it up
through the :class:`~pmsaas.domain.organizations.ports.TxtResolver` port. One organization at a time
holds a domain verified (the first to prove it). A verified domain's addresses join organizations by
invitation only (``pmsaas.domain.identity.email_domains``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.ids import new_id

RECORD_PREFIX = "_pmsaas"
VALUE_PREFIX = "pmsaas-verification="
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_domain(raw: str, *, field_name: str = "domain") -> str:
    """``Acme.Example.`` -> ``acme.example``; internationalized names in their ASCII (punycode) form.
    At least two labels, a letter in the last one (no IP addresses)."""
    name = raw.strip().rstrip(".").lower()
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationFailed.single(field_name, "is not a valid domain name") from None
    labels = name.split(".")
    if (
        len(name) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not re.search(r"[a-z]", labels[-1])
    ):
        raise ValidationFailed.single(field_name, "is not a domain name such as acme.example")
    return name


class DomainStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"


@dataclass(eq=False)
class OrganizationDomain:
    organization_id: UUID
    domain: str
    token: str
    created_at: datetime
    updated_at: datetime
    status: DomainStatus = DomainStatus.PENDING
    verified_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def claim(cls, organization_id: UUID, domain: str, at: datetime) -> OrganizationDomain:
        return cls(organization_id, normalize_domain(domain), secrets.token_urlsafe(24), at, at)

    @property
    def record_name(self) -> str:
        return f"{RECORD_PREFIX}.{self.domain}"

    @property
    def record_value(self) -> str:
        return f"{VALUE_PREFIX}{self.token}"

    def proven_by(self, txt_records: list[str]) -> bool:
        # A TXT record may arrive split in 255-byte strings; the resolver port joins them.
        return any(record.strip() == self.record_value for record in txt_records)
