"""India's GST returns for a period: GSTR-1 (every table the books can fill) and the GSTR-3B figures.
Read-only use cases over the report query port; the figures come from the pure modules beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pmsaas.domain.financial.gstr1 import B2bRow, b2b_rows
from pmsaas.domain.financial.gstr1_tables import Gstr1Tables, tables
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

    @property
    def fp(self) -> str:
        """The GSTN return period, MMYYYY of the last month (a quarter's return: its last month)."""
        return self.end.strftime("%m%Y")


async def gstr1_return(
    *, uow: FinancialUnitOfWork, actor: Actor, start: date | None, end: date | None, now: datetime
) -> Gstr1Return:
    require_manager(actor)
    async with uow.read_only() as r:
        profile = await r.organization_profiles.get(actor.org)
        if profile.country != "IN":
            raise ValidationFailed.single("organization", "GSTR-1 is for an organization in India")
        start, end = resolve_period(start, end, local_today(profile.time_zone, now))
        places = await r.reports.supply_places(actor.org)
        invoices = await r.invoices.issued_between(actor.org, start, end) if places else []
    gstin = profile.gstin or ""
    supplier = gstin[:2] if gstin else gst_code(profile.province or "") or ""
    registered = {lease: who for lease, who in places.items() if who.gstin}
    return Gstr1Return(
        gstin, profile.currency, start, end, b2b_rows(invoices, registered), tables(invoices, places, supplier)
    )
