"""Verified e-mail domains: their people join organizations by invitation only.

When an organization has proven it holds ``acme.example`` (a DNS TXT record, the organizations
context), an address ``someone@acme.example`` belongs to that organization's people: self-service
registration with such an address creates no organization of its own (409; the account itself may
still be created without one, and joins through the owner's invitation,
``invitations.accept_invitation``). This keeps a company's staff from scattering its data over
organizations its owner never sees.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from pmsaas.domain.identity.model import normalize_email
from pmsaas.domain.shared.errors import Conflict
from pmsaas.domain.shared.ports import UnitOfWork


class VerifiedEmailDomains(ABC):
    @abstractmethod
    async def is_verified(self, domain: str) -> bool:
        """True when some organization holds ``domain`` (lower case, ASCII form) verified."""


class EmailDomainsUnitOfWork(UnitOfWork):
    verified_email_domains: VerifiedEmailDomains


def email_domain(email: str) -> str:
    domain = normalize_email(email).rpartition("@")[2].rstrip(".")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


async def check_may_found_organization(*, uow: EmailDomainsUnitOfWork, email: str) -> None:
    """Conflict when ``email``'s domain is verified by an organization (read only)."""
    domain = email_domain(email)
    async with uow.read_only() as reading:
        verified = await reading.verified_email_domains.is_verified(domain)
    if verified:
        raise Conflict(
            f"{domain} is a verified domain of an organization on this platform: its people join by "
            "invitation only. Ask that organization's owner for an invitation, or register without "
            "organization_name."
        )
