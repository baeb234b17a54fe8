"""POST /api/v1/financial/ltb-forms over HTTP: an Ontario manager's N4 whose figures are the tenant
ledger's (per rental period, at a date, as JSON and as PDF), the N1 checks (90 days, the year's
guideline, the post-2018 exemption), and the bad input: no arrears 409, a short termination date
or an increase above the guideline 422, another organization's lease 404, the roles."""

from __future__ import annotations

from datetime import date

import pytest
from fin_support import invoice_body, key, make_lease, money, pdf_text, set_country

pytestmark = pytest.mark.today("2026-12-01")

FORMS, INVOICES, PAYMENTS = "/api/v1/financial/ltb-forms", "/api/v1/financial/invoices", "/api/v1/financial/payments"


async def _rent_invoice(api, owner, lease, month: str, amount: str = "2000.00") -> None:
    body = invoice_body(
        lease,
        (f"Rent {month}", amount, "rent"),
        issue=True,
        issue_date=f"{month}-01",
        due_date=f"{month}-01",
        period=month,
    )
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text


async def _pay(api, owner, lease, amount: str, on: str) -> None:
    body = {"lease_id": lease.id, "amount": money(amount, "CAD"), "method": "bank_transfer", "received_on": on}
    r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert r.status_code == 201, r.text


async def _ontario_tenancy_in_arrears(api, owner):
    """Rent of $2,000 billed for October to December 2026; $2,500 paid on 15 November."""
    await set_country(api, owner, "CA")
    lease = await make_lease(api, owner, "CA", property_type="residential", rent="2000.00", start=date(2025, 1, 1))
    for month in ("2026-10", "2026-11", "2026-12"):
        await _rent_invoice(api, owner, lease, month)
    await _pay(api, owner, lease, "2500.00", "2026-11-15")
    return lease


def _n4(lease, **extra):
    return {"form": "N4", "lease_id": lease.id, "service_date": "2026-12-01", **extra}


def _n1(lease, new_rent: str, **extra):
    body = {"form": "N1", "lease_id": lease.id, "service_date": "2026-08-01", "effective_date": "2026-11-01"}
    return {**body, "new_rent": money(new_rent, "CAD"), **extra}


async def _ledger_balance(api, owner, lease) -> str:
    r = await api.get(f"/api/v1/leases/{lease.id}/ledger", owner.token)
    assert r.status_code == 200, r.text
    return r.json()["data"]["balance"]["amount"]


