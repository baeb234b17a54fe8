"""The rent billing run: each active lease's invoice for a period, exactly once.

* One transaction per organization. It first locks the organization's invoice counter for the
  fiscal year (concurrent runs of one organization queue there), then skips the leases that already
  have their invoice for the period, then numbers the new invoices as one consecutive block.
* The unique (organization, lease, period) constraint and insert-or-skip are the last line of
  defence: if a row is skipped anyway, the transaction rolls back (no number is lost) — rerun.
* Invoices, their lines and their journal entries are written with bulk statements.
* Late fees: for every open invoice of the lease still unpaid after its due date + grace days on
  the run date, the lease's late-fee terms add a ``late_fee`` line to the period's invoice (so a
  fee is charged once per billing period an invoice stays overdue).
* The issue date is the run date; each rent line is taxed at its due date.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, fiscal_year, format_number
from pmsaas.domain.financial.ports import BillableLease, FinancialUnitOfWork
from pmsaas.domain.financial.services import LineInput, line_with_taxes
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, DomainError, ValidationFailed

_CHARGE = {"rent": ChargeType.RENT, "deposit": ChargeType.DEPOSIT, "late_fee": ChargeType.LATE_FEE}


def parse_period(period: str) -> tuple[date, date]:
    try:
        year, month = (int(x) for x in period.split("-"))
        start = date(year, month, 1)
    except (ValueError, TypeError):
        raise ValidationFailed.single("period", "must be YYYY-MM, e.g. 2026-12") from None
    if len(period) != 7:
        raise ValidationFailed.single("period", "must be YYYY-MM, e.g. 2026-12")
    return start, start.replace(day=calendar.monthrange(year, month)[1])


@dataclass
class BillingSummary:
    period: str
    created: int = 0
    skipped: int = 0  # already billed
    late_fees: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # lease id -> reason
    organizations: int = 0


async def run_billing(
    *,
    uow_factory: Callable[[], FinancialUnitOfWork],
    clock: Clock,
    period: str,
    organization_id: UUID | None = None,
) -> BillingSummary:
    start, end = parse_period(period)
    summary = BillingSummary(period=period)
    async with uow_factory() as uow:
        billable = await uow.lease_directory.billable(organization_id, start, end)
    by_org: dict[UUID, list[BillableLease]] = {}
    for b in billable:
        by_org.setdefault(b.lease.organization_id, []).append(b)
    for org, items in by_org.items():
        summary.organizations += 1
        await _bill_organization(uow_factory(), clock, period, org, items, summary)
    return summary


async def _bill_organization(
    uow: FinancialUnitOfWork,
    clock: Clock,
    period: str,
    org: UUID,
    items: list[BillableLease],
    summary: BillingSummary,
) -> None:
    now = clock.now()
    today = now.date()
    async with uow:
        profile = await uow.organization_profiles.get(org)
        fy = fiscal_year(profile.country, today)
        await uow.sequences.reserve(org, "invoice", fy, 0)  # serializes runs of this organization
        billed = await uow.invoices.billed_leases(org, period)
        overdue: dict[UUID, list[Invoice]] = {}
        for inv in await uow.invoices.open_due_before(org, today):
            overdue.setdefault(inv.lease_id, []).append(inv)
        invoices: list[Invoice] = []
        late_fees = 0
        for b in items:
            if b.lease.id in billed:
                summary.skipped += 1
                continue
            try:
                lines = [
                    line_with_taxes(
                        profile,
                        b.lease,
                        LineInput(c.description, c.amount, _CHARGE.get(c.charge_type, ChargeType.OTHER)),
                        c.due_date,
                    )
                    for c in b.charges
                ]
                if b.late_fee is not None:
                    for old in overdue.get(b.lease.id, []):
                        fee = b.late_fee(old.balance_due, old.due_date, today)
                        if fee is not None:
                            lines.append(InvoiceLine(f"Late fee on {old.number}", fee, ChargeType.LATE_FEE))
                            late_fees += 1
            except DomainError as exc:
                summary.failed[str(b.lease.id)] = exc.message
                continue
            if not lines:
                continue
            due = min((c.due_date for c in b.charges), default=today)
            invoices.append(
                Invoice(
                    organization_id=org,
                    lease_id=b.lease.id,
                    tenant_id=b.lease.tenant_id,
                    currency=b.lease.currency,
                    issue_date=today,
                    due_date=due,
                    lines=lines,
                    period=period,
                    created_at=now,
                    updated_at=now,
                )
            )
        if not invoices:
            return
        first = await uow.sequences.reserve(org, "invoice", fy, len(invoices))
        entries = [
            inv.issue(number=format_number(profile.invoice_number_format, fy=fy, seq=first + i), at=now)
            for i, inv in enumerate(invoices)
        ]
        inserted = await uow.invoices.add_many(invoices)
        if len(inserted) != len(invoices):
            raise Conflict("another billing run billed some of these leases meanwhile; run again")
        await uow.ledger.post_many(entries)
        for inv in invoices:
            uow.record(inv.event("invoice.created", now))
        await uow.commit()
    summary.created += len(invoices)
    summary.late_fees += late_fees
