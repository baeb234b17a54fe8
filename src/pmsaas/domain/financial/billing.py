"""The rent billing run: each active lease's invoice for a period, exactly once.

* One transaction per organization. It first locks the organization's invoice counter for the
  fiscal year (concurrent runs of one organization queue there), then skips the leases that already
  have their invoice for the period, then numbers the new invoices as one consecutive block.
* The unique (organization, lease, period) constraint is the last line of defence: if a lease was
  billed anyway (insert-or-skip skips it; on PostgreSQL the COPY fails), the transaction rolls back
  (no number is lost) — rerun.
* Invoices, their lines, their journal entries and their events are written in bulk, in batches
  (``FinancialUnitOfWork.billing``: COPY on PostgreSQL, bulk statements on SQLite).
* Taxes: the engine runs once per distinct tax situation of the run (see :class:`_RunTaxes`).
* Late fees: for every open invoice of the lease still unpaid after its due date + grace days on
  the run date, the lease's late-fee terms add a ``late_fee`` line to the period's invoice (so a
  fee is charged once per billing period an invoice stays overdue).
* The issue date is the run date; each rent line is taxed at its due date. The invoice is due on
  its first charge's due date, or on the issue date when the run comes later (never due before issued).
* An organization with ``invoice_round_off`` (India) has each invoice rounded to the rupee at issue.
* With ``mailing`` (the scheduled run, ``POST .../billing-runs``), each new invoice whose tenant has
  an e-mail address is marked sent and its e-mail queued in the same transaction (``InvoiceMailing``):
  a run that commits mails its invoices, even if the process dies right after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from pmsaas.domain.financial.credit import CreditApplication, apply_credits
from pmsaas.domain.financial.invoicing import InvoiceMailing, LineInput, line_with_taxes
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceStatus, InvoiceTax
from pmsaas.domain.financial.numbering import fiscal_year, format_number
from pmsaas.domain.financial.periods import local_today, parse_period
from pmsaas.domain.financial.ports import (
    BillableLease,
    FinancialUnitOfWork,
    IssuedBatch,
    LeaseRef,
    OrganizationProfile,
)
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, DomainError
from pmsaas.domain.shared.events import DomainEvent

__all__ = ["BillingSummary", "bill_leases", "parse_period"]

_CHARGE = {
    "rent": ChargeType.RENT,
    "deposit": ChargeType.DEPOSIT,
    "late_fee": ChargeType.LATE_FEE,
    "reserve_fund": ChargeType.RESERVE_FUND,
}


# Supply types whose tax the engine decides without looking at the amount (no threshold: docs/tax-rules.md
# §2.3, §2.4 and the Canadian rent rules), each head being ``round_half_up(amount × rate / 100)``.
# Society maintenance and short stays have per-flat / per-day limits: never reused.
_AMOUNT_FREE_SUPPLIES = frozenset({"residential_rent", "commercial_rent"})
_ISSUE_BATCH = 50  # invoices issued between two turns of the writer


class _RunTaxes:
    """``line_with_taxes`` for one run, the engine asked once per distinct tax situation.

    A situation is everything the engine reads besides the amount: the organization (fixed per
    instance), the line's charge and supply type, the property's type and region, the tenant's
    GSTIN, the date and the currency. When the engine's answer for an amount-free supply type is
    exactly its heads applied to the amount, the next line of the same situation gets those heads
    applied to its own amount (the same ``Money.percent`` the engine uses); anything else (another
    supply type, a negative amount, an error) goes to the engine every time.
    """

    def __init__(self, profile: OrganizationProfile) -> None:
        self._profile = profile
        self._heads: dict[tuple[object, ...], tuple[str | None, tuple[InvoiceTax, ...]]] = {}

    def line(self, lease: LeaseRef, line: LineInput, on: date) -> InvoiceLine:
        amount = line.amount
        key = (
            line.charge_type,
            line.supply_type,
            lease.property_type,
            lease.property_region,
            lease.tenant_gstin,
            on,
            amount.currency,
        )
        known = self._heads.get(key)
        if known is not None and amount.amount >= 0:
            supply, heads = known
            taxes = tuple(
                InvoiceTax(t.tax, t.rate, amount.percent(t.rate), t.payable_by, t.jurisdiction) for t in heads
            )
            return InvoiceLine(line.description, amount, line.charge_type, supply, taxes)
        result = line_with_taxes(self._profile, lease, line, on)
        if (
            result.supply_type in _AMOUNT_FREE_SUPPLIES
            and amount.amount >= 0
            and all(t.amount == amount.percent(t.rate) for t in result.taxes)
        ):
            self._heads[key] = (result.supply_type, result.taxes)
        return result


@dataclass
class BillingSummary:
    period: str
    created: int = 0
    skipped: int = 0  # already billed
    late_fees: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # lease id -> reason
    organizations: int = 0
    invoice_ids: list[UUID] = field(default_factory=list)  # the invoices this run created
    mailed: int = 0  # marked sent, their e-mail queued (with ``mailing``)
    not_mailed: int = 0  # created, but their tenant has no e-mail address


async def bill_leases(
    *,
    uow_factory: Callable[[], FinancialUnitOfWork],
    clock: Clock,
    period: str,
    leases: list[BillableLease],
    mailing: InvoiceMailing | None = None,
) -> BillingSummary:
    """Invoice ``leases`` (what each owes for ``period``, in numbering order), one transaction per
    organization. The rent run (``pmsaas.domain.flows.rent_billing``) says what is due."""
    parse_period(period)
    summary = BillingSummary(period=period)
    by_org: dict[UUID, list[BillableLease]] = {}
    for b in leases:
        by_org.setdefault(b.lease.organization_id, []).append(b)
    for org, items in by_org.items():
        summary.organizations += 1
        await _bill_organization(uow_factory(), clock, period, org, items, summary, mailing)
    return summary


async def _bill_organization(
    uow: FinancialUnitOfWork,
    clock: Clock,
    period: str,
    org: UUID,
    items: list[BillableLease],
    summary: BillingSummary,
    mailing: InvoiceMailing | None = None,
) -> None:
    now = clock.now()
    async with uow:
        profile = await uow.organization_profiles.get(org)
        today = local_today(profile.time_zone, now)  # the organization's day: issue dates, fees, the year
        fy = fiscal_year(profile.country, today)
        await uow.sequences.reserve(org, "invoice", fy, 0)  # serializes runs of this organization
        billed = await uow.invoices.billed_leases(org, period)
        overdue: dict[UUID, list[Invoice]] = {}
        for inv in await uow.invoices.open_due_before(org, today):
            overdue.setdefault(inv.lease_id, []).append(inv)
        invoices: list[Invoice] = []
        late_fees = 0
        taxes = _RunTaxes(profile)
        for b in items:
            if b.lease.id in billed:
                summary.skipped += 1
                continue
            try:
                lines = [
                    taxes.line(
                        b.lease,
                        LineInput(c.description, c.amount, _CHARGE.get(c.charge_type, ChargeType.OTHER), c.supply_type),
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
            # Never due before it is issued: a run after the rent day makes it due on the issue date
            # (docs/financial.md, "Billing run"); the late-fee grace counts from there.
            due = max(min((c.due_date for c in b.charges), default=today), today)
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
        round_off, numbering = profile.rounds_invoices, profile.invoice_numbering
        # Tenant credit: one read (and lock) for the whole organization's payments holding some.
        credits = await uow.payments.credits(org)
        applied: list[CreditApplication] = []
        refs = {b.lease.id: b.lease for b in items}
        sent: list[tuple[Invoice, LeaseRef]] = []

        def issued() -> Iterator[IssuedBatch]:
            # Issued a few at a time: the writer works on the database while the next ones are issued.
            for start in range(0, len(invoices), _ISSUE_BATCH):
                batch = invoices[start : start + _ISSUE_BATCH]
                entries = [
                    inv.issue(
                        number=format_number(numbering, fy=fy, seq=first + start + i),
                        at=now,
                        round_off=round_off,
                        property_id=refs[inv.lease_id].property_id,
                    )
                    for i, inv in enumerate(batch)
                ]
                events = [inv.event("invoice.created", now) for inv in batch]
                if credits:
                    for inv in batch:
                        lease_credits = credits.get(inv.lease_id)
                        if lease_credits:
                            applied.extend(apply_credits(inv, lease_credits, now))
                            if inv.status == InvoiceStatus.PAID:
                                events.append(inv.event("invoice.paid", now))
                if mailing is not None:
                    events.extend(_mark_sent(batch, refs, now, sent))
                yield IssuedBatch(batch, entries, events)

        if await uow.billing.add_issued(issued()) != len(invoices):
            raise Conflict("another billing run billed some of these leases meanwhile; run again")
        await uow.payments.apply_credits(org, applied, now)
        if mailing is not None and sent:
            await mailing.queue(uow, sent, now)
        await uow.commit()
    summary.mailed += len(sent)
    summary.not_mailed += len(invoices) - len(sent) if mailing is not None else 0
    summary.created += len(invoices)
    summary.invoice_ids.extend(inv.id for inv in invoices)
    summary.late_fees += late_fees


def _mark_sent(
    batch: list[Invoice], refs: dict[UUID, LeaseRef], now: datetime, sent: list[tuple[Invoice, LeaseRef]]
) -> list[DomainEvent]:
    """The batch's invoices that can be e-mailed (their tenant has an address), marked sent."""
    events = []
    for inv in batch:
        ref = refs[inv.lease_id]
        if ref.tenant_email:
            inv.mark_sent(now)
            events.append(inv.event("invoice.sent", now))
            sent.append((inv, ref))
    return events
