"""A tenant's credit (a payment's unallocated amount) is applied to the lease's next invoices when
they are issued: manual issue, ``issue: true``, ``/send`` and the billing run. No journal entry (the
credit already sits on the tenant's receivable); the trial balance and the lease ledger stay right;
a credit is never spent twice, also under concurrency; refunds keep their rule."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from fin_support import invoice_body, key, make_lease, money, set_country, trial_balance

from pmsaas.adapters.sql.tables import financial as F
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.domain.financial import invoicing
from pmsaas.domain.flows.rent_billing import run_billing

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

INVOICES = "/api/v1/financial/invoices"
PAYMENTS = "/api/v1/financial/payments"


async def _setup(api, owner, **kw):
    await set_country(api, owner, "IN")
    return await make_lease(api, owner, "IN", property_type="residential", **kw)


async def _draft(api, owner, lease, amount, due="2026-12-10", **extra):
    body = invoice_body(lease, ("Rent", amount, "rent"), due_date=due, **extra)
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def _pay(api, owner, lease, amount):
    body = {"lease_id": lease.id, "amount": money(amount, lease.currency), "method": "cash"}
    r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def _get(api, token, url):
    r = await api.get(url, token)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def _ledger_balance(api, owner, lease):
    return (await _get(api, owner.token, f"/api/v1/leases/{lease.id}/ledger"))["balance"]


async def _entries(api, owner):
    async with api.container.system_engine().connect() as conn:
        rows = await conn.execute(
            sa.select(F.journal_entries.c.source_type).where(
                F.journal_entries.c.organization_id == uuid.UUID(owner.org_id)
            )
        )
        return sorted(rows.scalars())


async def _events(api, owner, name):
    async with api.container.system_engine().connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.payload).where(
                outbox.c.organization_id == uuid.UUID(owner.org_id), outbox.c.event == name
            )
        )
        return [p for p in rows.scalars()]


async def test_an_overpayment_pays_the_next_invoice_when_it_is_issued(api, owner):
    lease = await _setup(api, owner)
    p = await _pay(api, owner, lease, "1500.00")  # nothing open: all credit
    assert p["unallocated"] == money("1500.00") and p["allocations"] == []
    entries_before = await _entries(api, owner)

    draft = await _draft(api, owner, lease, "1000.00")
    assert draft["status"] == "draft" and draft["amount_paid"] == money("0.00")  # drafts take no credit
    r = await api.post(f"{INVOICES}/{draft['id']}/issue", owner.token)
    assert r.status_code == 200, r.text
    inv = r.json()["data"]
    assert inv["status"] == "paid" and inv["amount_paid"] == money("1000.00") and inv["balance_due"] == money("0.00")
    paid = await _get(api, owner.token, f"{PAYMENTS}/{p['id']}")
    assert paid["unallocated"] == money("500.00")
    assert [(a["invoice_id"], a["amount"]) for a in paid["allocations"]] == [(draft["id"], money("1000.00"))]
    listed = await _get(api, owner.token, f"{INVOICES}/{draft['id']}/payments")
    assert [x["id"] for x in listed] == [p["id"]]
    assert [e["invoice_id"] for e in await _events(api, owner, "invoice.paid")] == [draft["id"]]
    # Only the invoice's own entry was posted: applying credit moves no money.
    assert await _entries(api, owner) == sorted([*entries_before, "invoice"])
    balances = await trial_balance(api, owner)
    assert balances["cash"] == "1500.00" and balances[f"ar:{lease.tenant_id}"] == "-500.00"
    assert await _ledger_balance(api, owner, lease) == money("-500.00")

    # `issue: true` on create takes the rest: the invoice is partially paid by it.
    body = invoice_body(lease, ("Rent", "800.00", "rent"), issue=True)
    second = (await api.post(INVOICES, owner.token, json=body)).json()["data"]
    assert second["status"] == "partially_paid" and second["amount_paid"] == money("500.00")
    assert second["balance_due"] == money("300.00")
    assert (await _get(api, owner.token, f"{PAYMENTS}/{p['id']}"))["unallocated"] == money("0.00")
    assert len(await _events(api, owner, "invoice.paid")) == 1
    balances = await trial_balance(api, owner)
    assert balances[f"ar:{lease.tenant_id}"] == "300.00"
    assert await _ledger_balance(api, owner, lease) == money("300.00")

    # No credit left: the next invoice is simply issued.
    third = await _draft(api, owner, lease, "100.00")
    issued = (await api.post(f"{INVOICES}/{third['id']}/issue", owner.token)).json()["data"]
    assert issued["status"] == "issued" and issued["amount_paid"] == money("0.00")


async def test_send_applies_the_credit_and_a_tenant_sees_the_same(api, owner):
    await set_country(api, owner, "IN")
    tenant_user, tenant = await owner.add_user("Tenant")
    lease = await make_lease(api, owner, "IN", property_type="residential", tenant_user_id=tenant_user)
    p = await _pay(api, owner, lease, "400.00")
    draft = await _draft(api, owner, lease, "1000.00")
    r = await api.post(f"{INVOICES}/{draft['id']}/send", owner.token)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "partially_paid"
    seen = await _get(api, tenant, f"{INVOICES}/{draft['id']}")
    assert (seen["amount_paid"], seen["balance_due"]) == (money("400.00"), money("600.00"))
    assert [x["id"] for x in await _get(api, tenant, f"{INVOICES}/{draft['id']}/payments")] == [p["id"]]
    mine = await _get(api, tenant, f"{PAYMENTS}/{p['id']}")
    assert mine["unallocated"] == money("0.00") and mine["allocations"][0]["invoice_id"] == draft["id"]
    assert (await _get(api, tenant, f"/api/v1/leases/{lease.id}/ledger"))["balance"] == money("600.00")
    await trial_balance(api, owner)


async def test_a_credit_larger_than_one_invoice_is_spread_over_several_oldest_payment_first(api, owner):
    lease = await _setup(api, owner)
    first = await _pay(api, owner, lease, "700.00")
    second = await _pay(api, owner, lease, "600.00")
    a = await _draft(api, owner, lease, "500.00")
    b = await _draft(api, owner, lease, "500.00")
    c = await _draft(api, owner, lease, "500.00")
    got = {}
    for d in (a, b, c):
        got[d["id"]] = (await api.post(f"{INVOICES}/{d['id']}/issue", owner.token)).json()["data"]
    assert [got[d["id"]]["status"] for d in (a, b, c)] == ["paid", "paid", "partially_paid"]
    assert got[c["id"]]["amount_paid"] == money("300.00")
    p1 = await _get(api, owner.token, f"{PAYMENTS}/{first['id']}")
    p2 = await _get(api, owner.token, f"{PAYMENTS}/{second['id']}")
    assert [(x["invoice_id"], x["amount"]["amount"]) for x in p1["allocations"]] == [
        (a["id"], "500.00"),
        (b["id"], "200.00"),
    ]
    assert [(x["invoice_id"], x["amount"]["amount"]) for x in p2["allocations"]] == [
        (b["id"], "300.00"),
        (c["id"], "300.00"),
    ]
    assert p1["unallocated"] == p2["unallocated"] == money("0.00")
    assert {x["id"] for x in await _get(api, owner.token, f"{INVOICES}/{b['id']}/payments")} == {p1["id"], p2["id"]}
    assert (await trial_balance(api, owner))[f"ar:{lease.tenant_id}"] == "200.00"
    assert await _ledger_balance(api, owner, lease) == money("200.00")


async def test_a_refund_after_the_credit_was_applied_reopens_the_invoice_and_never_exceeds_the_payment(api, owner):
    lease = await _setup(api, owner)
    old = await _draft(api, owner, lease, "1000.00", issue=True)
    p = await _pay(api, owner, lease, "1500.00")  # 1000 to `old`, 500 credit
    new = (
        await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", "300.00", "rent"), issue=True))
    ).json()["data"]
    assert new["status"] == "paid"
    url = f"{PAYMENTS}/{p['id']}/refund"
    # 200 of credit left: refunded first, then 100 comes off the newest invoice (the credit-paid one).
    r = await api.post(url, owner.token, json={"amount": money("300.00")}, headers=key())
    assert r.status_code == 201, r.text
    after = r.json()["data"]["payment"]
    assert after["unallocated"] == money("0.00")
    assert [(x["invoice_id"], x["amount"]["amount"]) for x in after["allocations"]] == [
        (old["id"], "1000.00"),
        (new["id"], "200.00"),
    ]
    reopened = await _get(api, owner.token, f"{INVOICES}/{new['id']}")
    assert reopened["status"] == "partially_paid" and reopened["balance_due"] == money("100.00")
    too_much = await api.post(url, owner.token, json={"amount": money("1200.01")}, headers=key())
    assert too_much.status_code == 422, too_much.text
    r = await api.post(url, owner.token, json={"amount": money("1200.00")}, headers=key())
    assert r.status_code == 201 and r.json()["data"]["payment"]["status"] == "refunded"
    assert r.json()["data"]["payment"]["allocations"] == []
    assert (await _get(api, owner.token, f"{INVOICES}/{new['id']}"))["status"] == "issued"
    assert (await _get(api, owner.token, f"{INVOICES}/{old['id']}"))["status"] == "issued"
    balances = await trial_balance(api, owner)
    assert balances["cash"] == "0.00" and balances[f"ar:{lease.tenant_id}"] == "1300.00"
    assert await _ledger_balance(api, owner, lease) == money("1300.00")


async def test_the_billing_run_applies_each_leases_credit(api, owner):
    await set_country(api, owner, "IN")
    rich = await make_lease(api, owner, "IN", property_type="residential", rent="25000.00")
    some = await make_lease(api, owner, "IN", property_type="residential", rent="25000.00")
    none = await make_lease(api, owner, "IN", property_type="residential", rent="25000.00")
    p_rich = await _pay(api, owner, rich, "30000.00")
    p_some = await _pay(api, owner, some, "10000.00")
    summary = await run_billing(
        uow_factory=api.container.system_uow,
        clock=api.container.clock(),
        period="2026-12",
        organization_id=uuid.UUID(owner.org_id),
    )
    assert summary.created == 3

    async def invoice_of(lease):
        [inv] = (await api.get(INVOICES, owner.token, params={"lease_id": lease.id})).json()["data"]
        return inv

    inv_rich, inv_some, inv_none = [await invoice_of(x) for x in (rich, some, none)]
    assert (inv_rich["status"], inv_rich["amount_paid"]) == ("paid", money("25000.00"))
    assert (inv_some["status"], inv_some["balance_due"]) == ("partially_paid", money("15000.00"))
    assert (inv_none["status"], inv_none["amount_paid"]) == ("issued", money("0.00"))
    assert (await _get(api, owner.token, f"{PAYMENTS}/{p_rich['id']}"))["unallocated"] == money("5000.00")
    assert (await _get(api, owner.token, f"{PAYMENTS}/{p_some['id']}"))["unallocated"] == money("0.00")
    listed = await _get(api, owner.token, f"{INVOICES}/{inv_some['id']}/payments")
    assert [x["id"] for x in listed] == [p_some["id"]]
    assert [e["invoice_id"] for e in await _events(api, owner, "invoice.paid")] == [inv_rich["id"]]
    balances = await trial_balance(api, owner)
    assert balances[f"ar:{rich.tenant_id}"] == "-5000.00"
    assert balances[f"ar:{some.tenant_id}"] == "15000.00"
    assert balances["rent_income"] == "-75000.00" and balances["cash"] == "40000.00"


async def test_another_organizations_credit_never_touches_this_one(api, owner, other_owner):
    lease = await _setup(api, owner)
    await set_country(api, other_owner, "IN")
    theirs = await make_lease(api, other_owner, "IN", property_type="residential")
    p = await _pay(api, other_owner, theirs, "60000.00")  # rent 50,000
    other_lease_same_org = await make_lease(api, owner, "IN", property_type="residential")
    await _pay(api, owner, other_lease_same_org, "5000.00")  # another lease's credit: not this one's
    # November's rent billed by hand: the December run still bills December (a period is billed once).
    draft = await _draft(api, owner, lease, "1000.00", period="2026-11")
    inv = (await api.post(f"{INVOICES}/{draft['id']}/issue", owner.token)).json()["data"]
    assert inv["status"] == "issued" and inv["amount_paid"] == money("0.00")
    assert (await _get(api, other_owner.token, f"{PAYMENTS}/{p['id']}"))["unallocated"] == money("60000.00")
    assert (await api.get(f"{INVOICES}/{draft['id']}/payments", other_owner.token)).status_code == 404
    for org in (owner, other_owner):
        await run_billing(
            uow_factory=api.container.system_uow,
            clock=api.container.clock(),
            period="2026-12",
            organization_id=uuid.UUID(org.org_id),
        )
    assert (await _get(api, other_owner.token, f"{PAYMENTS}/{p['id']}"))["unallocated"] == money("10000.00")
    mine = (await api.get(INVOICES, owner.token, params={"lease_id": lease.id})).json()["data"]
    assert len(mine) == 2 and {i["amount_paid"]["amount"] for i in mine} == {"0.00"}
    [billed] = (await api.get(INVOICES, other_owner.token, params={"lease_id": theirs.id})).json()["data"]
    assert billed["status"] == "paid"
    await trial_balance(api, owner)
    await trial_balance(api, other_owner)


async def test_concurrent_issues_spend_a_credit_once(api, owner):
    lease = await _setup(api, owner)
    p = await _pay(api, owner, lease, "1000.00")
    drafts = [await _draft(api, owner, lease, "1000.00") for _ in range(4)]
    results = await asyncio.gather(*(api.post(f"{INVOICES}/{d['id']}/issue", owner.token) for d in drafts))
    assert [r.status_code for r in results] == [200] * 4, [r.text for r in results]
    statuses = sorted(r.json()["data"]["status"] for r in results)
    assert statuses == ["issued", "issued", "issued", "paid"]
    assert (await _get(api, owner.token, f"{PAYMENTS}/{p['id']}"))["unallocated"] == money("0.00")
    assert (await trial_balance(api, owner))[f"ar:{lease.tenant_id}"] == "3000.00"


async def test_a_refund_waits_for_an_issue_holding_the_credit_then_releases_what_it_applied(api, owner):
    """The issue locks the payment (as the refund does), so a refund waits for it, then sees the
    credit spent and releases the allocation instead; the credit never pays both."""
    lease = await _setup(api, owner)
    p = await _pay(api, owner, lease, "1000.00")
    draft = await _draft(api, owner, lease, "1000.00")
    org = uuid.UUID(owner.org_id)
    async with api.container.system_uow() as uow:
        invoice = await uow.invoices.get(org, uuid.UUID(draft["id"]), for_update=True)
        await invoicing._issue(uow, invoice, org, api.container.clock().now())
        assert invoice.status.value == "paid"
        if api.backend == "postgres":  # SQLite has one writer at a time: no row locks to wait on
            # What the refund's `SELECT … FOR UPDATE` of the payment meets while the issue is open.
            async with api.container.system_engine().connect() as other:
                await other.execute(sa.text("SET LOCAL lock_timeout = '300ms'"))
                locked = sa.select(F.payments.c.id).where(F.payments.c.id == uuid.UUID(p["id"])).with_for_update()
                with pytest.raises(sa.exc.OperationalError, match="lock"):
                    await other.execute(locked)
                await other.rollback()
        await uow.commit()
    r = await api.post(f"{PAYMENTS}/{p['id']}/refund", owner.token, json={"amount": money("1000.00")}, headers=key())
    assert r.status_code == 201, r.text
    assert r.json()["data"]["payment"]["allocations"] == []
    inv = await _get(api, owner.token, f"{INVOICES}/{draft['id']}")
    assert inv["status"] == "issued" and inv["amount_paid"] == money("0.00")
    balances = await trial_balance(api, owner)
    assert balances["cash"] == "0.00" and balances[f"ar:{lease.tenant_id}"] == "1000.00"


async def test_an_issue_racing_a_payment_never_pays_the_invoice_twice(api, owner):
    """Issue (spending the old payment's credit) and a new payment at once: the invoice is paid at
    most once, the new payment keeps what it did not allocate, the books stay balanced."""
    lease = await _setup(api, owner)
    old = await _pay(api, owner, lease, "1000.00")
    drafts = [await _draft(api, owner, lease, "1000.00") for _ in range(3)]
    body = {"lease_id": lease.id, "amount": money("1500.00"), "method": "cash"}
    results = await asyncio.gather(
        *(api.post(f"{INVOICES}/{d['id']}/issue", owner.token) for d in drafts),
        api.post(PAYMENTS, owner.token, json=body, headers=key()),
    )
    assert [r.status_code for r in results] == [200, 200, 200, 201], [r.text for r in results]
    new = results[-1].json()["data"]
    invoices = [await _get(api, owner.token, f"{INVOICES}/{d['id']}") for d in drafts]
    paid = sum(int(i["amount_paid"]["amount"].replace(".", "")) for i in invoices)
    payments = [await _get(api, owner.token, f"{PAYMENTS}/{x}") for x in (old["id"], new["id"])]
    allocated = sum(int(a["amount"]["amount"].replace(".", "")) for p in payments for a in p["allocations"])
    unallocated = sum(int(p["unallocated"]["amount"].replace(".", "")) for p in payments)
    assert paid == allocated and allocated + unallocated == 250000  # every rupee once
    assert all(int(i["amount_paid"]["amount"].replace(".", "")) <= 100000 for i in invoices)
    assert payments[0]["unallocated"] == money("0.00")  # the old credit went to an invoice
    balances = await trial_balance(api, owner)
    assert balances[f"ar:{lease.tenant_id}"] == "500.00" and balances["cash"] == "2500.00"
    for i in invoices:
        listed = {x["id"] for x in await _get(api, owner.token, f"{INVOICES}/{i['id']}/payments")}
        by_alloc = {p["id"] for p in payments if any(a["invoice_id"] == i["id"] for a in p["allocations"])}
        assert listed == by_alloc
