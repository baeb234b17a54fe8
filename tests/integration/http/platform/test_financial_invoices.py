"""Invoices through HTTP: taxes from the engine, numbering, status machine, ledger postings, tenancy."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from fin_support import invoice_body, mail_marker, mails_since, make_lease, money, set_country, trial_balance

from pmsaas.adapters.sql.tables.notifications import outbox

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

BASE = "/api/v1/financial/invoices"


async def _india(api, owner, **kw):
    await set_country(api, owner, "IN")
    return await make_lease(api, owner, "IN", **kw)


async def test_commercial_rent_invoice_in_india_gets_cgst_sgst_and_posts_on_issue(api, owner):
    lease = await _india(api, owner)
    r = await api.post(BASE, owner.token, json=invoice_body(lease))
    assert r.status_code == 201, r.text
    draft = r.json()["data"]
    assert draft["status"] == "draft" and draft["number"] is None
    line = draft["lines"][0]
    assert line["supply_type"] == "commercial_rent"
    assert [(t["tax"], t["rate"], t["amount"]["amount"]) for t in line["taxes"]] == [
        ("CGST", 9.0, "4500.00"),
        ("SGST", 9.0, "4500.00"),
    ]
    assert draft["total"] == money("59000.00") and draft["balance_due"] == money("0.00")
    assert await trial_balance(api, owner) == {}  # a draft posts nothing

    r = await api.post(f"{BASE}/{draft['id']}/issue", owner.token)
    assert r.status_code == 200, r.text
    issued = r.json()["data"]
    assert issued["status"] == "issued" and issued["number"] == "INV/26-27/000001"
    assert issued["balance_due"] == money("59000.00")
    balances = await trial_balance(api, owner)
    assert balances[f"ar:{lease.tenant_id}"] == "59000.00"
    assert balances["rent_income"] == "-50000.00"
    assert balances["tax_payable:CGST"] == "-4500.00" and balances["tax_payable:SGST"] == "-4500.00"

    r = await api.get(f"/api/v1/leases/{lease.id}/ledger", owner.token)
    assert r.status_code == 200, r.text
    ledger = r.json()["data"]
    assert ledger["balance"] == money("59000.00")
    assert [e["debit"]["amount"] for e in ledger["entries"]] == ["59000.00"]


async def test_residential_rent_to_an_unregistered_tenant_is_exempt_and_a_deposit_is_a_liability(api, owner):
    lease = await _india(api, owner, property_type="residential")
    body = invoice_body(lease, ("Rent", "35000.00", "rent"), ("Security deposit", "100000.00", "deposit"), issue=True)
    r = await api.post(BASE, owner.token, json=body)
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert [line["taxes"] for line in data["lines"]] == [[], []]
    assert data["total"] == money("135000.00")
    balances = await trial_balance(api, owner)
    assert balances["deposits_held"] == "-100000.00" and balances["rent_income"] == "-35000.00"


async def test_residential_rent_to_a_registered_tenant_shows_reverse_charge_not_charged(api, owner):
    lease = await _india(api, owner, property_type="residential", tenant_gstin="27AABCP1234Q1Z7")
    r = await api.post(BASE, owner.token, json=invoice_body(lease, ("Rent", "60000.00", "rent"), issue=True))
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    taxes = data["lines"][0]["taxes"]
    assert [(t["tax"], t["amount"]["amount"], t["payable_by"]) for t in taxes] == [
        ("CGST", "5400.00", "recipient"),
        ("SGST", "5400.00", "recipient"),
    ]
    assert data["tax_total"] == money("0.00") and data["total"] == money("60000.00")
    assert "tax_payable:CGST" not in await trial_balance(api, owner)


async def test_canadian_commercial_rent_gets_hst(api, owner):
    await set_country(api, owner, "CA")
    lease = await make_lease(api, owner, "CA", rent="10000.00")
    body = invoice_body(lease, ("Rent", "10000.00", "rent"), issue=True)
    r = await api.post(BASE, owner.token, json=body)
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert [(t["tax"], t["rate"]) for t in data["lines"][0]["taxes"]] == [("HST", 13.0)]
    assert data["total"] == money("11300.00", "CAD") and data["number"] == "INV/2026/000001"


async def test_only_drafts_are_edited_or_deleted(api, owner):
    lease = await _india(api, owner)
    draft = (await api.post(BASE, owner.token, json=invoice_body(lease))).json()["data"]
    r = await api.put(f"{BASE}/{draft['id']}", owner.token, json=invoice_body(lease, ("Rent", "40000.00", "rent")))
    assert r.status_code == 200, r.text
    assert r.json()["data"]["subtotal"] == money("40000.00") and r.json()["data"]["version"] == 2
    assert (await api.post(f"{BASE}/{draft['id']}/issue", owner.token)).status_code == 200

    r = await api.put(f"{BASE}/{draft['id']}", owner.token, json=invoice_body(lease))
    assert r.status_code == 409 and r.json()["error"]["code"] == "RESOURCE_CONFLICT"
    assert (await api.delete(f"{BASE}/{draft['id']}", owner.token)).status_code == 409
    assert (await api.post(f"{BASE}/{draft['id']}/issue", owner.token)).status_code == 409

    other = (await api.post(BASE, owner.token, json=invoice_body(lease))).json()["data"]
    r = await api.delete(f"{BASE}/{other['id']}", owner.token)
    assert r.status_code == 204 and r.content == b""
    assert (await api.get(f"{BASE}/{other['id']}", owner.token)).status_code == 404


async def test_cancel_posts_a_reversal_and_the_number_stays_used(api, owner):
    lease = await _india(api, owner)
    inv = (await api.post(BASE, owner.token, json=invoice_body(lease, issue=True))).json()["data"]
    r = await api.post(f"{BASE}/{inv['id']}/cancel", owner.token)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "cancelled"
    balances = await trial_balance(api, owner)
    assert set(balances.values()) == {"0.00"}
    assert (await api.post(f"{BASE}/{inv['id']}/cancel", owner.token)).status_code == 409
    nxt = (await api.post(BASE, owner.token, json=invoice_body(lease, issue=True))).json()["data"]
    assert nxt["number"] == "INV/26-27/000002"
    ledger = (await api.get(f"/api/v1/leases/{lease.id}/ledger", owner.token)).json()["data"]
    assert [e["source_type"] for e in ledger["entries"]] == ["invoice", "invoice_cancel", "invoice"]


async def test_send_issues_and_mails_a_pdf(api, owner):
    lease = await _india(api, owner)
    draft = (await api.post(BASE, owner.token, json=invoice_body(lease))).json()["data"]
    marker = mail_marker(api)
    r = await api.post(f"{BASE}/{draft['id']}/send", owner.token)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "sent" and r.json()["data"]["number"].startswith("INV/26-27/")
    sent = mails_since(api, marker)
    assert len(sent) == 1 and sent[0].subject == f"Invoice {r.json()['data']['number']}"
    attachment = sent[0].attachments[0]
    assert attachment.content_type == "application/pdf" and attachment.content.startswith(b"%PDF")


async def test_overdue_is_derived_from_the_due_date(api, owner):
    lease = await _india(api, owner)
    body = invoice_body(lease, issue=True, issue_date="2026-01-01", due_date="2026-01-10")
    inv = (await api.post(BASE, owner.token, json=body)).json()["data"]
    assert inv["status"] == "overdue"
    listed = (await api.get(BASE, owner.token, params={"status": "overdue"})).json()["data"]
    assert [i["id"] for i in listed] == [inv["id"]]
    assert (await api.get(BASE, owner.token, params={"status": "draft"})).json()["data"] == []


async def test_concurrent_issues_get_gap_free_numbers(api, owner):
    lease = await _india(api, owner)
    drafts = [(await api.post(BASE, owner.token, json=invoice_body(lease))).json()["data"]["id"] for _ in range(6)]
    results = await asyncio.gather(*(api.post(f"{BASE}/{d}/issue", owner.token) for d in drafts))
    assert all(r.status_code == 200 for r in results), [r.text for r in results]
    numbers = sorted(r.json()["data"]["number"] for r in results)
    assert numbers == [f"INV/26-27/{n:06d}" for n in range(1, 7)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": []}, "lines"),
        ({"due_date": "2026-11-01"}, "due_date"),
        ({"lines": [{"description": "x", "amount": {"amount": "-1.00", "currency": "INR"}}]}, "lines.0.amount.amount"),
        ({"lines": [{"description": "x", "amount": {"amount": "1.00", "currency": "CAD"}}]}, "lines.0.amount.currency"),
        ({"lines": [{"description": "x", "amount": {"amount": 1.5, "currency": "INR"}}]}, "lines.0.amount.amount"),
        (
            {"lines": [{"description": "x", "amount": {"amount": "1.00", "currency": "INR"}, "charge_type": "fine"}]},
            "lines.0.charge_type",
        ),
        ({"surprise": True}, "surprise"),
        ({"issue_date": "yesterday"}, "issue_date"),
    ],
)
async def test_bad_invoice_bodies_are_422_and_write_nothing(api, owner, change, field):
    lease = await _india(api, owner)
    body = invoice_body(lease)
    body.update(change)
    r = await api.post(BASE, owner.token, json=body)
    assert r.status_code == 422, r.text
    assert field in [d["field"] for d in r.json()["error"]["details"]], r.text
    assert (await api.get(BASE, owner.token)).json()["meta"]["pagination"]["total_count"] == 0


async def test_unknown_lease_is_404_and_malformed_json_400(api, owner):
    lease = await _india(api, owner)
    body = invoice_body(lease)
    body["lease_id"] = str(uuid.uuid4())
    assert (await api.post(BASE, owner.token, json=body)).status_code == 404
    r = await api.post(BASE, owner.token, content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "BAD_REQUEST"


async def test_another_organizations_invoices_and_leases_are_404(api, owner, other_owner):
    lease = await _india(api, owner)
    await set_country(api, other_owner, "IN")
    inv = (await api.post(BASE, owner.token, json=invoice_body(lease))).json()["data"]
    for method, url, kw in [
        ("GET", f"{BASE}/{inv['id']}", {}),
        ("PUT", f"{BASE}/{inv['id']}", {"json": invoice_body(lease)}),
        ("DELETE", f"{BASE}/{inv['id']}", {}),
        ("POST", f"{BASE}/{inv['id']}/issue", {}),
        ("POST", f"{BASE}/{inv['id']}/send", {}),
        ("POST", f"{BASE}/{inv['id']}/cancel", {}),
        ("GET", f"{BASE}/{inv['id']}/payments", {}),
        ("GET", f"/api/v1/leases/{lease.id}/ledger", {}),
        ("POST", BASE, {"json": invoice_body(lease)}),
    ]:
        r = await api.request(method, url, token=other_owner.token, **kw)
        assert r.status_code == 404, (method, url, r.text)
        assert r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    assert (await api.get(BASE, other_owner.token)).json()["data"] == []
    assert (await api.get(f"{BASE}/{inv['id']}", owner.token)).json()["data"]["status"] == "draft"


async def test_roles(api, owner):
    lease = await _india(api, owner)
    _, manager = await owner.add_user("PropertyManager")
    _, landlord = await owner.add_user("PropertyOwner")
    _, staff = await owner.add_user("MaintenanceStaff")
    r = await api.post(BASE, manager, json=invoice_body(lease))
    assert r.status_code == 201, r.text
    inv = r.json()["data"]
    assert (await api.delete(f"{BASE}/{inv['id']}", manager)).status_code == 403  # no financial:delete
    assert (await api.get(BASE, landlord)).status_code == 200  # financial:read (seed)
    assert (await api.post(BASE, landlord, json=invoice_body(lease))).status_code == 403
    assert (await api.get(BASE, staff)).status_code == 403
    assert (await api.get("/api/v1/financial/trial-balance", staff)).status_code == 403


async def test_a_tenant_sees_only_its_own_lease(api, owner):
    await set_country(api, owner, "IN")
    tenant_user, tenant = await owner.add_user("Tenant")
    mine = await make_lease(api, owner, "IN", tenant_user_id=tenant_user)
    theirs = await make_lease(api, owner, "IN")
    a = (await api.post(BASE, owner.token, json=invoice_body(mine, issue=True))).json()["data"]
    b = (await api.post(BASE, owner.token, json=invoice_body(theirs, issue=True))).json()["data"]
    listed = (await api.get(BASE, tenant)).json()["data"]
    assert [i["id"] for i in listed] == [a["id"]]
    assert (await api.get(f"{BASE}/{a['id']}", tenant)).status_code == 200
    assert (await api.get(f"{BASE}/{b['id']}", tenant)).status_code == 404
    assert (await api.get(f"/api/v1/leases/{mine.id}/ledger", tenant)).status_code == 200
    assert (await api.get(f"/api/v1/leases/{theirs.id}/ledger", tenant)).status_code == 404
    assert (await api.post(BASE, tenant, json=invoice_body(mine))).status_code == 403
    assert (await api.get("/api/v1/financial/trial-balance", tenant)).status_code == 403


async def test_invoice_events_reach_the_outbox(api, owner):
    lease = await _india(api, owner)
    inv = (await api.post(BASE, owner.token, json=invoice_body(lease))).json()["data"]
    await api.post(f"{BASE}/{inv['id']}/issue", owner.token)
    await api.post(f"{BASE}/{inv['id']}/cancel", owner.token)
    async with api.container.system_engine().connect() as conn:
        rows = (
            await conn.execute(
                sa.select(outbox.c.event, outbox.c.payload)
                .where(outbox.c.organization_id == uuid.UUID(owner.org_id))
                .order_by(outbox.c.occurred_at)
            )
        ).all()
    assert [e for e, p in rows if p.get("invoice_id") == inv["id"]] == [
        "invoice.created",
        "invoice.issued",
        "invoice.cancelled",
    ]
