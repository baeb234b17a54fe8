"""Credit notes against an issued invoice (CGST Act s.34; a GST/HST reduction in Canada) over HTTP:
the note, its ledger posting, the invoice's balance, its PDF (rule 53's particulars), and where
the returns report it (GSTR-1 table 9B CDNR/CDNUR, table 7 net, table 13; GSTR-3B 3.1(a) net;
the GST/HST return's line 103). Every figure is checked against the trial balance."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from fin_support import invoice_body, key, make_lease, money, pdf_text, set_country, trial_balance

from pmsaas.adapters.sql.tables.notifications import outbox

pytestmark = pytest.mark.today("2026-12-15")

INVOICES = "/api/v1/financial/invoices"
SUPPLIER = "27AABCP1234Q1Z7"  # Maharashtra
KA_TENANT = "29AAAPK5678L1Z4"
KA = {"city": "Bengaluru", "province": "KA", "postal_code": "560001"}


async def _india(api: Any, owner: Any) -> None:
    await set_country(api, owner, "IN")
    body = {"country": "IN", "province": "MH", "gst_number": SUPPLIER, "address": "12 Nariman Point\nMumbai"}
    r = await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)
    assert r.status_code == 200, r.text


async def _issued(api: Any, owner: Any, lease: Any, *lines: tuple[str, str, str], on: str = "2026-12-01") -> Any:
    body = invoice_body(lease, *lines, issue=True, issue_date=on, due_date="2026-12-20")
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _note_body(
    *lines: tuple[int, str], currency: str = "INR", reason: str = "Rent reduced: lift out of service"
) -> Any:
    return {"reason": reason, "lines": [{"line": i, "amount": money(a, currency)} for i, a in lines]}


async def _credit(api: Any, owner: Any, invoice: Any, *lines: tuple[int, str], currency: str = "INR") -> Any:
    r = await api.post(
        f"{INVOICES}/{invoice['id']}/credit-notes", owner.token, json=_note_body(*lines, currency=currency)
    )
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _d(value: str) -> Decimal:
    return Decimal(value)


async def test_a_credit_note_reverses_value_and_tax_in_the_ledger_and_gstr1(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner, tenant_gstin=KA_TENANT)  # commercial in MH: CGST + SGST
    inv = await _issued(
        api, owner, lease, ("Rent December 2026", "100000.00", "rent"), ("Deposit", "200000.00", "deposit")
    )
    before = await trial_balance(api, owner)

    note = await _credit(api, owner, inv, (0, "10000.00"))
    assert note["number"] == "CN/26-27/000001"  # its own series, not the invoices'
    assert (note["invoice_number"], note["invoice_date"], note["issue_date"]) == (
        inv["number"],
        "2026-12-01",
        "2026-12-15",
    )
    [line] = note["lines"]
    assert {t["tax"]: t["amount"]["amount"] for t in line["taxes"]} == {"CGST": "900.00", "SGST": "900.00"}
    assert (note["subtotal"]["amount"], note["tax_total"]["amount"], note["total"]["amount"]) == (
        "10000.00",
        "1800.00",
        "11800.00",
    )

    # The invoice: what the tenant owes is down by the note; its own figures stay as issued.
    got = (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]
    assert (got["total"]["amount"], got["amount_credited"]["amount"]) == ("318000.00", "11800.00")
    assert got["balance_due"]["amount"] == "306200.00" and got["status"] == "issued"

    # The ledger: revenue and output tax reversed, the tenant's receivable down by the total.
    after = await trial_balance(api, owner)
    for account, moved in (("rent_income", "10000.00"), ("tax_payable:CGST", "900.00"), ("tax_payable:SGST", "900.00")):
        assert _d(after[account]) - _d(before[account]) == _d(moved), account
    ar = next(a for a in after if a.startswith("ar:"))
    assert _d(before[ar]) - _d(after[ar]) == Decimal("11800.00")

    # A second note can take the rest of the line, to the paisa, and no more.
    r = await api.post(f"{INVOICES}/{inv['id']}/credit-notes", owner.token, json=_note_body((0, "90000.01")))
    assert r.status_code == 422, r.text
    rest = await _credit(api, owner, inv, (0, "90000.00"))
    assert rest["number"] == "CN/26-27/000002" and rest["tax_total"]["amount"] == "16200.00"
    listed = (await api.get(f"{INVOICES}/{inv['id']}/credit-notes", owner.token)).json()["data"]
    assert [n["number"] for n in listed] == ["CN/26-27/000001", "CN/26-27/000002"]
    one = (await api.get(f"{INVOICES}/{inv['id']}/credit-notes/{note['id']}", owner.token)).json()["data"]
    assert one == note

    # GSTR-1: both notes in table 9B (CDNR) of December; 3.1(a) of GSTR-3B is net of them.
    doc = (await api.get("/api/v1/financial/reports/gstr1", owner.token, params={"from": "2026-12"})).json()["data"]
    [cdnr] = doc["gstr1"]["cdnr"]
    assert cdnr["ctin"] == KA_TENANT
    assert [(n["nt_num"], n["nt_dt"], n["ntty"], n["val"], n["pos"], n["rchrg"]) for n in cdnr["nt"]] == [
        ("CN/26-27/000001", "15-12-2026", "C", "11800.00", "27", "N"),
        ("CN/26-27/000002", "15-12-2026", "C", "106200.00", "27", "N"),
    ]
    assert cdnr["nt"][0]["itms"][0]["itm_det"] == {
        "rt": 18.0,
        "txval": "10000.00",
        "iamt": "0.00",
        "camt": "900.00",
        "samt": "900.00",
        "csamt": "0.00",
    }
    [hsn] = doc["gstr1"]["hsn"]["hsn_b2b"]
    assert (hsn["txval"], hsn["camt"]) == ("0.00", "0.00")  # table 12 is net of the notes
    b3 = (await api.get("/api/v1/financial/reports/gstr3b", owner.token, params={"from": "2026-12"})).json()["data"]
    osup = b3["gstr3b"]["sup_details"]["osup_det"]
    tb = await trial_balance(api, owner)
    assert (osup["txval"], osup["camt"], osup["samt"]) == ("0.00", "0.00", "0.00")
    assert _d(osup["camt"]) == -_d(tb.get("tax_payable:CGST", "0")) and -_d(tb.get("rent_income", "0")) == 0

    # Table 13: the invoice series and the credit note series of the month.
    docs = {d["doc_num"]: d for d in doc["gstr1"]["doc_issue"]["doc_det"]}
    assert docs[1]["docs"] == [
        {"num": 1, "from": inv["number"], "to": inv["number"], "totnum": 1, "cancel": 0, "net_issue": 1}
    ]
    assert docs[5]["doc_typ"] == "Credit Note"
    assert docs[5]["docs"] == [
        {"num": 1, "from": "CN/26-27/000001", "to": "CN/26-27/000002", "totnum": 2, "cancel": 0, "net_issue": 2}
    ]


async def test_the_credit_note_pdf_has_rule_53s_particulars(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner, tenant_gstin=KA_TENANT)
    inv = await _issued(api, owner, lease, ("Rent December 2026", "100000.00", "rent"))
    note = await _credit(api, owner, inv, (0, "25000.00"))
    r = await api.get(f"{INVOICES}/{inv['id']}/credit-notes/{note['id']}/pdf", owner.token)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text
    assert r.headers["content-disposition"] == 'attachment; filename="Credit-Note-CN-26-27-000001.pdf"'
    text = pdf_text(r.content)
    for field in (
        "Credit Note",
        "CN/26-27/000001",
        "15 December 2026",
        f"{inv['number']} of 1 December 2026",  # the invoice it corrects, number and date
        "Rent reduced: lift out of service",
        f"GSTIN: {SUPPLIER}",
        "12 Nariman Point",
        "Tara Tenant",
        f"GSTIN: {KA_TENANT}",
        "Place of supply Maharashtra (27)",
        "9972",
        "25,000.00 CGST 9% 2,250.00",
        "SGST 9% 2,250.00",
        "₹29,500.00",
        "Rupees Twenty-Nine Thousand Five Hundred Only",
        "Authorised Signatory",
    ):
        assert field in text, (field, text)


async def test_unregistered_tenants_notes_go_to_cdnur_or_net_table_7(api, owner):
    await _india(api, owner)
    large = await make_lease(api, owner, address=KA)  # inter-State, unregistered: B2CL above Rs 1 lakh
    small = await make_lease(api, owner)  # intra-State, unregistered: B2CS
    big = await _issued(api, owner, large, ("Rent", "150000.00", "rent"))
    little = await _issued(api, owner, small, ("Rent", "40000.00", "rent"))
    await _credit(api, owner, big, (0, "15000.00"))
    await _credit(api, owner, little, (0, "4000.00"))
    doc = (await api.get("/api/v1/financial/reports/gstr1", owner.token, params={"from": "2026-12"})).json()["data"]
    [cdnur] = doc["gstr1"]["cdnur"]
    assert (cdnur["typ"], cdnur["nt_num"], cdnur["pos"], cdnur["val"]) == ("B2CL", "CN/26-27/000001", "29", "17700.00")
    assert cdnur["itms"][0]["itm_det"]["iamt"] == "2700.00"
    assert doc["gstr1"]["cdnr"] == []
    [b2cs] = [r for r in doc["gstr1"]["b2cs"] if r["sply_ty"] == "INTRA"]
    assert (b2cs["txval"], b2cs["camt"]) == ("36000.00", "3240.00")  # 40,000 less the 4,000 credited
    b3 = (await api.get("/api/v1/financial/reports/gstr3b", owner.token, params={"from": "2026-12"})).json()["data"]
    osup = b3["gstr3b"]["sup_details"]["osup_det"]
    tb = await trial_balance(api, owner)
    assert _d(osup["txval"]) == Decimal("171000.00") == -_d(tb["rent_income"])
    assert _d(osup["iamt"]) == -_d(tb["tax_payable:IGST"]) and _d(osup["camt"]) == -_d(tb["tax_payable:CGST"])
    rows = await api.get(
        "/api/v1/financial/reports/gstr1", owner.token, params={"from": "2026-12", "format": "csv", "section": "cdnur"}
    )
    assert rows.status_code == 200 and "CN/26-27/000001" in rows.text and big["number"] in rows.text


async def test_canada_a_credit_note_reduces_the_hst_collected(api, owner):
    await set_country(api, owner, "CA")
    lease = await make_lease(api, owner, "CA")  # commercial in Ontario: HST 13 %
    inv = await _issued(api, owner, lease, ("Rent", "2000.00", "rent"), on="2026-11-01")
    note = await _credit(api, owner, inv, (0, "500.00"), currency="CAD")
    assert note["number"] == "CN/2026/000001" and note["tax_total"]["amount"] == "65.00"
    params = {"from": "2026-11", "to": "2026-12"}
    r = await api.get("/api/v1/compliance/provincial-reports", owner.token, params=params)
    assert r.status_code == 200, r.text
    rows = {(x["period"], x["province"]): x["lines"] for x in r.json()["data"]["gst_hst"]}
    nov, dec = rows[("2026-11", "ON")], rows[("2026-12", "ON")]
    assert (nov["line_101"]["amount"], nov["line_103"]["amount"]) == ("2000.00", "260.00")
    assert (dec["line_101"]["amount"], dec["line_103"]["amount"]) == ("-500.00", "-65.00")  # the note's period
    tb = await trial_balance(api, owner)
    collected = _d(nov["line_103"]["amount"]) + _d(dec["line_103"]["amount"])
    assert collected == -_d(tb["tax_payable:HST"])


async def test_bad_credit_notes_are_refused_and_nothing_is_written(api, owner, other_owner):
    await _india(api, owner)
    lease = await make_lease(api, owner)
    inv = await _issued(api, owner, lease, ("Rent", "40000.00", "rent"), ("Deposit", "80000.00", "deposit"))
    url = f"{INVOICES}/{inv['id']}/credit-notes"
    for body, status in (
        (_note_body((0, "40000.01")), 422),  # more than the line's value
        (_note_body((1, "100.00")), 422),  # the deposit is no supply
        (_note_body((5, "100.00")), 422),  # no such line
        (_note_body((0, "0.00")), 422),
        (_note_body((0, "100.00"), currency="CAD"), 422),
        (_note_body((0, "100.00"), (0, "100.00")), 422),  # the same line twice
        (_note_body((0, "100.00"), reason="   "), 422),
        ({"reason": "x", "lines": []}, 422),
    ):
        r = await api.post(url, owner.token, json=body)
        assert r.status_code == status, (body, r.text)
        assert r.json()["error"]["code"], r.text
    # Another organization's invoice: not found, whatever the path.
    r = await api.post(url, other_owner.token, json=_note_body((0, "100.00")))
    assert r.status_code == 404, r.text
    assert (await api.get(url, other_owner.token)).status_code == 404
    note = await _credit(api, owner, inv, (0, "100.00"))
    for path in (f"{url}/{note['id']}", f"{url}/{note['id']}/pdf"):
        assert (await api.get(path, other_owner.token)).status_code == 404
    # Paid in full: money received is refunded first, a credit note cannot exceed the unpaid balance.
    pay = {"lease_id": lease.id, "amount": money("127082.00"), "method": "bank_transfer"}
    r = await api.post("/api/v1/financial/payments", owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text
    r = await api.post(url, owner.token, json=_note_body((0, "1000.00")))
    assert r.status_code == 409, r.text
    listed = (await api.get(url, owner.token)).json()["data"]
    assert [n["number"] for n in listed] == ["CN/26-27/000001"]  # nothing half-written, no number used
    # A draft has nothing to credit.
    r = await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", "100.00", "rent")))
    r = await api.post(f"{INVOICES}/{r.json()['data']['id']}/credit-notes", owner.token, json=_note_body((0, "10.00")))
    assert r.status_code == 409, r.text


async def test_too_late_under_section_34_2(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner)
    old = await _issued(api, owner, lease, ("Rent March 2026", "40000.00", "rent"), on="2026-03-01")  # FY 2025-26
    r = await api.post(f"{INVOICES}/{old['id']}/credit-notes", owner.token, json=_note_body((0, "100.00")))
    assert r.status_code == 422 and "30" in r.text, r.text  # the deadline was 30 November 2026
    recent = await _issued(api, owner, lease, ("Rent April 2026", "40000.00", "rent"), on="2026-04-01")
    await _credit(api, owner, recent, (0, "100.00"))  # FY 2026-27: until 30 November 2027


async def test_late_fees_follow_the_rent_and_both_gst_reports_agree(api, owner):
    """A late fee on delayed rent is part of the rent's value (CGST s.15(2)(d), Circular
    178/10/2022-GST): taxed with commercial rent, exempt with residential rent to an individual. The
    monthly gst-returns figures and GSTR-1/3B agree, credit notes included."""
    await _india(api, owner)
    shop = await make_lease(api, owner)  # commercial, intra-State, unregistered: 18 %
    flat = await make_lease(api, owner, property_type="residential")  # exempt (entry 12)
    taxed = await _issued(api, owner, shop, ("Rent", "40000.00", "rent"), ("Late fee", "500.00", "late_fee"))
    exempt = await _issued(api, owner, flat, ("Rent", "30000.00", "rent"), ("Late fee", "300.00", "late_fee"))
    fee = taxed["lines"][1]
    assert {t["tax"]: t["amount"]["amount"] for t in fee["taxes"]} == {"CGST": "45.00", "SGST": "45.00"}
    assert exempt["lines"][1]["taxes"] == []
    await _credit(api, owner, taxed, (1, "500.00"))  # the fee waived
    await _credit(api, owner, exempt, (1, "300.00"))

    r = await api.get("/api/v1/financial/gst-returns", owner.token, params={"from": "2026-12"})
    [dec] = r.json()["data"]
    g1 = (await api.get("/api/v1/financial/reports/gstr1", owner.token, params={"from": "2026-12"})).json()["data"]
    b3 = (await api.get("/api/v1/financial/reports/gstr3b", owner.token, params={"from": "2026-12"})).json()["data"]
    nil = {n["sply_ty"]: n for n in g1["gstr1"]["nil"]["inv"]}
    [b2cs] = g1["gstr1"]["b2cs"]
    sup = b3["gstr3b"]["sup_details"]
    assert dec["exempt_value"]["amount"] == nil["INTRAB2C"]["expt_amt"] == sup["osup_nil_exmp"]["txval"] == "30000.00"
    assert dec["taxable_value"]["amount"] == b2cs["txval"] == sup["osup_det"]["txval"] == "40000.00"
    assert dec["tax"]["CGST"]["amount"] == b2cs["camt"] == sup["osup_det"]["camt"] == "3600.00"
    assert g1["summary"]["outside_return"]["amount"] == "0.00"
    tb = await trial_balance(api, owner)
    assert _d(tb.get("late_fee_income", "0")) == 0 and -_d(tb["tax_payable:CGST"]) == Decimal("3600.00")


async def test_table_13_counts_invoices_cancelled_ones_credit_notes_and_receipts(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner)
    first = await _issued(api, owner, lease, ("Rent", "1000.00", "rent"))
    second = await _issued(api, owner, lease, ("Rent", "2000.00", "rent"))
    third = await _issued(api, owner, lease, ("Rent", "3000.00", "rent"))
    await _issued(api, owner, lease, ("Rent", "500.00", "rent"), on="2026-11-20")  # another month
    r = await api.post(f"{INVOICES}/{second['id']}/cancel", owner.token)
    assert r.status_code == 200, r.text
    draft = await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", "100.00", "rent")))
    assert draft.status_code == 201  # no number: not a document
    await _credit(api, owner, third, (0, "100.00"))
    pay = {"lease_id": lease.id, "amount": money("1180.00"), "method": "bank_transfer"}
    r = await api.post("/api/v1/financial/payments", owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text
    receipt = r.json()["data"]["receipt_number"]
    doc = (await api.get("/api/v1/financial/reports/gstr1", owner.token, params={"from": "2026-12"})).json()["data"]
    docs = {d["doc_num"]: (d["doc_typ"], d["docs"]) for d in doc["gstr1"]["doc_issue"]["doc_det"]}
    assert docs[1] == (
        "Invoices for outward supply",
        [{"num": 1, "from": first["number"], "to": third["number"], "totnum": 3, "cancel": 1, "net_issue": 2}],
    )
    assert docs[5][1][0]["totnum"] == 1
    assert docs[6] == (
        "Receipt voucher",
        [{"num": 1, "from": receipt, "to": receipt, "totnum": 1, "cancel": 0, "net_issue": 1}],
    )
    r = await api.get(
        "/api/v1/financial/reports/gstr1",
        owner.token,
        params={"from": "2026-12", "format": "csv", "section": "doc_issue"},
    )
    assert r.status_code == 200, r.text
    lines = r.text.strip().splitlines()
    assert lines[0] == "document,series,from,to,total,cancelled,net_issued" and len(lines) == 4, r.text


async def test_the_invoice_pdf_prints_the_sac_table_12_reports(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner)
    body = invoice_body(lease, ("Rent", "40000.00", "rent"), issue=True, issue_date="2026-12-01", due_date="2026-12-20")
    body["lines"].append(
        {"description": "Plumbing repair", "amount": money("2000.00"), "supply_type": "repair_service"}
    )
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text
    text = pdf_text((await api.get(f"{INVOICES}/{r.json()['data']['id']}/pdf", owner.token)).content)
    assert "Rent 9972 40,000.00" in text and "Plumbing repair 9987 2,000.00" in text, text
    doc = (await api.get("/api/v1/financial/reports/gstr1", owner.token, params={"from": "2026-12"})).json()["data"]
    by_sac = {row["hsn_sc"]: row["txval"] for row in doc["gstr1"]["hsn"]["hsn_b2c"]}
    assert by_sac == {"9972": "40000.00", "9987": "2000.00"}


async def test_a_note_that_leaves_nothing_to_pay_closes_the_invoice_with_invoice_paid(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner)  # commercial in MH: 18 % on the rent
    inv = await _issued(api, owner, lease, ("Rent December 2026", "10000.00", "rent"))  # 11,800.00
    pay = {"lease_id": lease.id, "amount": money("5900.00"), "method": "bank_transfer"}
    r = await api.post("/api/v1/financial/payments", owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text

    async def paid_events() -> list[Any]:
        async with api.container.system_engine().connect() as conn:
            rows = await conn.execute(
                sa.select(outbox.c.payload).where(
                    outbox.c.organization_id == uuid.UUID(owner.org_id), outbox.c.event == "invoice.paid"
                )
            )
            return list(rows.scalars())

    await _credit(api, owner, inv, (0, "1000.00"))  # 1,180.00 of the 5,900.00 unpaid: still open, no event
    got = (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]
    assert (got["status"], got["balance_due"]["amount"]) == ("partially_paid", "4720.00"), got
    assert await paid_events() == []
    await _credit(api, owner, inv, (0, "4000.00"))  # 4,720.00: nothing left to pay
    got = (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]
    assert (got["status"], got["balance_due"]["amount"]) == ("paid", "0.00"), got
    assert [e["invoice_id"] for e in await paid_events()] == [inv["id"]]
