"""``PaymentPosting``, the write of a settled payment, over the fakes, SQL on SQLite (through the
repositories) and SQL on PostgreSQL (its own adapter: psycopg pipeline, prepared statements); and,
on PostgreSQL, the two SQL adapters write the same rows. Every test works in one unit of work and
never commits; new organization ids keep the tests apart."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.model import Invoice, InvoiceStatus, Payment, PaymentStatus, allocate
from pmsaas.domain.financial.payment_posting import PostingThroughRepositories
from pmsaas.domain.financial.ports import Settlement
from pmsaas.domain.shared.errors import Conflict
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money

FY = "30-31"
NOW = b.at(3600)
RECEIVED = NOW.date() - timedelta(days=3)  # the allocations' date: the payment's day of receipt


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def _issued(org: UUID, lease: UUID, tenant: UUID, rent: str, number: str) -> Invoice:
    inv = b.invoice(org, lease, tenant, rent)
    inv.issue(number=number, at=b.at(60))
    return inv


async def _stored_payment(uow: Any, org: UUID, amount: str, *invoice_rents: str) -> tuple[Payment, list[Invoice]]:
    lease, tenant = new_id(), new_id()
    invoices = [
        _issued(org, lease, tenant, rent, f"INV-{i:04d}-{new_id().hex[:6]}") for i, rent in enumerate(invoice_rents)
    ]
    for inv in invoices:
        await uow.invoices.add(inv)
    payment = b.payment(org, lease, tenant, amount)
    assert await uow.payments.add(payment)
    return payment, invoices


def _settlement(payment: Payment, invoices: list[Invoice]) -> Settlement:
    """What the use case's _settle decides, by hand: allocation oldest first, invoices moved on."""
    allocations, _credit = allocate(payment.gross, invoices, RECEIVED)
    by_id = {i.id: i for i in invoices}
    paid = []
    for a in allocations:
        invoice = by_id[a.invoice_id]
        version = invoice.version
        invoice.apply_payment(a.amount, NOW)
        invoice.version += 1
        paid.append((invoice, version))
    payment.allocations = allocations
    return Settlement(payment, payment.version, paid, frozenset(payment.settlement_accounts), FY, NOW)


def _receipt(payment: Payment, numbers: list[int], entry_id: UUID | None = None):
    def numbered(seq: int) -> L.JournalEntry:
        numbers.append(seq)
        entry = payment.succeed(receipt_number=f"RCT/{FY}/{seq:06d}", at=NOW, today=NOW.date())
        return replace(entry, id=entry_id) if entry_id is not None else entry

    return numbered


async def test_a_settled_payment_is_written_with_its_invoices_entry_allocations_and_number(make_uow):
    org = new_id()
    async with make_uow() as uow:
        payment, invoices = await _stored_payment(uow, org, "30000", "25000", "18000.50")
        numbers: list[int] = []
        await uow.payment_posting.settle(_settlement(payment, invoices), _receipt(payment, numbers))
        second, more = await _stored_payment(uow, org, "100", "500")
        await uow.payment_posting.settle(_settlement(second, more), _receipt(second, numbers))

        assert numbers == [1, 2]  # the organization's receipt counter, gap-free
        first_invoice, second_invoice = [await uow.invoices.get(org, i.id) for i in invoices]
        assert first_invoice.status is InvoiceStatus.PAID and first_invoice.version == invoices[0].version
        assert second_invoice.amount_paid == Money.of("5000", "INR")
        assert second_invoice.status is not InvoiceStatus.PAID
        stored = await uow.payments.get(org, payment.id)
        assert stored.status is PaymentStatus.SUCCEEDED and stored.receipt_number == f"RCT/{FY}/000001"
        assert [(a.invoice_id, a.amount, a.applied_on) for a in stored.allocations] == [
            (invoices[0].id, Money.of("25000", "INR"), RECEIVED),
            (invoices[1].id, Money.of("5000", "INR"), RECEIVED),
        ]
        entry = await uow.ledger.entry_for(org, "payment", payment.id)
        assert entry.description == f"Payment RCT/{FY}/000001 (bank_transfer)"
        assert sum(line.amount.minor for line in entry.lines) == 0
        balance = {row.account: row for row in await uow.ledger.trial_balance(org, "INR")}
        assert balance["cash"].debit == Money.of("30100", "INR")


