"""The reports a property manager runs every month (issue 10 item 6): use cases, each one read-only
unit of work over the report query port, the figures computed by the pure functions beside them.

``as_of`` defaults to the organization's today (its time zone, from the Clock port's now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar
from uuid import UUID

from pmsaas.domain.financial.aging import AgingRow, arrears_aging
from pmsaas.domain.financial.gstr1 import B2bRow, b2b_rows
from pmsaas.domain.financial.owner_statement import OwnerStatement, owner_statement
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.ports import FinancialUnitOfWork
from pmsaas.domain.financial.property_reports import IncomeExpenseRow, LeasePosition, income_and_expenses
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import NotFound, PermissionDenied, ValidationFailed

T = TypeVar("T")
MAX_PERIOD_DAYS = 366 * 3  # a report covers at most about three years at a time


@dataclass(frozen=True)
class Report(Generic[T]):
    currency: str
    as_of: date | None
    start: date | None
    end: date | None
    rows: list[T]


def require_manager(actor: Actor) -> None:
    if actor.is_tenant:
        raise PermissionDenied("tenants do not see the organization's reports")


def _this_month(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def resolve_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """Both missing: this month; one missing: the given one's month."""
    if start is None:
        start, end = _this_month(today) if end is None else (end.replace(day=1), end)
    elif end is None:
        end = _this_month(start)[1]
    check_period(start, end)
    return start, end


def check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed.single("to", "must not be before from")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed.single("to", "at most three years at a time")


async def _as_of(uow: FinancialUnitOfWork, actor: Actor, as_of: date | None, now: datetime) -> tuple[str, date]:
    profile = await uow.organization_profiles.get(actor.org)
    return profile.currency, as_of or local_today(profile.time_zone, now)


async def _require_property(uow: FinancialUnitOfWork, actor: Actor, property_id: UUID | None) -> dict[UUID, str]:
    """Another organization's property (or a random id) is 404, as every id of theirs."""
    names = await uow.reports.property_names(actor.org, property_id)
    if property_id is not None and property_id not in names:
        raise NotFound("property", property_id)
    return names


async def aging_report(
    *, uow: FinancialUnitOfWork, actor: Actor, as_of: date | None, now: datetime
) -> Report[AgingRow]:
    require_manager(actor)
    async with uow.read_only() as r:
        currency, day = await _as_of(r, actor, as_of, now)
        balances = await r.reports.receivable_balances(actor.org, day)
        owing = {b.tenant_id for b in balances if b.balance_minor > 0}
        charges = await r.reports.posted_charges(actor.org, day, owing) if owing else []
    return Report(currency, day, None, None, arrears_aging(balances, charges, day))


async def rent_roll(
    *, uow: FinancialUnitOfWork, actor: Actor, as_of: date | None, property_id: UUID | None, now: datetime
) -> Report[LeasePosition]:
    require_manager(actor)
    async with uow.read_only() as r:
        currency, day = await _as_of(r, actor, as_of, now)
        await _require_property(r, actor, property_id)
        rows = await r.reports.lease_positions(actor.org, day, scope="in_effect", property_id=property_id)
    return Report(currency, day, None, None, _by_place(rows))


async def deposits_held(
    *, uow: FinancialUnitOfWork, actor: Actor, as_of: date | None, property_id: UUID | None, now: datetime
) -> Report[LeasePosition]:
    require_manager(actor)
    async with uow.read_only() as r:
        currency, day = await _as_of(r, actor, as_of, now)
        await _require_property(r, actor, property_id)
        rows = await r.reports.lease_positions(actor.org, day, scope="deposits", property_id=property_id)
    return Report(currency, day, None, None, _by_place([p for p in rows if p.deposit_held_minor != 0]))


def _by_place(rows: list[LeasePosition]) -> list[LeasePosition]:
    return sorted(rows, key=lambda p: (p.property_name, p.unit_name, p.start_date, str(p.lease_id)))


async def income_expenses(
    *,
    uow: FinancialUnitOfWork,
    actor: Actor,
    start: date | None,
    end: date | None,
    property_id: UUID | None,
    now: datetime,
) -> Report[IncomeExpenseRow]:
    require_manager(actor)
    async with uow.read_only() as r:
        profile = await r.organization_profiles.get(actor.org)
        start, end = resolve_period(start, end, local_today(profile.time_zone, now))
        names = await _require_property(r, actor, property_id)
        movements = await r.reports.movements(actor.org, start, end, property_id)
    return Report(profile.currency, None, start, end, income_and_expenses(movements, names))


async def owner_statements(
    *,
    uow: FinancialUnitOfWork,
    actor: Actor,
    start: date | None,
    end: date | None,
    property_id: UUID | None,
    now: datetime,
) -> Report[OwnerStatement]:
    """One statement per property (or the one asked for), every live property included."""
    require_manager(actor)
    async with uow.read_only() as r:
        profile = await r.organization_profiles.get(actor.org)
        start, end = resolve_period(start, end, local_today(profile.time_zone, now))
        names = await _require_property(r, actor, property_id)
        before = await r.reports.movements(actor.org, None, start - timedelta(days=1), property_id)
        during = await r.reports.movements(actor.org, start, end, property_id)
        positions = await r.reports.lease_positions(actor.org, end, scope="all", property_id=property_id)
        collections = await r.reports.collections(actor.org, start, end, property_id)
        receipts = await r.reports.receipts(actor.org, start, end, property_id)
    statements = []
    for pid, name in sorted(names.items(), key=lambda kv: (kv[1], str(kv[0]))):
        mine = [p for p in positions if p.property_id == pid]
        statements.append(
            owner_statement(
                property_id=pid,
                property_name=name,
                start=start,
                end=end,
                movements_before=[m for m in before if m.property_id == pid],
                movements=[m for m in during if m.property_id == pid],
                collections=[c for c in collections if c.property_id == pid],
                receipts=[x for x in receipts if x.property_id == pid],
                receivable_minor=sum(p.receivable_minor for p in mine),
                deposits_held_minor=sum(p.deposit_held_minor for p in mine),
            )
        )
    return Report(profile.currency, None, start, end, statements)


async def gstr1_b2b(
    *, uow: FinancialUnitOfWork, actor: Actor, start: date | None, end: date | None, now: datetime
) -> Report[B2bRow]:
    """``start``/``end``: the first and last days of whole months (default: this month)."""
    require_manager(actor)
    async with uow.read_only() as r:
        profile = await r.organization_profiles.get(actor.org)
        start, end = resolve_period(start, end, local_today(profile.time_zone, now))
        recipients = await r.reports.gst_recipients(actor.org)
        invoices = await r.invoices.issued_between(actor.org, start, end) if recipients else []
    return Report(profile.currency, None, start, end, b2b_rows(invoices, recipients))