async def test_an_n4_claims_the_rent_owing_per_period_that_the_ledger_shows(api, owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    r = await api.post(FORMS, owner.token, json=_n4(lease))
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["form"] == "N4" and data["province"] == "ON" and data["rent_period"] == "monthly"
    periods = [
        (
            p["period_from"],
            p["period_to"],
            p["rent_charged"]["amount"],
            p["rent_paid"]["amount"],
            p["rent_owing"]["amount"],
        )
        for p in data["periods"]
    ]
    assert periods == [
        ("2026-11-01", "2026-11-30", "2000.00", "500.00", "1500.00"),
        ("2026-12-01", "2026-12-31", "2000.00", "0.00", "2000.00"),
    ]
    assert data["total_owing"] == {"amount": "3500.00", "currency": "CAD"}
    assert data["total_owing"]["amount"] == await _ledger_balance(api, owner, lease)
    assert data["termination_date"] == data["earliest_termination_date"] == "2026-12-15"  # 14 days: monthly


async def test_an_n4_is_reproducible_from_the_ledger_at_an_earlier_date(api, owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    # On 14 November the payment had not come in and December was not yet billed.
    r = await api.post(FORMS, owner.token, json=_n4(lease, as_of="2026-11-14", termination_date="2026-12-20"))
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert [p["rent_owing"]["amount"] for p in data["periods"]] == ["2000.00", "2000.00"]
    assert data["total_owing"]["amount"] == "4000.00" and data["termination_date"] == "2026-12-20"
    again = await api.post(FORMS, owner.token, json=_n4(lease, as_of="2026-11-14", termination_date="2026-12-20"))
    assert again.json()["data"] == data


async def test_a_refund_puts_the_rent_back_in_arrears_as_the_ledger_does(api, owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    payments = (await api.get(PAYMENTS, owner.token, params={"lease_id": lease.id})).json()["data"]
    body = {"amount": money("300.00", "CAD"), "reason": "Returned cheque fee dispute"}
    r = await api.post(f"{PAYMENTS}/{payments[0]['id']}/refund", owner.token, json=body, headers=key())
    assert r.status_code == 201, r.text
    data = (await api.post(FORMS, owner.token, json=_n4(lease))).json()["data"]
    assert [p["rent_paid"]["amount"] for p in data["periods"]] == ["200.00", "0.00"]
    assert data["total_owing"]["amount"] == "3800.00" == await _ledger_balance(api, owner, lease)


async def test_the_n4_pdf_prints_every_figure_of_the_ledger(api, owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    r = await api.post(FORMS, owner.token, json=_n4(lease), headers={"Accept": "application/pdf"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith('attachment; filename="N4-')
    text = pdf_text(r.content)
    for figure in (
        "N4: Notice to End your Tenancy Early for Non-payment of Rent",
        "Tara Tenant",
        "1 November 2026",
        "30 November 2026",
        "1,500.00",
        "500.00",
        "2,000.00",
        "$3,500.00",
        "15 December 2026",
        "s.59(1)(b)",
    ):
        assert figure in text, (figure, text)
    assert "1 October 2026" not in text  # October is paid: not claimed


async def test_an_n4_without_arrears_is_a_conflict(api, owner):
    await set_country(api, owner, "CA")
    lease = await make_lease(api, owner, "CA", property_type="residential", rent="2000.00", start=date(2025, 1, 1))
    await _rent_invoice(api, owner, lease, "2026-11")
    await _pay(api, owner, lease, "2000.00", "2026-11-02")
    r = await api.post(FORMS, owner.token, json=_n4(lease))
    assert r.status_code == 409, r.text
    assert r.json()["success"] is False and r.json()["error"]["code"] == "RESOURCE_CONFLICT"


async def test_an_n4_termination_date_under_14_days_is_refused(api, owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    r = await api.post(FORMS, owner.token, json=_n4(lease, termination_date="2026-12-14"))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == "termination_date"


async def test_bad_bodies_are_422(api, owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    for body in (
        {**_n4(lease), "form": "N5"},
        {**_n4(lease), "surprise": 1},
        {"form": "N1", "lease_id": lease.id, "service_date": "2026-08-01"},  # no new rent
        _n4(lease, as_of="2026-12-02"),  # arrears read after service
    ):
        r = await api.post(FORMS, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_an_n4_is_an_ontario_form(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential")
    r = await api.post(FORMS, owner.token, json=_n4(lease))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == "lease_id"


async def test_an_n1_within_the_guideline_with_90_days_notice(api, owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    r = await api.post(FORMS, owner.token, json=_n1(lease, "2042.00"))  # 2026 guideline: 2.1 %
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["current_rent"]["amount"] == "2000.00" and data["new_rent"]["amount"] == "2042.00"
    assert data["increase"]["amount"] == "42.00" and data["increase_percent"] == "2.10"
    assert data["guideline_percent"] == "2.1" and data["guideline_applies"] is True
    assert data["maximum_rent"]["amount"] == "2042.00"
    pdf = await api.post(FORMS, owner.token, json=_n1(lease, "2042.00"), headers={"Accept": "application/pdf"})
    text = pdf_text(pdf.content)
    for figure in ("N1: Notice of Rent Increase", "2,000.00", "42.00", "2.10%", "$2,042.00", "1 November 2026"):
        assert figure in text, (figure, text)


async def test_an_n1_above_the_guideline_or_on_short_notice_is_refused(api, owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    cases = (
        (_n1(lease, "2042.01"), "new_rent"),
        (_n1(lease, "2042.00", service_date="2026-08-04"), "effective_date"),  # 89 days
        (
            _n1(lease, "2040.00", effective_date="2027-03-01", service_date="2026-12-01"),
            "effective_date",
        ),  # no 2027 data
    )
    for body, field in cases:
        r = await api.post(FORMS, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["details"][0]["field"] == field


async def test_a_unit_first_occupied_after_november_2018_is_not_capped(api, owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    body = _n1(lease, "2300.00", unit_first_occupied_on="2019-06-01")
    r = await api.post(FORMS, owner.token, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["guideline_applies"] is False and "maximum_rent" not in r.json()["data"]


async def test_another_organizations_lease_is_404(api, owner, other_owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    for body in (_n4(lease), _n1(lease, "2042.00")):
        r = await api.post(FORMS, other_owner.token, json=body)
        assert r.status_code == 404, r.text
        assert r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"


async def test_only_who_may_create_financial_records_issues_notices(api, owner):
    lease = await _ontario_tenancy_in_arrears(api, owner)
    for role, status in (("PropertyManager", 200), ("PropertyOwner", 403), ("Tenant", 403), ("MaintenanceStaff", 403)):
        _, token = await owner.add_user(role)
        r = await api.post(FORMS, token, json=_n4(lease))
        assert r.status_code == status, (role, r.text)
    assert (await api.post(FORMS, json=_n4(lease))).status_code == 401


# 02:00 UTC on 1 December is still 30 November, 21:00, in Toronto.
@pytest.mark.today("2026-12-01T02:00:00+00:00")
async def test_an_evening_payment_counts_on_the_tenants_day_not_utcs(api, owner):
    await set_country(api, owner, "CA")  # America/Toronto
    lease = await make_lease(api, owner, "CA", property_type="residential", rent="2000.00", start=date(2025, 1, 1))
    for month in ("2026-10", "2026-11"):
        await _rent_invoice(api, owner, lease, month)
    body = {"lease_id": lease.id, "amount": money("2000.00", "CAD"), "method": "interac"}  # no received_on
    r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert r.status_code == 201, r.text
    r = await api.post(FORMS, owner.token, json=_n4(lease, as_of="2026-11-30", service_date="2026-11-30"))
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    # October was paid on 30 November, its day in Toronto: only November is owing.
    assert [(p["period_from"], p["rent_owing"]["amount"]) for p in data["periods"]] == [("2026-11-01", "2000.00")], data
    assert data["total_owing"]["amount"] == "2000.00" == await _ledger_balance(api, owner, lease)
