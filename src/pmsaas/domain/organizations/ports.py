from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from uuid import UUID

from pmsaas.domain.organizations.email_domains import OrganizationDomain
from pmsaas.domain.organizations.model import Organization, Plan
from pmsaas.domain.organizations.plans import Subscription, SubscriptionInvoice
from pmsaas.domain.shared.audit import AuditingUnitOfWork
from pmsaas.domain.shared.paging import Page, PageRequest


class OrganizationRepository(ABC):
    @abstractmethod
    async def add(self, org: Organization) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID) -> Organization: ...

    @abstractmethod
    async def update(self, org: Organization, expected_version: int) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def list(self, ids: list[UUID] | None, page: PageRequest) -> Page[Organization]:
        """``ids=None`` lists every organization (platform operators only)."""


class MembershipDirectory(ABC):
    """What organizations needs of identity: who belongs where."""

    @abstractmethod
    async def organizations_of(self, user_id: UUID) -> list[UUID]: ...

    @abstractmethod
    async def add_owner(self, *, organization_id: UUID, user_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def remove_all(self, organization_id: UUID) -> None:
        """A deleted organization has no members left: nobody signs in to it again."""


class OrganizationsUnitOfWork(AuditingUnitOfWork):
    organizations: OrganizationRepository
    membership_directory: MembershipDirectory


class SubscriptionRepository(ABC):
    @abstractmethod
    async def find(self, organization_id: UUID) -> Subscription | None:
        """None: never changed (the organization is on the plan its row names, periods from its creation)."""

    @abstractmethod
    async def save(self, subscription: Subscription, expected_version: int) -> None:
        """Insert (``expected_version`` 0) or update; Conflict when someone else changed it first."""

    @abstractmethod
    async def due(self, now: datetime, limit: int) -> list[Subscription]:
        """Subscriptions whose period ended by ``now`` with a change scheduled (the downgrade job's work)."""

    @abstractmethod
    async def renewals_due(self, now: datetime, limit: int) -> list[Subscription]:
        """Paid subscriptions (not standard, not past due) whose period ended by ``now`` with nothing
        scheduled: they renew on their plan (the renewal job's work)."""

    @abstractmethod
    async def retries_due(self, now: datetime, limit: int) -> list[Subscription]:
        """Past-due subscriptions whose next payment attempt is due by ``now`` (the dunning's work)."""


class SubscriptionInvoiceRepository(ABC):
    @abstractmethod
    async def add(self, invoice: SubscriptionInvoice) -> None: ...

    @abstractmethod
    async def count_in_year(self, organization_id: UUID, year: int) -> int:
        """Invoices numbered in ``year`` so far (the next number follows)."""

    @abstractmethod
    async def list(self, organization_id: UUID, page: PageRequest) -> Page[SubscriptionInvoice]: ...

    @abstractmethod
    async def open_for_period(self, organization_id: UUID, period_start: datetime) -> SubscriptionInvoice | None:
        """The renewal invoice of the period starting at ``period_start`` while it is still open."""

    @abstractmethod
    async def close(self, invoice: SubscriptionInvoice) -> None:
        """Store an open invoice's outcome (paid with its payment, or uncollectible); Conflict when it is
        no longer open (someone else closed it first: it is never paid twice)."""


class PlanUsage(ABC):
    """What a plan's limits are checked against (seats and properties in use), counted as the limits at
    use count them (``PlanAllowance``)."""

    @abstractmethod
    async def lock(self, organization_id: UUID) -> None:
        """Lock the organization until the transaction ends, as every addition checked against the plan
        does first: a count taken after it cannot miss a seat or property being added meanwhile."""

    @abstractmethod
    async def seats(self, organization_id: UUID, now: datetime) -> int:
        """Members who take a seat (everyone but tenants) and invitations still pending at ``now`` that
        would, each person once."""

    @abstractmethod
    async def properties(self, organization_id: UUID) -> int: ...


class DomainRepository(ABC):
    @abstractmethod
    async def add(self, domain: OrganizationDomain) -> None:
        """Conflict when the organization already has that domain."""

    @abstractmethod
    async def get(self, organization_id: UUID, domain_id: UUID) -> OrganizationDomain: ...

    @abstractmethod
    async def list(self, organization_id: UUID, page: PageRequest) -> Page[OrganizationDomain]: ...

    @abstractmethod
    async def mark_verified(self, domain: OrganizationDomain) -> None:
        """Conflict when another organization holds the domain verified."""

    @abstractmethod
    async def verified_elsewhere(self, organization_id: UUID, domain: str) -> bool: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, domain_id: UUID) -> None: ...


class TxtResolver(ABC):
    @abstractmethod
    async def txt_records(self, name: str) -> list[str]:
        """The TXT records at ``name`` (each one's strings joined); [] when there are none or the name
        does not exist. Raises ``DependencyUnavailable`` when DNS cannot answer."""


class PlansUnitOfWork(OrganizationsUnitOfWork):
    subscriptions: SubscriptionRepository
    subscription_invoices: SubscriptionInvoiceRepository
    plan_usage: PlanUsage
    domains: DomainRepository


class PlanBoard(ABC):
    """Where a committed plan change is posted so that the rate-limit gate of every server process
    applies it on the organization's next request (not after its plan cache expires)."""

    @abstractmethod
    async def post(self, organization_id: UUID, plan: Plan) -> None: ...
