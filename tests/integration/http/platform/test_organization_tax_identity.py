"""The organization's tax identity in its settings, through HTTP: GSTIN/PAN (India), GST/HST account
(Canada), number formats; validation against the country and State; what invoices then show."""

from __future__ import annotations

import re

from fin_support import invoice_body, mail_marker, mails_since, make_lease, pdf_text, set_country

INVOICES = "/api/v1/financial/invoices"
MH_GSTIN, KA_GSTIN, PAN = "27AABCA1234C1ZF", "29AABCA1234C1ZB", "AABCA1234C"


def _settings(owner) -> str:
    return f"/api/v1/organizations/{owner.org_id}/settings"


async def _put(api, owner, token=None, **fields):
    body = {"country": "IN", "state": "MH", **fields}
    return await api.put(_settings(owner), token or owner.token, json=body)


def _fields(r) -> list[str]:
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "VALIDATION_ERROR"
    return [d["field"] for d in r.json()["error"]["details"]]



async def test_a_gstin_is_kept_with_the_pan_inside_it_until_cleared(api, owner):
    r = await _put(api, owner, gst_number=MH_GSTIN.lower())
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["gst_number"] == MH_GSTIN and data["pan_number"] == PAN and data["gst_registered"] is True

    r = await _put(api, owner, locale="hi-IN")  # absent tax fields are kept
    assert r.json()["data"]["gst_number"] == MH_GSTIN and r.json()["data"]["locale"] == "hi-IN"
    assert (await api.get(_settings(owner), owner.token)).json()["data"]["gst_number"] == MH_GSTIN
    org = (await api.get(f"/api/v1/organizations/{owner.org_id}", owner.token)).json()["data"]
    assert org["settings"]["pan_number"] == PAN

    r = await _put(api, owner, gst_number=None, pan_number=None, gst_registered=False)  # null clears
    data = r.json()["data"]
    assert (data["gst_number"], data["pan_number"], data["gst_registered"]) == (None, None, False)


async def test_bad_tax_identities_are_refused_and_nothing_changes(api, owner):
    assert (await _put(api, owner, gst_number=MH_GSTIN)).status_code == 200
    assert _fields(await _put(api, owner, gst_number=KA_GSTIN)) == ["gst_number"]  # Karnataka's, not MH's
    assert _fields(await _put(api, owner, gst_number="27AABCA1234C1ZA")) == ["gst_number"]  # check character
    assert _fields(await _put(api, owner, pan_number="AAACT2345K")) == ["pan_number"]  # not the GSTIN's PAN
    assert _fields(await _put(api, owner, pan_number="NOT-A-PAN")) == ["pan_number"]
    assert _fields(await _put(api, owner, gst_registered=False)) == ["gst_registered"]  # registered, with a GSTIN
    assert _fields(await _put(api, owner, gst_registered="yes")) == ["gst_registered"]
    assert _fields(await _put(api, owner, tax_registration_number="123456789RT0001")) == ["tax_registration_number"]
    assert _fields(await _put(api, owner, gst_number="27" + "A" * 30)) == ["gst_number"]  # over-long
    assert _fields(await _put(api, owner, vat_number="X")) == ["vat_number"]  # unknown field
    # Moving the organization to Canada would orphan the GSTIN: refused unless it is cleared too.
    moved = {"country": "CA", "province": "ON"}
    r = await api.put(_settings(owner), owner.token, json=moved)
    assert sorted(_fields(r)) == ["gst_number", "pan_number"]
    data = (await api.get(_settings(owner), owner.token)).json()["data"]
    assert (data["country"], data["gst_number"], data["pan_number"]) == ("IN", MH_GSTIN, PAN)
    r = await api.put(_settings(owner), owner.token, json={**moved, "gst_number": None, "pan_number": None})
    assert r.status_code == 200 and r.json()["data"]["country"] == "CA", r.text


