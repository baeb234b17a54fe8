"""Fixtures-in-code for the financial HTTP tests: an organization in a country, a property, and
leases written straight into the leasing tables (the financial context reads them through its own
port, so the tests do not depend on the leasing HTTP API)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from pypdf import PdfReader

from pmsaas.adapters.sql.tables.properties import leases, tenants, units
from support import property_body

ADDRESSES = {
    "IN": {"street": "1 Marine Drive", "city": "Mumbai", "province": "MH", "postal_code": "400020"},
    "CA": {"street": "1 King St", "city": "Toronto", "province": "ON", "postal_code": "M5H 1A1"},
    "US": {"street": "1 Main St", "city": "Austin", "province": "TX", "postal_code": "73301"},
}
CURRENCY = {"IN": "INR", "CA": "CAD", "US": "USD"}
REGION = {"IN": "MH", "CA": "ON", "US": "TX"}


@dataclass
class Lease:
    id: str
    tenant_id: str
    property_id: str
    currency: str


async def set_country(api: Any, owner: Any, country: str) -> None:
    r = await api.put(
        f"/api/v1/organizations/{owner.org_id}/settings",
        owner.token,
        json={"country": country, "province": REGION[country]},
    )
    assert r.status_code == 200, r.text


async def make_lease(
    api: Any,
    owner: Any,
    country: str = "IN",
    *,
    property_type: str = "commercial",
    rent: str = "50000.00",
    tenant_user_id: str | None = None,
    tenant_gstin: str | None = None,
    start: date = date(2026, 1, 1),
    billing_day: int = 1,
    grace_days: int = 5,
    late_fee: tuple[str, str] | None = None,
    status: str = "active",
    tds_applicable: bool = False,
    tenant_pan: str | None = None,
    address: dict[str, str] | None = None,
) -> Lease:
    place = {**ADDRESSES[country], **(address or {})}
    r = await api.post("/api/v1/properties", owner.token, json=property_body(type=property_type, address=place))
    assert r.status_code == 201, r.text
    property_id = uuid.UUID(r.json()["data"]["id"])
    org = uuid.UUID(owner.org_id)
    now = api.container.clock().now()
    unit_id, tenant_id, lease_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    currency = CURRENCY[country]
    rent_minor = int(rent.replace(".", ""))
    async with api.container.system_engine().begin() as conn:
        await conn.execute(
            units.insert().values(
                id=unit_id,
                organization_id=org,
                property_id=property_id,
                name=f"U-{unit_id.hex[:6]}",
                amenities=[],
                status="occupied",
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        await conn.execute(
            tenants.insert().values(
                id=tenant_id,
                organization_id=org,
                property_id=property_id,
                name="Tara Tenant",
                email=f"tenant-{tenant_id.hex[:8]}@example.com",
                gstin=tenant_gstin,
                pan_number=tenant_pan,
                user_id=uuid.UUID(tenant_user_id) if tenant_user_id else None,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        await conn.execute(
            leases.insert().values(
                id=lease_id,
                organization_id=org,
                property_id=property_id,
                unit_id=unit_id,
                tenant_id=tenant_id,
                status=status,
                start_date=start,
                rent_minor=rent_minor,
                currency=currency,
                billing_day=billing_day,
                grace_days=grace_days,
                late_fee_kind=late_fee[0] if late_fee else None,
                late_fee_value=late_fee[1] if late_fee else None,
                tds_applicable=tds_applicable,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
    return Lease(str(lease_id), str(tenant_id), str(property_id), currency)


async def set_org_pan(api: Any, owner: Any, pan: str | None) -> None:
    """The organization's own PAN (its settings' ``pan_number``): the payee's PAN for TDS on rent."""
    body = {"country": "IN", "province": REGION["IN"], "pan_number": pan}
    r = await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)
    assert r.status_code == 200, r.text


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as a reader's copy and paste gets it (pypdf's extractor: the fonts are
    embedded subsets with Unicode maps, so ₹ and Devanagari come back as written). A Devanagari
    vowel sign drawn before its consonant (कि) is two glyphs for one cluster; only the first carries
    the cluster's text, and pypdf shows the second as its raw code (a control character): dropped."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(c for c in text if c == "\n" or c >= " ")


def mail_marker(api: Any) -> Any:
    """The console mailer's newest message now (``mails_since`` lists what came after it)."""
    sent = api.container.mailer().sent
    return sent[-1] if sent else None


def mails_since(api: Any, marker: Any) -> list[Any]:
    """Messages sent after ``marker``; by identity, since the mailer keeps only its latest messages."""
    sent = api.container.mailer().sent
    after = [i for i, m in enumerate(sent) if m is marker]
    return sent[after[0] + 1 :] if after else list(sent)


def money(amount: str, currency: str = "INR") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


def invoice_body(lease: Lease, *lines: tuple[str, str, str], **extra: Any) -> dict[str, Any]:
    """``lines``: (description, amount, charge_type)."""
    body: dict[str, Any] = {
        "lease_id": lease.id,
        "issue_date": "2026-12-01",
        "due_date": "2026-12-10",
        "lines": [
            {"description": d, "amount": money(a, lease.currency), "charge_type": t}
            for d, a, t in (lines or [("Rent November 2026", "50000.00", "rent")])
        ],
    }
    body.update(extra)
    return body


def key() -> dict[str, str]:
    return {"Idempotency-Key": f"test-{uuid.uuid4().hex}"}


async def trial_balance(api: Any, owner: Any) -> dict[str, Any]:
    r = await api.get("/api/v1/financial/trial-balance", owner.token)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["balanced"] is True, data
    assert data["total_debits"] == data["total_credits"]
    return {row["account"]: row["balance"]["amount"] for row in data["accounts"]}
