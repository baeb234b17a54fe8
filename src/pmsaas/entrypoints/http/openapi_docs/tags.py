"""One tag per service, as the platform API document groups its endpoints, and per ticketing resource.

The platform document ("seed 000", docs/api-contract.md) names its services Identity, Organization,
Property, Financial, Operations, Community and Notifications, plus webhooks, and lists its
regional compliance endpoints apart (tagged Compliance here, /api/v1/financial/ltb-forms included);
the ticketing document ("seed 002") groups its ``/v1`` endpoints as tickets, users, properties and
webhooks. An operation is tagged by the longest prefix of its path below, whatever its controller
says, so a new endpoint is grouped where an integrator reading either document looks for it. A path
no prefix covers keeps its controller's tags, and tests/integration/http/test_openapi_documented.py
names it.
"""

from __future__ import annotations

from litestar.openapi.spec import OpenAPI, Operation, Tag

_TAGS = {
    "Identity": "Accounts and sessions: register, sign in (with MFA), refresh, sign out, password reset; "
    "the organization's users, their roles and permissions, API keys and OAuth 2.0 clients; the OAuth "
    "2.0 authorization server; the public keys (JWKS) that verify access tokens.",
    "Organizations": "Organizations the caller belongs to, and each one's settings: country, currency, "
    "time zone, locale and tax registrations (GSTIN and PAN in India, the GST/HST number in Canada); "
    "the organization's scheduled jobs.",
    "Properties": "Properties, their units, amenities and policies; tenants; and leases from draft to "
    "move-out (activation, notice, renewal, termination, rent schedule, recurring charges).",
    "Financial": "Money: invoices, payments and refunds, receipts, expenses, budgets, lease ledgers and "
    "security deposits, the GST and GST/HST calculators, TDS, tax returns and the financial reports. "
    'Amounts are decimal strings with their currency: {"amount": "1180.00", "currency": "INR"}.',
    "Compliance": "Regional compliance documents computed from the books (the platform document's India- "
    "and Canada-specific endpoints): Ontario LTB notices N4 and N1, condominium status certificates "
    "(Ontario) and strata Form B (British Columbia), GST/HST return lines with Quebec's QST apart, and an "
    "Indian co-operative housing society's annual filing; each as JSON or, with Accept: application/pdf, "
    "as a PDF.",
    "Operations": "Maintenance requests (with SLA, comments and attachments), work orders, vendors and "
    "their performance.",
    "Community": "Community events and the residents' marketplace.",
    "Notifications": "In-app, e-mail, SMS and WhatsApp notifications: a member's inbox, templates, "
    "channels and each member's preferences.",
    "Webhooks": "Endpoints that receive signed events (Standard Webhooks), their delivery attempts, "
    "ping, redelivery and secret rotation.",
    "Real-time": "Server-sent events (GET /api/v1/events) and WebSocket updates: maintenance_update, "
    "payment_received and notification messages, limited to what the connected user may see.",
    "Health": "Liveness and readiness for load balancers and orchestrators; no credentials needed.",
    "Ticketing: Tickets": "The ticketing API (/v1): tickets, their comments and attachments. A ticket is "
    "the maintenance request of the platform API seen in the ticketing API's shape.",
    "Ticketing: Users": "The ticketing API (/v1): the users tickets are requested by and assigned to.",
    "Ticketing: Properties": "The ticketing API (/v1): the properties tickets are raised for.",
    "Ticketing: Webhooks": "The ticketing API (/v1): endpoints that receive ticket events.",
}

# Longest matching prefix wins (a lease's ledger and deposit are Financial, the lease itself Properties).
_PREFIXES = {
    "/health": "Health",
    "/.well-known/": "Identity",
    "/api/v1/identity/": "Identity",
    "/oauth/": "Identity",
    "/api/v1/jobs": "Organizations",
    "/api/v1/events": "Real-time",
    "/api/v1/organizations": "Organizations",
    "/api/v1/properties": "Properties",
    "/api/v1/leases": "Properties",
    "/api/v1/leases/{lease_id}/ledger": "Financial",
    "/api/v1/leases/{lease_id}/deposit": "Financial",
    "/api/v1/financial/": "Financial",
    "/api/v1/financial/ltb-forms": "Compliance",
    "/api/v1/compliance/": "Compliance",
    "/api/v1/operations/": "Operations",
    "/api/v1/community/": "Community",
    "/api/v1/notifications": "Notifications",
    "/api/v1/webhooks": "Webhooks",
    "/v1/tickets": "Ticketing: Tickets",
    "/v1/users": "Ticketing: Users",
    "/v1/properties": "Ticketing: Properties",
    "/v1/webhooks": "Ticketing: Webhooks",
}


def service_tag(path: str) -> str | None:
    """The tag of the service that serves ``path``, or None when no prefix covers it."""
    found = [prefix for prefix in _PREFIXES if path.startswith(prefix)]
    return _PREFIXES[max(found, key=len)] if found else None


def tags_in_use(schema: OpenAPI) -> list[Tag]:
    """The declared tags (with their descriptions) that some operation carries, in the order above."""
    used: set[str] = set()
    for item in (schema.paths or {}).values():
        for method in ("get", "put", "post", "patch", "delete"):
            operation = getattr(item, method, None)
            if isinstance(operation, Operation):
                used.update(operation.tags or [])
    return [Tag(name=name, description=text) for name, text in _TAGS.items() if name in used]
