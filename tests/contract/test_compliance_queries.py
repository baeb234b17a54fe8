"""The compliance query ports over the fakes, SQL on SQLite and SQL on PostgreSQL: the same books
give the same tenancy, rent per period (with a refund), unit account, budget, taxed lines and
society books, and nothing of another organization. One unit of work, never committed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.financial.budgets import BudgetCategory
from pmsaas.domain.financial.expenses import Expense, ExpenseStatus
from pmsaas.domain.financial.input_tax import InputTax, InputTaxLine
from pmsaas.domain.financial.model import Allocation, ChargeType, InvoiceLine
from pmsaas.domain.properties.lease import LeaseStatus
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def _inr(amount: str) -> Money:
    return Money.of(amount, "INR")


async def _books(uow):  # type: ignore[no-untyped-def]
    org = b.organization("Sai Krupa CHS", extra_settings={"is_housing_society": True, "address": "Plot 4\nPune"})
    await uow.organizations.add(org)
    p = b.prop(org.id, "Sai Krupa", year_built=1998)
    await uow.properties.add(p)
    u = b.unit(org.id, p.id, "A-101")
    await uow.units.add(u)
    t = b.tenant(org.id, p.id, "Meera Member")
    await uow.tenants.add(t)
    lease = b.lease(org.id, u, t.id, start=date(2030, 1, 1), end=None, status=LeaseStatus.ACTIVE, rent=_inr("3000"))
    await uow.leases.add(lease)
    invoices = []
    for n, day in enumerate((date(2030, 4, 1), date(2030, 5, 1))):
        inv = b.invoice(org.id, lease.id, t.id, "3000", issue_date=day, due_date=day, period=day.strftime("%Y-%m"))
        inv.lines.append(InvoiceLine("Sinking fund", _inr("500"), ChargeType.OTHER))
        inv.lines.append(InvoiceLine("Repairs and maintenance fund", _inr("200"), ChargeType.OTHER))
        await uow.ledger.post(inv.issue(number=f"INV/{n}", at=b.at(n)))
        await uow.invoices.add(inv)
        invoices.append(inv)
    pay = b.payment(org.id, lease.id, t.id, "4000", received_on=date(2030, 4, 10))
    await uow.ledger.post(pay.succeed(receipt_number="R/1", at=b.at(10), today=b.at(10).date()))
    await uow.payments.add(pay)
    pay.allocations = [Allocation(invoices[0].id, _inr("3700")), Allocation(invoices[1].id, _inr("300"))]
    await uow.payments.update(pay, pay.version)
    refund = b.refund(pay, "100", created=b.at(20))
    await uow.ledger.post(pay.refund(refund.amount, refund_id=refund.id, at=b.at(20), today=b.at(20).date()))
    await uow.payments.add_refund(refund)
    budget = b.budget(org.id, "FY 2030-31")
    budget = replace(budget, property_id=p.id, period_start=date(2030, 4, 1), period_end=date(2031, 3, 31))
    budget.categories = [BudgetCategory("Reserve fund", _inr("12000"))]
    await uow.budgets.add(budget)
    return org, p, u, t, lease


async def test_the_compliance_reads_agree_on_every_backend(make_uow):
    async with make_uow() as uow:
        org, p, u, _, lease = await _books(uow)
        q = uow.tenancies
        tenancy = await q.tenancy(org.id, lease.id)
        assert (tenancy.tenant_name, tenancy.landlord_name, tenancy.landlord_address) == (
            "Meera Member",
            "Sai Krupa CHS",
            ("Plot 4", "Pune"),
        )
        assert tenancy.unit_address[0] == "A-101, Sai Krupa" and tenancy.rent == _inr("3000")
        assert (tenancy.province, tenancy.country, tenancy.year_built) == ("KA", "IN", 1998)
        periods = [
            (x.start, x.charged.minor, x.paid.minor) for x in await q.rent_periods(org.id, lease.id, date(2030, 12, 31))
        ]
        # 4,000 paid: 3,700 on April (3,000 of it rent), 300 on May; the 100 refunded comes off May.
        assert periods == [(date(2030, 4, 1), 3000_00, 3000_00), (date(2030, 5, 1), 3000_00, 200_00)]
        early = await q.rent_periods(org.id, lease.id, date(2030, 4, 5))
        assert [(x.start, x.paid.minor) for x in early] == [(date(2030, 4, 1), 0)]

        account = await uow.unit_accounts.account(org.id, u.id, date(2030, 12, 31))
        assert account.owner_name == "Meera Member" and account.common_expenses == _inr("3000")
        assert account.balance == _inr("3500")  # 7,400 billed, 4,000 paid, 100 refunded
        budget = await uow.unit_accounts.budget(org.id, p.id, date(2030, 6, 1))
        assert budget is not None and budget.total == _inr("12000") and budget.name == "FY 2030-31"
        assert await uow.unit_accounts.budget(org.id, p.id, date(2031, 6, 1)) is None

        lines = await uow.sales_tax.taxed_lines(org.id, date(2030, 4, 1), date(2030, 4, 30))
        assert [(x.issued_on, x.province, x.amount.minor) for x in lines] == [
            (date(2030, 4, 1), "KA", 3000_00),
            (date(2030, 4, 1), "KA", 500_00),
            (date(2030, 4, 1), "KA", 200_00),
        ]
        assert await uow.sales_tax.currency(org.id) == "INR"

        society = await uow.societies.books(org.id, p.id, date(2030, 4, 1), date(2031, 3, 31))
        assert (society.members, society.is_housing_society, society.society_name) == (1, True, "Sai Krupa CHS")
        assert (society.sinking_fund, society.repairs_fund) == (_inr("1000"), _inr("400"))

        stranger = new_id()
        for read in (
            q.tenancy(stranger, lease.id),
            uow.unit_accounts.account(stranger, u.id, date(2030, 12, 31)),
            uow.societies.books(stranger, p.id, date(2030, 4, 1), date(2031, 3, 31)),
        ):
            with pytest.raises(NotFound):
                await read
        assert await q.rent_periods(stranger, lease.id, date(2030, 12, 31)) == []
        assert await uow.sales_tax.taxed_lines(stranger, date(2030, 4, 1), date(2030, 4, 30)) == []


async def test_the_tax_on_approved_bills_reads_the_same_on_every_backend(make_uow):
    async with make_uow() as uow:
        org = b.organization("Maple Rentals", "CA")
        org.settings = replace(org.settings, province="ON")
        await uow.organizations.add(org)
        quebec = b.prop(org.id, "Rue Ste-Catherine")
        quebec.address = replace(quebec.address, city="Montréal", province="QC", postal_code="H3B 1A1", country="CA")
        await uow.properties.add(quebec)

        def bill(day: int, *lines: tuple[str, str], **kw):  # type: ignore[no-untyped-def]
            tax = InputTax(tuple(InputTaxLine(h, Money.of(a, "CAD")) for h, a in lines), **kw.pop("tax", {}))
            e = b.expense(org.id, expense_date=date(2030, 4, day), input_tax=tax, **kw)
            e.amount = Money.of("100.00", "CAD")
            return e

        approved = [
            bill(3, ("GST", "5.00"), ("QST", "9.98"), property_id=quebec.id),  # the property's province
            bill(4, ("HST", "13.00")),  # no property: the organization's
            bill(5, ("HST", "15.00"), tax={"region": "NS"}),  # the bill's own region
            bill(6, ("HST", "13.00"), tax={"claimable": False}),  # a blocked credit
        ]
        for e in approved:
            e.status = ExpenseStatus.APPROVED
            await uow.expenses.add(e)
        await uow.expenses.add(bill(7, ("HST", "13.00")))  # pending: not a credit yet
        credits = await uow.sales_tax.credited_taxes(org.id, date(2030, 4, 1), date(2030, 4, 30))
        assert [(c.paid_on.day, c.province, [(h, m.minor) for h, m in c.taxes]) for c in credits] == [
            (3, "QC", [("GST", 500), ("QST", 998)]),
            (4, "ON", [("HST", 1300)]),
            (5, "NS", [("HST", 1500)]),
        ]
        bills = await uow.reports.bill_taxes(org.id, date(2030, 4, 1), date(2030, 4, 30))
        assert [(x.expense_date.day, x.region, x.amount.minor, x.input_tax.claimable) for x in bills] == [
            (3, "QC", 100_00, True),
            (4, "ON", 100_00, True),
            (5, "NS", 100_00, True),
            (6, "ON", 100_00, False),
        ]
        assert await uow.sales_tax.credited_taxes(org.id, date(2030, 5, 1), date(2030, 5, 31)) == []
        assert await uow.sales_tax.credited_taxes(new_id(), date(2030, 4, 1), date(2030, 4, 30)) == []


async def test_the_reserve_fund_reads_agree_on_every_backend(make_uow):
    """Contributions (reserve fund lines) in, an expense from the fund out, read at dates."""
    async with make_uow() as uow:
        org, p, _, t, lease = await _books(uow)
        for n, day in enumerate((date(2030, 6, 1), date(2030, 7, 1))):
            inv = b.invoice(org.id, lease.id, t.id, "3000", issue_date=day, due_date=day, period=day.strftime("%Y-%m"))
            inv.lines.append(InvoiceLine("Reserve fund", _inr("800"), ChargeType.RESERVE_FUND))
            await uow.ledger.post(inv.issue(number=f"RF/{n}", at=b.at(30 + n), property_id=p.id))
            await uow.invoices.add(inv)
        roof = Expense(
            org.id, "reserve_fund", "Roof", _inr("500"), date(2030, 6, 20), b.at(40), b.at(40), property_id=p.id
        )
        await uow.ledger.post(roof.approve(None, b.at(41)))
        funds = uow.unit_accounts
        assert await funds.reserve_fund(org.id, p.id, date(2030, 5, 31)) == _inr("0")
        assert await funds.reserve_fund(org.id, p.id, date(2030, 6, 30)) == _inr("300")
        assert await funds.reserve_fund(org.id, p.id, date(2030, 7, 1)) == _inr("1100")
        assert await funds.reserve_fund(org.id, new_id(), date(2030, 7, 1)) == _inr("0")  # another property
        with pytest.raises(NotFound):
            await funds.reserve_fund(new_id(), p.id, date(2030, 7, 1))
