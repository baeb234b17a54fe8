"""POST /api/v1/compliance/society-filing over HTTP: an Indian co-operative housing society's annual
filing whose figures are its books' (members, the year's sinking fund and repairs fund billed), the
model bye-laws' sinking fund minimum, the audit and AGM deadlines; as PDF; a property that is not a
society's 422; another organization's 404; roles; nothing written."""

from __future__ import annotations

import pytest
from fin_support import invoice_body, make_lease, money, pdf_text

pytestmark = pytest.mark.today("2026-12-01")

FILING = "/api/v1/compliance/society-filing"


async def _society(api, owner, *, society: bool = True):
    r = await api.put(
        f"/api/v1/organizations/{owner.org_id}/settings",
        owner.token,
        json={"country": "IN", "province": "MH", "is_housing_society": society},
    )
    assert r.status_code == 200, r.text
    lease = await make_lease(api, owner, "IN", property_type="residential", rent="3000.00")
    for day in ("2025-06-01", "2026-01-01", "2026-04-01"):  # the last one is the next year's
        lines = [
            ("Maintenance charges", "3000.00", "other"),
            ("Sinking fund", "1250.00", "other"),
            ("Repairs and maintenance fund", "800.00", "other"),
        ]
        r = await api.post(
            "/api/v1/financial/invoices",
            owner.token,
            json=invoice_body(lease, *lines, issue=True, issue_date=day, due_date=day),
        )
        assert r.status_code == 201, r.text
    return lease


def _body(lease, **changes):
    body = {
        "property_id": lease.property_id,
        "financial_year": "2025-26",
        "society_registration_number": "MHS/123/2024",
        "registrar_office": "Mumbai",
        "bye_laws_version": "2024.1",
        "construction_cost": money("1000000.00", "INR"),
        "audit_status": "completed",
        "audit_completed_on": "2026-07-15",
        "agm_date": "2026-09-20",
    }
    body.update(changes)
    return body


async def test_a_society_filing_matches_its_books(api, owner):
    lease = await _society(api, owner)
    r = await api.post(FILING, owner.token, json=_body(lease))
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["society_registration_number"] == "MHS/123/2024" and data["registrar_office"] == "Mumbai"
    assert data["bye_laws_version"] == "2024.1" and data["compliance_status"] == "compliant", data["findings"]
    assert data["year_start"] == "2025-04-01" and data["year_end"] == "2026-03-31"
    assert data["members"] == 1
    assert data["sinking_fund_contributions"] == {"amount": "2500.00", "currency": "INR"}  # two invoices in the year
    assert data["sinking_fund_required"]["amount"] == "2500.00"  # 0.25 % of 10 lakh
    assert data["repairs_and_maintenance_fund"]["amount"] == "1600.00"
    assert data["audit_due_by"] == "2026-07-31" and data["agm_due_by"] == "2026-09-30"
    pdf = await api.post(FILING, owner.token, json=_body(lease), headers={"Accept": "application/pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for figure in (
        "MHS/123/2024",
        "Mumbai",
        "2024.1",
        "compliant",
        "10,00,000.00",
        "2,500.00",
        "1,600.00",
        "31 July 2026",
        "20 September 2026",
    ):
        assert figure in text, (figure, text)


async def test_a_short_sinking_fund_a_late_audit_and_no_agm_are_findings(api, owner):
    lease = await _society(api, owner)
    body = _body(lease, construction_cost=money("2000000.00", "INR"), audit_status="in_progress", agm_date=None)
    body.pop("audit_completed_on")
    data = (await api.post(FILING, owner.token, json=body)).json()["data"]
    assert data["compliance_status"] == "non_compliant"
    assert data["sinking_fund_required"]["amount"] == "5000.00"
    assert len(data["findings"]) == 3, data["findings"]


async def test_a_property_that_is_not_a_societys_is_refused(api, owner):
    lease = await _society(api, owner, society=False)
    r = await api.post(FILING, owner.token, json=_body(lease))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == "property_id"


async def test_bad_input_other_organizations_and_roles(api, owner, other_owner):
    lease = await _society(api, owner)
    for changes in (
        {"financial_year": "2025-27"},
        {"financial_year": "25-26"},
        {"audit_status": "maybe"},
        {"construction_cost": money("0.00", "INR")},
        {"construction_cost": money("100.00", "CAD")},
        {"society_registration_number": ""},
    ):
        r = await api.post(FILING, owner.token, json=_body(lease, **changes))
        assert r.status_code == 422, (changes, r.text)
    r = await api.post(FILING, other_owner.token, json=_body(lease))
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND", r.text
    for role, status in (("PropertyManager", 200), ("PropertyOwner", 403), ("Tenant", 403)):
        _, token = await owner.add_user(role)
        assert (await api.post(FILING, token, json=_body(lease))).status_code == status, role
