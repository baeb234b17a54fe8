"""India's GST returns for a period: GSTR-1 (every table the books can fill) and the GSTR-3B figures.
Read-only use cases over the report query port; the figures come from the pure modules beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from pmsaas.domain.financial.gstr1 import B2bRow, b2b_rows
from pmsaas.domain.financial.gstr1_documents import DocumentSeries, documents_issued
from pmsaas.domain.financial.gstr1_notes import net_credit_notes
from pmsaas.domain.financial.gstr1_tables import Gstr1Tables, TaxSums, tables
from pmsaas.domain.financial.gstr3b import Gstr3b, gstr3b
from pmsaas.domain.financial.manager_reports import require_manager, resolve_period
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.ports import FinancialUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.indian_states import gst_code


@dataclass(frozen=True)
class Gstr1Return:
    gstin: str  # the supplier's; empty when the organization has none on file
    currency: str
    start: date
    end: date
    b2b: list[B2bRow]
    tables: Gstr1Tables
    documents: list[DocumentSeries] = field(default_factory=list)  # table 13

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
    figures = gstr3b(ret.tables, _forward(ret.b2b), bills)
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
    documents = documents_issued(await r.reports.documents_issued(actor.org, start, end))
    return Gstr1Return(gstin, profile.currency, start, end, b2b_rows(invoices, registered), figures, documents)
