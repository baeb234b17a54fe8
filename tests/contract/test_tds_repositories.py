"""The financial context's TDS repository over the fakes, SQL on SQLite and SQL on PostgreSQL: the TDS
record beside a payment or expense (written, replaced, removed, and read back with its payment or
expense), the 194C aggregates of a payee, and the TDS report (the records joined with what the
journal posted to the TDS accounts). Every test
works in one unit of work and never commits; new organization ids keep the tests apart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.financial.ports import PaymentFilter
from pmsaas.domain.financial.tds_record import TdsDeduction, TdsDirection
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest

FY_START, FY_END = date(2030, 4, 1), date(2031, 3, 31)
PIPES_PAN = "AAAPL1234C"


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def _inr(amount: str) -> Money:
    return Money.of(amount, "INR")


def _deducted(
    gross: str,
    tds: str | None,
    base: str | None = None,
    *,
    on: date = date(2030, 5, 10),
    section: str = "194C",
    pan: str | None = PIPES_PAN,
    party: str = "Pipes & Co",
) -> TdsDeduction:
    """TDS the organization withheld from a vendor's bill (``tds=None``: the expense awaits approval)."""
    return TdsDeduction(
        TdsDirection.DEDUCTED,
        "contract_work",
        _inr(gross),
        section=section,
        rate=Decimal("1"),
        amount=None if tds is None else _inr(tds),
        base=None if base is None else _inr(base),
        pan_number=pan,
        party_name=party,
        computed=tds is not None,
        deduction_date=on,
    )


def _received(rent: str, gross: str, tds: str, *, on: date = date(2030, 6, 5)) -> TdsDeduction:
    """TDS a tenant deducted from the rent it paid (base: the rent; gross: all the payment settled)."""
    return TdsDeduction(
        TdsDirection.RECEIVED,
        "194-I(b)",
        _inr(gross),
        section="194-I(b)",
        rate=Decimal("10"),
        amount=_inr(tds),
        base=_inr(rent),
        pan_number="ABCDE1234F",
        party_name="Ravi Retail",
        certificate_number="16A-001",
        deduction_date=on,
    )


# -- the 194C aggregates -----------------------------------------------------------------------


async def test_a_payees_totals_count_its_approved_expense_deductions_of_the_section_and_dates(make_uow):
    org = new_id()
    payee = _deducted("1", "0").payee_key
    counted = [_deducted("30000", "0"), _deducted("50000", "700", "70000", on=date(2031, 3, 31))]
    left_out = [
        ("expense", _deducted("9000", None)),  # pending: not approved yet
        ("expense", _deducted("7000", "70", "7000", section="194J")),  # another section
        ("expense", _deducted("6000", "60", "6000", pan="BBBPL1234C")),  # another payee
        ("expense", _deducted("5000", "50", "5000", on=date(2031, 4, 1))),  # after the range
        ("payment", _deducted("4000", "40", "4000")),  # not an expense
        ("expense", _received("3000", "3000", "300")),  # received, not deducted
    ]
    async with make_uow() as uow:
        for d in counted:
            await uow.tds.save(org, "expense", new_id(), d)
        for source_type, d in left_out:
            await uow.tds.save(org, source_type, new_id(), d)
        await uow.tds.save(new_id(), "expense", new_id(), _deducted("2000", "20", "2000"))  # another organization
        # Paid: every counted gross; deducted on: the base of those that deducted something.
        assert await uow.tds.payee_totals(org, "194C", payee, FY_START, FY_END) == (8_000_000, 7_000_000)
        assert await uow.tds.payee_totals(org, "194C", "pan:ZZZZZ9999Z", FY_START, FY_END) == (0, 0)


async def test_a_payee_without_a_pan_is_counted_by_its_name(make_uow):
    org = new_id()
    by_name = _deducted("1200", "12", "1200", pan=None, party=" Pipes & Co ")
    async with make_uow() as uow:
        await uow.tds.save(org, "expense", new_id(), by_name)
        assert await uow.tds.payee_totals(org, "194C", "name:pipes & co", FY_START, FY_END) == (120_000, 120_000)
        assert await uow.tds.payee_totals(org, "194C", f"pan:{PIPES_PAN}", FY_START, FY_END) == (0, 0)


async def test_saving_again_replaces_the_record_and_none_removes_it(make_uow):
    org, expense_id = new_id(), new_id()
    payee = _deducted("1", "0").payee_key
    async with make_uow() as uow:
        await uow.tds.save(org, "expense", expense_id, _deducted("10000", None))
        assert await uow.tds.payee_totals(org, "194C", payee, FY_START, FY_END) == (0, 0)
        await uow.tds.save(org, "expense", expense_id, _deducted("10000", "100", "10000"))
        assert await uow.tds.payee_totals(org, "194C", payee, FY_START, FY_END) == (1_000_000, 1_000_000)
        await uow.tds.save(new_id(), "expense", expense_id, None)  # another organization's: not this one
        assert await uow.tds.payee_totals(org, "194C", payee, FY_START, FY_END) == (1_000_000, 1_000_000)
        await uow.tds.save(org, "expense", expense_id, None)
        assert await uow.tds.payee_totals(org, "194C", payee, FY_START, FY_END) == (0, 0)


