"""TDS posted to the ledger, pure: received on payments, deducted on expenses, quarters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmsaas.domain.financial import tds as T
from pmsaas.domain.financial.expenses import Expense
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceTax, Payment, PaymentMethod
from pmsaas.domain.financial.tds_record import TdsDeduction, TdsDirection, payee_key
from pmsaas.domain.financial.tds_report import TdsReportRow, to_csv, totals
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money

AT = datetime(2026, 12, 1, 12, tzinfo=UTC)
ON = AT.date()
ORG = uuid4()
ORG_PAN = "AABCA1234C"


def inr(amount: str | int | Decimal) -> Money:
    return Money.of(str(amount), "INR")


def _invoice(rent: str, gst_rate: str = "18") -> Invoice:
    amount = inr(rent)
    half = amount.percent(Decimal(gst_rate) / 2)
    taxes = (
        InvoiceTax("CGST", Decimal(gst_rate) / 2, half, "supplier"),
        InvoiceTax("SGST", Decimal(gst_rate) / 2, half, "supplier"),
    )
    inv = Invoice(
        organization_id=ORG,
        lease_id=uuid4(),
        tenant_id=uuid4(),
        currency="INR",
        issue_date=ON,
        due_date=ON,
        lines=[InvoiceLine("Rent", amount, ChargeType.RENT, "commercial_rent", taxes)],
        created_at=AT,
        updated_at=AT,
    )
    inv.issue(number="INV/1", at=AT)
    return inv


def _received(cash: str, invoices: list[Invoice], **request) -> TdsDeduction:
    return T.received_tds(
        T.TdsRequest(section=request.pop("section", "194-I(b)"), **request),
        cash=inr(cash),
        invoices=invoices,
        on=ON,
        landlord_pan=ORG_PAN,
        tenant_pan=None,
        tenant_name="Tara",
    )


def _payment(cash: Money, tds: TdsDeduction | None) -> Payment:
    return Payment(
        organization_id=ORG,
        lease_id=uuid4(),
        tenant_id=uuid4(),
        amount=cash,
        method=PaymentMethod.BANK_TRANSFER,
        idempotency_key="k",
        request_fingerprint="f",
        tds=tds,
        created_at=AT,
        updated_at=AT,
    )


@settings(max_examples=150, deadline=None)
@given(
    cash=st.integers(min_value=1, max_value=10**9),
    share=st.integers(min_value=0, max_value=20),
)
def test_a_declared_tds_adds_to_the_cash_and_the_payment_entry_balances(cash, share):
    """net + TDS == gross; Dr cash (net) + Dr tds_receivable (TDS) == Cr receivable (gross)."""
    cash_money = Money.from_minor(cash, "INR")
    # the largest TDS allowed is 20 % of the gross, i.e. a quarter of the cash
    tds = Money.from_minor(cash * share // 80, "INR")
    d = _received(str(cash_money), [], amount=tds)
    assert d.net + d.tds == d.gross and d.net == cash_money and d.tds == tds
    entry = _payment(cash_money, d).succeed(receipt_number="R1", at=AT, today=AT.date())
    by_account = {line.account: line.amount for line in entry.lines}
    assert sum(line.amount.minor for line in entry.lines) == 0
    assert by_account["cash"] == cash_money
    assert by_account.get("tds_receivable", Money.zero("INR")) == tds
    assert -by_account[next(k for k in by_account if k.startswith("ar:"))] == d.gross


@pytest.mark.parametrize(
    ("tds", "field"),
    [("-0.01", "tds.tds_amount.amount"), ("20000.00", "tds.tds_amount.amount")],
)
def test_a_declared_tds_is_checked(tds, field):
    with pytest.raises(ValidationFailed) as err:
        _received("64800.00", [], amount=inr(tds))
    assert err.value.problems[0].field == field


def test_the_cap_is_20_percent_of_the_gross():
    assert _received("80000.00", [], amount=inr("20000.00")).gross == inr("100000.00")
    with pytest.raises(ValidationFailed):
        _received("80000.00", [], amount=inr("20000.01"))


@pytest.mark.parametrize("section", ["194C", "194Z", "contract_work", ""])
def test_a_tenant_withholds_only_under_the_rent_sections(section):
    with pytest.raises(ValidationFailed) as err:
        _received("100.00", [], section=section)
    assert err.value.problems[0].field == "tds.tds_section"


def test_outside_india_there_is_no_tds():
    with pytest.raises(ValidationFailed) as err:
        T.received_tds(
            T.TdsRequest(section="194-I(b)"),
            cash=Money.of("100.00", "CAD"),
            invoices=[],
            on=ON,
            landlord_pan=None,
            tenant_pan=None,
            tenant_name=None,
        )
    assert err.value.problems[0].field == "tds"


@pytest.mark.parametrize(
    ("rent", "expected"),
    [("50000.00", "0.00"), ("50001.00", "5000.00"), ("60000.00", "6000.00")],
)
def test_computed_tds_is_on_the_rent_without_gst_with_the_monthly_threshold(rent, expected):
    inv = _invoice(rent)
    cash = inv.total - inr(expected)
    d = _received(str(cash), [inv])
    assert d.computed and d.tds == inr(expected) and d.gross == inv.total


def test_computed_tds_covers_only_invoices_settled_in_full():
    first, second = _invoice("60000.00"), _invoice("60000.00")
    # cash for the first (70,800 - 6,000) plus part of the second: only the first has TDS
    d = _received("100000.00", [first, second])
    assert d.tds == inr("6000.00") and d.gross == inr("106000.00")
    both = _received(str(inr("129600.00")), [first, second])
    assert both.tds == inr("12000.00") and both.gross == inr("141600.00")
    assert _received("100.00", [first]).tds == inr("0.00")


def test_computed_tds_without_the_landlords_pan_is_20_percent():
    inv = _invoice("60000.00")
    d = T.received_tds(
        T.TdsRequest(section="194-I(b)"),
        cash=inv.total - inr("12000.00"),
        invoices=[inv],
        on=ON,
        landlord_pan=None,
        tenant_pan=None,
        tenant_name=None,
    )
    assert d.tds == inr("12000.00") and d.rate == Decimal(20)


def test_a_rent_share_excludes_deposits_and_is_proportional_to_what_is_due():
    inv = _invoice("60000.00")
    inv.lines.append(InvoiceLine("Deposit", inr("100000.00"), ChargeType.DEPOSIT))
    assert T.rent_share(inv) == inr("60000.00")
    inv.apply_payment(inr("85400.00"), AT)  # half of 170,800
    assert T.rent_share(inv) == inr("30000.00")


# -- deducted ---------------------------------------------------------------------------------


def _expense(amount: str, **request) -> Expense:
    e = Expense(
        organization_id=ORG,
        category="repairs",
        description="Plumbing",
        amount=inr(amount),
        expense_date=ON,
        created_at=AT,
        updated_at=AT,
        vendor="Pipes & Co",
    )
    req = T.TdsRequest(section=request.pop("section", "194C"), **request)
    e.tds = T.pending_deduction(req, gross=e.amount, on=ON, vendor=e.vendor)
    return e


@settings(max_examples=100, deadline=None)
@given(amount=st.integers(min_value=1, max_value=10**9), before=st.integers(min_value=0, max_value=10**8))
def test_an_approved_expense_with_tds_balances(amount, before):
    e = _expense(str(Money.from_minor(amount, "INR")), pan_number="AAAPL1234C")
    assert e.tds is not None
    T.compute_deduction(e.tds, fy_paid_before=Money.from_minor(before, "INR"), fy_deducted_base_before=inr(0))
    entry = e.approve(None, AT)
    lines = {line.account: line.amount for line in entry.lines}
    assert sum(line.amount.minor for line in entry.lines) == 0
    assert lines["expenses"] == e.amount
    assert -lines["accounts_payable"] + e.tds.tds == e.amount
    assert -lines.get("tds_payable", inr(0)) == e.tds.tds


@pytest.mark.parametrize(
    ("amount", "before", "pan", "expected"),
    [
        ("30000.00", "0", "AAAPL1234C", "0.00"),  # single sum not above 30,000
        ("30001.00", "0", "AAAPL1234C", "300.00"),  # individual payee: 1 %, 300.01 → 300
        ("30001.00", "0", "AABCP1234C", "600.00"),  # company payee: 2 %
        ("20000.00", "80000.00", "AAAPL1234C", "0.00"),  # aggregate exactly 1,00,000: not above
        ("20001.00", "80000.00", "AAAPL1234C", "1000.00"),  # above: 1 % of 1,00,001 caught up
        ("30001.00", "0", None, "6000.00"),  # no PAN: s.206AA 20 %
    ],
)
def test_194c_thresholds_and_206aa(amount, before, pan, expected):
    e = _expense(amount, pan_number=pan)
    assert e.tds is not None
    T.compute_deduction(e.tds, fy_paid_before=inr(before), fy_deducted_base_before=inr(0))
    assert e.tds.tds == inr(expected)


def test_an_expense_tds_block_is_checked():
    with pytest.raises(ValidationFailed) as err:
        T.deducted_request(T.TdsRequest(section="194Z"), "INR")
    assert err.value.problems[0].field == "tds.tds_section"
    with pytest.raises(ValidationFailed) as err:
        T.deducted_request(T.TdsRequest(section="194C"), "USD")
    assert err.value.problems[0].field == "tds"
    assert T.payer_section("contract_work") == T.TdsSection.S194C
    assert T.payer_section("rent_land_building") == T.TdsSection.S194I_B


def test_payees_are_counted_by_pan_else_by_name():
    assert payee_key(" aaapl1234c ", "X") == "pan:AAAPL1234C"
    assert payee_key(None, " Pipes & Co ") == "name:pipes & co"
    deduction = TdsDeduction(TdsDirection.DEDUCTED, "contract_work", inr("100"), party_name=" Pipes & Co ")
    assert deduction.payee_key == "name:pipes & co"  # what the TDS repository stores and sums by


# -- quarters and the report ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        ("Q1", date(2026, 4, 1), date(2026, 6, 30)),
        ("Q2", date(2026, 7, 1), date(2026, 9, 30)),
        ("Q3", date(2026, 10, 1), date(2026, 12, 31)),
        ("Q4", date(2027, 1, 1), date(2027, 3, 31)),
        (None, date(2026, 4, 1), date(2027, 3, 31)),
    ],
)
def test_quarters_of_the_indian_fiscal_year(quarter, start, end):
    assert T.quarter_bounds("2026-27", quarter) == (start, end)


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)))
def test_every_date_is_in_the_quarter_it_is_said_to_be_in(day):
    fy, quarter = T.quarter_of(day)
    start, end = T.quarter_bounds(fy, quarter)
    assert start <= day <= end


@pytest.mark.parametrize(
    ("fy", "quarter", "field"), [("2026-28", None, "fy"), ("2026", None, "fy"), ("2026-27", "Q5", "quarter")]
)
def test_bad_periods(fy, quarter, field):
    with pytest.raises(ValidationFailed) as err:
        T.quarter_bounds(fy, quarter)
    assert err.value.problems[0].field == field


def test_totals_per_section_and_csv():
    def row(direction, section, amount, tds):
        return TdsReportRow(
            direction,
            "P",
            "AAAPL1234C",
            section,
            "IT Act",
            "ref",
            inr(amount),
            inr(tds),
            Decimal("10"),
            ON,
            None,
            "payment",
            uuid4(),
        )

    rows = [
        row("received", "194-I(b)", "100", "10"),
        row("received", "194-I(b)", "200", "20"),
        row("deducted", "194C", "50", "1"),
    ]
    got = [(t.direction, t.section, t.count, str(t.amount), str(t.tds)) for t in totals(rows, "INR")]
    assert got == [("deducted", "194C", 1, "50.00", "1.00"), ("received", "194-I(b)", 2, "300.00", "30.00")]
    assert {r.quarter for r in rows} == {"Q3"}  # 2026-12-01: October to December of FY 2026-27
    lines = to_csv(rows).splitlines()
    assert lines[0].startswith("direction,quarter,date,party_name,pan_number,tds_section")
    assert lines[1].split(",")[8:12] == ["100.00", "10", "10.00", "INR"]
