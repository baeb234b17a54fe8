"""The financial context's payment repository over the fakes, SQL on SQLite and SQL on PostgreSQL:
payments and their allocations, the caller's idempotency key (one payment and one refund per
organization, caller and key), gateway lookups and replays, and tenant credit. Every test works in
one unit of work and never commits; new organization ids keep the tests apart."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.financial.credit import CreditApplication
from pmsaas.domain.financial.model import Allocation, Invoice, Payment, PaymentStatus
from pmsaas.domain.financial.ports import PaymentFilter
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


def _settled(p: Payment, receipt: str, seconds: int = 100) -> Payment:
    p.succeed(receipt_number=receipt, at=b.at(seconds), today=b.at(seconds).date())
    return p


async def _invoices(uow, org: UUID, lease: UUID, tenant: UUID, *numbers: str) -> list[Invoice]:  # type: ignore[no-untyped-def]
    """Issued invoices the allocations can point at (the SQL table's foreign key)."""
    out = []
    for number in numbers:
        inv = b.invoice(org, lease, tenant, "1000")
        inv.issue(number=number, at=b.at(50))
        await uow.invoices.add(inv)
        out.append(inv)
    return out


async def test_a_payment_reads_back_by_id_and_by_its_callers_key_in_its_organization_only(make_uow):
    org = new_id()
    p = b.payment(org, new_id(), new_id(), "2500.75", reference="UTR 1", notes="May", invoice_ids=(new_id(),))
    async with make_uow() as uow:
        assert await uow.payments.add(p) is True
        assert b.same(await uow.payments.get(org, p.id), p)
        assert b.same(await uow.payments.by_idempotency_key(org, p.idempotency_scope, p.idempotency_key), p)
        assert await uow.payments.by_idempotency_key(org, "another caller", p.idempotency_key) is None
        assert await uow.payments.by_idempotency_key(new_id(), p.idempotency_scope, p.idempotency_key) is None
        with pytest.raises(NotFound):
            await uow.payments.get(new_id(), p.id)
        with pytest.raises(NotFound):
            await uow.payments.get(org, new_id())


async def test_a_callers_key_is_used_once_per_organization(make_uow):
    org, lease, tenant = new_id(), new_id(), new_id()
    first = b.payment(org, lease, tenant, "100", idempotency_key="k-1")
    again = b.payment(org, lease, tenant, "999", idempotency_key="k-1")
    other_caller = b.payment(org, lease, tenant, "200", idempotency_key="k-1", idempotency_scope=f"{org}:user:tenant")
    other_org = b.payment(
        new_id(), lease, tenant, "300", idempotency_key="k-1", idempotency_scope=first.idempotency_scope
    )
    async with make_uow() as uow:
        assert await uow.payments.add(first) is True
        assert await uow.payments.add(again) is False  # nothing written
        with pytest.raises(NotFound):
            await uow.payments.get(org, again.id)
        assert await uow.payments.add(other_caller) is True
        assert await uow.payments.add(other_org) is True
        found = await uow.payments.by_idempotency_key(org, first.idempotency_scope, "k-1")
        assert found is not None and found.id == first.id and found.amount == _inr("100")


async def test_update_checks_the_version_and_writes_status_figures_and_allocations(make_uow):
    org, lease, tenant = new_id(), new_id(), new_id()
    p = b.payment(org, lease, tenant, "1500")
    async with make_uow() as uow:
        first, second = await _invoices(uow, org, lease, tenant, "INV-1", "INV-2")
        assert await uow.payments.add(replace(p, allocations=[Allocation(first.id, _inr("1"))]))
        assert (await uow.payments.get(org, p.id)).allocations == []  # add writes the row only

        _settled(p, "RCPT-1")
        p.allocations = [Allocation(first.id, _inr("1000")), Allocation(second.id, _inr("300"))]
        p.version = 2
        await uow.payments.update(p, expected_version=1)
        stored = await uow.payments.get(org, p.id)
        assert b.same(stored, p)
        assert stored.unallocated == _inr("200")
        with pytest.raises(Conflict):
            await uow.payments.update(replace(p, version=3), expected_version=1)
        with pytest.raises(Conflict):  # another organization's payment is not there to update
            await uow.payments.update(replace(p, organization_id=new_id(), version=3), expected_version=2)

        p.refund(_inr("300"), refund_id=new_id(), at=b.at(200), today=b.at(200).date())
        changed = replace(p, allocations=[Allocation(second.id, _inr("700"))], idempotency_key="rewritten", version=3)
        await uow.payments.update(changed, expected_version=2)
        stored = await uow.payments.get(org, p.id)
        assert stored.allocations == [Allocation(second.id, _inr("700"))]  # the full list, replaced
        assert (stored.status, stored.amount_refunded) == (PaymentStatus.PARTIALLY_REFUNDED, _inr("300"))
        assert stored.idempotency_key == p.idempotency_key  # the caller's key is never rewritten


async def test_payment_list_filters_pages_and_sorts(make_uow):
    org, lease, tara, uma = new_id(), new_id(), new_id(), new_id()
    small = b.payment(org, lease, tara, "100", created=b.at(0))
    big = _settled(b.payment(org, lease, tara, "900", created=b.at(1)), "R-1")
    mid = _settled(b.payment(org, new_id(), uma, "500", created=b.at(2)), "R-2")
    names = {small.id: "small", big.id: "big", mid.id: "mid"}
    async with make_uow() as uow:
        [inv] = await _invoices(uow, org, lease, tara, "INV-1")
        for p in (small, big, mid):
            await uow.payments.add(p)
        big.allocations, big.version = [Allocation(inv.id, _inr("900"))], 2
        await uow.payments.update(big, expected_version=1)
        await uow.payments.add(b.payment(new_id(), lease, tara))  # another organization's

        async def found(filters=PaymentFilter(), page=PageRequest()):
            result = await uow.payments.list(org, filters, page)
            return [names[p.id] for p in result.items], result.total

        assert await found() == (["small", "big", "mid"], 3)
        assert await found(page=PageRequest(page=2, page_size=2)) == (["mid"], 3)
        assert await found(page=PageRequest(sort_by="amount", descending=True)) == (["big", "mid", "small"], 3)
        assert await found(PaymentFilter(status="succeeded")) == (["big", "mid"], 2)
        assert await found(PaymentFilter(status="pending")) == (["small"], 1)
        assert await found(PaymentFilter(lease_id=lease)) == (["small", "big"], 2)
        assert await found(PaymentFilter(tenant_ids=frozenset({uma}))) == (["mid"], 1)
        assert await found(PaymentFilter(tenant_ids=frozenset())) == ([], 0)
        assert await found(PaymentFilter(invoice_id=inv.id)) == (["big"], 1)
        assert await found(PaymentFilter(invoice_id=new_id())) == ([], 0)


async def test_a_gateway_callback_finds_its_payment_across_organizations(make_uow):
    org, charge = new_id(), f"ch_{new_id().hex}"
    p = b.payment(org, new_id(), new_id(), gateway="mockpay", gateway_payment_id=charge)
    async with make_uow() as uow:
        await uow.payments.add(p)
        assert b.same(await uow.payments.by_gateway_id("mockpay", charge), p)
        assert await uow.payments.by_gateway_id("othergateway", charge) is None
        assert await uow.payments.by_gateway_id("mockpay", f"ch_{new_id().hex}") is None


async def test_a_gateway_event_is_recorded_once(make_uow):
    event = f"evt_{new_id().hex}"
    async with make_uow() as uow:
        assert await uow.payments.record_gateway_event("mockpay", event, b.at(0)) is True
        assert await uow.payments.record_gateway_event("mockpay", event, b.at(5)) is False  # a replay
        assert await uow.payments.record_gateway_event("othergateway", event, b.at(5)) is True


async def test_a_refund_is_recorded_once_per_callers_key_and_read_back_by_it(make_uow):
    org = new_id()
    p = _settled(b.payment(org, new_id(), new_id(), "1000"), "R-1")
    refund = b.refund(p, "250", reason="Overpaid", idempotency_key="rk-1")
    deposit = b.refund(p, "100", deposit=True)
    async with make_uow() as uow:
        await uow.payments.add(p)
        assert await uow.payments.add_refund(refund) is True
        assert await uow.payments.add_refund(b.refund(p, "999", idempotency_key="rk-1")) is False
        assert await uow.payments.add_refund(deposit) is True
        found = await uow.payments.refund_by_key(org, refund.idempotency_scope, "rk-1")
        assert found is not None and b.same(found, refund)
        stored_deposit = await uow.payments.refund_by_key(org, deposit.idempotency_scope, deposit.idempotency_key)
        assert stored_deposit is not None and stored_deposit.deposit is True
        assert await uow.payments.refund_by_key(org, "another caller", "rk-1") is None
        assert await uow.payments.refund_by_key(new_id(), refund.idempotency_scope, "rk-1") is None


async def test_credit_is_what_settled_payments_hold_beyond_their_allocations_oldest_first(make_uow):
    org, lease, tenant, other_lease = new_id(), new_id(), new_id(), new_id()
    partly_used = _settled(b.payment(org, lease, tenant, "1500"), "R-1", seconds=100)
    untouched = _settled(b.payment(org, lease, tenant, "300"), "R-2", seconds=50)  # older
    used_up = _settled(b.payment(org, lease, tenant, "1000"), "R-3")
    refunded = _settled(b.payment(org, lease, tenant, "400"), "R-4")
    refunded.refund(_inr("400"), refund_id=new_id(), at=b.at(150), today=b.at(150).date())
    pending = b.payment(org, lease, tenant, "700")
    neighbour = _settled(b.payment(org, other_lease, new_id(), "200"), "R-5")
    async with make_uow() as uow:
        first, second = await _invoices(uow, org, lease, tenant, "INV-1", "INV-2")
        for p in (partly_used, untouched, used_up, refunded, pending, neighbour):
            await uow.payments.add(p)
        partly_used.allocations, partly_used.version = [Allocation(first.id, _inr("1000"))], 2
        await uow.payments.update(partly_used, expected_version=1)
        used_up.allocations, used_up.version = [Allocation(second.id, _inr("1000"))], 2
        await uow.payments.update(used_up, expected_version=1)
        await uow.payments.add(_settled(b.payment(new_id(), lease, tenant, "5000"), "R-1"))  # another organization's

        credits = await uow.payments.credits(org, lease)
        assert list(credits) == [lease]
        assert [(c.payment_id, c.amount, c.next_position) for c in credits[lease]] == [
            (untouched.id, _inr("300"), 0),
            (partly_used.id, _inr("500"), 1),
        ]
        everyone = await uow.payments.credits(org)
        assert {k: [c.payment_id for c in v] for k, v in everyone.items()} == {
            lease: [untouched.id, partly_used.id],
            other_lease: [neighbour.id],
        }
        assert everyone[lease][0].tenant_id == tenant
        assert await uow.payments.credits(new_id()) == {}


async def test_applied_credit_appends_allocations_and_moves_the_payments_version(make_uow):
    org, lease, tenant = new_id(), new_id(), new_id()
    p = _settled(b.payment(org, lease, tenant, "1500"), "R-1")
    async with make_uow() as uow:
        first, second = await _invoices(uow, org, lease, tenant, "INV-1", "INV-2")
        await uow.payments.add(p)
        p.allocations, p.version = [Allocation(first.id, _inr("1000"))], 2
        await uow.payments.update(p, expected_version=1)
        await uow.payments.apply_credits(org, [], b.at(300))  # nothing to write
        await uow.payments.apply_credits(org, [CreditApplication(p.id, second.id, 1, _inr("400"))], b.at(300))
        stored = await uow.payments.get(org, p.id)
        assert stored.allocations == [Allocation(first.id, _inr("1000")), Allocation(second.id, _inr("400"))]
        assert (stored.version, stored.updated_at) == (3, b.at(300))
        [credit] = (await uow.payments.credits(org, lease))[lease]
        assert (credit.amount, credit.next_position) == (_inr("100"), 2)
        with pytest.raises(Conflict):
            await uow.payments.update(replace(stored, version=4), expected_version=2)
