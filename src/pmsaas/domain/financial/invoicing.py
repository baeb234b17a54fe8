"""Invoice use cases: drafts, issue (number, ledger posting, tenant credit), send, cancel; the
taxes on each line.

Each use case is one transaction on the unit of work it is given: the invoice, its journal entry,
the number counters and the outbox events commit together or not at all.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from pmsaas.domain.financial.credit import CreditApplication, apply_credits
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceStatus, InvoiceTax, Payment
from pmsaas.domain.financial.numbering import fiscal_year, format_number
from pmsaas.domain.financial.periods import local_today, service_period
from pmsaas.domain.financial.ports import (
    FinancialUnitOfWork,
    InvoiceFilter,
    LeaseRef,
    OrganizationProfile,
    PaymentFilter,
)
from pmsaas.domain.financial.scoping import check_visible, visible_tenants
from pmsaas.domain.financial.tax import calculate_line_taxes
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    description: str
    amount: Money
    charge_type: ChargeType = ChargeType.OTHER
    supply_type: str | None = None


@dataclass(frozen=True)
class InvoiceInput:
    lease_id: UUID
    issue_date: date
    due_date: date
    lines: list[LineInput]
    notes: str | None = None
    period: str | None = None  # the month whose rent it bills; default: the due date's month (rent only)


# -- taxes on invoice lines --------------------------------------------------------------------

# A line's ceiling: 100 lines with tax stay far inside the 64-bit minor units the books keep.
MAX_LINE_AMOUNT = Decimal(10) ** 12
_TAXED_COUNTRIES = frozenset({"IN", "CA"})  # the engine taxes property supplies there (not the US)
RESERVE_FUND_SUPPLY = "society_maintenance"  # the reserve fund part of the common expenses
_DEFAULT_SUPPLY = {"residential": "residential_rent", "mixed_use": "residential_rent", "commercial": "commercial_rent"}


def line_with_taxes(profile: OrganizationProfile, lease: LeaseRef, line: LineInput, on: date) -> InvoiceLine:
    """The engine's tax lines for one invoice line, for the organization's country.

    Rent defaults to residential or commercial rent by the property's type. Deposits are not a
    supply: no tax lines, as a line of type ``other`` without a supply type (manual invoices refuse
    one on a commercial lease). A late fee on delayed rent follows the rent in India: the value of a
    supply includes a late fee for delayed payment of its consideration (CGST Act s.15(2)(d);
    Circular 178/10/2022-GST: taxed as part of the principal supply), so it is taxed, exempt or on
    reverse charge exactly as the lease's rent. Elsewhere it stays untaxed (Canada: not
    consideration for a supply, ETA s.161; docs/gst-returns.md).
    Society maintenance is exempt (entry 77(c)) only when a housing society bills its members; a
    landlord's maintenance charge to a tenant is a real-estate service (heading 9972), taxed as a
    property-management fee (18 %).
    A condominium's reserve fund line is part of its common expenses: taxed as they are
    (``society_maintenance``; in Canada exempt, ETA Sch. V Pt I s.13).
    """
    supply = line.supply_type
    if supply is None and line.charge_type == ChargeType.RESERVE_FUND:
        supply = RESERVE_FUND_SUPPLY
    follows_rent = line.charge_type == ChargeType.LATE_FEE and profile.country == "IN"
    if supply is None and (line.charge_type == ChargeType.RENT or follows_rent):
        supply = _DEFAULT_SUPPLY.get(lease.property_type, "residential_rent")
    untaxed = line.charge_type == ChargeType.DEPOSIT or (line.charge_type == ChargeType.LATE_FEE and not follows_rent)
    if supply is None or untaxed:
        return InvoiceLine(line.description, line.amount, line.charge_type, supply if not untaxed else None, ())
    taxed_as = supply
    if supply == "society_maintenance" and profile.country == "IN" and not profile.is_housing_society:
        taxed_as = "property_management_fee"
    result = calculate_line_taxes(
        country=profile.country,
        amount=line.amount,
        supply_type=taxed_as,
        supply_date=on,
        province=lease.property_region if profile.country == "CA" else None,
        commercial_property=lease.property_type == "commercial",
        supplier_state=profile.province,
        property_state=lease.property_region if profile.country == "IN" else None,
        supplier_registered=profile.gst_registered,
        recipient_gstin=lease.tenant_gstin,
        recipient_registered=bool(lease.tenant_gstin),
        recipient_personal_residence=False,
    )
    taxes = tuple(InvoiceTax(t.tax, t.rate, t.amount, t.payable_by, t.jurisdiction) for t in result.lines)
    return InvoiceLine(line.description, line.amount, line.charge_type, supply, taxes)


def _check_lines(profile: OrganizationProfile, lease: LeaseRef, data: InvoiceInput) -> None:
    problems: list[FieldProblem] = []
    if not data.lines:
        problems.append(FieldProblem("lines", "an invoice needs at least one line"))
    for i, line in enumerate(data.lines):
        if line.amount.currency != profile.currency:
            problems.append(FieldProblem(f"lines.{i}.amount.currency", f"must be {profile.currency}"))
        if not line.amount.is_positive:
            problems.append(FieldProblem(f"lines.{i}.amount.amount", "must be positive"))
        elif line.amount.amount > MAX_LINE_AMOUNT:
            problems.append(FieldProblem(f"lines.{i}.amount.amount", f"must be at most {MAX_LINE_AMOUNT:.2f}"))
        if not line.description.strip():
            problems.append(FieldProblem(f"lines.{i}.description", "must not be blank"))
        if (
            line.charge_type == ChargeType.OTHER
            and line.supply_type is None
            and lease.property_type == "commercial"
            and profile.country in _TAXED_COUNTRIES
        ):
            # Charged at 0 % silently otherwise: on commercial premises most charges are taxable.
            problems.append(
                FieldProblem(
                    f"lines.{i}.supply_type",
                    "is required for an 'other' charge on a commercial lease (e.g. property_management_fee, "
                    "repair_service, commercial_rent): it decides the tax",
                )
            )
        if line.charge_type == ChargeType.RESERVE_FUND and line.supply_type not in (None, RESERVE_FUND_SUPPLY):
            problems.append(
                FieldProblem(
                    f"lines.{i}.supply_type",
                    f"a reserve fund line is part of the common expenses: {RESERVE_FUND_SUPPLY} or none",
                )
            )
    if data.due_date < data.issue_date:
        problems.append(FieldProblem("due_date", "must not be before issue_date"))
    if lease.currency != profile.currency and not problems:
        problems.append(FieldProblem("lease_id", f"the lease is in {lease.currency}, not {profile.currency}"))
    if problems:
        raise ValidationFailed(problems)


async def _build_lines(
    uow: FinancialUnitOfWork, actor: Actor, data: InvoiceInput
) -> tuple[OrganizationProfile, LeaseRef, list[InvoiceLine]]:
    profile = await uow.organization_profiles.get(actor.org)
    lease = await uow.lease_directory.get(actor.org, data.lease_id)
    _check_lines(profile, lease, data)
    lines = [line_with_taxes(profile, lease, line, data.issue_date) for line in data.lines]
    return profile, lease, lines


async def _invoice_number(uow: FinancialUnitOfWork, profile: OrganizationProfile, on: date) -> str:
    fy = fiscal_year(profile.country, on)
    seq = await uow.sequences.next(profile.id, "invoice", fy)
    return format_number(profile.invoice_numbering, fy=fy, seq=seq)


# -- invoices ---------------------------------------------------------------------------------


async def create_invoice(
    *, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, data: InvoiceInput, issue: bool = False
) -> Invoice:
    now = clock.now()
    async with uow:
        profile, lease, lines = await _build_lines(uow, actor, data)
        invoice = Invoice(
            organization_id=actor.org,
            lease_id=lease.id,
            tenant_id=lease.tenant_id,
            currency=profile.currency,
            issue_date=data.issue_date,
            due_date=data.due_date,
            lines=lines,
            notes=data.notes,
            service_period=service_period(lines, data.due_date, data.period),
            created_at=now,
            updated_at=now,
        )
        if issue:
            entry = invoice.issue(
                number=await _invoice_number(uow, profile, invoice.issue_date),
                at=now,
                round_off=profile.rounds_invoices,
                property_id=lease.property_id,
            )
            applied = await _take_credit(uow, invoice, now)
            await uow.invoices.add(invoice)
            await uow.ledger.post(entry)
            await uow.payments.apply_credits(invoice.organization_id, applied, now)
        else:
            await uow.invoices.add(invoice)
        uow.record(invoice.event("invoice.created", now))
        if invoice.status == InvoiceStatus.PAID:
            uow.record(invoice.event("invoice.paid", now))
        await uow.commit()
    return invoice


async def update_invoice(
    *, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, invoice_id: UUID, data: InvoiceInput
) -> Invoice:
    now = clock.now()
    async with uow:
        current = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        current.require_draft("edit")
        _, lease, lines = await _build_lines(uow, actor, data)
        updated = replace(
            current,
            lease_id=lease.id,
            tenant_id=lease.tenant_id,
            issue_date=data.issue_date,
            due_date=data.due_date,
            lines=lines,
            notes=data.notes,
            service_period=service_period(lines, data.due_date, data.period),
            updated_at=now,
            version=current.version + 1,
        )
        await uow.invoices.update(updated, expected_version=current.version)
        uow.record(updated.event("invoice.updated", now))
        await uow.commit()
    return updated


async def delete_invoice(*, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, invoice_id: UUID) -> None:
    now = clock.now()
    async with uow:
        current = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        current.require_draft("delete")
        await uow.invoices.delete(actor.org, invoice_id)
        uow.record(current.event("invoice.deleted", now))
        await uow.commit()


async def issue_invoice(*, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, invoice_id: UUID) -> Invoice:
    now = clock.now()
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        await _issue(uow, invoice, actor.org, now)
        await uow.commit()
    return invoice


async def _issue(uow: FinancialUnitOfWork, invoice: Invoice, org: UUID, now: datetime) -> None:
    invoice.require_draft("issue")
    profile = await uow.organization_profiles.get(org)
    version = invoice.version
    property_id = None
    if any(line.charge_type == ChargeType.RESERVE_FUND for line in invoice.lines):
        lease = await uow.lease_directory.get(org, invoice.lease_id)
        property_id = lease.property_id if lease is not None else None
    entry = invoice.issue(
        number=await _invoice_number(uow, profile, invoice.issue_date),
        at=now,
        round_off=profile.rounds_invoices,
        property_id=property_id,
    )
    applied = await _take_credit(uow, invoice, now)
    invoice.version += 1
    await uow.invoices.update(invoice, expected_version=version)
    await uow.ledger.post(entry)
    await uow.payments.apply_credits(org, applied, now)
    uow.record(invoice.event("invoice.issued", now))
    if invoice.status == InvoiceStatus.PAID:
        uow.record(invoice.event("invoice.paid", now))


async def _take_credit(uow: FinancialUnitOfWork, invoice: Invoice, now: datetime) -> list[CreditApplication]:
    """The lease's tenant credit (unallocated payments, oldest first) applied to a just-issued
    invoice, in the issuing transaction. No journal entry: the credit already sits on the tenant's
    receivable. The payments are locked after the invoice counter (as the billing run does)."""
    credits = await uow.payments.credits(invoice.organization_id, invoice.lease_id)
    return apply_credits(invoice, credits.get(invoice.lease_id, []), now)


class InvoiceMailing(ABC):
    """Queues the e-mail of invoices just marked sent, in the transaction that marks them (the flows
    write it as a durable delivery, sent after the commit: ``domain/flows/invoice_mail.py``)."""

    @abstractmethod
    async def queue(self, uow: FinancialUnitOfWork, sent: list[tuple[Invoice, LeaseRef]], now: datetime) -> None:
        """Each (invoice, its lease) is numbered and its tenant has an e-mail address."""


async def send_invoice(
    *,
    uow: FinancialUnitOfWork,
    clock: Clock,
    actor: Actor,
    invoice_id: UUID,
    mailing: InvoiceMailing,
) -> Invoice:
    """Issues a draft, marks it sent and queues its e-mail (PDF attached), in one transaction.

    A rolled-back send mails nothing; a committed one is mailed even if the process dies right after
    (the queued delivery). Sending again queues it again (no new number, no posting).
    """
    now = clock.now()
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        lease = await uow.lease_directory.get(actor.org, invoice.lease_id)
        if not lease.tenant_email:
            raise ValidationFailed.single("tenant.email", "the tenant has no e-mail address")
        if invoice.status == InvoiceStatus.DRAFT:
            await _issue(uow, invoice, actor.org, now)
        version = invoice.version
        invoice.mark_sent(now)
        invoice.version += 1
        await uow.invoices.update(invoice, expected_version=version)
        uow.record(invoice.event("invoice.sent", now))
        await mailing.queue(uow, [(invoice, lease)], now)
        await uow.commit()
    return invoice


async def cancel_invoice(*, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, invoice_id: UUID) -> Invoice:
    now = clock.now()
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        version = invoice.version
        if invoice.cancel(now):
            original = await uow.ledger.entry_for(actor.org, "invoice", invoice.id)
            today = local_today((await uow.organization_profiles.get(actor.org)).time_zone, now)
            await uow.ledger.post(original.reversal(at=now, on=today, source_type="invoice_cancel"))
        invoice.version += 1
        await uow.invoices.update(invoice, expected_version=version)
        uow.record(invoice.event("invoice.cancelled", now))
        await uow.commit()
    return invoice


async def get_invoice(*, uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID) -> Invoice:
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id)
        check_visible(await visible_tenants(uow, actor), invoice.tenant_id, "invoice", invoice_id)
        return invoice


async def list_invoices(
    *, uow: FinancialUnitOfWork, actor: Actor, filters: InvoiceFilter, page: PageRequest
) -> Page[Invoice]:
    async with uow.read_only() as reader:
        visible = await visible_tenants(reader, actor)
        return await reader.invoice_list.page(actor.org, replace(filters, tenant_ids=visible), page)


async def organization_profile(*, uow: FinancialUnitOfWork, actor: Actor) -> OrganizationProfile:
    async with uow:
        return await uow.organization_profiles.get(actor.org)


async def invoice_payments(*, uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID) -> list[Payment]:
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id)
        check_visible(await visible_tenants(uow, actor), invoice.tenant_id, "invoice", invoice_id)
        page = await uow.payments.list(
            actor.org, PaymentFilter(invoice_id=invoice_id), PageRequest(page=1, page_size=100)
        )
        return page.items
