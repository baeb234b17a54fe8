"""India's rupee round-off (docs/tax-rules.md §2.6), through HTTP: the organization's ``invoice_round_off``
setting, invoices rounded to the nearest rupee when issued (manual issue, ``issue: true``, ``/send``;
the billing run is in test_financial_billing*.py), their postings and cancel, payments against the
rounded total, and the GST return's tax payable rounded per CGST s.170."""

from __future__ import annotations

import pytest
from fin_support import (
    invoice_body,
    key,
    mail_marker,
    mails_since,
    make_lease,
    money,
    pdf_text,
    set_country,
    trial_balance,
)

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

INVOICES = "/api/v1/financial/invoices"
PAYMENTS = "/api/v1/financial/payments"
RETURNS = "/api/v1/financial/gst-returns"


def _settings(owner) -> str:
    return f"/api/v1/organizations/{owner.org_id}/settings"


async def _put(api, owner, country="IN", **fields):
    region = {"IN": "MH", "CA": "ON", "US": "TX"}[country]
    return await api.put(_settings(owner), owner.token, json={"country": country, "province": region, **fields})


async def _round_off_on(api, owner):
    r = await _put(api, owner, invoice_round_off=True)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["invoice_round_off"] is True


def _fields(r) -> list[str]:
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "VALIDATION_ERROR"
    return [d["field"] for d in r.json()["error"]["details"]]


async def _issued(api, owner, lease, amount, charge="rent"):
    r = await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", amount, charge), issue=True))
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_the_setting_is_off_by_default_kept_when_absent_and_cleared_by_null(api, owner):
    await set_country(api, owner, "IN")
    assert (await api.get(_settings(owner), owner.token)).json()["data"]["invoice_round_off"] is False
    await _round_off_on(api, owner)
    r = await _put(api, owner, locale="hi-IN")  # absent: kept
    assert r.json()["data"]["invoice_round_off"] is True
    org = (await api.get(f"/api/v1/organizations/{owner.org_id}", owner.token)).json()["data"]
    assert org["settings"]["invoice_round_off"] is True
    r = await _put(api, owner, invoice_round_off=None)  # null: cleared (off)
    assert r.status_code == 200 and r.json()["data"]["invoice_round_off"] is False
    await _round_off_on(api, owner)
    r = await _put(api, owner, invoice_round_off=False)
    assert r.json()["data"]["invoice_round_off"] is False


async def test_the_setting_is_for_india_only_and_a_boolean(api, owner):
    await set_country(api, owner, "CA")
    assert _fields(await _put(api, owner, "CA", invoice_round_off=True)) == ["invoice_round_off"]
    assert _fields(await _put(api, owner, "US", invoice_round_off=True)) == ["invoice_round_off"]
    r = await _put(api, owner, "CA", invoice_round_off=False)  # off is fine anywhere
    assert r.status_code == 200 and r.json()["data"]["invoice_round_off"] is False
    for bad in ("yes", 2, [True], {"on": True}):  # ("true" and 1 are coerced, as for gst_registered)
        assert _fields(await _put(api, owner, invoice_round_off=bad)) == ["invoice_round_off"], bad
    # An Indian organization with it on cannot move to Canada unless the same body clears it.
    await _round_off_on(api, owner)
    assert _fields(await _put(api, owner, "CA")) == ["invoice_round_off"]
    assert (await api.get(_settings(owner), owner.token)).json()["data"]["country"] == "IN"
    r = await _put(api, owner, "CA", invoice_round_off=None)
    assert r.status_code == 200 and r.json()["data"]["country"] == "CA", r.text
    # Only the organization's managers change it.
    _, manager = await owner.add_user("PropertyManager")
    r = await api.put(_settings(owner), manager, json={"country": "IN", "province": "MH", "invoice_round_off": True})
    assert r.status_code == 403


