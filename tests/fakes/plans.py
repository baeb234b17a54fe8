"""In-memory adapters of the organizations context's plan and domain ports (and identity's view of
verified domains)."""

from __future__ import annotations

import copy
from datetime import datetime
from uuid import UUID

from fakes.store import FakeDatabase, page_of
from pmsaas.domain.identity.email_domains import VerifiedEmailDomains
from pmsaas.domain.organizations.email_domains import DomainStatus, OrganizationDomain
from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import (
    InvoiceStatus,
    Subscription,
    SubscriptionInvoice,
    SubscriptionStatus,
    check_room,
)
from pmsaas.domain.organizations.ports import (
    DomainRepository,
    PlanUsage,
    SubscriptionInvoiceRepository,
    SubscriptionRepository,
)
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.plan_limits import PlanAllowance, Quota, takes_a_seat


class FakeSubscriptionRepository(SubscriptionRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def find(self, organization_id: UUID) -> Subscription | None:
        return copy.deepcopy(self._db.subscriptions.get(organization_id))

    async def save(self, subscription: Subscription, expected_version: int) -> None:
        current = self._db.subscriptions.get(subscription.organization_id)
        if (current.version if current else 0) != expected_version:
            raise Conflict("the subscription was changed by someone else; reload and retry")
        subscription.version = expected_version + 1
        stored = copy.deepcopy(subscription)
        if current is not None:
            stored.created_at = current.created_at
        self._db.subscriptions[subscription.organization_id] = stored

    async def due(self, now: datetime, limit: int) -> list[Subscription]:
        found = [
            s for s in self._db.subscriptions.values() if s.current_period_end <= now and s.scheduled_plan is not None
        ]
        return [copy.deepcopy(s) for s in sorted(found, key=lambda s: s.current_period_end)[:limit]]

    async def renewals_due(self, now: datetime, limit: int) -> list[Subscription]:
        found = [
            s
            for s in self._db.subscriptions.values()
            if s.current_period_end <= now
            and s.scheduled_plan is None
            and s.plan is not Plan.STANDARD
            and s.status is not SubscriptionStatus.PAST_DUE
        ]
        return [copy.deepcopy(s) for s in sorted(found, key=lambda s: s.current_period_end)[:limit]]

    async def retries_due(self, now: datetime, limit: int) -> list[Subscription]:
        found = [
            s
            for s in self._db.subscriptions.values()
            if s.status is SubscriptionStatus.PAST_DUE
            and s.next_payment_attempt_at is not None
            and s.next_payment_attempt_at <= now
        ]
        return [copy.deepcopy(s) for s in sorted(found, key=lambda s: s.next_payment_attempt_at)[:limit]]


class FakeSubscriptionInvoiceRepository(SubscriptionInvoiceRepository):
    _SORT = {"issued_at": lambda i: i.issued_at, "number": lambda i: i.number}

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, invoice: SubscriptionInvoice) -> None:
        if any(i.number == invoice.number for i in self._db.subscription_invoices.of(invoice.organization_id)):
            raise Conflict(f"invoice number {invoice.number} is taken")
        self._db.subscription_invoices.put(invoice.organization_id, invoice.id, invoice)

    async def count_in_year(self, organization_id: UUID, year: int) -> int:
        return sum(1 for i in self._db.subscription_invoices.of(organization_id) if i.number.startswith(f"SUB-{year}-"))

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[SubscriptionInvoice]:
        return page_of(self._db.subscription_invoices.of(organization_id), page, self._SORT, lambda i: i.id)

    async def open_for_period(self, organization_id: UUID, period_start: datetime) -> SubscriptionInvoice | None:
        found = [
            i
            for i in self._db.subscription_invoices.of(organization_id)
            if i.period_start == period_start and i.status is InvoiceStatus.OPEN
        ]
        return found[0] if found else None

    async def close(self, invoice: SubscriptionInvoice) -> None:
        current = self._db.subscription_invoices.find(invoice.organization_id, invoice.id)
        if current is None or current.status is not InvoiceStatus.OPEN:
            raise Conflict(f"invoice {invoice.number} is no longer open")
        self._db.subscription_invoices.put(invoice.organization_id, invoice.id, copy.deepcopy(invoice))


