"""GET /api/v1/compliance/provincial-reports over HTTP: GST/HST return lines 101, 103, 106, 109 per
month and province from the issued invoices (exempt residential rent left out of 101), QST
separately for Quebec, each figure checked against the invoices; another organization sees none of
them; tenants refused; bad months 422."""

from __future__ import annotations

import uuid

import pytest
from fin_support import invoice_body, make_lease, pdf_text, set_country

from pmsaas.adapters.sql.tables.properties import properties

pytestmark = pytest.mark.today("2026-12-01")

REPORTS = "/api/v1/compliance/provincial-reports"


async def _lease_in(api, owner, province: str, kind: str = "commercial"):
    lease = await make_lease(api, owner, "CA", property_type=kind, rent="1000.00")
    if province != "ON":
        async with api.container.system_engine().begin() as conn:
            where = properties.c.id == uuid.UUID(lease.property_id)
            await conn.execute(properties.update().where(where).values(province=province, city="Montréal"))
    return lease


async def _invoice(api, owner, lease, amount: str, day: str = "2026-11-03"):
    body = invoice_body(lease, ("Rent", amount, "rent"), issue=True, issue_date=day, due_date=day)
    r = await api.post("/api/v1/financial/invoices", owner.token, json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _tax(invoice, head: str) -> str:
    return next(t["amount"]["amount"] for line in invoice["lines"] for t in line["taxes"] if t["tax"] == head)


async def test_gst_hst_lines_per_province_and_qst_apart(api, owner, other_owner):
    await set_country(api, owner, "CA")
    ontario, quebec = await _lease_in(api, owner, "ON"), await _lease_in(api, owner, "QC")
    home = await _lease_in(api, owner, "ON", kind="residential")
    on_invoice = await _invoice(api, owner, ontario, "1000.00")
    qc_invoice = await _invoice(api, owner, quebec, "1000.00")
    await _invoice(api, owner, home, "2000.00")  # exempt: in line 101 (all revenue), no tax in 103
    await _invoice(api, owner, ontario, "500.00", day="2026-12-01")  # another period
    r = await api.get(REPORTS, owner.token, params={"from": "2026-11", "to": "2026-12"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    rows = {(x["period"], x["province"]): {k: v["amount"] for k, v in x["lines"].items()} for x in data["gst_hst"]}
    assert rows == {
        ("2026-11", "ON"): {"line_101": "3000.00", "line_103": "130.00", "line_106": "0.00", "line_109": "130.00"},
        ("2026-11", "QC"): {"line_101": "1000.00", "line_103": "50.00", "line_106": "0.00", "line_109": "50.00"},
        ("2026-12", "ON"): {"line_101": "500.00", "line_103": "65.00", "line_106": "0.00", "line_109": "65.00"},
    }
    assert rows[("2026-11", "ON")]["line_103"] == _tax(on_invoice, "HST")
    assert rows[("2026-11", "QC")]["line_103"] == _tax(qc_invoice, "GST")
    assert [
        (q["period"], q["sales"]["amount"], q["qst_collected"]["amount"], q["net_qst"]["amount"]) for q in data["qst"]
    ] == [("2026-11", "1000.00", _tax(qc_invoice, "QST"), _tax(qc_invoice, "QST"))]
    assert data["currency"] == "CAD" and data["period_start"] == "2026-11-01" and data["period_end"] == "2026-12-31"
    pdf = await api.get(
        REPORTS, owner.token, params={"from": "2026-11", "to": "2026-12"}, headers={"Accept": "application/pdf"}
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for figure in ("2026-11", "ON", "QC", "1,000.00", "130.00", "50.00", "500.00", "65.00", "99.75", "$245.00"):
        assert figure in text, (figure, text)
    await set_country(api, other_owner, "CA")
    theirs = (await api.get(REPORTS, other_owner.token, params={"from": "2026-11", "to": "2026-12"})).json()["data"]
    assert theirs["gst_hst"] == [] and theirs["qst"] == []


async def test_bad_months_roles_and_books_outside_canada(api, owner):
    await set_country(api, owner, "CA")
    for params in ({"from": "2026-13"}, {"from": "2026-12", "to": "2026-11"}, {"from": "2024-01", "to": "2026-12"}):
        r = await api.get(REPORTS, owner.token, params=params)
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR", (params, r.text)
    _, tenant = await owner.add_user("Tenant")
    assert (await api.get(REPORTS, tenant)).status_code == 403
    _, staff = await owner.add_user("MaintenanceStaff")
    assert (await api.get(REPORTS, staff)).status_code == 403
    _, manager = await owner.add_user("PropertyManager")
    assert (await api.get(REPORTS, manager)).status_code == 200
    await set_country(api, owner, "IN")
    assert (await api.get(REPORTS, owner.token)).status_code == 422
