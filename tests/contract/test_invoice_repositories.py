"""The financial context's invoice repository over the fakes, SQL on SQLite and SQL on PostgreSQL:
invoices with their lines, the billing run's insert-or-skip slot (one invoice per lease and
period), the list's filters and paging, and the billing and late-fee queries. Every test works in one
unit of work and never commits; new organization ids keep the tests apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceStatus
from pmsaas.domain.financial.ports import InvoiceFilter
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def _issued(org: UUID, number: str, *amounts: str, lease: UUID | None = None, **kw) -> Invoice:  # type: ignore[no-untyped-def]
    inv = b.invoice(org, lease or new_id(), kw.pop("tenant_id", new_id()), *amounts, **kw)
    inv.issue(number=number, at=b.at(60))
    return inv


async def test_an_invoice_reads_back_with_its_lines_and_only_in_its_organization(make_uow):
    org = new_id()
    draft = b.invoice(org, new_id(), new_id(), "25000", "1500.50", notes="May", service_period="2030-05")
    issued = _issued(org, "INV-0001", "18000")
    async with make_uow() as uow:
        await uow.invoices.add(draft)
        await uow.invoices.add(issued)
        for inv in (draft, issued):
            assert b.same(await uow.invoices.get(org, inv.id), inv)
            with pytest.raises(NotFound):
                await uow.invoices.get(new_id(), inv.id)
        assert [x.amount for x in (await uow.invoices.get(org, draft.id)).lines] == [
            Money.of("25000", "INR"),
            Money.of("1500.50", "INR"),
        ]
        with pytest.raises(NotFound):
            await uow.invoices.get(org, new_id())


async def test_update_checks_the_version_and_only_a_draft_changes_its_lines(make_uow):
    org = new_id()
    draft = b.invoice(org, new_id(), new_id(), "25000")
    async with make_uow() as uow:
        await uow.invoices.add(draft)
        edited = replace(draft, lines=[InvoiceLine("Parking", Money.of("900", "INR"))], version=2, updated_at=b.at(5))
        await uow.invoices.update(edited, expected_version=1)
        assert b.same(await uow.invoices.get(org, draft.id), edited)
        with pytest.raises(Conflict):
            await uow.invoices.update(replace(edited, version=3), expected_version=1)
        with pytest.raises(Conflict):  # another organization's invoice is not there to update
            await uow.invoices.update(replace(edited, organization_id=new_id(), version=3), expected_version=2)

        issued = replace(edited, version=3)
        issued.issue(number="INV-7", at=b.at(10))
        await uow.invoices.update(issued, expected_version=2)
        issued.apply_payment(Money.of("400", "INR"), b.at(20))
        later = replace(issued, lines=[InvoiceLine("Ignored", Money.of("1", "INR"))], version=4)
        await uow.invoices.update(later, expected_version=3)
        stored = await uow.invoices.get(org, draft.id)
        assert (stored.status, stored.number, stored.amount_paid) == (
            InvoiceStatus.PARTIALLY_PAID,
            "INV-7",
            Money.of("400", "INR"),
        )
        assert [line.description for line in stored.lines] == ["Parking"]  # the lines it was issued with
        assert stored.balance_due == Money.of("500", "INR")


async def test_delete_removes_the_invoice_in_its_organization_only(make_uow):
    org = new_id()
    draft = b.invoice(org, new_id(), new_id())
    async with make_uow() as uow:
        await uow.invoices.add(draft)
        with pytest.raises(NotFound):
            await uow.invoices.delete(new_id(), draft.id)
        kept = await uow.invoices.get(org, draft.id)
        assert kept.id == draft.id and len(kept.lines) == len(draft.lines) > 0  # its lines too
        await uow.invoices.delete(org, draft.id)
        with pytest.raises(NotFound):
            await uow.invoices.get(org, draft.id)
        with pytest.raises(NotFound):
            await uow.invoices.delete(org, draft.id)


async def test_add_many_inserts_one_invoice_per_lease_and_period_and_skips_the_rest(make_uow):
    org, lease, other_lease = new_id(), new_id(), new_id()
    tenant = new_id()
    may = b.invoice(org, lease, tenant, "25000", period="2030-05")
    again = b.invoice(org, lease, tenant, "26000", period="2030-05")
    june = b.invoice(org, lease, tenant, period="2030-06")
    neighbour = b.invoice(org, other_lease, new_id(), period="2030-05")
    elsewhere = b.invoice(new_id(), lease, tenant, period="2030-05")  # another organization's slot
    async with make_uow() as uow:
        assert await uow.invoices.add_many([]) == []
        inserted = await uow.invoices.add_many([may, again, june])
        assert [i.id for i in inserted] == [may.id, june.id]
        inserted = await uow.invoices.add_many([again, neighbour, elsewhere])
        assert [i.id for i in inserted] == [neighbour.id, elsewhere.id]
        assert b.same(await uow.invoices.get(org, may.id), may)
        with pytest.raises(NotFound):
            await uow.invoices.get(org, again.id)
        assert await uow.invoices.billed_leases(org, "2030-05") == {lease, other_lease}
        assert await uow.invoices.billed_leases(org, "2030-07") == set()


async def test_billed_leases_counts_live_manual_invoices_of_the_period_and_cancelled_run_slots(make_uow):
    org = new_id()
    manual, cancelled_manual, cancelled_run = new_id(), new_id(), new_id()
    by_hand = b.invoice(org, manual, new_id(), service_period="2030-05")
    withdrawn = b.invoice(org, cancelled_manual, new_id(), service_period="2030-05")
    withdrawn.cancel(b.at(5))
    run_slot = b.invoice(org, cancelled_run, new_id(), period="2030-05")
    run_slot.cancel(b.at(5))
    async with make_uow() as uow:
        for inv in (by_hand, withdrawn, run_slot):
            await uow.invoices.add(inv)
        assert await uow.invoices.billed_leases(org, "2030-05") == {manual, cancelled_run}
        assert await uow.invoices.billed_leases(new_id(), "2030-05") == set()


async def test_invoice_list_filters_pages_and_sorts(make_uow):
    org, lease, tara, uma = new_id(), new_id(), new_id(), new_id()
    draft = b.invoice(org, lease, tara, "100", due_date=date(2030, 5, 20), created=b.at(0))
    late = _issued(org, "INV-2", "300", lease=lease, tenant_id=tara, due_date=date(2030, 5, 5), created=b.at(1))
    paid = _issued(org, "INV-3", "200", tenant_id=uma, due_date=date(2030, 5, 1), created=b.at(2))
    paid.apply_payment(Money.of("200", "INR"), b.at(70))
    part = _issued(org, "INV-4", "400", tenant_id=uma, due_date=date(2030, 5, 15), created=b.at(3))
    part.apply_payment(Money.of("150", "INR"), b.at(70))
    names = {draft.id: "draft", late.id: "late", paid.id: "paid", part.id: "part"}
    async with make_uow() as uow:
        for inv in (draft, late, paid, part):
            await uow.invoices.add(inv)
        await uow.invoices.add(_issued(new_id(), "INV-2", "300", lease=lease))  # another organization's

        async def found(filters=InvoiceFilter(), page=PageRequest()):
            result = await uow.invoices.list(org, filters, page)
            return [names[i.id] for i in result.items], result.total

        assert await found() == (["draft", "late", "paid", "part"], 4)
        assert await found(page=PageRequest(page=2, page_size=3)) == (["part"], 4)
        assert await found(page=PageRequest(page=3, page_size=3)) == ([], 4)
        assert await found(page=PageRequest(sort_by="due_date")) == (["paid", "late", "part", "draft"], 4)
        assert await found(page=PageRequest(sort_by="total", descending=True)) == (["part", "late", "paid", "draft"], 4)
        first_by_id = names[min(names)]  # one issue date for all: ties go by id
        assert await found(page=PageRequest(sort_by="issue_date", page_size=1)) == ([first_by_id], 4)
        assert await found(InvoiceFilter(status="paid")) == (["paid"], 1)
        assert await found(InvoiceFilter(status="draft")) == (["draft"], 1)
        assert await found(InvoiceFilter(lease_id=lease)) == (["draft", "late"], 2)
        assert await found(InvoiceFilter(tenant_ids=frozenset({uma}))) == (["paid", "part"], 2)
        assert await found(InvoiceFilter(tenant_ids=frozenset())) == ([], 0)
        # Overdue is derived: open with a balance, past its due date on the day given.
        assert await found(InvoiceFilter(status="overdue")) == (["late", "part"], 2)
        assert await found(InvoiceFilter(status="overdue", overdue_on=date(2030, 5, 10))) == (["late"], 1)
        assert await found(InvoiceFilter(status="overdue", overdue_on=date(2030, 5, 5))) == ([], 0)


async def test_billing_and_late_fee_queries_see_only_open_invoices_of_the_organization(make_uow):
    org, lease = new_id(), new_id()
    tenant = new_id()
    first = _issued(org, "INV-1", "100", lease=lease, tenant_id=tenant, due_date=date(2030, 5, 5))
    second = _issued(org, "INV-2", "200", lease=lease, tenant_id=tenant, due_date=date(2030, 5, 5))
    settled = _issued(org, "INV-3", "300", lease=lease, tenant_id=tenant, due_date=date(2030, 5, 1))
    settled.apply_payment(Money.of("300", "INR"), b.at(70))
    later = _issued(
        org, "INV-4", "400", lease=lease, tenant_id=tenant, issue_date=date(2030, 6, 1), due_date=date(2030, 6, 10)
    )
    draft = b.invoice(org, lease, tenant, due_date=date(2030, 4, 1))
    cancelled = _issued(org, "INV-5", "500", lease=lease, tenant_id=tenant, due_date=date(2030, 4, 1))
    cancelled.cancel(b.at(80))
    other_lease = _issued(org, "INV-6", "600", due_date=date(2030, 5, 2))
    async with make_uow() as uow:
        for inv in (first, second, settled, later, draft, cancelled, other_lease):
            await uow.invoices.add(inv)
        await uow.invoices.add(_issued(new_id(), "INV-1", "100", lease=lease, due_date=date(2030, 5, 5)))

        open_ids = [i.id for i in await uow.invoices.open_for_lease(org, lease)]
        assert open_ids == [first.id, second.id, later.id]  # oldest due first, then by number
        [head, *_] = await uow.invoices.open_for_lease(org, lease)
        assert b.same(head, first)
        assert await uow.invoices.open_for_lease(new_id(), lease) == []

        due = [i.id for i in await uow.invoices.open_due_before(org, date(2030, 5, 6))]
        assert sorted(due[1:]) == sorted([first.id, second.id]) and due[0] == other_lease.id
        assert await uow.invoices.open_due_before(org, date(2030, 5, 2)) == []

        issued = await uow.invoices.issued_between(org, date(2030, 5, 1), date(2030, 5, 31))
        assert {i.id for i in issued} == {first.id, second.id, settled.id, other_lease.id}  # no draft, no cancelled
        assert [i.id for i in await uow.invoices.issued_between(org, date(2030, 6, 1), date(2030, 6, 1))] == [later.id]
        assert b.same(
            next(i for i in issued if i.id == settled.id), settled
        )  # whole invoices, lines and figures included


async def test_lines_keep_their_charge_types_and_order(make_uow):
    org = new_id()
    inv = b.invoice(org, new_id(), new_id())
    inv.lines = [
        InvoiceLine("Deposit", Money.of("50000", "INR"), ChargeType.DEPOSIT),
        InvoiceLine("Late fee", Money.of("250", "INR"), ChargeType.LATE_FEE, supply_type="late_fee"),
        InvoiceLine("Rent", Money.of("25000", "INR"), ChargeType.RENT),
    ]
    async with make_uow() as uow:
        await uow.invoices.add(inv)
        stored = await uow.invoices.get(org, inv.id)
        assert [(x.description, x.charge_type, x.supply_type) for x in stored.lines] == [
            ("Deposit", ChargeType.DEPOSIT, None),
            ("Late fee", ChargeType.LATE_FEE, "late_fee"),
            ("Rent", ChargeType.RENT, None),
        ]
        assert stored.subtotal == Money.of("75250", "INR")
