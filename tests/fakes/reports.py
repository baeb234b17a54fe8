"""In-memory adapter of the report query port: the same sums as the SQL adapter, computed over the
fake journal, leases, invoices, payments and expenses (the contract suite holds them to the same
answers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

from fakes.store import FakeDatabase
from fakes.tds import tds_of
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.aging import PostedCharge, ReceivableBalance
from pmsaas.domain.financial.gstr1 import Recipient
from pmsaas.domain.financial.gstr1_advances import AdvanceReceipt, refund_parts
from pmsaas.domain.financial.gstr1_documents import IssuedDocument
from pmsaas.domain.financial.model import SETTLED, ChargeType
from pmsaas.domain.financial.owner_statement import InvoiceCollection, Receipts
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.property_reports import INCOME_ACCOUNTS, LeasePosition, Movement, is_management_fee
from pmsaas.domain.financial.report_ports import BillTax, LeaseScope, ReportQueries


class FakeReportQueries(ReportQueries):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _lines(self, org: UUID, end: date | None = None) -> Iterator[tuple[L.JournalEntry, L.JournalLine]]:
        for e in self._db.journal.of(org):
            if end is None or e.entry_date <= end:
                for line in e.lines:
                    yield e, line

    def _lease(self, org: UUID, lease_id: UUID | None) -> Any:
        return self._db.leases.find(org, lease_id, live=False) if lease_id else None

    async def property_names(self, organization_id: UUID, property_id: UUID | None = None) -> dict[UUID, str]:
        found = {p.id: p.name for p in self._db.properties.of(organization_id)}
        return found if property_id is None else {k: v for k, v in found.items() if k == property_id}

    async def receivable_balances(self, organization_id: UUID, as_of: date) -> list[ReceivableBalance]:
        sums: dict[UUID, int] = {}
        for _, line in self._lines(organization_id, as_of):
            lease = self._lease(organization_id, line.lease_id)
            if line.account.startswith("ar:") and lease is not None:
                sums[lease.tenant_id] = sums.get(lease.tenant_id, 0) + line.amount.minor
        out = []
        for tenant_id, balance in sums.items():
            tenant = self._db.tenants.find(organization_id, tenant_id, live=False)
            prop = self._db.properties.find(organization_id, tenant.property_id, live=False)
            out.append(ReceivableBalance(tenant_id, tenant.name, tenant.property_id, prop.name, balance))
        return out

    async def posted_charges(self, organization_id: UUID, as_of: date, tenant_ids: set[UUID]) -> list[PostedCharge]:
        entries = [e for e in self._db.journal.of(organization_id) if e.entry_date <= as_of]
        reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
        out = []
        for e in entries:
            if e.source_type != "invoice" or e.reverses_id or e.id in reversed_ids or e.source_id is None:
                continue
            invoice = self._db.invoices.find(organization_id, e.source_id, live=False)
            if invoice is None or invoice.tenant_id not in tenant_ids:
                continue
            for line in e.lines:
                if line.account.startswith("ar:"):
                    out.append(PostedCharge(invoice.tenant_id, invoice.id, invoice.due_date, line.amount.minor))
        return out

    async def lease_positions(
        self, organization_id: UUID, as_of: date, *, scope: LeaseScope, property_id: UUID | None = None
    ) -> list[LeasePosition]:
        sums: dict[UUID, list[int]] = {}  # lease -> [receivable, deposit, deposit in, deposit out]
        for _, line in self._lines(organization_id, as_of):
            if line.lease_id is None:
                continue
            s = sums.setdefault(line.lease_id, [0, 0, 0, 0])
            minor = line.amount.minor
            if line.account.startswith("ar:"):
                s[0] += minor
            elif line.account == "deposits_held":
                s[1] += minor
                s[2 if minor < 0 else 3] += minor
        out = []
        for lease in self._db.leases.of(organization_id, live=False):
            if property_id is not None and lease.property_id != property_id:
                continue
            receivable, deposit, deposit_in, deposit_out = sums.get(lease.id, [0, 0, 0, 0])
            if scope == "in_effect" and not _in_effect(lease, as_of):
                continue
            if scope == "deposits" and not (deposit_in or deposit_out):
                continue
            out.append(
                LeasePosition(
                    lease_id=lease.id,
                    property_id=lease.property_id,
                    property_name=self._db.properties.find(organization_id, lease.property_id, live=False).name,
                    unit_name=self._db.units.find(organization_id, lease.unit_id, live=False).name,
                    tenant_id=lease.tenant_id,
                    tenant_name=self._db.tenants.find(organization_id, lease.tenant_id, live=False).name,
                    status=lease.status.value,
                    start_date=lease.start_date,
                    end_date=lease.end_date,
                    rent_minor=lease.rent.minor,
                    deposit_agreed_minor=lease.security_deposit.minor if lease.security_deposit else None,
                    receivable_minor=receivable,
                    deposit_held_minor=-deposit,
                    deposit_received_minor=-deposit_in,
                    deposit_returned_minor=deposit_out,
                )
            )
        return out

    async def movements(
        self, organization_id: UUID, start: date | None, end: date, property_id: UUID | None = None
    ) -> list[Movement]:
        sums: dict[tuple[UUID | None, str, str], int] = {}
        for e, line in self._lines(organization_id, end):
            if start is not None and e.entry_date < start:
                continue
            if line.account in INCOME_ACCOUNTS:
                lease = self._lease(organization_id, line.lease_id)
                where, group, amount = (lease.property_id if lease else None), line.account, -line.amount.minor
            elif line.account == "expenses":
                expense = (
                    self._db.expenses.find(organization_id, e.source_id, live=False)
                    if e.source_type == "expense" and e.source_id
                    else None
                )
                where = expense.property_id if expense else None
                group = "management_fees" if expense and is_management_fee(expense.category) else "expenses"
                amount = line.amount.minor
            else:
                continue
            if property_id is not None and where != property_id:
                continue
            key = (where, f"{e.entry_date.year:04d}-{e.entry_date.month:02d}", group)
            sums[key] = sums.get(key, 0) + amount
        return [Movement(p, m, g, v) for (p, m, g), v in sums.items() if v]

    async def collections(
        self, organization_id: UUID, start: date, end: date, property_id: UUID | None = None
    ) -> list[InvoiceCollection]:
        dated = {
            e.source_id: e.entry_date
            for e in self._db.journal.of(organization_id)
            if e.source_type == "payment" and e.reverses_id is None
        }
        out = []
        for payment in self._db.payments.of(organization_id):
            on = dated.get(payment.id)
            lease = self._lease(organization_id, payment.lease_id)
            if on is None or on > end or (property_id is not None and lease.property_id != property_id):
                continue
            for a in payment.allocations:
                inv = self._db.invoices.find(organization_id, a.invoice_id, live=False)

                def part(*kinds: ChargeType, lines: list[Any] = inv.lines) -> int:
                    return sum(x.amount.minor for x in lines if x.charge_type in kinds)

                other = part(ChargeType.LATE_FEE, ChargeType.OTHER) + inv.round_off.minor
                rent, tax, deposit = part(ChargeType.RENT), inv.tax_total.minor, part(ChargeType.DEPOSIT)
                reserve = part(ChargeType.RESERVE_FUND)
                out.append(
                    InvoiceCollection(lease.property_id, on < start, a.amount.minor, rent, other, tax, deposit, reserve)
                )
        return out

    async def receipts(
        self, organization_id: UUID, start: date, end: date, property_id: UUID | None = None
    ) -> list[Receipts]:
        sums: dict[tuple[UUID, bool], list[int]] = {}
        for e, line in self._lines(organization_id, end):
            lease = self._lease(organization_id, line.lease_id)
            if e.source_type not in ("payment", "refund") or not line.account.startswith("ar:") or lease is None:
                continue
            if property_id is not None and lease.property_id != property_id:
                continue
            s = sums.setdefault((lease.property_id, e.entry_date < start), [0, 0])
            if e.source_type == "payment":
                s[0] -= line.amount.minor
            else:
                s[1] += line.amount.minor
        return [Receipts(p, before, paid, refunded) for (p, before), (paid, refunded) in sums.items()]

    async def gst_recipients(self, organization_id: UUID) -> dict[UUID, Recipient]:
        out = {}
        for lease in self._db.leases.of(organization_id, live=False):
            tenant = self._db.tenants.find(organization_id, lease.tenant_id, live=False)
            if tenant.gstin:
                prop = self._db.properties.find(organization_id, lease.property_id, live=False)
                out[lease.id] = Recipient(lease.id, tenant.gstin, tenant.name, prop.address.province)
        return out

    async def bill_taxes(self, organization_id: UUID, start: date, end: date) -> list[BillTax]:
        out: list[BillTax] = []
        org = self._db.organizations.get(organization_id)
        if org is None:
            return out
        for e in sorted(self._db.expenses.of(organization_id), key=lambda e: (e.expense_date, e.id)):
            if e.input_tax is None or e.status != "approved" or not start <= e.expense_date <= end:
                continue
            prop = self._db.properties.find(organization_id, e.property_id, live=False) if e.property_id else None
            region = e.input_tax.region or (prop.address.province if prop else None) or org.settings.province or ""
            out.append(BillTax(e.id, e.expense_date, region, e.amount, e.input_tax))
        return out

    async def supply_places(self, organization_id: UUID) -> dict[UUID, Recipient]:
        out = {}
        for lease in self._db.leases.of(organization_id, live=False):
            tenant = self._db.tenants.find(organization_id, lease.tenant_id, live=False)
            prop = self._db.properties.find(organization_id, lease.property_id, live=False)
            out[lease.id] = Recipient(lease.id, tenant.gstin or "", tenant.name, prop.address.province or "")
        return out

    async def documents_issued(
        self, organization_id: UUID, start: date, end: date, time_zone: str
    ) -> list[IssuedDocument]:
        out = [
            IssuedDocument("invoice", i.number, i.status.value == "cancelled")
            for i in self._db.invoices.of(organization_id, live=False)
            if i.number and start <= i.issue_date <= end
        ]
        for p in self._db.payments.of(organization_id):
            day = p.received_on or (local_today(time_zone, p.received_at) if p.received_at else None)
            if p.receipt_number and day is not None and start <= day <= end:
                out.append(IssuedDocument("receipt", p.receipt_number))
        out += [
            IssuedDocument("credit_note", n.number)
            for n in self._db.credit_notes.of(organization_id)
            if start <= n.issue_date <= end
        ]
        return out

    async def advance_receipts(
        self, organization_id: UUID, start: date, end: date, time_zone: str
    ) -> list[AdvanceReceipt]:
        out = []
        for p in self._db.payments.of(organization_id):
            day = p.received_on or (local_today(time_zone, p.received_at) if p.received_at else None)
            if p.status not in SETTLED or day is None or day > end:
                continue
            tds = tds_of(self._db, organization_id, "payment", p.id)
            settled = p.amount.minor + (tds.tds.minor if tds else 0)
            taken: list[tuple[date | None, int]] = [(a.applied_on, a.amount.minor) for a in p.allocations]
            for r in sorted(self._db.refunds.of(organization_id), key=lambda r: r.created_at):
                if r.payment_id == p.id and not r.deposit:
                    credit = r.from_credit.minor if r.from_credit is not None else None
                    settled, parts = refund_parts(settled, r.amount.minor, credit, local_today(time_zone, r.created_at))
                    taken += parts
            if day < start and not any(on and start <= on <= end for on, _ in taken):
                continue
            out.append(AdvanceReceipt(p.id, p.lease_id, day, settled, p.amount.currency, tuple(taken)))
        return out


def _in_effect(lease: Any, as_of: date) -> bool:
    status = lease.status.value
    if status == "draft" or lease.start_date > as_of:
        return False
    if lease.end_date is not None and lease.end_date < as_of:
        return False
    return status in ("active", "notice_given") or lease.end_date is not None
