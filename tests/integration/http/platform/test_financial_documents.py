"""The PDFs over HTTP: an invoice (tax invoice, bill of supply, Canadian invoice), a payment's
receipt and a deposit's settlement statement, each read like its JSON (another organization 404, a
tenant only its own, the read permission), downloaded under its document number."""

from __future__ import annotations

import re

import pytest
from fin_support import invoice_body, key, mail_marker, mails_since, make_lease, money, pdf_text

pytestmark = pytest.mark.today("2026-12-01")

INVOICES, PAYMENTS = "/api/v1/financial/invoices", "/api/v1/financial/payments"
MH_GSTIN, KA_GSTIN = "27AABCA1234C1ZF", "29AABCA1234C1ZB"
ADDRESS = "301, Kalpataru Court\nAndheri (East), Mumbai 400069"


async def _settings(api, owner, **fields):
    r = await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=fields)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def _india(api, owner):
    await _settings(api, owner, country="IN", state="MH", gst_number=MH_GSTIN, address=ADDRESS)


async def _issued(api, owner, lease, *lines):
    r = await api.post(INVOICES, owner.token, json=invoice_body(lease, *lines, issue=True))
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def _pay(api, owner, lease, amount):
    body = {"lease_id": lease.id, "amount": money(amount, lease.currency), "method": "bank_transfer"}
    r = await api.post(PAYMENTS, owner.token, json={**body, "reference": "UTR 998877"}, headers=key())
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _pdf(r, file_name: str, *, pattern: bool = False) -> str:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    name = file_name if pattern else re.escape(file_name)
    assert re.fullmatch(f'attachment; filename="{name}"', r.headers["content-disposition"]), r.headers
    return pdf_text(r.content)


async def test_a_tax_invoice_pdf_has_every_required_field(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner, "IN", tenant_gstin=KA_GSTIN)
    rent, deposit = ("Rent December 2026 (किराया)", "150000.00", "rent"), ("Deposit", "6000.00", "deposit")
    inv = await _issued(api, owner, lease, rent, deposit)
    text = _pdf(await api.get(f"{INVOICES}/{inv['id']}/pdf", owner.token), "Tax-Invoice-INV-26-27-000001.pdf")
    for field in (
        "Tax Invoice",
        "Acme Rentals",
        "301, Kalpataru Court",
        f"GSTIN: {MH_GSTIN}",
        "Tara Tenant",
        "1 Marine Drive",  # the recipient's address: the leased premises
        f"GSTIN: {KA_GSTIN}",
        "State: Karnataka (29)",
        "INV/26-27/000001",
        "Rent December 2026 (किराया)",  # Devanagari drawn and extracted as written
        "Place of supply Maharashtra (27)",
        "9972",
        "1,50,000.00 CGST 9% 13,500.00",
        "SGST 9% 13,500.00",
        "Total (INR) ₹1,83,000.00",
        "Rupees One Lakh Eighty-Three Thousand Only",
        "Authorised Signatory",
    ):
        assert field in text, (field, text)
    assert lease.id not in text


async def test_exempt_residential_rent_prints_a_bill_of_supply(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner, "IN", property_type="residential")
    inv = await _issued(api, owner, lease, ("Rent December 2026", "45000.00", "rent"))
    text = _pdf(await api.get(f"{INVOICES}/{inv['id']}/pdf", owner.token), "Bill-of-Supply-INV-26-27-000001.pdf")
    assert "Bill of Supply" in text and "Tax Invoice" not in text and "Exempt" in text and "₹45,000.00" in text


async def test_a_canadian_invoice_pdf(api, owner):
    await _settings(api, owner, country="CA", province="ON", tax_registration_number="123456782RT0001")
    lease = await make_lease(api, owner, "CA", rent="4000.00")
    inv = await _issued(api, owner, lease, ("Rent December 2026", "4000.00", "rent"))
    r = await api.get(f"{INVOICES}/{inv['id']}/pdf", owner.token)
    text = _pdf(r, f"Invoice-{inv['number'].replace('/', '-')}.pdf")
    for field in ("GST/HST registration no.: 123456782RT0001", "HST (ON) 13% 4,000.00 520.00", "$4,520.00"):
        assert field in text, (field, text)
    assert "Terms Payment due by 10 December 2026" in text


async def test_the_sent_invoice_carries_the_same_pdf(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner, "IN")
    draft = (await api.post(INVOICES, owner.token, json=invoice_body(lease))).json()["data"]
    marker = mail_marker(api)  # by identity: the console mailer keeps only its latest messages
    assert (await api.post(f"{INVOICES}/{draft['id']}/send", owner.token)).status_code == 200
    [mail] = mails_since(api, marker)
    [attachment] = mail.attachments
    assert attachment.filename == "Tax-Invoice-INV-26-27-000001.pdf" and attachment.content_type == "application/pdf"
    downloaded = pdf_text((await api.get(f"{INVOICES}/{draft['id']}/pdf", owner.token)).content)
    assert pdf_text(attachment.content) == downloaded


