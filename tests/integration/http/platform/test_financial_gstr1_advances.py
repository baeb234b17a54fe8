"""GSTR-1 table 11 (advances received 11A, adjusted 11B) and its effect on GSTR-3B 3.1(a), over HTTP.

A commercial lease in Mumbai pays more than its open invoice in November: the rest is tenant credit,
an advance taxed when received (CGST s.13(2)), in November's 11A; December's invoice absorbs it, so
December's 11B takes it back. The ledger posts no tax on an advance: 3.1(a) reconciles with the
month's ``tax_payable`` movements + 11A - 11B."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from fin_support import invoice_body, key, make_lease, money, set_country, trial_balance

from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.flows.rent_billing import run_billing

pytestmark = pytest.mark.today("2026-12-15")

GSTR1, GSTR3B = "/api/v1/financial/reports/gstr1", "/api/v1/financial/reports/gstr3b"
KA = {"city": "Bengaluru", "province": "KA", "postal_code": "560001"}


async def _invoice(api: Any, owner: Any, lease: Any, issue_date: str, due_date: str) -> dict[str, Any]:
    body = invoice_body(lease, ("Rent", "50000.00", "rent"), issue=True, issue_date=issue_date, due_date=due_date)
    r = await api.post("/api/v1/financial/invoices", owner.token, json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def _pay(api: Any, owner: Any, lease: Any, amount: str, on: str) -> None:
    body = {"lease_id": lease.id, "amount": money(amount), "method": "bank_transfer", "received_on": on}
    r = await api.post("/api/v1/financial/payments", owner.token, json=body, headers=key())
    assert r.status_code == 201, r.text


async def _gstr1(api: Any, owner: Any, **params: str) -> dict[str, Any]:
    r = await api.get(GSTR1, owner.token, params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]["gstr1"]


async def _3b_outward(api: Any, owner: Any, month: str) -> dict[str, str]:
    r = await api.get(GSTR3B, owner.token, params={"from": month})
    assert r.status_code == 200, r.text
    return r.json()["data"]["gstr3b"]["sup_details"]["osup_det"]


def _item(value: str, igst: str = "0.00", cgst: str = "0.00", sgst: str = "0.00") -> dict[str, Any]:
    return {"rt": 18.0, "ad_amt": value, "iamt": igst, "camt": cgst, "samt": sgst, "csamt": "0.00"}


def _d(x: str) -> Decimal:
    return Decimal(x)


async def test_an_advance_is_in_11a_when_received_and_in_11b_when_its_invoice_is_issued(api, owner, other_owner):
    await set_country(api, owner, "IN")
    body = {"country": "IN", "province": "MH", "gst_number": "27AABCP1234Q1Z7"}
    assert (await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)).status_code == 200
    mumbai = await make_lease(api, owner)  # commercial: rent at 18 %, CGST + SGST
    bengaluru = await make_lease(api, owner, address=KA)  # another State: IGST
    flat = await make_lease(api, owner, property_type="residential")  # exempt rent

    await _invoice(api, owner, mumbai, "2026-11-01", "2026-11-10")  # 50,000 + 9,000 tax
    before = await trial_balance(api, owner)
    await _pay(api, owner, mumbai, "100000.00", "2026-11-20")  # 59,000 pays November, 41,000 is credit
    await _pay(api, owner, bengaluru, "11800.00", "2026-11-25")  # no invoice yet: all of it is an advance
    await _pay(api, owner, flat, "30000.00", "2026-11-05")  # exempt rent: no tax on its advance
    await _moved_only_cash_and_receivables(api, owner, before)
    november_cgst = -_d(before["tax_payable:CGST"])  # 4,500: November's invoice

    december = await _invoice(api, owner, mumbai, "2026-12-01", "2026-12-10")
    assert december["amount_paid"]["amount"] == "41000.00"  # the credit, applied at issue
    after = await trial_balance(api, owner)
    december_cgst = -_d(after["tax_payable:CGST"]) - november_cgst  # 4,500: December's invoice
    assert "tax_payable:IGST" not in after  # the Bengaluru advance: no tax in the ledger

    # 41,000 = 34,745.76 + 3,127.12 + 3,127.12; 11,800 = 10,000 + 1,800.
    mumbai_row = _item("34745.76", cgst="3127.12", sgst="3127.12")
    nov = await _gstr1(api, owner, **{"from": "2026-11"})
    assert nov["at"] == [
        {"pos": "27", "sply_ty": "INTRA", "itms": [mumbai_row]},
        {"pos": "29", "sply_ty": "INTER", "itms": [_item("10000.00", igst="1800.00")]},
    ]
    assert nov["txpd"] == []
    dec = await _gstr1(api, owner, **{"from": "2026-12"})
    assert dec["at"] == []  # Bengaluru's credit was received in November; nothing new
    assert dec["txpd"] == [{"pos": "27", "sply_ty": "INTRA", "itms": [mumbai_row]}]
    # The quarter sees Mumbai's advance received and adjusted inside it: only Bengaluru's is left.
    quarter = await _gstr1(api, owner, **{"from": "2026-10", "to": "2026-12"})
    assert [row["pos"] for row in quarter["at"]] == ["29"] and quarter["txpd"] == []

    # 3.1(a) = the month's tax_payable movements + 11A - 11B (the ledger posts no tax on an advance).
    nov_3b, dec_3b = await _3b_outward(api, owner, "2026-11"), await _3b_outward(api, owner, "2026-12")
    assert _d(nov_3b["camt"]) == november_cgst + _d("3127.12") == _d(nov_3b["samt"])
    assert _d(nov_3b["iamt"]) == 0 + _d("1800.00")
    assert _d(nov_3b["txval"]) == _d("50000.00") + _d("34745.76") + _d("10000.00")
    assert _d(dec_3b["camt"]) == december_cgst - _d("3127.12")
    assert _d(dec_3b["txval"]) == _d("50000.00") - _d("34745.76") and dec_3b["iamt"] == "0.00"

    c = await api.get(GSTR1, owner.token, params={"from": "2026-11", "format": "csv", "section": "at"})
    assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(c.text)))
    assert [(r["supply_type"], r["place_of_supply"], r["advance"], r["taxable_value"], r["cgst"]) for r in rows] == [
        ("INTER", "29", "11800.00", "10000.00", "0.00"),
        ("INTRA", "27", "41000.00", "34745.76", "3127.12"),
    ]
    c = await api.get(GSTR1, owner.token, params={"from": "2026-12", "format": "csv", "section": "txpd"})
    assert [r["advance"] for r in csv.DictReader(io.StringIO(c.text))] == ["41000.00"]

    await set_country(api, other_owner, "IN")
    theirs = await _gstr1(api, other_owner, **{"from": "2026-11"})
    assert theirs["at"] == [] and theirs["txpd"] == []


async def _moved_only_cash_and_receivables(api: Any, owner: Any, before: dict[str, Any]) -> None:
    """The accounts the payments moved: cash and the tenants' receivables only (no tax account)."""
    now = await trial_balance(api, owner)
    moved = {k for k in now if before.get(k) != now[k]}
    assert moved and all(k == "cash" or k.startswith("ar:") for k in moved), moved


