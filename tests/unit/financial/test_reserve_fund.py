"""The reserve fund's posting rules: a reserve fund line credits its property's fund, never income;
an expense of the category reserve_fund debits it, never expenses; the opening entry; the date each
province's certificate reads the fund at; the owner statement keeps contributions out of income."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.compliance.ports import UnitAccount
from pmsaas.domain.compliance.status_certificate import certificate, reserve_fund_date
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.expenses import Expense
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceStatus
from pmsaas.domain.financial.owner_statement import InvoiceCollection, split_collection
from pmsaas.domain.financial.reserve_fund import opening_entry
from pmsaas.domain.properties.recurring import RecurringCharge, RecurringChargeInput, check_input
from pmsaas.domain.properties.schedule import LeaseTerms
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money

AT = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
ORG = uuid4()
cents = st.integers(min_value=1, max_value=10**9)
kinds = st.sampled_from([ChargeType.RENT, ChargeType.OTHER, ChargeType.LATE_FEE, ChargeType.RESERVE_FUND])


def _cad(minor: int) -> Money:
    return Money.from_minor(minor, "CAD")


def _invoice(lines: list[tuple[ChargeType, int]]) -> Invoice:
    return Invoice(
        organization_id=ORG,
        lease_id=uuid4(),
        tenant_id=uuid4(),
        currency="CAD",
        issue_date=AT.date(),
        due_date=AT.date(),
        created_at=AT,
        updated_at=AT,
        lines=[InvoiceLine(f"line {i}", _cad(m), kind) for i, (kind, m) in enumerate(lines)],
    )


def _sums(entry: L.JournalEntry) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in entry.lines:
        out[line.account] = out.get(line.account, 0) + line.amount.minor
    return out


@given(st.lists(st.tuples(kinds, cents), min_size=1, max_size=8))
def test_reserve_fund_lines_credit_the_propertys_fund_and_nothing_else_does(lines):
    prop = uuid4()
    entry = _invoice(lines).issue(number="C-1", at=AT, property_id=prop)
    sums = _sums(entry)
    reserve = sum(m for kind, m in lines if kind == ChargeType.RESERVE_FUND)
    assert sums.get(L.reserve_fund(prop), 0) == -reserve
    income = sum(m for kind, m in lines if kind != ChargeType.RESERVE_FUND)
    assert -sum(v for k, v in sums.items() if k.endswith("_income")) == income
    assert L.describe(L.reserve_fund(prop))[1] == L.AccountKind.LIABILITY
    assert sum(sums.values()) == 0


def test_a_reserve_fund_line_needs_the_property_and_the_invoice_stays_a_draft():
    inv = _invoice([(ChargeType.RENT, 50000), (ChargeType.RESERVE_FUND, 15000)])
    with pytest.raises(ValidationFailed):
        inv.issue(number="C-1", at=AT)
    assert inv.status == InvoiceStatus.DRAFT and inv.number is None


@given(cents, st.sampled_from(["reserve_fund", "Reserve_Fund", " RESERVE_FUND "]))
def test_an_expense_from_the_reserve_fund_debits_the_fund_not_expenses(minor, category):
    prop = uuid4()
    expense = Expense(ORG, category, "Roof", _cad(minor), AT.date(), AT, AT, property_id=prop)
    sums = _sums(expense.approve(None, AT))
    assert sums == {L.reserve_fund(prop): minor, "accounts_payable": -minor}


@given(cents, st.sampled_from(["repairs", "reserve fund study", "reserves"]))
def test_other_expenses_stay_operating_expenses(minor, category):
    expense = Expense(ORG, category, "Lift", _cad(minor), AT.date(), AT, AT, property_id=uuid4())
    assert _sums(expense.approve(None, AT)) == {"expenses": minor, "accounts_payable": -minor}


@given(cents, st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_the_opening_entry_is_cash_against_the_fund(minor, on):
    prop = uuid4()
    entry = opening_entry(organization_id=ORG, property_id=prop, amount=_cad(minor), as_of=on, today=on, at=AT)
    assert _sums(entry) == {"cash": minor, L.reserve_fund(prop): -minor}
    assert (entry.entry_date, entry.source_id) == (on, prop)


def test_the_opening_entry_refuses_nothing_and_the_future():
    for amount, on, field in ((_cad(0), AT.date(), "amount.amount"), (_cad(5), AT.date() + timedelta(1), "as_of")):
        with pytest.raises(ValidationFailed) as caught:
            opening_entry(organization_id=ORG, property_id=uuid4(), amount=amount, as_of=on, today=AT.date(), at=AT)
        assert caught.value.problems[0].field == field


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)))
def test_ontario_reads_the_fund_at_the_end_of_the_last_month_and_bc_at_the_date(day):
    on = reserve_fund_date("ON", day)
    assert on <= day and (day - on).days < 31
    assert on.day == calendar.monthrange(on.year, on.month)[1]  # a month's last day
    assert (on == day) == (day.day == calendar.monthrange(day.year, day.month)[1])
    assert reserve_fund_date("BC", day) == day


def test_the_certificate_carries_the_fund_and_its_date():
    account = UnitAccount(
        uuid4(), uuid4(), ("Unit 4", "200 Bay St", "Toronto, ON"), "ON", "CA", "TSCC 1", (), "Olu", _cad(65000), _cad(0)
    )
    c = certificate(
        account, None, requested_on=date(2026, 12, 1), as_of=date(2026, 11, 20), pages=0, reserve_fund_balance=_cad(1)
    )
    assert (c.reserve_fund_balance, c.reserve_fund_as_of, c.reserve_fund) == (_cad(1), date(2026, 10, 31), None)


@given(cents, cents, cents, st.integers(min_value=0, max_value=10**9))
def test_an_owner_statement_collects_reserve_lines_apart_from_income(allocated, rent, other, reserve):
    allocated = min(allocated, rent + other + reserve)
    parts = split_collection(InvoiceCollection(uuid4(), False, allocated, rent, other, 0, 0, reserve))
    assert sum(parts.values()) == allocated
    if reserve == 0:
        assert parts["reserve_fund"] == 0
    whole = split_collection(InvoiceCollection(uuid4(), False, rent + other + reserve, rent, other, 0, 0, reserve))
    assert (whole["rent"], whole["other_income"], whole["reserve_fund"]) == (rent, other, reserve)


def test_a_reserve_fund_recurring_charge_bills_reserve_fund_lines():
    terms = LeaseTerms(date(2026, 1, 1), None, _cad(50000))
    charge = RecurringCharge(
        ORG, uuid4(), "reserve_fund", "Reserve fund", _cad(15000), "monthly", date(2026, 1, 1), AT, AT
    )
    charges = charge.charges(terms, date(2026, 1, 1), date(2026, 3, 31))
    assert [c.type for c in charges] == ["reserve_fund"] * 3
    parking = RecurringCharge(ORG, uuid4(), "parking", "Parking", _cad(5000), "monthly", date(2026, 1, 1), AT, AT)
    assert {c.type for c in parking.charges(terms, date(2026, 1, 1), date(2026, 3, 31))} == {"other"}
    bad = RecurringChargeInput("reserve_fund", "Reserve fund", _cad(15000), "monthly", date(2026, 1, 1), None, "x")
    with pytest.raises(ValidationFailed) as caught:
        check_input(bad, "CAD")
    assert caught.value.problems[0].field == "supply_type"
