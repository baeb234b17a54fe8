"""The demo's month of work, sent through the product's own HTTP API (in process), as a property
manager would: one Canadian (Ontario) and one Indian (Maharashtra) organization, each with
properties in its own country, units, tenants, active leases, this month's invoices from the
billing run, one paid, and a maintenance request from a tenant.

Going through the API rather than the repositories means the demo data obeys every rule a client
meets (validation, taxes, numbering, ledger postings), and breaks loudly when a rule changes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from pmsaas.container import Container
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.flows.rent_billing import run_billing


@dataclass(frozen=True)
class Place:
    name: str
    type: str
    street: str
    city: str
    province: str
    postal_code: str
    units: tuple[tuple[str, str], ...]  # (unit name, monthly rent)


@dataclass(frozen=True)
class Country:
    code: str
    currency: str
    settings: dict[str, Any]
    places: tuple[Place, ...]
    tenants: tuple[dict[str, Any], ...]  # one per unit, in order


ONTARIO = Country(
    code="CA",
    currency="CAD",
    settings={
        "country": "CA",
        "province": "ON",
        "time_zone": "America/Toronto",
        "locale": "en-CA",
        "gst_registered": True,
        "tax_registration_number": "123456782RT0001",
    },
    places=(
        Place(
            "Harbourfront Offices",
            "commercial",
            "200 Queens Quay W",
            "Toronto",
            "ON",
            "M5J 2Y3",
            (("Suite 410", "4200.00"),),
        ),
        Place(
            "Sunset Apartments", "residential", "123 King St W", "Toronto", "ON", "M5H 1A1", (("Unit 101", "2150.00"),)
        ),
    ),
    tenants=(
        {"name": "Maple Leaf Consulting Inc.", "email": "accounts@mapleleaf.example.ca", "phone": "+1 416 555 0142"},
        {"name": "Sandbox Tenant", "email": "tenant@sandbox.propertymgmt.com", "phone": "+1 416 555 0199"},
    ),
)

MAHARASHTRA = Country(
    code="IN",
    currency="INR",
    settings={
        "country": "IN",
        "province": "MH",
        "time_zone": "Asia/Kolkata",
        "locale": "en-IN",
        "gst_number": "27AAPFU0939F1ZV",
        "pan_number": "AAPFU0939F",
    },
    places=(
        Place(
            "Bandra Kurla Business Centre",
            "commercial",
            "C-59, G Block, Bandra Kurla Complex",
            "Mumbai",
            "MH",
            "400051",
            (("Office 502", "183000.00"),),
        ),
        Place(
            "Lakeview Residency",
            "residential",
            "14 Hiranandani Gardens, Powai",
            "Mumbai",
            "MH",
            "400076",
            (("Flat 1203", "65000.00"),),
        ),
    ),
    tenants=(
        {
            "name": "Sahyadri Analytics Pvt Ltd",
            "email": "accounts@sahyadri.example.in",
            "phone": "+91 22 5555 0142",
            "gstin": "27AABCP1234Q1Z7",
            "pan_number": "AABCP1234Q",
        },
        {"name": "Ananya Kulkarni", "email": "ananya.kulkarni@example.in", "phone": "+91 98200 55501"},
    ),
)


class DemoFailed(RuntimeError):
    """A step of the demo was refused by the API: the message names the step and the answer."""


class _Client:
    def __init__(self, client: AsyncTestClient[Litestar], token: str, organization_id: str) -> None:
        self._client, self.token, self.organization_id = client, token, organization_id

    async def call(self, method: str, path: str, step: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", "X-Organization-ID": self.organization_id}
        headers.update(kw.pop("headers", {}))
        response = await self._client.request(method, path, headers=headers, **kw)
        if response.status_code >= 300:
            raise DemoFailed(f"{step}: {response.status_code} {response.text[:300]}")
        return response.json()["data"]


async def play(
    container: Container,
    app: Litestar,
    *,
    owner: tuple[str, str],
    canadian_organization_id: str,
    tenant_login: tuple[str, str],
) -> dict[str, str]:
    """Both organizations' month; returns {country code: organization id}."""
    now = container.clock().now()
    async with AsyncTestClient(app=app) as client:
        token = await _login(client, *owner)
        ca = _Client(client, token, canadian_organization_id)
        await ca.call(
            "PUT", f"/api/v1/organizations/{ca.organization_id}/settings", "Ontario settings", json=ONTARIO.settings
        )
        created = await ca.call(
            "POST", "/api/v1/organizations", "Indian organization", json={"name": "Sandbox Properties India"}
        )
        india = _Client(client, token, created["id"])
        await india.call(
            "PUT",
            f"/api/v1/organizations/{india.organization_id}/settings",
            "Indian settings",
            json=MAHARASHTRA.settings,
        )
        tenant_user = await _user_id(ca, tenant_login[0])
        lets: list[Let] = []
        for country, org in ((ONTARIO, ca), (MAHARASHTRA, india)):
            # The organization's day, not UTC's: at 00:30 UTC it is still yesterday in Toronto, and a
            # payment received "today" in UTC would be in the organization's future (422).
            today = local_today(country.settings["time_zone"], now)
            leases = await _let_units(org, country, today, tenant_user if country is ONTARIO else None)
            lets += leases
            await run_billing(
                uow_factory=container.system_uow,
                clock=container.clock(),
                period=f"{today:%Y-%m}",
                organization_id=uuid.UUID(org.organization_id),
            )
            await _pay_first_invoice(org, leases[0].lease_id, today)
        tenant = _Client(client, await _login(client, *tenant_login), ca.organization_id)
        await _report_a_leak(tenant, next(let for let in lets if let.sandbox_tenant))
    return {"CA": ca.organization_id, "IN": india.organization_id}