# -- the report ----------------------------------------------------------------------------------


async def _post(uow, org: UUID, source_type: str, source_id: UUID, *lines: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    entry = b.entry(org, *((a, amount, None) for a, amount in lines), source_type=source_type, source_id=source_id)
    await uow.ledger.post(entry)


async def test_the_report_shows_what_the_journal_posted_in_the_range_ordered_by_direction_and_date(make_uow):
    org = new_id()
    rent_paid, bill, late_bill, unposted, reversed_bill = (new_id() for _ in range(5))
    async with make_uow() as uow:
        await uow.tds.save(org, "payment", rent_paid, _received("50000", "59000", "5000"))
        await _post(uow, org, "payment", rent_paid, ("cash", "54000"), ("tds_receivable", "5000"), ("ar:x", "-59000"))
        await uow.tds.save(org, "expense", late_bill, _deducted("20000", "200", "20000", on=date(2030, 11, 2)))
        await _post(uow, org, "expense", late_bill, ("expenses", "20000"), ("tds_payable", "-200"), ("cash", "-19800"))
        await uow.tds.save(org, "expense", bill, _deducted("10000", "100", "10000", on=date(2030, 5, 20)))
        await _post(uow, org, "expense", bill, ("expenses", "10000"), ("tds_payable", "-100"), ("cash", "-9900"))
        await uow.tds.save(org, "expense", unposted, _deducted("8000", "80", "8000"))  # nothing posted
        await uow.tds.save(org, "expense", reversed_bill, _deducted("6000", "60", "6000"))
        await _post(uow, org, "expense", reversed_bill, ("expenses", "6000"), ("tds_payable", "-60"), ("cash", "-5940"))
        await _post(uow, org, "expense", reversed_bill, ("expenses", "-6000"), ("tds_payable", "60"), ("cash", "5940"))

        rows = await uow.tds.report(org, FY_START, FY_END, None)
        assert [(r.direction, r.source_id) for r in rows] == [
            ("deducted", bill),
            ("deducted", late_bill),
            ("received", rent_paid),
        ]
        bill_row, late_row, rent_row = rows
        assert (bill_row.amount, bill_row.tds, bill_row.section, bill_row.quarter) == (
            _inr("10000"),
            _inr("100"),
            "194C",
            "Q1",
        )
        assert (bill_row.party_name, bill_row.pan_number, bill_row.rate) == ("Pipes & Co", PIPES_PAN, Decimal("1"))
        assert (bill_row.source_type, bill_row.deduction_date) == ("expense", date(2030, 5, 20))
        assert late_row.quarter == "Q3"
        # Received: the rent the TDS was deducted on, not the whole payment; the TDS as posted.
        assert (rent_row.amount, rent_row.tds, rent_row.certificate_number) == (_inr("50000"), _inr("5000"), "16A-001")

        received_only = await uow.tds.report(org, FY_START, FY_END, "received")
        assert [r.source_id for r in received_only] == [rent_paid]
        first_half = await uow.tds.report(org, FY_START, date(2030, 9, 30), "deducted")
        assert [r.source_id for r in first_half] == [bill]
        assert await uow.tds.report(new_id(), FY_START, FY_END, None) == []


# -- the record beside its payment or expense ----------------------------------------------------


async def test_payments_and_expenses_read_back_with_their_record_and_a_payments_credit_counts_its_tds(make_uow):
    org, lease = new_id(), new_id()
    paid = b.payment(org, lease, new_id(), "45000")
    paid.succeed(receipt_number="R-1", at=b.at(30), today=b.at(30).date())
    bill = b.expense(org, "10000")
    async with make_uow() as uow:
        await uow.payments.add(paid)
        await uow.expenses.add(bill)
        assert (await uow.payments.get(org, paid.id)).tds is None
        await uow.tds.save(org, "payment", paid.id, _received("50000", "50000", "5000"))
        await uow.tds.save(org, "expense", bill.id, _deducted("10000", "100", "10000"))

        payment = await uow.payments.get(org, paid.id)
        assert payment.tds is not None and payment.tds.tds == _inr("5000") and payment.tds.section == "194-I(b)"
        [listed] = (await uow.payments.list(org, PaymentFilter(), PageRequest())).items
        assert listed.tds is not None and listed.tds.certificate_number == "16A-001"
        # The credit the payment holds: the cash and the TDS withheld, nothing allocated yet.
        [credit] = (await uow.payments.credits(org, lease))[lease]
        assert credit.amount == _inr("50000")

        expense = await uow.expenses.get(org, bill.id)
        assert expense.tds is not None and (expense.tds.amount, expense.tds.party_name) == (_inr("100"), "Pipes & Co")
        [listed_bill] = (await uow.expenses.list(org, None, PageRequest())).items
        assert listed_bill.tds is not None and listed_bill.tds.payee_key == f"pan:{PIPES_PAN}"

        await uow.tds.save(org, "expense", bill.id, None)
        assert (await uow.expenses.get(org, bill.id)).tds is None
