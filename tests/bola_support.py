"""A data factory for the BOLA matrix (issue 11): one of every resource an id can name, made through the
API for one organization, keyed by the names the route table uses for its ids."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from support import property_body

MUMBAI = {"street": "1 Marine Drive", "city": "Mumbai", "province": "MH", "postal_code": "400020"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# Which factory id a path parameter names, by parameter, then by (path prefix, parameter) where two
# surfaces use one name for different records.
PATH_IDS = {
    name: name
    for name in (
        "user_id role_id organization_id property_id unit_id tenant_id lease_id charge_id key_id request_id "
        "attachment_id order_id vendor_id ticket_id webhook_id invoice_id payment_id expense_id budget_id "
        "notification_id template_id channel_id delivery_id client_id domain_id event_id listing_id image_id "
        "note_id"
    ).split()
}
BY_SURFACE = {
    ("/v1/tickets", "attachment_id"): "ticket_attachment_id",
    ("/v1/webhooks", "webhook_id"): "ticket_webhook_id",
    ("/api/v1/financial/invoices/{invoice_id}/credit-notes", "invoice_id"): "credited_invoice_id",
}


def factory_key(path: str, param: str) -> str | None:
    """The factory id a path parameter names (None: the factory knows no such record)."""
    for (prefix, name), key in BY_SURFACE.items():
        if name == param and path.startswith(prefix):
            return key
    return PATH_IDS.get(param)


@dataclass
class Org:
    """An organization's owner token and one id per kind of resource (``ids``)."""

    token: str
    currency: str
    ids: dict[str, str] = field(default_factory=dict)
    tenant_email: str = ""  # the user of the lease's tenant, who signs in with ``tenant_password``
    tenant_password: str = "a long password"


async def _made(api: Any, token: str, url: str, body: Any = None, **kw: Any) -> dict[str, Any]:
    if body is not None:
        kw["json"] = body
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    r = await api.post(url, token, headers=headers, **kw)
    assert r.status_code in (200, 201), f"{url}: {r.status_code} {r.text}"
    data: dict[str, Any] = r.json()["data"]
    return data


def money(amount: str, currency: str) -> dict[str, str]:
    return {"amount": amount, "currency": currency}


async def _people_and_places(api: Any, owner: Any, org: Org) -> None:
    t, ids = owner.token, org.ids
    ids["organization_id"] = owner.org_id
    ids["property_id"] = (await _made(api, t, "/api/v1/properties", property_body(address=MUMBAI)))["id"]
    units = f"/api/v1/properties/{ids['property_id']}/units"
    ids["unit_id"] = (await _made(api, t, units, {"name": "Unit 101"}))["id"]
    ids["spare_unit_id"] = (await _made(api, t, units, {"name": "Unit 102"}))["id"]
    email = org.tenant_email = api.email("tenant")
    user = {"email": email, "name": "Tara Tenant", "roles": ["Tenant"], "password": org.tenant_password}
    ids["user_id"] = (await _made(api, t, "/api/v1/identity/users", user))["id"]
    tenants = f"/api/v1/properties/{ids['property_id']}/tenants"
    tenant = {"name": "Tara Tenant", "email": email, "user_id": ids["user_id"]}
    ids["tenant_id"] = (await _made(api, t, tenants, tenant))["id"]
    ids["co_tenant_id"] = (await _made(api, t, tenants, {"name": "Cody Cotenant", "email": api.email("co")}))["id"]
    lease = {"unit_id": ids["unit_id"], "start_date": "2026-01-01", "rent": money("2500.00", org.currency)}
    ids["lease_id"] = (await _made(api, t, f"{tenants}/{ids['tenant_id']}/lease", lease))["id"]
    await _made(api, t, f"/api/v1/leases/{ids['lease_id']}/activate")
    charge = {"kind": "parking", "description": "Parking", "amount": money("300.00", org.currency)}
    charge["start_date"] = "2026-12-01"
    ids["charge_id"] = (await _made(api, t, f"/api/v1/leases/{ids['lease_id']}/recurring-charges", charge))["id"]
    role = {"name": f"Accountant {uuid.uuid4().hex[:6]}", "description": "Reads", "permissions": ["financial:read"]}
    ids["role_id"] = (await _made(api, t, "/api/v1/identity/roles", role))["id"]
    ids["key_id"] = (
        await _made(api, t, "/api/v1/identity/api-keys", {"name": "Integration", "scopes": ["tickets:read"]})
    )["id"]
    client = {"name": "Partner app", "redirect_uris": ["https://partner.example.com/cb"], "scopes": ["tickets:read"]}
    ids["client_id"] = (await _made(api, t, "/api/v1/identity/oauth-clients", client))["id"]
    domain = {"domain": f"org-{uuid.uuid4().hex[:8]}.example.com"}
    ids["domain_id"] = (await _made(api, t, f"/api/v1/organizations/{owner.org_id}/domains", domain))["id"]


