"""Small builders of domain objects for tests over the fakes and the repository contracts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.budgets import Budget, BudgetCategory
from pmsaas.domain.financial.expenses import Expense
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, Payment, PaymentMethod, Refund
from pmsaas.domain.identity.model import Membership, User
from pmsaas.domain.operations.model import Priority, Ticket, Vendor, WorkOrder
from pmsaas.domain.organizations.model import Organization, OrganizationSettings
from pmsaas.domain.properties.lease import Lease
from pmsaas.domain.properties.model import Property, PropertyType, Tenant, Unit
from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money

# Whole seconds: every backend stores them exactly.
T0 = datetime(2030, 4, 1, 9, 0, tzinfo=UTC)


def at(seconds: int = 0) -> datetime:
    return T0 + timedelta(seconds=seconds)


def organization(name: str = "Acme Rentals", country: str = "IN", **kw: Any) -> Organization:
    return Organization(
        name=name, settings=OrganizationSettings.for_country(country), created_at=T0, updated_at=T0, **kw
    )


def user(email: str | None = None, **kw: Any) -> User:
    uid = kw.pop("id", new_id())
    return User(
        id=uid, email=email or f"u-{uid.hex[:12]}@example.com", name="Uma User", created_at=T0, updated_at=T0, **kw
    )


def membership(org: UUID, user_id: UUID, *roles: str, **kw: Any) -> Membership:
    kw.setdefault("created_at", T0)
    return Membership(user_id=user_id, organization_id=org, roles=frozenset(roles or ("PropertyManager",)), **kw)


def prop(org: UUID, name: str = "Lake View", created: datetime = T0, **kw: Any) -> Property:
    return Property(
        organization_id=org,
        name=name,
        type=kw.pop("type", PropertyType.RESIDENTIAL),
        address=Address("12 MG Road", "Bengaluru", "KA", "560001", "IN"),
        created_at=created,
        updated_at=created,
        **kw,
    )


def unit(org: UUID, property_id: UUID, name: str = "101", created: datetime = T0, **kw: Any) -> Unit:
    return Unit(organization_id=org, property_id=property_id, name=name, created_at=created, updated_at=created, **kw)


def tenant(org: UUID, property_id: UUID, name: str = "Tara Tenant", created: datetime = T0, **kw: Any) -> Tenant:
    email = kw.pop("email", f"{name.split()[0].lower()}-{new_id().hex[:8]}@example.com")
    return Tenant(
        organization_id=org,
        property_id=property_id,
        name=name,
        email=email,
        created_at=created,
        updated_at=created,
        **kw,
    )


def lease(
    org: UUID,
    u: Unit,
    tenant_id: UUID,
    start: date = date(2030, 5, 1),
    end: date | None = date(2031, 4, 30),
    created: datetime = T0,
    **kw: Any,
) -> Lease:
    return Lease(
        organization_id=org,
        property_id=u.property_id,
        unit_id=u.id,
        tenant_id=tenant_id,
        start_date=start,
        end_date=end,
        rent=kw.pop("rent", Money.of("25000", "INR")),
        created_at=created,
        updated_at=created,
        **kw,
    )


def ticket(org: UUID, property_id: UUID, title: str = "Leak", created: datetime = T0, **kw: Any) -> Ticket:
    return Ticket(
        organization_id=org,
        title=title,
        description=kw.pop("description", "Water from the ceiling"),
        category=kw.pop("category", "plumbing"),
        priority=kw.pop("priority", Priority.HIGH),
        property_id=property_id,
        created_at=created,
        updated_at=created,
        **kw,
    )


def vendor(org: UUID, name: str = "Aqua Plumbers", created: datetime = T0, **kw: Any) -> Vendor:
    return Vendor(
        organization_id=org,
        name=name,
        trades=kw.pop("trades", ["plumbing"]),
        service_areas=kw.pop("service_areas", ["Bengaluru"]),
        created_at=created,
        updated_at=created,
        **kw,
    )


def work_order(org: UUID, ticket_id: UUID, vendor_id: UUID, created: datetime = T0, **kw: Any) -> WorkOrder:
    start = kw.pop("scheduled_start", created + timedelta(days=1))
    return WorkOrder(
        organization_id=org,
        ticket_id=ticket_id,
        vendor_id=vendor_id,
        description=kw.pop("description", "Replace the pipe"),
        scheduled_start=start,
        scheduled_end=kw.pop("scheduled_end", start + timedelta(hours=4)),
        estimated_cost=kw.pop("estimated_cost", Money.of("1500.00", "INR")),
        created_at=created,
        updated_at=created,
        **kw,
    )


def invoice(org: UUID, lease_id: UUID, tenant_id: UUID, *amounts: str, created: datetime = T0, **kw: Any) -> Invoice:
    """A draft invoice of one rent line per amount (INR unless ``currency`` says otherwise)."""
    currency = kw.pop("currency", "INR")
    return Invoice(
        organization_id=org,
        lease_id=lease_id,
        tenant_id=tenant_id,
        currency=currency,
        issue_date=kw.pop("issue_date", date(2030, 5, 1)),
        due_date=kw.pop("due_date", date(2030, 5, 10)),
        lines=[InvoiceLine("Rent", Money.of(a, currency), ChargeType.RENT) for a in amounts or ("25000",)],
        created_at=created,
        updated_at=created,
        **kw,
    )


def payment(
    org: UUID, lease_id: UUID, tenant_id: UUID, amount: str = "25000", created: datetime = T0, **kw: Any
) -> Payment:
    return Payment(
        organization_id=org,
        lease_id=lease_id,
        tenant_id=tenant_id,
        amount=Money.of(amount, kw.pop("currency", "INR")),
        method=kw.pop("method", PaymentMethod.BANK_TRANSFER),
        idempotency_scope=kw.pop("idempotency_scope", f"{org}:user:manager"),
        idempotency_key=kw.pop("idempotency_key", f"key-{new_id().hex[:12]}"),
        request_fingerprint=kw.pop("request_fingerprint", "f" * 64),
        created_at=created,
        updated_at=created,
        **kw,
    )


def refund(p: Payment, amount: str, created: datetime = T0, **kw: Any) -> Refund:
    return Refund(
        organization_id=p.organization_id,
        payment_id=p.id,
        amount=Money.of(amount, p.amount.currency),
        idempotency_scope=kw.pop("idempotency_scope", p.idempotency_scope),
        idempotency_key=kw.pop("idempotency_key", f"refund-{new_id().hex[:12]}"),
        request_fingerprint=kw.pop("request_fingerprint", "r" * 64),
        created_at=created,
        **kw,
    )


def entry(org: UUID, *lines: tuple[str, str, UUID | None], on: date = date(2030, 5, 1), **kw: Any) -> L.JournalEntry:
    """A journal entry of ``(account, signed amount, lease)`` lines in INR, posted at ``T0`` unless told."""
    return L.entry(
        organization_id=org,
        on=on,
        at=kw.pop("at", T0),
        description=kw.pop("description", "Entry"),
        lines=[(account, Money.of(amount, "INR"), lease_id) for account, amount, lease_id in lines],
        source_type=kw.pop("source_type", "manual"),
        source_id=kw.pop("source_id", None),
    )


def expense(org: UUID, amount: str = "1200.00", created: datetime = T0, **kw: Any) -> Expense:
    return Expense(
        organization_id=org,
        category=kw.pop("category", "maintenance"),
        description=kw.pop("description", "Pipe"),
        amount=Money.of(amount, "INR"),
        expense_date=kw.pop("expense_date", date(2030, 5, 3)),
        created_at=created,
        updated_at=created,
        **kw,
    )


def budget(org: UUID, name: str = "FY 2030", created: datetime = T0, **categories: str) -> Budget:
    return Budget(
        organization_id=org,
        name=name,
        period_start=date(2030, 4, 1),
        period_end=date(2031, 3, 31),
        currency="INR",
        created_at=created,
        updated_at=created,
        categories=[BudgetCategory(n, Money.of(a, "INR")) for n, a in categories.items()],
    )


def same(a: object, b: object) -> bool:
    """Entities are ``eq=False``: compare what they hold."""
    return type(a) is type(b) and vars(a) == vars(b)
