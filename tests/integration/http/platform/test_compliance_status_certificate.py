"""GET /api/v1/compliance/status-certificate over HTTP: an Ontario condominium manager's certificate
whose figures are the books' (common expenses, the unit's arrears from its ledger, the budget and
its reserve fund), due in 10 days at a fee of at most $100; the BC Form B (a week, $35 plus $0.25 a
page); as PDF; another organization's unit 404; roles; bad input 422."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from fin_support import invoice_body, key, make_lease, money, pdf_text, set_country

from pmsaas.adapters.sql.tables.properties import leases, properties

pytestmark = pytest.mark.today("2026-12-01")

CERT = "/api/v1/compliance/status-certificate"


async def _unit_of(api, lease) -> str:
    async with api.container.system_engine().connect() as conn:
        query = sa.select(leases.c.unit_id).where(leases.c.id == uuid.UUID(lease.id))
        return str((await conn.execute(query)).scalar_one())


async def _condo_unit(api, owner, *, province: str = "ON"):
    """A unit billed $650.00 of common expenses a month for November and December, November paid."""
    await set_country(api, owner, "CA")
    lease = await make_lease(api, owner, "CA", property_type="residential", rent="650.00", start=date(2025, 1, 1))
    if province == "BC":
        async with api.container.system_engine().begin() as conn:
            where = properties.c.id == uuid.UUID(lease.property_id)
            await conn.execute(properties.update().where(where).values(province="BC", city="Vancouver"))
    for month in ("2026-11", "2026-12"):
        body = invoice_body(
            lease,
            (f"Common expenses {month}", "650.00", "rent"),
            issue=True,
            issue_date=f"{month}-01",
            due_date=f"{month}-01",
        )
        r = await api.post("/api/v1/financial/invoices", owner.token, json=body)
        assert r.status_code == 201, r.text
    pay = {
        "lease_id": lease.id,
        "amount": money("650.00", "CAD"),
        "method": "bank_transfer",
        "received_on": "2026-11-05",
    }
    r = await api.post("/api/v1/financial/payments", owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text
    budget = {
        "name": "Budget 2026",
        "property_id": lease.property_id,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "categories": [
            {"name": "Operating", "amount": money("120000.00", "CAD")},
            {"name": "Reserve fund", "amount": money("30000.00", "CAD")},
        ],
    }
    r = await api.post("/api/v1/financial/budgets", owner.token, json=budget)
    assert r.status_code == 201, r.text
    return lease, await _unit_of(api, lease)


async def test_an_ontario_status_certificate_carries_the_ledgers_figures(api, owner):
    lease, unit = await _condo_unit(api, owner)
    _, manager = await owner.add_user("PropertyManager")
    r = await api.get(CERT, manager, params={"unit_id": unit, "request_date": "2026-12-01"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["certificate_type"] == "ontario_status_certificate" and data["province"] == "ON"
    assert data["due_by"] == "2026-12-11"  # 10 days
    assert data["fee"] == {"amount": "100.00", "currency": "CAD"}
    assert data["common_expenses"]["amount"] == "650.00"
    ledger = (await api.get(f"/api/v1/leases/{lease.id}/ledger", owner.token)).json()["data"]
    assert data["arrears"]["amount"] == ledger["balance"]["amount"] == "650.00"
    assert data["reserve_fund"]["amount"] == "30000.00"
    assert data["budget"]["total"]["amount"] == "150000.00" and data["budget"]["name"] == "Budget 2026"
    assert data["owner_name"] == "Tara Tenant"


@pytest.mark.today("2026-12-02T03:00:00+00:00")  # 1 December, 22:00 in Toronto
async def test_an_evening_request_in_toronto_is_dated_that_day(api, owner):
    _, unit = await _condo_unit(api, owner)
    r = await api.get(CERT, owner.token, params={"unit_id": unit})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    # UTC's 2 December before: due a day late, and the arrears read as of tomorrow.
    assert (data["request_date"], data["as_of"], data["due_by"]) == ("2026-12-01", "2026-12-01", "2026-12-11")


async def test_the_figures_are_read_at_a_date(api, owner):
    _, unit = await _condo_unit(api, owner)
    # On 4 November: November billed, not yet paid; December not billed.
    r = await api.get(CERT, owner.token, params={"unit_id": unit, "request_date": "2026-12-01", "as_of": "2026-11-04"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["arrears"]["amount"] == "650.00"
    r = await api.get(CERT, owner.token, params={"unit_id": unit, "request_date": "2026-12-01", "as_of": "2026-11-30"})
    assert r.json()["data"]["arrears"]["amount"] == "0.00"


async def test_the_certificate_pdf_prints_every_figure(api, owner):
    _, unit = await _condo_unit(api, owner)
    r = await api.get(CERT, owner.token, params={"unit_id": unit}, headers={"Accept": "application/pdf"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    for figure in (
        "Status Certificate",
        "Tara Tenant",
        "11 December 2026",
        "650.00",
        "30,000.00",
        "120,000.00",
        "150,000.00",
        "$100.00",
        "O. Reg. 48/01",
    ):
        assert figure in text, (figure, text)


async def test_a_bc_form_b_is_due_in_a_week_at_35_dollars_and_25_cents_a_page(api, owner):
    _, unit = await _condo_unit(api, owner, province="BC")
    r = await api.get(CERT, owner.token, params={"unit_id": unit, "request_date": "2026-12-01", "pages": 12})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["certificate_type"] == "bc_form_b" and data["due_by"] == "2026-12-08"
    assert data["fee"]["amount"] == "38.00"  # 35 + 12 x 0.25


async def test_another_organizations_unit_is_404_and_bad_input_422(api, owner, other_owner):
    _, unit = await _condo_unit(api, owner)
    r = await api.get(CERT, other_owner.token, params={"unit_id": unit})
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND", r.text
    assert (await api.get(CERT, owner.token, params={"unit_id": str(uuid.uuid4())})).status_code == 404
    for params in (
        {},
        {"unit_id": "nope"},
        {"unit_id": unit, "pages": -1},
        {"unit_id": unit, "request_date": "2026-12-01", "as_of": "2026-12-02"},
    ):
        r = await api.get(CERT, owner.token, params=params)
        assert r.status_code == 422, (params, r.text)
        assert r.json()["success"] is False


async def test_roles(api, owner):
    _, unit = await _condo_unit(api, owner)
    for role, status in (("PropertyOwner", 200), ("MaintenanceStaff", 403), ("Tenant", 404)):
        _, token = await owner.add_user(role)
        r = await api.get(CERT, token, params={"unit_id": unit})
        assert r.status_code == status, (role, r.text)