async def test_off_invoices_keep_their_paise(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential")
    inv = await _issued(api, owner, lease, "35000.49")
    assert inv["round_off"] == money("0.00") and inv["total"] == money("35000.49")
    assert "round_off" not in await trial_balance(api, owner)


async def test_issue_rounds_49_paise_down_50_up_and_a_whole_rupee_not_at_all(api, owner):
    await set_country(api, owner, "IN")
    await _round_off_on(api, owner)
    lease = await make_lease(api, owner, "IN", property_type="residential")  # exempt: total = rent
    down = await _issued(api, owner, lease, "35000.49")
    assert (down["round_off"], down["total"], down["balance_due"]) == (
        money("-0.49"),
        money("35000.00"),
        money("35000.00"),
    )
    assert down["subtotal"] == money("35000.49") and down["lines"][0]["amount"] == money("35000.49")
    up = await _issued(api, owner, lease, "35000.50")
    assert (up["round_off"], up["total"], up["balance_due"]) == (money("0.50"), money("35001.00"), money("35001.00"))
    whole = await _issued(api, owner, lease, "35000.00")
    assert (whole["round_off"], whole["total"]) == (money("0.00"), money("35000.00"))
    balances = await trial_balance(api, owner)
    assert balances["round_off"] == "-0.01"  # credited 0.50, debited 0.49
    assert balances[f"ar:{lease.tenant_id}"] == "105001.00"
    assert balances["rent_income"] == "-105000.99"
    ledger = (await api.get(f"/api/v1/leases/{lease.id}/ledger", owner.token)).json()["data"]
    assert [e["debit"]["amount"] for e in ledger["entries"]] == ["35000.00", "35001.00", "35000.00"]


async def test_a_taxed_invoice_rounds_after_the_gst_heads_and_drafts_show_none(api, owner):
    await set_country(api, owner, "IN")
    await _round_off_on(api, owner)
    lease = await make_lease(api, owner, "IN")  # commercial: CGST 9 % + SGST 9 %
    body = invoice_body(lease, ("Rent", "1000.75", "rent"))
    draft = (await api.post(INVOICES, owner.token, json=body)).json()["data"]
    # 1000.75 + 90.07 + 90.07 = 1180.89: decided at issue, not on the draft.
    assert (draft["round_off"], draft["total"]) == (money("0.00"), money("1180.89"))
    r = await api.post(f"{INVOICES}/{draft['id']}/issue", owner.token)
    assert r.status_code == 200, r.text
    issued = r.json()["data"]
    assert (issued["tax_total"], issued["round_off"], issued["total"]) == (
        money("180.14"),
        money("0.11"),
        money("1181.00"),
    )
    again = (await api.get(f"{INVOICES}/{draft['id']}", owner.token)).json()["data"]
    assert (again["round_off"], again["total"], again["balance_due"]) == (
        money("0.11"),
        money("1181.00"),
        money("1181.00"),
    )
    balances = await trial_balance(api, owner)
    assert balances["tax_payable:CGST"] == "-90.07" and balances["round_off"] == "-0.11"
    tb = (await api.get("/api/v1/financial/trial-balance", owner.token)).json()["data"]
    row = next(a for a in tb["accounts"] if a["account"] == "round_off")
    assert row["kind"] == "income", row


async def test_cancel_reverses_the_round_off(api, owner):
    await set_country(api, owner, "IN")
    await _round_off_on(api, owner)
    lease = await make_lease(api, owner, "IN", property_type="residential")
    inv = await _issued(api, owner, lease, "999.60")
    assert inv["round_off"] == money("0.40")
    r = await api.post(f"{INVOICES}/{inv['id']}/cancel", owner.token)
    assert r.status_code == 200, r.text
    balances = await trial_balance(api, owner)
    assert balances["round_off"] == "0.00" and balances[f"ar:{lease.tenant_id}"] == "0.00"
    assert balances["rent_income"] == "0.00"


async def test_payments_settle_the_rounded_total(api, owner):
    await set_country(api, owner, "IN")
    await _round_off_on(api, owner)
    lease = await make_lease(api, owner, "IN", property_type="residential")
    inv = await _issued(api, owner, lease, "20000.50")  # due 20001.00
    body = {"lease_id": lease.id, "amount": money("20000.50"), "method": "cash"}
    r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert r.status_code == 201, r.text
    now = (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]
    assert now["status"] == "partially_paid" and now["balance_due"] == money("0.50")
    r = await api.post(PAYMENTS, owner.token, json={**body, "amount": money("0.50")}, headers=key())
    assert r.status_code == 201 and r.json()["data"]["allocations"][0]["amount"] == money("0.50"), r.text
    now = (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]
    assert now["status"] == "paid" and now["balance_due"] == money("0.00")
    balances = await trial_balance(api, owner)
    assert balances[f"ar:{lease.tenant_id}"] == "0.00" and balances["cash"] == "20001.00"



async def test_send_rounds_the_draft_it_issues_and_the_pdf_shows_it(api, owner):
    await set_country(api, owner, "IN")
    await _round_off_on(api, owner)
    lease = await make_lease(api, owner, "IN", property_type="residential")
    draft = (await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", "1234.56", "rent")))).json()
    marker = mail_marker(api)
    r = await api.post(f"{INVOICES}/{draft['data']['id']}/send", owner.token)
    assert r.status_code == 200, r.text
    assert (r.json()["data"]["round_off"], r.json()["data"]["total"]) == (money("0.44"), money("1235.00"))
    [mail] = mails_since(api, marker)
    text = pdf_text(mail.attachments[0].content)
    assert "Round off" in text and "0.44 INR" in text and "1235.00 INR" in text
    assert "for 1235.00 INR" in mail.body


async def test_an_invoice_that_rounds_to_nothing_is_refused(api, owner):
    await set_country(api, owner, "IN")
    await _round_off_on(api, owner)
    lease = await make_lease(api, owner, "IN", property_type="residential")
    body = invoice_body(lease, ("Rent", "0.40", "rent"), issue=True)
    assert _fields(await api.post(INVOICES, owner.token, json=body)) == ["lines"]
    body = invoice_body(lease, ("Rent", "0.50", "rent"), issue=True)
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201 and r.json()["data"]["total"] == money("1.00"), r.text


async def test_the_return_rounds_the_tax_payable_per_head_and_keeps_the_exact_tax(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN")  # commercial, intra-State: CGST + SGST 9 % each
    await _issued(api, owner, lease, "100000.00")  # 9000.00 per head
    await _issued(api, owner, lease, "5.45")  # 0.49 per head
    dec = (await api.get(RETURNS, owner.token, params={"from": "2026-12"})).json()["data"][0]
    assert {k: v["amount"] for k, v in dec["tax"].items()} == {"CGST": "9000.49", "SGST": "9000.49"}
    assert {k: v["amount"] for k, v in dec["tax_payable"].items()} == {"CGST": "9000.00", "SGST": "9000.00"}
    assert dec["total_tax"] == money("18000.98") and dec["total_tax_payable"] == money("18000.00")
    await _issued(api, owner, lease, "0.12")  # 0.01 per head: 9000.50 rounds up
    dec = (await api.get(RETURNS, owner.token, params={"from": "2026-12"})).json()["data"][0]
    assert {k: v["amount"] for k, v in dec["tax_payable"].items()} == {"CGST": "9001.00", "SGST": "9001.00"}
    csv = await api.get(RETURNS, owner.token, params={"from": "2026-12", "format": "csv"})
    assert csv.text.splitlines() == [
        "period,currency,invoices,taxable_value,exempt_value,reverse_charge_value,CGST,SGST,CGST_payable,SGST_payable",
        "2026-12,INR,3,100005.57,0.00,0.00,9000.50,9000.50,9001.00,9001.00",
    ]


async def test_the_invoice_round_off_is_not_a_supply_in_the_return(api, owner):
    await set_country(api, owner, "IN")
    await _round_off_on(api, owner)
    shop = await make_lease(api, owner, "IN")
    flat = await make_lease(api, owner, "IN", property_type="residential")
    assert (await _issued(api, owner, shop, "1000.75"))["round_off"] == money("0.11")
    assert (await _issued(api, owner, flat, "500.30"))["round_off"] == money("-0.30")
    dec = (await api.get(RETURNS, owner.token, params={"from": "2026-12"})).json()["data"][0]
    assert dec["taxable_value"] == money("1000.75") and dec["exempt_value"] == money("500.30")
    assert dec["total_tax"] == money("180.14") and dec["total_tax_payable"] == money("180.00")


async def test_canadian_returns_keep_the_exact_tax_as_payable(api, owner):
    await set_country(api, owner, "CA")
    lease = await make_lease(api, owner, "CA")  # commercial in Ontario: HST 13 %
    await _issued(api, owner, lease, "1000.33")  # 130.04
    dec = (await api.get(RETURNS, owner.token, params={"from": "2026-12"})).json()["data"][0]
    assert dec["tax"] == dec["tax_payable"] and dec["total_tax_payable"]["amount"] == "130.04", dec


async def test_a_new_organization_may_start_with_it(api, owner):
    body = {"name": "Round Rentals", "settings": {"country": "IN", "state": "MH", "invoice_round_off": True}}
    r = await api.post("/api/v1/organizations", owner.token, json=body)
    assert r.status_code == 201 and r.json()["data"]["settings"]["invoice_round_off"] is True, r.text
    body = {"name": "Maple Rentals", "settings": {"country": "CA", "province": "ON", "invoice_round_off": True}}
    r = await api.post("/api/v1/organizations", owner.token, json=body)
    assert r.status_code == 422, r.text
    assert [d["field"] for d in r.json()["error"]["details"]] == ["settings.invoice_round_off"]  # as the body nests it
