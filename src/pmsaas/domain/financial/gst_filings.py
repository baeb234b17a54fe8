"""India's GST returns for a period: GSTR-1 (every table the books can fill) and the GSTR-3B figures.
Read-only use cases over the report query port; the figures come from the pure modules beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from pmsaas.domain.financial.gstr1 import B2bRow, Recipient, b2b_rows
from pmsaas.domain.financial.gstr1_advances import (
    AdvanceReceipt,
    AdvanceTables,
    AdvanceTax,
    adjusted_minor,
    advance_tables,
    received_minor,
)
from pmsaas.domain.financial.gstr1_documents import DocumentSeries, documents_issued
from pmsaas.domain.financial.gstr1_notes import net_credit_notes
from pmsaas.domain.financial.gstr1_tables import Gstr1Tables, TaxSums, _head, tables
from pmsaas.domain.financial.gstr3b import Gstr3b, gstr3b
from pmsaas.domain.financial.invoicing import LineInput, line_with_taxes
from pmsaas.domain.financial.manager_reports import require_manager, resolve_period
from pmsaas.domain.financial.model import ChargeType
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.ports import FinancialUnitOfWork, LeaseRef, OrganizationProfile
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import NotFound, ValidationFailed
from pmsaas.domain.shared.indian_states import gst_code
from pmsaas.domain.shared.money import Money


@dataclass(frozen=True)
class Gstr1Return:
    gstin: str  # the supplier's; empty when the organization has none on file
    currency: str
    start: date
    end: date
    b2b: list[B2bRow]
    tables: Gstr1Tables
    documents: list[DocumentSeries] = field(default_factory=list)  # table 13
    advances: AdvanceTables = field(default_factory=AdvanceTables)  # table 11

    @property
    def fp(self) -> str:
        """The GSTN return period, MMYYYY of the last month (a quarter's return: its last month)."""
        return self.end.strftime("%m%Y")


@dataclass(frozen=True)
class Gstr3bReturn:
    gstin: str
    currency: str
    start: date
    end: date
    figures: Gstr3b

    @property
    def ret_period(self) -> str:
        return self.end.strftime("%m%Y")


def _forward(rows: list[B2bRow]) -> list[TaxSums]:
    return [
        TaxSums(
            r.taxable_value_minor, r.tax_minor["IGST"], r.tax_minor["CGST"], r.tax_minor["SGST"], r.tax_minor["CESS"]
        )
        for r in rows
        if not r.reverse_charge
    ]


async def gstr3b_return(
    *, uow: FinancialUnitOfWork, actor: Actor, start: date | None, end: date | None, now: datetime
) -> Gstr3bReturn:
    """Tables 3.1 and 4 for whole months: the outward supplies of GSTR-1, the bills' tax; one read."""
    require_manager(actor)
    async with uow.read_only() as r:
        ret = await _gstr1(r, actor, start, end, now)
        bills = await r.reports.bill_taxes(actor.org, ret.start, ret.end)
    figures = gstr3b(ret.tables, _forward(ret.b2b), bills, ret.advances)
    return Gstr3bReturn(ret.gstin, ret.currency, ret.start, ret.end, figures)


async def gstr1_return(
    *, uow: FinancialUnitOfWork, actor: Actor, start: date | None, end: date | None, now: datetime
) -> Gstr1Return:
    require_manager(actor)
    async with uow.read_only() as r:
        return await _gstr1(r, actor, start, end, now)


async def _gstr1(
    r: FinancialUnitOfWork, actor: Actor, start: date | None, end: date | None, now: datetime
) -> Gstr1Return:
    profile = await r.organization_profiles.get(actor.org)
    if profile.country != "IN":
        raise ValidationFailed.single("organization", "GST returns are for an organization in India")
    start, end = resolve_period(start, end, local_today(profile.time_zone, now))
    places = await r.reports.supply_places(actor.org)
    invoices = await r.invoices.issued_between(actor.org, start, end) if places else []
    gstin = profile.gstin or ""
    supplier = gstin[:2] if gstin else gst_code(profile.province or "") or ""
    registered = {lease: who for lease, who in places.items() if who.gstin}
    figures = tables(invoices, places, supplier)
    notes = await r.credit_notes.issued_between(actor.org, start, end) if places else []
    credited = {i: await r.invoices.get(actor.org, i) for i in dict.fromkeys(n.invoice_id for n in notes)}
    net_credit_notes(figures, notes, credited, places, supplier)
    documents = documents_issued(await r.reports.documents_issued(actor.org, start, end, profile.time_zone))
    receipts = await r.reports.advance_receipts(actor.org, start, end, profile.time_zone) if places else []
    reported = [x for x in receipts if received_minor(x, start, end) or adjusted_minor(x, start, end)]
    advances = advance_tables(reported, await _advance_taxes(r, profile, reported, places), start, end)
    b2b = b2b_rows(invoices, registered)
    return Gstr1Return(gstin, profile.currency, start, end, b2b, figures, documents, advances)


async def _advance_taxes(
    r: FinancialUnitOfWork,
    profile: OrganizationProfile,
    receipts: list[AdvanceReceipt],
    places: dict[UUID, Recipient],
) -> dict[UUID, AdvanceTax]:
    """Per payment, the tax the supplier charges on the lease's rent on the day of receipt: the
    supply the advance pays for. None (left out): exempt rent, rent on reverse charge."""
    leases: dict[UUID, LeaseRef | None] = {}
    out: dict[UUID, AdvanceTax] = {}
    for receipt in receipts:
        if receipt.lease_id not in leases:
            try:
                leases[receipt.lease_id] = await r.lease_directory.get(profile.id, receipt.lease_id)
            except NotFound:
                leases[receipt.lease_id] = None
        lease, place = leases[receipt.lease_id], places.get(receipt.lease_id)
        if lease is None or place is None or receipt.amount_minor <= 0:
            continue
        advance = LineInput("Advance", Money.from_minor(receipt.amount_minor, receipt.currency), ChargeType.RENT)
        try:
            taxes = line_with_taxes(profile, lease, advance, receipt.received_on).taxes
        except ValidationFailed:  # the engine cannot tax the lease's rent (no State): nor was its rent invoiced
            continue
        if not taxes or any(t.payable_by != "supplier" for t in taxes) or all(t.rate == 0 for t in taxes):
            continue
        heads = tuple((_head(t.tax), t.rate) for t in taxes)
        out[receipt.payment_id] = AdvanceTax(gst_code(place.property_region) or "", heads)
    return out
