"""In-memory adapter of the financial context's TDS port: one TDS record per payment or expense in
``FakeDatabase.tds_records`` (as the SQL table's rows beside their source), the 194C aggregates summed
from them, and the report joined with what the journal posted to the TDS accounts."""

from __future__ import annotations

import copy
import itertools
from datetime import date
from uuid import UUID

from fakes.store import FakeDatabase
from pmsaas.domain.financial.ports import TdsRepository
from pmsaas.domain.financial.tds_record import TdsDeduction, TdsDirection
from pmsaas.domain.financial.tds_report import TdsReportRow
from pmsaas.domain.shared.money import Money

TDS_ACCOUNTS = ("tds_receivable", "tds_payable")
_written = itertools.count()  # the SQL rows' created_at: the report's tie-breaker, in writing order


def tds_of(db: FakeDatabase, organization_id: UUID, source_type: str, source_id: UUID) -> TdsDeduction | None:
    """The TDS record of a payment or expense (a copy), as the SQL repositories load it beside the row."""
    found = db.tds_records.get((organization_id, source_type, source_id))
    return None if found is None else copy.deepcopy(found[1])


class FakeTdsRepository(TdsRepository):
    """Rows keyed by (organization, source type, source id) -> (writing order, the deduction)."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _of(self, organization_id: UUID) -> list[tuple[str, UUID, int, TdsDeduction]]:
        return [
            (source_type, source_id, order, copy.deepcopy(d))
            for (org, source_type, source_id), (order, d) in self._db.tds_records.items()
            if org == organization_id
        ]

    async def save(
        self, organization_id: UUID, source_type: str, source_id: UUID, deduction: TdsDeduction | None
    ) -> None:
        key = (organization_id, source_type, source_id)
        self._db.tds_records.pop(key, None)
        if deduction is not None:
            self._db.tds_records[key] = (next(_written), copy.deepcopy(deduction))

    async def payee_totals(
        self, organization_id: UUID, section: str, payee: str, start: date, end: date
    ) -> tuple[int, int]:
        paid = deducted = 0
        for source_type, _, _, d in self._of(organization_id):
            if (
                d.direction is TdsDirection.DEDUCTED
                and source_type == "expense"
                and d.section == section
                and d.payee_key[:220] == payee  # the SQL column holds 220 characters
                and d.amount is not None  # computed = approved
                and d.deduction_date is not None
                and start <= d.deduction_date <= end
            ):
                paid += d.gross.minor
                if d.amount.minor > 0 and d.base is not None:
                    deducted += d.base.minor
        return paid, deducted

    def _posted(self, organization_id: UUID) -> dict[UUID, int]:
        """Per source id, the net of the journal lines on the TDS accounts (as SQL's GROUP BY)."""
        posted: dict[UUID, int] = {}
        for entry in self._db.journal.of(organization_id):
            lines = [line.amount.minor for line in entry.lines if line.account in TDS_ACCOUNTS]
            if lines and entry.source_id is not None:
                posted[entry.source_id] = posted.get(entry.source_id, 0) + sum(lines)
        return posted

    async def report(self, organization_id: UUID, start: date, end: date, direction: str | None) -> list[TdsReportRow]:
        posted = self._posted(organization_id)
        found = [
            (source_type, source_id, order, d)
            for source_type, source_id, order, d in self._of(organization_id)
            if source_id in posted
            and d.deduction_date is not None
            and start <= d.deduction_date <= end
            and (direction is None or d.direction.value == direction)
        ]
        found.sort(key=lambda r: (r[3].direction.value, r[3].deduction_date, r[2], r[3].id))
        out: list[TdsReportRow] = []
        for source_type, source_id, _, d in found:
            received = d.direction is TdsDirection.RECEIVED
            # Received TDS is a debit on tds_receivable, deducted TDS a credit on tds_payable.
            tds_minor = posted[source_id] if received else -posted[source_id]
            if tds_minor == 0:
                continue  # reversed
            assert d.deduction_date is not None
            currency = d.gross.currency
            # Received: the rent the TDS was deducted on; deducted: the expense paid or credited.
            paid = d.base.minor if received and d.base is not None and d.base.minor else d.gross.minor
            out.append(
                TdsReportRow(
                    direction=d.direction.value,
                    party_name=d.party_name,
                    pan_number=d.pan_number,
                    section=d.section or d.requested,
                    act_version=d.act_version,
                    section_ref=d.section_ref,
                    amount=Money.from_minor(paid, currency),
                    tds=Money.from_minor(tds_minor, currency),
                    rate=d.rate,
                    deduction_date=d.deduction_date,
                    certificate_number=d.certificate_number,
                    source_type=source_type,
                    source_id=source_id,
                )
            )
        return out
