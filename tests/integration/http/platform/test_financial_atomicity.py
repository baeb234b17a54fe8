"""A crash between two steps of a money use case writes nothing: no half-posted ledger, no used
number, no payment. The failure is injected into a real SQL unit of work (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from functools import cached_property

import pytest
from fin_support import invoice_body, make_lease, money, set_country, trial_balance

from pmsaas.adapters.sql.uow import SqlUnitOfWork
from pmsaas.domain.financial import invoicing, payments
from pmsaas.domain.financial.model import PaymentMethod
from pmsaas.domain.identity.roles import permissions_for
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.money import Money

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

INVOICES = "/api/v1/financial/invoices"


class Boom(RuntimeError):
    pass


class _Failing:
    """Wraps a repository; ``method`` raises after the wrapped call (the write happened)."""

    def __init__(self, inner, method: str):
        self._inner, self._method = inner, method

    def __getattr__(self, name):
        attr = getattr(self._inner, name)
        if name != self._method:
            return attr

        async def boom(*args, **kw):
            await attr(*args, **kw)
            raise Boom(f"crash after {name}")

        return boom


def failing_uow(engine, repository: str, method: str) -> SqlUnitOfWork:
    class Crashing(SqlUnitOfWork):
        pass

    original = getattr(SqlUnitOfWork, repository)

    def wrapped(self):
        return _Failing(original.func(self), method)

    wrapped.__name__ = repository
    prop = cached_property(wrapped)
    prop.__set_name__(Crashing, repository)
    setattr(Crashing, repository, prop)
    return Crashing(engine)


def _actor(owner) -> Actor:
    roles = frozenset({"OrganizationOwner"})
    return Actor(uuid.UUID(owner.user_id), uuid.UUID(owner.org_id), roles, permissions_for(roles))


@pytest.mark.parametrize(("repository", "method"), [("ledger", "post"), ("invoices", "update")])
async def test_a_crash_while_issuing_leaves_no_posting_and_no_used_number(api, owner, repository, method):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN")
    draft = (await api.post(INVOICES, owner.token, json=invoice_body(lease))).json()["data"]
    uow = failing_uow(api.container.system_engine(), repository, method)
    with pytest.raises(Boom):
        await invoicing.issue_invoice(
            uow=uow, clock=api.container.clock(), actor=_actor(owner), invoice_id=uuid.UUID(draft["id"])
        )
    assert await trial_balance(api, owner) == {}
    assert (await api.get(f"{INVOICES}/{draft['id']}", owner.token)).json()["data"]["status"] == "draft"
    r = await api.post(f"{INVOICES}/{draft['id']}/issue", owner.token)
    assert r.json()["data"]["number"] == "INV/26-27/000001"  # the crashed attempt used no number


# A payment's reads and its settled rows go through the PaymentPosting port (on PostgreSQL one round
# trip and two, not through the repositories): a crash after the reads (invoices locked), and after
# everything but the commit (the payment inserted, its entry, the outbox).
@pytest.mark.parametrize(("repository", "method"), [("payment_posting", "open"), ("payment_posting", "settle")])
async def test_a_crash_while_settling_a_payment_moves_no_money(api, owner, repository, method):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN")
    inv = (await api.post(INVOICES, owner.token, json=invoice_body(lease, issue=True))).json()["data"]
    before = await trial_balance(api, owner)
    uow = failing_uow(api.container.system_engine(), repository, method)
    with pytest.raises(Boom):
        await payments.create_payment(
            uow=uow,
            clock=api.container.clock(),
            actor=_actor(owner),
            gateway=api.container.payment_gateway(),
            data=payments.PaymentInput(
                lease_id=uuid.UUID(lease.id), amount=Money.of("59000.00", "INR"), method=PaymentMethod.CASH
            ),
            idempotency_key="crash-1",
            fingerprint="f",
        )
    assert await trial_balance(api, owner) == before
    assert (await api.get("/api/v1/financial/payments", owner.token)).json()["data"] == []
    assert (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]["status"] == "issued"
    # The same key works afterwards: nothing of the crashed attempt was kept.
    body = {"lease_id": lease.id, "amount": money("59000.00"), "method": "cash"}
    r = await api.post("/api/v1/financial/payments", owner.token, json=body, headers={"Idempotency-Key": "crash-1"})
    assert r.status_code == 201, r.text
    assert r.json()["data"]["receipt_number"] == "RCT/26-27/000001"
    assert (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]["status"] == "paid"
