"""The financial context's ledger over the fakes, SQL on SQLite and SQL on PostgreSQL: append-only
postings, the entry behind a source, the trial balance (debits equal credits; a row per account),
the deposit held for a lease and a lease's ledger. Every test works in one unit of work and never
commits; new organization ids keep the tests apart."""

from __future__ import annotations

from datetime import date

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def _inr(amount: str) -> Money:
    return Money.of(amount, "INR")


async def test_an_entry_reads_back_by_its_source_and_a_reversal_does_not_take_its_place(make_uow):
    org, lease, invoice = new_id(), new_id(), new_id()
    ar = L.receivable(new_id())
    issue = b.entry(
        org,
        (ar, "1180", lease),
        ("rent_income", "-1000", lease),
        ("tax_payable:CGST", "-90", lease),
        ("tax_payable:SGST", "-90", lease),
        source_type="invoice",
        source_id=invoice,
        description="Invoice INV-1",
    )
    async with make_uow() as uow:
        await uow.ledger.post(issue)
        assert await uow.ledger.entry_for(org, "invoice", invoice) == issue
        await uow.ledger.post(issue.reversal(at=b.at(60), on=date(2030, 5, 2), source_type="invoice"))
        assert await uow.ledger.entry_for(org, "invoice", invoice) == issue  # the original, not its reversal
        with pytest.raises(NotFound):
            await uow.ledger.entry_for(new_id(), "invoice", invoice)
        with pytest.raises(NotFound):
            await uow.ledger.entry_for(org, "payment", invoice)


async def test_the_trial_balance_has_a_row_per_account_and_debits_equal_credits(make_uow):
    org, lease, tenant = new_id(), new_id(), new_id()
    ar = L.receivable(tenant)
    async with make_uow() as uow:
        await uow.ledger.post(b.entry(org, (ar, "25000", lease), ("rent_income", "-25000", lease)))
        await uow.ledger.post_many(
            [
                b.entry(org, ("cash", "20000", lease), (ar, "-20000", lease)),
                b.entry(org, ("expenses", "1200", None), ("accounts_payable", "-1200", None)),
            ]
        )
        await uow.ledger.post_many([])
        await uow.ledger.post(b.entry(new_id(), ("cash", "999", None), ("other_income", "-999", None)))  # elsewhere

        rows = await uow.ledger.trial_balance(org, "INR")
        assert [(r.account, r.debit, r.credit) for r in rows] == sorted(
            [
                ("accounts_payable", _inr("0"), _inr("1200")),
                (ar, _inr("25000"), _inr("20000")),
                ("cash", _inr("20000"), _inr("0")),
                ("expenses", _inr("1200"), _inr("0")),
                ("rent_income", _inr("0"), _inr("25000")),
            ]
        )
        assert sum(r.debit.minor for r in rows) == sum(r.credit.minor for r in rows) == 4620000
        by_key = {r.account: r for r in rows}
        assert by_key[ar].balance == _inr("5000")  # what the tenant still owes
        assert (by_key["cash"].name, by_key["cash"].kind) == L.describe("cash")
        assert (by_key[ar].kind, by_key["rent_income"].kind) == (L.AccountKind.ASSET, L.AccountKind.INCOME)
        assert await uow.ledger.trial_balance(new_id(), "INR") == []


async def test_the_deposit_held_is_the_credit_balance_of_deposits_held_on_the_lease(make_uow):
    org, lease, other_lease = new_id(), new_id(), new_id()
    ar = L.receivable(new_id())
    async with make_uow() as uow:
        assert await uow.ledger.deposit_held(org, lease, "INR") == _inr("0")
        await uow.ledger.post(b.entry(org, (ar, "50000", lease), ("deposits_held", "-50000", lease)))
        await uow.ledger.post(b.entry(org, (ar, "8000", other_lease), ("deposits_held", "-8000", other_lease)))
        await uow.ledger.post(b.entry(org, ("deposits_held", "12000", lease), ("cash", "-12000", lease)))
        assert await uow.ledger.deposit_held(org, lease, "INR") == _inr("38000")
        assert await uow.ledger.deposit_held(org, other_lease, "INR") == _inr("8000")
        assert await uow.ledger.deposit_held(org, lease, "CAD") == Money.zero("CAD")
        assert await uow.ledger.deposit_held(new_id(), lease, "INR") == _inr("0")


async def test_a_leases_ledger_is_its_receivable_lines_in_posting_order(make_uow):
    org, lease, tenant = new_id(), new_id(), new_id()
    ar = L.receivable(tenant)
    invoice, payment = new_id(), new_id()
    charge = b.entry(
        org,
        (ar, "25000", lease),
        ("rent_income", "-25000", lease),
        at=b.at(10),
        source_type="invoice",
        source_id=invoice,
        description="Invoice INV-1",
    )
    paid = b.entry(
        org,
        ("cash", "20000", lease),
        (ar, "-20000", lease),
        at=b.at(20),
        on=date(2030, 4, 30),  # dated earlier, posted later: posting order wins
        source_type="payment",
        source_id=payment,
        description="Payment R-1",
    )
    async with make_uow() as uow:
        await uow.ledger.post(paid)
        await uow.ledger.post(charge)
        await uow.ledger.post(b.entry(org, (ar, "500", new_id()), ("other_income", "-500", None), at=b.at(15)))
        lines = await uow.ledger.lease_ledger(org, lease, "INR")
        assert [(x.entry_id, x.source_type, x.source_id, x.amount) for x in lines] == [
            (charge.id, "invoice", invoice, _inr("25000")),
            (paid.id, "payment", payment, _inr("-20000")),
        ]
        assert (lines[1].entry_date, lines[1].description) == (date(2030, 4, 30), "Payment R-1")
        assert await uow.ledger.lease_ledger(new_id(), lease, "INR") == []
