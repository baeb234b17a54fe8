"""TDS report rows per quarter of India's fiscal year, totals per section, CSV. Pure.

Rows come from what was posted: a payment's or an expense's TDS record joined with the net of its
ledger lines on ``tds_receivable`` (received) / ``tds_payable`` (deducted). A refund returns cash
only, so a refunded payment keeps its TDS row; a reversed posting nets to zero and is left out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from pmsaas.domain.financial.tds import quarter_bounds, quarter_of
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.money import Money

if TYPE_CHECKING:  # type-only: the ports module imports this one's report rows
    from pmsaas.domain.financial.ports import FinancialUnitOfWork


@dataclass(frozen=True)
class TdsReportRow:
    direction: str  # received | deducted
    party_name: str | None  # deductor (tenant) for received, payee (vendor) for deducted
    pan_number: str | None
    section: str
    act_version: str | None
    section_ref: str | None
    amount: Money  # paid or credited: received, the rent TDS was deducted on; deducted, the expense
    tds: Money  # as posted
    rate: Decimal | None
    deduction_date: date
    certificate_number: str | None
    source_type: str  # payment | expense
    source_id: UUID

    @property
    def quarter(self) -> str:
        """Q1..Q4 of India's fiscal year the deduction falls in."""
        return quarter_of(self.deduction_date)[1]


@dataclass(frozen=True)
class TdsTotal:
    direction: str
    section: str
    count: int
    amount: Money
    tds: Money


def totals(rows: list[TdsReportRow], currency: str) -> list[TdsTotal]:
    """Per (direction, section), in that order."""
    acc: dict[tuple[str, str], tuple[int, Money, Money]] = {}
    for r in rows:
        n, amount, tds = acc.get((r.direction, r.section), (0, Money.zero(currency), Money.zero(currency)))
        acc[(r.direction, r.section)] = (n + 1, amount + r.amount, tds + r.tds)
    return [TdsTotal(d, s, n, a, t) for (d, s), (n, a, t) in sorted(acc.items())]


CSV_HEADER = [
    "direction",
    "quarter",
    "date",
    "party_name",
    "pan_number",
    "tds_section",
    "act_version",
    "section_ref",
    "amount",
    "tds_rate",
    "tds_amount",
    "currency",
    "tds_certificate_number",
    "source_type",
    "source_id",
]


def to_csv(rows: list[TdsReportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow(
            [
                r.direction,
                r.quarter,
                r.deduction_date.isoformat(),
                r.party_name or "",
                r.pan_number or "",
                r.section,
                r.act_version or "",
                r.section_ref or "",
                str(r.amount),
                "" if r.rate is None else format(r.rate.normalize(), "f"),
                str(r.tds),
                r.tds.currency,
                r.certificate_number or "",
                r.source_type,
                str(r.source_id),
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class TdsReport:
    fy: str
    quarter: str | None  # None: the whole fiscal year
    start: date
    end: date
    currency: str
    rows: list[TdsReportRow]
    totals: list[TdsTotal]


async def tds_report(
    *, uow: FinancialUnitOfWork, actor: Actor, fy: str | None, quarter: str | None, direction: str | None, today: date
) -> TdsReport:
    """The organization's posted TDS in a quarter (or the whole fiscal year) of India's April–March year."""
    fy = fy or quarter_of(today)[0]
    start, end = quarter_bounds(fy, quarter)
    async with uow:
        profile = await uow.organization_profiles.get(actor.org)
        rows = await uow.tds.report(actor.org, start, end, direction)
    return TdsReport(fy, quarter, start, end, profile.currency, rows, totals(rows, profile.currency))