async def test_an_undated_allocation_is_written_undated(make_uow):
    """None (a row from before 0048, rewritten by a refund) stays NULL: the pipelined VALUES cast it."""
    org = new_id()
    async with make_uow() as uow:
        payment, invoices = await _stored_payment(uow, org, "300", "500")
        settlement = _settlement(payment, invoices)
        payment.allocations = [replace(a, applied_on=None) for a in payment.allocations]
        assert await uow.payment_posting.settle(settlement, _receipt(payment, []))
        assert [a.applied_on for a in (await uow.payments.get(org, payment.id)).allocations] == [None]


async def test_an_invoice_moved_meanwhile_is_a_conflict(make_uow):
    org = new_id()
    async with make_uow() as uow:
        payment, invoices = await _stored_payment(uow, org, "100", "500")
        settlement = _settlement(payment, invoices)
        stale = [(invoice, version - 1) for invoice, version in settlement.paid_invoices]
        with pytest.raises(Conflict):
            await uow.payment_posting.settle(replace(settlement, paid_invoices=stale), _receipt(payment, []))


async def test_a_payment_moved_meanwhile_is_a_conflict(make_uow):
    org = new_id()
    async with make_uow() as uow:
        payment, invoices = await _stored_payment(uow, org, "100", "500")
        settlement = replace(_settlement(payment, invoices), expected_version=payment.version + 7)
        with pytest.raises(Conflict):
            await uow.payment_posting.settle(settlement, _receipt(payment, []))


# -- the PostgreSQL adapter writes what the repositories write ------------------------------------

# Each table's rows, less what is fresh in each transaction: new rows' ids, and the ids of accounts
# created in it (a journal line names its account by key instead).
_TABLES = (
    ("SELECT * FROM financial_invoices", ()),
    ("SELECT * FROM financial_payments", ()),
    ("SELECT * FROM financial_payment_allocations", ("id",)),
    ("SELECT * FROM financial_journal_entries", ()),
    (
        "SELECT l.*, a.key AS account_key FROM financial_journal_lines l"
        " JOIN financial_accounts a ON a.id = l.account_id",
        ("id", "account_id"),
    ),
    ("SELECT * FROM financial_number_sequences", ()),
    ("SELECT key, name, kind, organization_id FROM financial_accounts", ()),
    ("SELECT organization_id, event, payload, occurred_at FROM notifications_outbox", ()),
)


async def _rows(uow: Any, org: UUID) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for table, ignored in _TABLES:
        where = " WHERE l.organization_id = :org" if " l " in table else " WHERE organization_id = :org"
        result = await uow.connection.execute(sa.text(table + where), {"org": org})
        rows = [{k: v for k, v in row._mapping.items() if k not in ignored} for row in result]
        out[table.split(" FROM ")[1].split()[0]] = sorted(rows, key=repr)
    return out


def _through_repositories(uow: Any) -> PostingThroughRepositories:
    return PostingThroughRepositories(
        uow.invoices, uow.ledger, uow.sequences, uow.payments, uow.lease_directory, uow.organization_profiles
    )