async def test_a_receipt_pdf(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner, "IN", property_type="residential")
    inv = await _issued(api, owner, lease, ("Rent December 2026", "45000.00", "rent"))
    payment = await _pay(api, owner, lease, "50000.00")
    r = await api.get(f"{PAYMENTS}/{payment['id']}/receipt.pdf", owner.token)
    text = _pdf(r, f"Receipt-{payment['receipt_number'].replace('/', '-')}.pdf")
    for field in (
        payment["receipt_number"],
        "Acme Rentals",
        f"GSTIN: {MH_GSTIN}",
        "Tara Tenant",
        "Bank transfer",
        "UTR 998877",
        f"{inv['number']} 1 December 2026 45,000.00",
        "Advance: credit on account 5,000.00",
        "Amount received (INR) ₹50,000.00",
        "Rupees Fifty Thousand Only",
        "Authorised Signatory",
    ):
        assert field in text, (field, text)


async def test_a_settlement_statement_pdf(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner, "IN", property_type="residential", rent="25000.00")
    await _issued(api, owner, lease, ("Rent", "25000.00", "rent"), ("Security deposit", "100000.00", "deposit"))
    await _pay(api, owner, lease, "125000.00")
    url = f"/api/v1/leases/{lease.id}/deposit/settlement"
    r = await api.get(f"{url}.pdf", owner.token)
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"  # not settled yet
    body = {"deductions": [{"description": "Broken window", "amount": money("8000.00"), "kind": "damages"}]}
    assert (await api.post(url, owner.token, json=body)).status_code == 201
    name = r"Deposit-Settlement-U-[0-9a-f]{6}-[A-Za-z0-9-]+-2026-12-01\.pdf"  # unit, property, date
    text = _pdf(await api.get(f"{url}.pdf", owner.token), name, pattern=True)
    for field in (
        "Deposit Settlement Statement",
        "Broken window Damages 8,000.00",
        "Deposit held 1,00,000.00",
        "Refunded to the tenant (INR) ₹92,000.00",
        "Rupees Ninety-Two Thousand Only",
    ):
        assert field in text, (field, text)


async def _three_documents(api, owner, **lease_fields):
    """An issued invoice, its payment and a settled deposit on one lease: the three PDF urls."""
    lease = await make_lease(api, owner, "IN", property_type="residential", **lease_fields)
    inv = await _issued(api, owner, lease, ("Rent", "25000.00", "rent"), ("Security deposit", "50000.00", "deposit"))
    payment = await _pay(api, owner, lease, "75000.00")
    settle = await api.post(f"/api/v1/leases/{lease.id}/deposit/settlement", owner.token, json={})
    assert settle.status_code == 201, settle.text
    return [
        f"{INVOICES}/{inv['id']}/pdf",
        f"{PAYMENTS}/{payment['id']}/receipt.pdf",
        f"/api/v1/leases/{lease.id}/deposit/settlement.pdf",
    ]


async def test_another_organizations_documents_are_not_found(api, owner, other_owner):
    await _india(api, owner)
    for url in await _three_documents(api, owner):
        r = await api.get(url, other_owner.token)
        assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND", (url, r.text)


async def test_a_tenant_prints_only_its_own_documents(api, owner):
    await _india(api, owner)
    tenant_user, tenant = await owner.add_user("Tenant")
    mine = await _three_documents(api, owner, tenant_user_id=tenant_user)
    theirs = await _three_documents(api, owner)
    for url in mine:
        r = await api.get(url, tenant)
        assert r.status_code == 200 and r.content.startswith(b"%PDF"), (url, r.text)
    for url in theirs:
        assert (await api.get(url, tenant)).status_code == 404, url


async def test_roles(api, owner):
    await _india(api, owner)
    urls = await _three_documents(api, owner)
    _, manager = await owner.add_user("PropertyManager")
    _, staff = await owner.add_user("MaintenanceStaff")
    for url in urls:
        assert (await api.get(url, manager)).status_code == 200, url
        r = await api.get(url, staff)
        assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS", (url, r.text)
    assert (await api.get(urls[0])).status_code == 401  # no credentials


async def test_bad_ids_and_a_bad_address(api, owner):
    await _india(api, owner)
    for url in (f"{INVOICES}/not-a-uuid/pdf", f"{PAYMENTS}/not-a-uuid/receipt.pdf"):
        assert (await api.get(url, owner.token)).status_code in (400, 404), url
    r = await api.get(f"{INVOICES}/00000000-0000-4000-8000-000000000000/pdf", owner.token)
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    settings = f"/api/v1/organizations/{owner.org_id}/settings"
    for bad in ("Line one\x00", "x" * 301, "tab\there", ""):
        r = await api.put(settings, owner.token, json={"country": "IN", "state": "MH", "address": bad})
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR", r.text
    assert (await api.get(settings, owner.token)).json()["data"]["address"] == ADDRESS  # nothing written
    kept = await _settings(api, owner, country="IN", state="MH", pan_number=None)  # absent: kept
    assert kept["address"] == ADDRESS
    assert (await _settings(api, owner, country="IN", state="MH", address=None))["address"] is None  # null: cleared


async def test_a_pending_payment_has_no_receipt_yet(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner, "IN", property_type="residential")
    await _issued(api, owner, lease, ("Rent", "700.00", "rent"))
    body = {"lease_id": lease.id, "amount": money("700.00"), "method": "card", "card_number": "4000000000000077"}
    r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert r.status_code == 201 and r.json()["data"]["status"] == "pending", r.text
    r = await api.get(f"{PAYMENTS}/{r.json()['data']['id']}/receipt.pdf", owner.token)
    assert r.status_code == 409 and r.json()["error"]["code"] == "RESOURCE_CONFLICT", r.text