async def test_a_residential_lease_advance_is_reported_nowhere(api, owner):
    await set_country(api, owner, "IN")
    flat = await make_lease(api, owner, property_type="residential")
    await _pay(api, owner, flat, "30000.00", "2026-12-05")
    doc = await _gstr1(api, owner, **{"from": "2026-12"})
    assert doc["at"] == [] and doc["txpd"] == []
    assert (await _3b_outward(api, owner, "2026-12"))["txval"] == "0.00"


async def test_a_bad_section_is_refused_with_the_envelope(api, owner):
    await set_country(api, owner, "IN")
    r = await api.get(GSTR1, owner.token, params={"from": "2026-12", "format": "csv", "section": "advances"})
    assert r.status_code in (400, 422), r.text
    assert r.json()["success"] is False


async def test_the_billing_run_adjusts_an_advance_in_its_month(api, owner):
    """The billing run applies the credit as it issues (COPY on PostgreSQL): dated the invoice's issue date."""
    await set_country(api, owner, "IN")
    mumbai = await make_lease(api, owner)
    await _pay(api, owner, mumbai, "70800.00", "2026-11-20")  # no invoice yet: all of it is an advance
    summary = await run_billing(
        uow_factory=api.container.system_uow,
        clock=api.container.clock(),
        period="2026-12",
        organization_id=uuid.UUID(owner.org_id),
    )
    assert summary.created == 1
    [invoice] = (await api.get("/api/v1/financial/invoices", owner.token, params={"lease_id": mumbai.id})).json()[
        "data"
    ]
    assert (invoice["status"], invoice["amount_paid"]["amount"]) == ("paid", "59000.00")
    async with api.container.system_engine().connect() as conn:
        a = F.payment_allocations
        dates = (await conn.execute(sa.select(a.c.applied_on).where(a.c.invoice_id == uuid.UUID(invoice["id"])))).all()
    assert [d for (d,) in dates] == [date.fromisoformat(invoice["issue_date"])]

    nov = await _gstr1(api, owner, **{"from": "2026-11"})
    received = _item("60000.00", cgst="5400.00", sgst="5400.00")
    adjusted = _item("50000.00", cgst="4500.00", sgst="4500.00")
    assert nov["at"] == [{"pos": "27", "sply_ty": "INTRA", "itms": [received]}]
    dec = await _gstr1(api, owner, **{"from": "2026-12"})
    assert dec["txpd"] == [{"pos": "27", "sply_ty": "INTRA", "itms": [adjusted]}]
    assert dec["at"] == []  # the 11,800 left was received in November