async def test_canada_takes_the_gst_hst_account_of_the_seed(api, owner):
    await set_country(api, owner, "CA")
    body = {"country": "CA", "province": "BC", "tax_registration_number": "123456789 RT 0001"}
    r = await api.put(_settings(owner), owner.token, json=body)
    assert r.status_code == 200 and r.json()["data"]["tax_registration_number"] == "123456789RT0001", r.text
    for bad in ("12345678", "123456789RC0001", "123456789RT001"):
        assert _fields(await api.put(_settings(owner), owner.token, json={**body, "tax_registration_number": bad}))
    assert _fields(await api.put(_settings(owner), owner.token, json={**body, "gst_number": MH_GSTIN})) == [
        "gst_number"
    ]


async def test_number_formats_number_the_next_invoice_and_respect_rule_46(api, owner):
    r = await _put(api, owner, invoice_number_format="{fy}/{seq:05d}", receipt_number_format="R-{seq}")
    assert r.status_code == 200, r.text
    lease = await make_lease(api, owner, "IN", property_type="residential")
    r = await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", "1000.00", "rent"), issue=True))
    assert r.status_code == 201, r.text
    assert re.fullmatch(r"\d{4}-\d{2}/00001", r.json()["data"]["number"]), r.json()["data"]["number"]

    assert _fields(await _put(api, owner, invoice_number_format="INVOICE/{fy}/{seq:06d}")) == ["invoice_number_format"]
    assert _fields(await _put(api, owner, invoice_number_format="INV#{seq}")) == ["invoice_number_format"]
    assert _fields(await _put(api, owner, receipt_number_format="R-{customer}-{seq}")) == ["receipt_number_format"]
    assert _fields(await _put(api, owner, receipt_number_format="{fy}")) == ["receipt_number_format"]
    assert _fields(await _put(api, owner, invoice_number_format="{seq:q}")) == ["invoice_number_format"]
    assert (await api.get(_settings(owner), owner.token)).json()["data"]["invoice_number_format"] == "{fy}/{seq:05d}"


async def test_a_tax_invoice_shows_both_gstins_and_the_place_of_supply(api, owner):
    assert (await _put(api, owner, gst_number=MH_GSTIN)).status_code == 200
    lease = await make_lease(api, owner, "IN", property_type="commercial", tenant_gstin=KA_GSTIN)
    r = await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", "1000.00", "rent")))
    marker = mail_marker(api)
    r = await api.post(f"{INVOICES}/{r.json()['data']['id']}/send", owner.token)
    assert r.status_code == 200, r.text
    [mail] = mails_since(api, marker)
    text = pdf_text(mail.attachments[0].content)
    assert "Tax Invoice" in text and f"GSTIN: {MH_GSTIN}" in text and f"Recipient GSTIN: {KA_GSTIN}" in text
    assert "Place of supply: MH" in text and "Reverse charge: No" in text


async def test_only_the_organizations_managers_set_it_and_never_for_another(api, owner, other_owner):
    _, manager = await owner.add_user("PropertyManager")
    r = await _put(api, owner, token=manager, gst_number=MH_GSTIN)
    assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    r = await _put(api, owner, token=other_owner.token, gst_number=MH_GSTIN)
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    assert (await api.get(_settings(owner), owner.token)).json()["data"]["gst_number"] is None


async def test_an_organization_body_names_the_settings_fields_as_it_nests_them(api, owner):
    body = {"name": "Pune Plots", "settings": {"country": "IN", "state": "MH", "gst_number": KA_GSTIN}}
    r = await api.post("/api/v1/organizations", owner.token, json=body)
    assert _fields(r) == ["settings.gst_number"]
    r = await api.put(f"/api/v1/organizations/{owner.org_id}", owner.token, json=body)
    assert _fields(r) == ["settings.gst_number"]
    assert (await api.get(_settings(owner), owner.token)).json()["data"]["gst_number"] is None  # nothing written