async def _operations(api: Any, owner: Any, org: Org) -> None:
    t, ids = owner.token, org.ids
    request = {
        "title": "Water leak in bathroom",
        "description": "There is water leaking from the ceiling in the bathroom",
        "priority": "high",
        "category": "plumbing",
        "property_id": ids["property_id"],
        "unit_id": ids["unit_id"],
    }
    ids["request_id"] = (await _made(api, t, "/api/v1/operations/maintenance-requests", request))["id"]
    ids["ticket_id"] = (await _made(api, t, "/v1/tickets", request))["id"]
    files = {"file": ("leak.png", io.BytesIO(PNG), "image/png")}
    url = f"/api/v1/operations/maintenance-requests/{ids['request_id']}/attachments"
    ids["attachment_id"] = (await _made(api, t, url, files=files))["id"]
    files = {"file": ("leak.png", io.BytesIO(PNG), "image/png")}
    ids["ticket_attachment_id"] = (await _made(api, t, f"/v1/tickets/{ids['ticket_id']}/attachments", files=files))[
        "id"
    ]
    vendor = {"name": "Aqua Plumbers", "trades": ["plumbing"], "service_areas": ["Mumbai"]}
    ids["vendor_id"] = (await _made(api, t, "/api/v1/operations/vendors", vendor))["id"]
    order = {
        "maintenance_request_id": ids["request_id"],
        "vendor_id": ids["vendor_id"],
        "description": "Replace the cracked supply pipe",
        "scheduled_start": "2026-12-02T09:00:00Z",
        "scheduled_end": "2026-12-02T13:00:00Z",
        "estimated_cost": money("4500.00", org.currency),
    }
    ids["order_id"] = (await _made(api, t, "/api/v1/operations/work-orders", order))["id"]


async def _money(api: Any, owner: Any, org: Org) -> None:
    t, ids, cur = owner.token, org.ids, org.currency
    invoice = {
        "lease_id": ids["lease_id"],
        "issue_date": "2026-12-01",
        "due_date": "2026-12-10",
        "lines": [{"description": "Rent", "amount": money("2500.00", cur), "charge_type": "rent"}],
    }
    ids["invoice_id"] = (await _made(api, t, "/api/v1/financial/invoices", invoice))["id"]
    credited = await _made(api, t, "/api/v1/financial/invoices", invoice | {"issue": True})
    ids["credited_invoice_id"] = credited["id"]
    note = {"reason": "Billed twice", "lines": [{"line": 0, "amount": money("10.00", cur)}]}
    ids["note_id"] = (await _made(api, t, f"/api/v1/financial/invoices/{credited['id']}/credit-notes", note))["id"]
    payment = {"lease_id": ids["lease_id"], "amount": money("100.00", cur), "method": "bank_transfer"}
    ids["payment_id"] = (await _made(api, t, "/api/v1/financial/payments", payment))["id"]
    expense = {
        "category": "repairs",
        "description": "Lift",
        "amount": money("118.00", cur),
        "expense_date": "2026-11-20",
    }
    ids["expense_id"] = (await _made(api, t, "/api/v1/financial/expenses", expense))["id"]
    budget = {
        "name": "FY maintenance",
        "period_start": "2026-04-01",
        "period_end": "2027-03-31",
        "categories": [{"name": "repairs", "amount": money("500.00", cur)}],
    }
    ids["budget_id"] = (await _made(api, t, "/api/v1/financial/budgets", budget))["id"]