async def _login(client: AsyncTestClient[Litestar], email: str, password: str) -> str:
    response = await client.post("/api/v1/identity/login", json={"email": email, "password": password})
    if response.status_code != 200:
        raise DemoFailed(f"login {email}: {response.status_code} {response.text[:300]}")
    return str(response.json()["data"]["access_token"])


async def _user_id(org: _Client, email: str) -> str:
    users = await org.call("GET", "/api/v1/identity/users", "users", params={"page_size": 100})
    return next(str(u["id"]) for u in users if u["email"] == email)


@dataclass(frozen=True)
class Let:
    lease_id: str
    property_id: str
    unit_id: str
    sandbox_tenant: bool


async def _let_units(org: _Client, country: Country, today: date, tenant_user: str | None) -> list[Let]:
    """Each place, its units, a tenant per unit and an active lease from the first of this month."""
    leases: list[Let] = []
    people = iter(country.tenants)
    for place in country.places:
        address = {
            "street": place.street,
            "city": place.city,
            "province": place.province,
            "postal_code": place.postal_code,
        }
        prop = await org.call(
            "POST", "/api/v1/properties", place.name, json={"name": place.name, "type": place.type, "address": address}
        )
        for unit_name, rent in place.units:
            money = {"amount": rent, "currency": country.currency}
            unit = await org.call(
                "POST",
                f"/api/v1/properties/{prop['id']}/units",
                unit_name,
                json={"name": unit_name, "market_rent": money},
            )
            person = dict(next(people))
            if tenant_user and person["email"] == "tenant@sandbox.propertymgmt.com":
                person["user_id"] = tenant_user
            tenant = await org.call("POST", f"/api/v1/properties/{prop['id']}/tenants", person["name"], json=person)
            deposit = {"amount": str(2 * _decimal(rent)), "currency": country.currency}
            body = {
                "unit_id": unit["id"],
                "start_date": today.replace(day=1).isoformat(),
                "end_date": today.replace(year=today.year + 1, day=1).isoformat(),
                "rent": money,
                "billing_day": 1,
                "grace_days": 5,
                "security_deposit": deposit,
            }
            path = f"/api/v1/properties/{prop['id']}/tenants/{tenant['id']}/lease"
            lease = await org.call("POST", path, "lease", json=body)
            if lease["status"] == "draft":
                await org.call("POST", f"/api/v1/leases/{lease['id']}/activate", "lease activation")
            leases.append(
                Let(str(lease["id"]), str(prop["id"]), str(unit["id"]), tenant_user is not None and "user_id" in person)
            )
    return leases


async def _pay_first_invoice(org: _Client, lease_id: str, today: date) -> None:
    invoices = await org.call("GET", "/api/v1/financial/invoices", "invoices", params={"lease_id": lease_id})
    if not invoices:
        raise DemoFailed(f"the billing run made no invoice for lease {lease_id}")
    invoice = invoices[0]
    body = {
        "lease_id": lease_id,
        "amount": invoice["total"],
        "method": "bank_transfer",
        "invoice_ids": [invoice["id"]],
        "reference": "DEMO-0001",
        "received_on": today.isoformat(),
    }
    await org.call(
        "POST", "/api/v1/financial/payments", "payment", json=body, headers={"Idempotency-Key": f"demo-{lease_id}"}
    )


async def _report_a_leak(tenant: _Client, home: Let) -> None:
    body = {
        "title": "Water leak in bathroom",
        "description": "Water is dripping from the bathroom ceiling.",
        "priority": "high",
        "category": "plumbing",
        "property_id": home.property_id,
        "unit_id": home.unit_id,
    }
    await tenant.call("POST", "/api/v1/operations/maintenance-requests", "maintenance request", json=body)


def _decimal(amount: str) -> Any:
    from decimal import Decimal

    return Decimal(amount)