async def test_a_refunded_advance_is_adjusted_in_the_month_of_the_refund(api, owner):
    """November's 11A as filed stays true after a December refund: the refund voucher (rule 51)
    adjusts the advance in December's 11B, and the part of the refund that reopened November's
    invoice was never an advance. Before, the refund shrank November's 11A after the fact and
    December never showed it."""
    await set_country(api, owner, "IN")
    body = {"country": "IN", "province": "MH", "gst_number": "27AABCP1234Q1Z7"}
    assert (await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)).status_code == 200
    mumbai = await make_lease(api, owner)  # commercial rent at 18 %
    invoice = await _invoice(api, owner, mumbai, "2026-11-01", "2026-11-10")  # 59,000 with GST
    pay = {"lease_id": mumbai.id, "amount": money("70800.00"), "method": "bank_transfer", "received_on": "2026-11-25"}
    r = await api.post("/api/v1/financial/payments", owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text
    payment_id = r.json()["data"]["id"]  # 59,000 pays the invoice, 11,800 is an advance
    advance = [{"pos": "27", "sply_ty": "INTRA", "itms": [_item("10000.00", cgst="900.00", sgst="900.00")]}]
    assert (await _gstr1(api, owner, **{"from": "2026-11"}))["at"] == advance

    # 15 December: 20,000 back: the 11,800 of credit, then 8,200 off the invoice (open again).
    refund = {"amount": money("20000.00"), "reason": "Overpaid"}
    r = await api.post(f"/api/v1/financial/payments/{payment_id}/refund", owner.token, json=refund, headers=key())
    assert r.status_code == 201, r.text
    r = await api.get(f"/api/v1/financial/invoices/{invoice['id']}", owner.token)
    assert r.json()["data"]["balance_due"]["amount"] == "8200.00", r.text

    nov = await _gstr1(api, owner, **{"from": "2026-11"})
    assert nov["at"] == advance and nov["txpd"] == []
    dec = await _gstr1(api, owner, **{"from": "2026-12"})
    assert dec["at"] == [] and dec["txpd"] == advance
