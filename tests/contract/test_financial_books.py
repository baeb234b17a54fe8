"""The financial context's smaller repositories over the fakes, SQL on SQLite and SQL on PostgreSQL:
expenses, budgets with their categories and actuals, the gap-free number counters and payment
methods. Every test works in one unit of work and never commits (the counters' rollback test
leaves one without committing); new organization ids keep the tests apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.financial.budgets import BudgetCategory
from pmsaas.domain.financial.expenses import Attachment
from pmsaas.domain.financial.input_tax import InputTax, InputTaxLine
from pmsaas.domain.financial.ports import PaymentMethodRecord
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def _inr(amount: str) -> Money:
    return Money.of(amount, "INR")


# -- expenses ----------------------------------------------------------------------------------


async def test_an_expense_reads_back_as_written_and_only_in_its_organization(make_uow):
    org = new_id()
    e = b.expense(org, vendor="Aqua", property_id=new_id(), attachments=(Attachment("bill.pdf", "s3://b", None),))
    async with make_uow() as uow:
        await uow.expenses.add(e)
        assert b.same(await uow.expenses.get(org, e.id), e)
        with pytest.raises(NotFound):
            await uow.expenses.get(new_id(), e.id)
        with pytest.raises(NotFound):
            await uow.expenses.get(org, new_id())


async def test_an_expense_keeps_the_tax_on_its_bill(make_uow):
    org = new_id()
    tax = InputTax(
        (InputTaxLine("CGST", _inr("450.00"), Decimal("9")), InputTaxLine("SGST", _inr("450.00"), None)),
        reverse_charge=True,
        claimable=False,
        supplier_tax_id="27AAPFU0939F1ZV",
        region="MH",
    )
    e = b.expense(org, input_tax=tax)
    plain = b.expense(org)
    async with make_uow() as uow:
        await uow.expenses.add(e)
        await uow.expenses.add(plain)
        assert (await uow.expenses.get(org, e.id)).input_tax == tax
        assert (await uow.expenses.get(org, plain.id)).input_tax is None


async def test_expense_update_checks_the_version_and_delete_removes_it(make_uow):
    org = new_id()
    e = b.expense(org)
    async with make_uow() as uow:
        await uow.expenses.add(e)
        approved = replace(e, version=2)
        approved.approve(new_id(), b.at(30))
        await uow.expenses.update(approved, expected_version=1)
        assert b.same(await uow.expenses.get(org, e.id), approved)
        with pytest.raises(Conflict):
            await uow.expenses.update(replace(approved, version=3), expected_version=1)
        with pytest.raises(Conflict):
            await uow.expenses.update(replace(approved, organization_id=new_id(), version=3), expected_version=2)
        with pytest.raises(NotFound):
            await uow.expenses.delete(new_id(), e.id)
        await uow.expenses.delete(org, e.id)
        with pytest.raises(NotFound):
            await uow.expenses.get(org, e.id)
        with pytest.raises(NotFound):
            await uow.expenses.delete(org, e.id)


async def test_expense_list_filters_by_status_pages_and_sorts(make_uow):
    org = new_id()
    cheap = b.expense(org, "100", created=b.at(0), expense_date=date(2030, 5, 9))
    dear = b.expense(org, "900", created=b.at(1), expense_date=date(2030, 5, 1))
    mid = b.expense(org, "500", created=b.at(2), expense_date=date(2030, 5, 5))
    mid.reject(new_id(), "duplicate", b.at(5))
    names = {cheap.id: "cheap", dear.id: "dear", mid.id: "mid"}
    async with make_uow() as uow:
        for e in (cheap, dear, mid):
            await uow.expenses.add(e)
        await uow.expenses.add(b.expense(new_id()))  # another organization's

        async def found(status=None, page=PageRequest()):
            result = await uow.expenses.list(org, status, page)
            return [names[e.id] for e in result.items], result.total

        assert await found() == (["cheap", "dear", "mid"], 3)
        assert await found(page=PageRequest(page=2, page_size=2)) == (["mid"], 3)
        assert await found(page=PageRequest(sort_by="amount", descending=True)) == (["dear", "mid", "cheap"], 3)
        assert await found(page=PageRequest(sort_by="expense_date")) == (["dear", "mid", "cheap"], 3)
        assert await found("rejected") == (["mid"], 1)
        assert await found("pending") == (["cheap", "dear"], 2)
        assert await found("approved") == ([], 0)


# -- budgets -----------------------------------------------------------------------------------


async def test_a_budget_reads_back_with_its_categories_in_its_organization_only(make_uow):
    org = new_id()
    budget = b.budget(org, maintenance="50000", utilities="12000.50")
    budget.property_id = new_id()
    async with make_uow() as uow:
        await uow.budgets.add(budget)
        stored = await uow.budgets.get(org, budget.id)
        assert b.same(stored, budget)
        assert stored.total == _inr("62000.50")
        with pytest.raises(NotFound):
            await uow.budgets.get(new_id(), budget.id)
        with pytest.raises(NotFound):
            await uow.budgets.get(org, new_id())


async def test_budget_update_replaces_the_categories_and_checks_the_version(make_uow):
    org = new_id()
    budget = b.budget(org, maintenance="50000", utilities="12000")
    async with make_uow() as uow:
        await uow.budgets.add(budget)
        changed = replace(budget, name="FY 2030 revised", categories=[BudgetCategory("security", _inr("9000"))])
        changed.version = 2
        await uow.budgets.update(changed, expected_version=1)
        assert b.same(await uow.budgets.get(org, budget.id), changed)
        with pytest.raises(Conflict):
            await uow.budgets.update(replace(changed, version=3), expected_version=1)
        with pytest.raises(Conflict):
            await uow.budgets.update(replace(changed, organization_id=new_id(), version=3), expected_version=2)
        with pytest.raises(NotFound):
            await uow.budgets.delete(new_id(), budget.id)
        await uow.budgets.delete(org, budget.id)
        with pytest.raises(NotFound):
            await uow.budgets.get(org, budget.id)
        with pytest.raises(NotFound):
            await uow.budgets.delete(org, budget.id)


async def test_budget_list_pages_and_sorts(make_uow):
    org = new_id()
    made = [b.budget(org, name, created=b.at(i)) for i, name in enumerate(["Tower B", "Annex", "Tower A"])]
    async with make_uow() as uow:
        for budget in made:
            await uow.budgets.add(budget)
        await uow.budgets.add(b.budget(new_id(), "Elsewhere"))

        async def found(page=PageRequest()):
            result = await uow.budgets.list(org, page)
            return [x.name for x in result.items], result.total

        assert await found() == (["Tower B", "Annex", "Tower A"], 3)
        assert await found(PageRequest(sort_by="name")) == (["Annex", "Tower A", "Tower B"], 3)
        assert await found(PageRequest(sort_by="name", descending=True, page=2, page_size=2)) == (["Annex"], 3)


async def test_expense_actuals_sum_the_posted_expenses_by_category_in_the_period(make_uow):
    org, tower, annex = new_id(), new_id(), new_id()
    plumbing = b.expense(org, "1200", category="maintenance", property_id=tower, expense_date=date(2030, 5, 3))
    painting = b.expense(org, "800", category="maintenance", property_id=annex, expense_date=date(2030, 6, 1))
    power = b.expense(org, "300", category="utilities", property_id=tower, expense_date=date(2030, 5, 20))
    too_late = b.expense(org, "999", category="utilities", property_id=tower, expense_date=date(2031, 4, 1))
    pending = b.expense(org, "5000", category="utilities", property_id=tower, expense_date=date(2030, 5, 3))
    async with make_uow() as uow:
        for e in (plumbing, painting, power, too_late):
            await uow.expenses.add(e)
            await uow.ledger.post(e.approve(new_id(), b.at(100)))
        await uow.expenses.add(pending)  # not approved: nothing posted

        actuals = await uow.budgets.expense_actuals(org, date(2030, 4, 1), date(2031, 3, 31), "INR", None)
        assert actuals == {"maintenance": _inr("2000"), "utilities": _inr("300")}
        at_tower = await uow.budgets.expense_actuals(org, date(2030, 4, 1), date(2031, 3, 31), "INR", tower)
        assert at_tower == {"maintenance": _inr("1200"), "utilities": _inr("300")}
        in_may = await uow.budgets.expense_actuals(org, date(2030, 5, 1), date(2030, 5, 31), "INR", None)
        assert in_may == {"maintenance": _inr("1200"), "utilities": _inr("300")}
        assert await uow.budgets.expense_actuals(new_id(), date(2030, 4, 1), date(2031, 3, 31), "INR", None) == {}


# -- number sequences --------------------------------------------------------------------------


async def test_numbers_are_consecutive_per_organization_series_and_fiscal_year(make_uow):
    org = new_id()
    async with make_uow() as uow:
        s = uow.sequences
        assert [await s.next(org, "invoice", "2030-31") for _ in range(3)] == [1, 2, 3]
        assert await s.reserve(org, "invoice", "2030-31", 5) == 4  # 4..8
        assert await s.reserve(org, "invoice", "2030-31", 0) == 9  # takes the lock, moves nothing
        assert await s.next(org, "invoice", "2030-31") == 9
        assert await s.next(org, "receipt", "2030-31") == 1
        assert await s.next(org, "invoice", "2031-32") == 1
        assert await s.next(new_id(), "invoice", "2030-31") == 1
        assert await s.reserve(new_id(), "invoice", "2030-31", 0) == 1


async def test_numbers_of_a_rolled_back_unit_of_work_are_handed_out_again(make_uow):
    org = new_id()
    async with make_uow() as uow:
        assert await uow.sequences.reserve(org, "invoice", "2030-31", 3) == 1
        # left without a commit: rolled back
    async with make_uow() as uow:
        assert await uow.sequences.next(org, "invoice", "2030-31") == 1  # no gap


# -- payment methods ---------------------------------------------------------------------------


async def test_payment_methods_are_listed_per_organization_and_get_an_id(make_uow):
    org = new_id()
    upi = PaymentMethodRecord(org, "upi", "UPI", True, {"vpa": "acme@bank"})
    cash = PaymentMethodRecord(org, "cash", "Cash at the office", False)
    async with make_uow() as uow:
        await uow.payment_methods.add(upi)
        await uow.payment_methods.add(cash)
        await uow.payment_methods.add(PaymentMethodRecord(new_id(), "cash", "Elsewhere", True))
        assert upi.id is not None and cash.id is not None and upi.id != cash.id
        found = await uow.payment_methods.list(org)
        # Listed by when they were added; two added in one instant may come in either order.
        assert sorted(found, key=lambda m: m.label) == [cash, upi]
        assert await uow.payment_methods.list(new_id()) == []
