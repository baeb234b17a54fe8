"""One suite for the financial context's InvoiceListQuery (the invoice list, a hot read) over the fake, SQL
on SQLite (SqliteInvoiceList) and SQL on PostgreSQL (PostgresInvoiceList): the same invoices, filters,
sorts, pages and cursors as ``InvoiceRepository.list`` (test_invoice_repositories.py), each invoice read
back whole, lines (with their taxes) in order. Nothing is committed; new organization ids keep tests apart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from fakes.invoices import FakeInvoiceList
from pmsaas.adapters.sql.queries.invoice_list import PostgresInvoiceList, SqliteInvoiceList
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceTax
from pmsaas.domain.financial.ports import InvoiceFilter
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest

ADAPTERS = {"fake": FakeInvoiceList, "sql-sqlite": SqliteInvoiceList, "sql-postgres": PostgresInvoiceList}


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="module")
async def make_uow(backend, database_urls):
    async with uow_factory(backend, database_urls) as factory:
        yield factory


def _issued(org: UUID, number: str, *amounts: str, lease: UUID | None = None, **kw) -> Invoice:  # type: ignore[no-untyped-def]
    inv = b.invoice(org, lease or new_id(), kw.pop("tenant_id", new_id()), *amounts, **kw)
    inv.issue(number=number, at=b.at(60))
    return inv


async def test_each_database_gets_its_own_adapter(backend, make_uow):
    async with make_uow() as uow:
        assert type(uow.invoice_list) is ADAPTERS[backend]
    async with make_uow().read_only() as reader:
        assert type(reader.invoice_list) is ADAPTERS[backend]


async def test_a_listed_invoice_reads_back_whole_with_its_lines_in_order(make_uow):
    org = new_id()
    gst = (
        InvoiceTax("CGST", Decimal("9"), Money.of("90", "INR"), "tenant", "MH"),
        InvoiceTax("SGST", Decimal("9"), Money.of("90", "INR"), "tenant", None),
    )
    taxed = b.invoice(org, new_id(), new_id(), "25000", "1500.50", "3", notes="May", service_period="2030-05")
    taxed.lines.append(InvoiceLine("Maintenance", Money.of("1000", "INR"), ChargeType.OTHER, "taxable", gst))
    issued = _issued(org, "INV-0001", "18000", created=b.at(1))
    issued.apply_payment(Money.of("500", "INR"), b.at(70))
    async with make_uow() as uow:
        await uow.invoices.add(taxed)
        await uow.invoices.add(issued)
        found = await uow.invoice_list.page(org, InvoiceFilter(), PageRequest())
        assert found.total == 2 and [x.id for x in found.items] == [taxed.id, issued.id]
        for listed in found.items:
            stored = await uow.invoices.get(org, listed.id)
            assert b.same(listed, stored)  # every field, lines and taxes included
        assert [line.description for line in found.items[0].lines] == ["Rent", "Rent", "Rent", "Maintenance"]
        assert found.items[0].lines[3].taxes == gst


async def test_invoice_list_filters_pages_sorts_and_cursors_as_the_repository_does(backend, make_uow):
    org, lease, tara, uma = new_id(), new_id(), new_id(), new_id()
    draft = b.invoice(org, lease, tara, "100", due_date=date(2030, 5, 20), created=b.at(0))
    late = _issued(org, "INV-2", "300", lease=lease, tenant_id=tara, due_date=date(2030, 5, 5), created=b.at(1))
    paid = _issued(org, "INV-3", "200", tenant_id=uma, due_date=date(2030, 5, 1), created=b.at(2))
    paid.apply_payment(Money.of("200", "INR"), b.at(70))
    part = _issued(org, "INV-4", "400", tenant_id=uma, due_date=date(2030, 5, 15), created=b.at(3))
    part.apply_payment(Money.of("150", "INR"), b.at(70))
    async with make_uow() as uow:
        for inv in (draft, late, paid, part):
            await uow.invoices.add(inv)
        await uow.invoices.add(_issued(new_id(), "INV-2", "300", lease=lease))  # another organization's

        async def same(filters=InvoiceFilter(), page=PageRequest()):
            found = await uow.invoice_list.page(org, filters, page)
            reference = await uow.invoices.list(org, filters, page)
            assert [x.id for x in found.items] == [x.id for x in reference.items], (filters, page)
            assert (found.total, found.next_after) == (reference.total, reference.next_after), (filters, page)
            return found

        assert (await same()).total == 4
        await same(page=PageRequest(page=2, page_size=3))
        await same(page=PageRequest(page=3, page_size=3))
        for sort_by in ("created_at", "due_date", "issue_date", "number", "total"):
            for descending in (False, True):
                await same(page=PageRequest(sort_by=sort_by, descending=descending, page_size=3))
        for filters in (
            InvoiceFilter(status="paid"),
            InvoiceFilter(status="draft"),
            InvoiceFilter(lease_id=lease),
            InvoiceFilter(tenant_ids=frozenset({uma})),
            InvoiceFilter(tenant_ids=frozenset()),
            InvoiceFilter(status="issued", tenant_ids=frozenset({tara, uma})),
            InvoiceFilter(status="overdue"),
            InvoiceFilter(status="overdue", overdue_on=date(2030, 5, 10)),
            InvoiceFilter(status="overdue", overdue_on=date(2030, 5, 5)),
        ):
            await same(filters)
        assert (await same(InvoiceFilter(status="overdue", overdue_on=date(2030, 5, 10)))).items[0].id == late.id
        assert (await uow.invoice_list.page(new_id(), InvoiceFilter(), PageRequest())).total == 0
        if backend != "fake":  # the fakes page by offset only (no cursor)
            for sort_by in ("created_at", "due_date", "issue_date", "total"):
                for descending in (False, True):
                    walked, after = [], None
                    while True:
                        page = PageRequest(sort_by=sort_by, descending=descending, page_size=2, after=after)
                        found = await same(page=page)
                        walked += [x.id for x in found.items]
                        if (after := found.next_after) is None:
                            break
                    whole = await same(page=PageRequest(sort_by=sort_by, descending=descending))
                    assert walked == [x.id for x in whole.items], (sort_by, descending)