async def _messages(api: Any, owner: Any, org: Org) -> None:
    t, ids = owner.token, org.ids
    note = {"user_id": ids["user_id"], "type": "announcement", "title": "Water off", "body": "From 10 to 12"}
    ids["notification_id"] = (await _made(api, t, "/api/v1/notifications", note))["id"]
    template = {
        "name": "rent_due",
        "channel": "in_app",
        "locale": "en-IN",
        "subject": "Rent for {{month}}",
        "body": "Dear {{name}}, your rent is due.",
        "event_type": "invoice.created",
    }
    ids["template_id"] = (await _made(api, t, "/api/v1/notifications/templates", template))["id"]
    channel = {
        "name": "Twilio India",
        "type": "sms",
        "provider": "twilio",
        "config": {"from_number": "+15550100", "dlt_entity_id": "1201"},
        "secrets": {"account_sid": "AC123", "auth_token": "very-secret-token"},
    }
    ids["channel_id"] = (await _made(api, t, "/api/v1/notifications/channels", channel))["id"]
    hook = {"url": "https://hooks.example.com/pm", "events": ["property.created"]}
    ids["webhook_id"] = (await _made(api, t, "/api/v1/webhooks", hook))["id"]
    ids["delivery_id"] = await _recorded_attempt(api, ids["webhook_id"])
    hook = {"url": "https://t.example.com/h", "events": ["ticket.created"], "secret": "s" * 20}
    ids["ticket_webhook_id"] = (await _made(api, t, "/v1/webhooks", hook))["id"]


async def _community(api: Any, owner: Any, org: Org) -> None:
    t, ids = owner.token, org.ids
    event = {
        "title": "Diwali get-together",
        "start_time": "2026-12-20T18:00:00Z",
        "end_time": "2026-12-20T21:00:00Z",
        "property_id": ids["property_id"],
        "capacity": 40,
    }
    ids["event_id"] = (await _made(api, t, "/api/v1/community/events", event))["id"]
    listing = {"title": "Teak sofa", "category": "furniture", "price": money("8000.00", org.currency)}
    ids["listing_id"] = (await _made(api, t, "/api/v1/community/marketplace/listings", listing))["id"]
    files = {"file": ("sofa.png", io.BytesIO(PNG), "image/png")}
    url = f"/api/v1/community/marketplace/listings/{ids['listing_id']}/images"
    ids["image_id"] = (await _made(api, t, url, files=files))["id"]


async def _recorded_attempt(api: Any, webhook_id: str) -> str:
    """A delivery attempt of the webhook, written as the sender records one (an attempt over HTTP
    would reach for the network: the suite never does)."""
    import sqlalchemy as sa

    from pmsaas.adapters.sql.tables.notifications import webhook_deliveries, webhooks

    async with api.container.system_engine().begin() as conn:
        hook = (
            await conn.execute(sa.select(webhooks.c.organization_id).where(webhooks.c.id == uuid.UUID(webhook_id)))
        ).one()
        delivery_id = uuid.uuid4()
        await conn.execute(
            webhook_deliveries.insert().values(
                id=delivery_id,
                organization_id=hook.organization_id,
                webhook_id=uuid.UUID(webhook_id),
                event_id=uuid.uuid4(),
                event="property.created",
                attempt=1,
                attempted_at=api.container.clock().now(),
                status_code=500,
                succeeded=False,
                error="HTTP 500",
                duration_ms=12,
            )
        )
    return str(delivery_id)


async def make_everything(api: Any, owner: Any) -> Org:
    """One of each resource for ``owner``'s organization (in INR: the country is set to India first)."""
    r = await api.put(
        f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json={"country": "IN", "province": "MH"}
    )
    assert r.status_code == 200, r.text
    org = Org(owner.token, "INR")
    for step in (_people_and_places, _operations, _money, _messages, _community):
        await step(api, owner, org)
    return org