class FakePlanUsage(PlanUsage):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def lock(self, organization_id: UUID) -> None:
        """One fake transaction at a time: nothing to lock."""

    async def seats(self, organization_id: UUID, now: datetime) -> int:
        return FakePlanAllowance(self._db)._in_use(organization_id, Quota.SEATS, now)

    async def properties(self, organization_id: UUID) -> int:
        return len(self._db.properties.of(organization_id))


class FakeDomainRepository(DomainRepository):
    _SORT = {"created_at": lambda d: d.created_at, "domain": lambda d: d.domain}

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, domain: OrganizationDomain) -> None:
        if any(d.domain == domain.domain for d in self._db.organization_domains.of(domain.organization_id)):
            raise Conflict(f"{domain.domain} is already one of this organization's domains")
        self._db.organization_domains.put(domain.organization_id, domain.id, domain)

    async def get(self, organization_id: UUID, domain_id: UUID) -> OrganizationDomain:
        found = self._db.organization_domains.find(organization_id, domain_id)
        if found is None:
            raise NotFound("domain", domain_id)
        return found

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[OrganizationDomain]:
        return page_of(self._db.organization_domains.of(organization_id), page, self._SORT, lambda d: d.id)

    async def mark_verified(self, domain: OrganizationDomain) -> None:
        for org, other in self._db.organization_domains.everywhere():
            if other.id != domain.id and other.domain == domain.domain and other.status == DomainStatus.VERIFIED:
                raise Conflict(f"{domain.domain} is verified by another organization")
        if self._db.organization_domains.find(domain.organization_id, domain.id) is not None:
            self._db.organization_domains.put(domain.organization_id, domain.id, domain)

    async def verified_elsewhere(self, organization_id: UUID, domain: str) -> bool:
        return any(
            org != organization_id and d.domain == domain and d.status == DomainStatus.VERIFIED
            for org, d in self._db.organization_domains.everywhere()
        )

    async def delete(self, organization_id: UUID, domain_id: UUID) -> None:
        self._db.organization_domains.remove(organization_id, domain_id)


class FakeVerifiedEmailDomains(VerifiedEmailDomains):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def is_verified(self, domain: str) -> bool:
        return any(
            d.domain == domain and d.status == DomainStatus.VERIFIED and org not in self._db.organizations_deleted
            for org, d in self._db.organization_domains.everywhere()
        )


class FakePlanAllowance(PlanAllowance):
    """The SQL adapter's counting over the fake database (an organization the fake does not hold is on
    standard, as every organization starts); one fake transaction at a time, so no lock."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def admit(self, organization_id: UUID, quota: Quota, *, adding: int, now: datetime) -> None:
        org = self._db.organizations.get(organization_id)
        check_room(
            org.plan if org is not None else Plan.STANDARD, quota, self._in_use(organization_id, quota, now), adding
        )

    def _in_use(self, organization_id: UUID, quota: Quota, now: datetime) -> int:
        if quota is Quota.PROPERTIES:
            return len(self._db.properties.of(organization_id))
        if quota is Quota.UNITS:
            return len(self._db.units.of(organization_id))
        if quota is Quota.STORAGE:
            files = [*self._db.ticket_attachments, *self._db.marketplace_images]
            return sum(f.size for f in files if f.organization_id == organization_id)
        taken = {u for (org, u), m in self._db.memberships.items() if org == organization_id and takes_a_seat(m.roles)}
        pending = {
            i.user_id
            for i in self._db.invitations.values()
            if i.organization_id == organization_id
            and i.accepted_at is None
            and i.expires_at > now
            and takes_a_seat(i.roles)
        }
        return len(taken | pending)