@pytest.mark.parametrize(("accounts_exist", "new_payment"), [(False, False), (True, False), (False, True)])
async def test_the_postgres_adapter_writes_the_rows_the_repositories_write(database_urls, accounts_exist, new_payment):
    """A stored payment settled, or (``new_payment``) a new one inserted settled, with its events."""
    org, entry_id = new_id(), new_id()
    async with uow_factory("sql-postgres", database_urls) as make:
        async with make() as uow:
            template_payment, template_invoices = await _stored_payment(uow, org, "30000", "25000", "18000.50")
            await uow.rollback()
        written = []
        for through_repositories in (True, False):
            async with make() as uow:
                if accounts_exist:
                    await uow.ledger.prepare_accounts(org, {"cash", L.receivable(template_payment.tenant_id)}, NOW)
                payment, invoices = copy.deepcopy(template_payment), copy.deepcopy(template_invoices)
                for inv in invoices:
                    await uow.invoices.add(inv)
                if not new_payment:
                    assert await uow.payments.add(payment)
                posting = _through_repositories(uow) if through_repositories else uow.payment_posting
                assert not isinstance(posting, PostingThroughRepositories) or through_repositories
                settlement = replace(_settlement(payment, invoices), expected_version=None if new_payment else 1)
                event_id = new_id()

                def numbered(seq: int, payment: Payment = payment) -> L.JournalEntry:
                    entry = _receipt(payment, [], entry_id)(seq)
                    uow.record(replace(payment.event("payment.received", NOW), id=event_id))
                    return entry

                assert await posting.settle(settlement, numbered)
                if uow.events:  # the repositories' path: the unit of work writes them at commit
                    await uow._write_outbox(uow.connection)
                written.append(await _rows(uow, org))
                await uow.rollback()
        repositories, postgres = written
        assert repositories["financial_payment_allocations"] and repositories["financial_journal_lines"]
        assert {row["applied_on"] for row in repositories["financial_payment_allocations"]} == {RECEIVED}
        assert repositories["notifications_outbox"]
        assert postgres == repositories


async def test_the_postgres_adapter_reads_what_the_repositories_read(database_urls):
    """The opening: the idempotency look-up, the lease, the profile, the open invoices."""
    org = new_id()
    async with uow_factory("sql-postgres", database_urls) as make, make() as uow:
        payment, invoices = await _stored_payment(uow, org, "100", "500", "700")
        await uow.connection.execute(
            organizations.insert(),
            {
                "id": org,
                "name": "Opening",
                "plan": "free",
                "status": "active",
                "country": "IN",
                "currency": "INR",
                "time_zone": "Asia/Kolkata",
                "locale": "en-IN",
                "extra_settings": {"receipt_number_format": "R/{fy}/{seq}"},
                "version": 1,
                "created_at": NOW,
                "updated_at": NOW,
            },
        )
        opened = []
        for posting in (_through_repositories(uow), uow.payment_posting):
            for key in (payment.idempotency_key, "another key"):
                opened.append(await posting.open(org, payment.idempotency_scope, key, payment.lease_id, invoices=True))

        def seen(o: Any) -> tuple[Any, ...]:  # payments and invoices compare by identity: by their fields
            invoices = [vars(i) for i in o.open_invoices] if o.open_invoices is not None else None
            return (vars(o.existing) if o.existing else None, o.lease, o.profile, invoices)

        assert [seen(o) for o in opened[:2]] == [seen(o) for o in opened[2:]]
        assert opened[0].existing is not None and opened[0].existing.id == payment.id and opened[1].existing is None
        assert opened[0].open_invoices is not None and len(opened[0].open_invoices) == len(invoices)
        assert opened[0].profile.time_zone == "Asia/Kolkata"


async def test_a_new_payment_whose_key_is_taken_is_not_written(make_uow):
    org = new_id()
    async with make_uow() as uow:
        payment, invoices = await _stored_payment(uow, org, "100", "500")
        twin = replace(copy.deepcopy(payment), id=new_id())
        settlement = replace(_settlement(twin, invoices), expected_version=None)
        assert not await uow.payment_posting.settle(settlement, _receipt(twin, []))


if "sql-postgres" not in BACKENDS:
    del test_the_postgres_adapter_writes_the_rows_the_repositories_write  # SQLite only: nothing to compare
    del test_the_postgres_adapter_reads_what_the_repositories_read
