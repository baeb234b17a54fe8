"""The managers' reports as tables: one list of (column, value) per row, written as JSON objects
(money as ``{"amount", "currency"}``) or as CSV (a header row, money as a plain decimal), so both
formats carry the same figures by construction. Columns are documented in docs/reports.md."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from pmsaas.domain.financial.aging import BUCKETS, AgingRow
from pmsaas.domain.financial.gstr1 import HEADS, B2bRow
from pmsaas.domain.financial.owner_statement import OwnerStatement
from pmsaas.domain.financial.property_reports import INCOME_ACCOUNTS, IncomeExpenseRow, LeasePosition
from pmsaas.domain.shared.money import Money

Cell = Money | str | int | date | UUID | Decimal | bool | None
Row = list[tuple[str, Cell]]

AGING_COLUMNS = {"current": "current", "0_30": "days_0_30", "31_60": "days_31_60", "61_90": "days_61_90"}
AGING_COLUMNS["90_plus"] = "days_90_plus"


_PLACE = ["lease_id", "property_id", "property_name", "unit_name", "tenant_id", "tenant_name", "lease_status"]
HEADERS: dict[str, list[str]] = {
    "arrears-aging": [
        "tenant_id",
        "tenant_name",
        "property_id",
        "property_name",
        *AGING_COLUMNS.values(),
        "total_due",
        "credit",
        "balance",
        "oldest_due_date",
    ],
    "rent-roll": [*_PLACE, "start_date", "end_date", "rent", "deposit_agreed", "deposit_held", "balance"],
    "deposits-held": [*_PLACE, "deposit_agreed", "received", "returned", "held"],
    "income-expenses": [
        "property_id",
        "property_name",
        "month",
        *INCOME_ACCOUNTS,
        "total_income",
        "expenses",
        "management_fees",
        "total_expenses",
        "net",
    ],
    "owner-statements": [
        "property_id",
        "property_name",
        "from",
        "to",
        "opening_balance",
        "rent_collected",
        "other_income_collected",
        "expenses",
        "management_fees",
        "closing_balance",
        "tax_collected",
        "deposits_collected",
        "reserve_fund_collected",
        "unapplied",
        "refunds",
        "collected",
        "rent_billed",
        "other_income_billed",
        "receivable",
        "deposits_held",
    ],
    "gstr1-b2b": [
        "recipient_gstin",
        "recipient_name",
        "invoice_id",
        "invoice_number",
        "invoice_date",
        "invoice_value",
        "place_of_supply",
        "place_of_supply_name",
        "reverse_charge",
        "rate",
        "taxable_value",
        *(h.lower() for h in HEADS),
    ],
}


def aging_row(r: AgingRow, currency: str) -> Row:
    m = _money(currency)
    return [
        ("tenant_id", r.tenant_id),
        ("tenant_name", r.tenant_name),
        ("property_id", r.property_id),
        ("property_name", r.property_name),
        *((AGING_COLUMNS[b], m(r.buckets[b])) for b in BUCKETS),
        ("total_due", m(r.total_due_minor)),
        ("credit", m(r.credit_minor)),
        ("balance", m(r.balance_minor)),
        ("oldest_due_date", r.oldest_due_date),
    ]


def rent_roll_row(p: LeasePosition, currency: str) -> Row:
    m = _money(currency)
    return [
        *_lease_place(p),
        ("start_date", p.start_date),
        ("end_date", p.end_date),
        ("rent", m(p.rent_minor)),
        ("deposit_agreed", None if p.deposit_agreed_minor is None else m(p.deposit_agreed_minor)),
        ("deposit_held", m(p.deposit_held_minor)),
        ("balance", m(p.receivable_minor)),
    ]


def deposit_row(p: LeasePosition, currency: str) -> Row:
    m = _money(currency)
    return [
        *_lease_place(p),
        ("deposit_agreed", None if p.deposit_agreed_minor is None else m(p.deposit_agreed_minor)),
        ("received", m(p.deposit_received_minor)),
        ("returned", m(p.deposit_returned_minor)),
        ("held", m(p.deposit_held_minor)),
    ]


def _lease_place(p: LeasePosition) -> Row:
    return [
        ("lease_id", p.lease_id),
        ("property_id", p.property_id),
        ("property_name", p.property_name),
        ("unit_name", p.unit_name),
        ("tenant_id", p.tenant_id),
        ("tenant_name", p.tenant_name),
        ("lease_status", p.status),
    ]


def income_expense_row(r: IncomeExpenseRow, currency: str) -> Row:
    m = _money(currency)
    return [
        ("property_id", r.property_id),
        ("property_name", r.property_name),
        ("month", r.month),
        *((account, m(r.income.get(account, 0))) for account in INCOME_ACCOUNTS),
        ("total_income", m(r.total_income_minor)),
        ("expenses", m(r.expenses_minor)),
        ("management_fees", m(r.management_fees_minor)),
        ("total_expenses", m(r.total_expenses_minor)),
        ("net", m(r.net_minor)),
    ]


def owner_statement_row(s: OwnerStatement, currency: str) -> Row:
    m = _money(currency)
    return [
        ("property_id", s.property_id),
        ("property_name", s.property_name),
        ("from", s.start),
        ("to", s.end),
        ("opening_balance", m(s.opening_balance_minor)),
        ("rent_collected", m(s.rent_collected_minor)),
        ("other_income_collected", m(s.other_income_collected_minor)),
        ("expenses", m(s.expenses_minor)),
        ("management_fees", m(s.management_fees_minor)),
        ("closing_balance", m(s.closing_balance_minor)),
        ("tax_collected", m(s.tax_collected_minor)),
        ("deposits_collected", m(s.deposits_collected_minor)),
        ("reserve_fund_collected", m(s.reserve_fund_collected_minor)),
        ("unapplied", m(s.unapplied_minor)),
        ("refunds", m(s.refunds_minor)),
        ("collected", m(s.collected_minor)),
        ("rent_billed", m(s.rent_billed_minor)),
        ("other_income_billed", m(s.other_income_billed_minor)),
        ("receivable", m(s.receivable_minor)),
        ("deposits_held", m(s.deposits_held_minor)),
    ]


def b2b_row(r: B2bRow, currency: str) -> Row:
    m = _money(r.currency)
    return [
        ("recipient_gstin", r.recipient_gstin),
        ("recipient_name", r.recipient_name),
        ("invoice_id", r.invoice_id),
        ("invoice_number", r.invoice_number),
        ("invoice_date", r.invoice_date),
        ("invoice_value", m(r.invoice_value_minor)),
        ("place_of_supply", r.place_of_supply),
        ("place_of_supply_name", r.place_of_supply_name),
        ("reverse_charge", "Y" if r.reverse_charge else "N"),
        ("rate", r.rate),
        ("taxable_value", m(r.taxable_value_minor)),
        *((head.lower(), m(r.tax_minor.get(head, 0))) for head in HEADS),
    ]


def totals(rows: list[Row], currency: str, skip: Iterable[str] = ()) -> dict[str, Any]:
    """Column sums of the money columns (the same in both formats; CSV leaves them out)."""
    skipped = set(skip)
    sums: dict[str, Money] = {}
    for row in rows:
        for name, value in row:
            if isinstance(value, Money) and name not in skipped:
                sums[name] = sums.get(name, Money.zero(currency)) + value
    return {k: _json(v) for k, v in sums.items()}


def as_json(rows: list[Row]) -> list[dict[str, Any]]:
    return [{name: _json(value) for name, value in row} for row in rows]


def as_csv(rows: list[Row], header: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        assert [name for name, _ in row] == header, "a row's columns are the header's"
        writer.writerow([_text(value) for _, value in row])
    return out.getvalue()


def _money(currency: str) -> Callable[[int], Money]:
    return lambda minor: Money.from_minor(minor, currency)


def _json(value: Cell) -> Any:
    if isinstance(value, Money):
        return {"amount": str(value), "currency": value.currency}
    if isinstance(value, UUID | date):
        return str(value) if isinstance(value, UUID) else value.isoformat()
    if isinstance(value, Decimal):
        return float(value)  # a rate (percent): numbers on the wire, as the calculators' rates
    return value


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Money):
        return str(value)  # plain decimal, e.g. 1234.50: no currency symbol, no grouping
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value  # a name like "=HYPERLINK(...)" stays text in a spreadsheet (OWASP CSV injection)
    return str(value)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
