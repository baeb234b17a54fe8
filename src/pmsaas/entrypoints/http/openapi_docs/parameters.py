"""Descriptions and examples of path and query parameters, keyed ``"<in> <name>"``.

``PARAMETER_OVERRIDES`` is keyed ``"METHOD /path name"`` for a parameter that means something else
on one operation. A parameter's own ``description=`` in the controller wins over both.
"""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.entry import (
    ANY_ID,
    DATE,
    INVOICE_ID,
    LEASE_ID,
    ORGANIZATION_ID,
    PAYMENT_ID,
    PROPERTY_ID,
    TENANT_ID,
    TIMESTAMP,
    UNIT_ID,
    USER_ID,
    Doc,
)
from pmsaas.entrypoints.http.openapi_docs.glossary_community import EVENT_ID, LISTING_ID
from pmsaas.entrypoints.http.openapi_docs.glossary_compliance import (
    COMPLIANCE_PARAMETER_OVERRIDES,
    COMPLIANCE_PARAMETERS,
)


def _path_id(what: str, example: str = ANY_ID) -> Doc:
    return Doc(f"Id of the {what} (a UUID). Another organization's id answers 404.", example)


PARAMETERS = {
    "path attachment_id": _path_id("attachment"),
    "path budget_id": _path_id("budget"),
    "path channel_id": _path_id("notification channel"),
    "path charge_id": _path_id("recurring charge"),
    "path client_id": _path_id("OAuth client"),
    "header Last-Event-ID": Doc(
        "Id of the last event received: the stream resumes after it (sent by EventSource on reconnection).", "1712,4"
    ),
    "path delivery_id": _path_id("delivery attempt"),
    "path domain_id": _path_id("e-mail domain"),
    "path event_id": Doc(
        "Id of the community event (a UUID). Another organization's id answers 404, as does, for a tenant, an "
        "event of a property it does not live in.",
        EVENT_ID,
    ),
    "path expense_id": _path_id("expense"),
    "path listing_id": Doc(
        "Id of the marketplace listing (a UUID). Another organization's id answers 404, as does a reported or "
        "expired listing unless the caller is its seller or a manager.",
        LISTING_ID,
    ),
    "path image_id": _path_id("listing's photo"),
    "path invoice_id": _path_id("invoice", INVOICE_ID),
    "path key_id": _path_id("API key"),
    "path lease_id": _path_id("lease", LEASE_ID),
    "path note_id": _path_id("credit note"),
    "path notification_id": _path_id("notification"),
    "path order_id": _path_id("work order"),
    "path organization_id": Doc(
        "Id of the organization (a UUID); one the caller does not belong to answers 404.", ORGANIZATION_ID
    ),
    "path payment_id": _path_id("payment", PAYMENT_ID),
    "path property_id": _path_id("property", PROPERTY_ID),
    "path request_id": _path_id("maintenance request"),
    "path role_id": Doc("Name of the role, which is its id (for example PropertyManager).", "PropertyManager"),
    "path template_id": _path_id("notification template"),
    "path tenant_id": _path_id("tenant", TENANT_ID),
    "path ticket_id": _path_id("ticket"),
    "path token": Doc("The invitation token from the e-mail.", "inv_Qm7Xc2Vt9Lp4Rk8Wn3Jd"),
    "path unit_id": _path_id("unit", UNIT_ID),
    "path user_id": _path_id("user", USER_ID),
    "path vendor_id": _path_id("vendor"),
    "path webhook_id": _path_id("webhook endpoint"),
    # paging and sorting (docs/api-contract.md §2, §3)
    "query page": Doc("Page number, from 1.", 1),
    "query cursor": Doc(
        "Keyset paging: the `next_cursor` of the previous page (then `page` is ignored). Made for one "
        "`sort_by`/`sort_order`; a changed or tampered cursor is 422.",
        "WzEsImNyZWF0ZWRfYXQiLHRydWUsWyJ0IiwiMjAyNi0xMi0wMVQwOTozMDowMCswMDowMCJdLCIzZjZjMmExZS04YjRkLTRjN2EtOWUyMS01ZDBiN2E2ZjRjMTMiXf1lUdZ85K32",
    ),
    "query page_size": Doc("Items per page, 1-100 (default 20); outside that range is 422.", 20),
    "query per_page": Doc("Items per page, 1-100 (default 10).", 10),
    "query sort_by": Doc(
        "Field to sort by; the operation lists the fields it accepts, anything else is 422.", "created_at"
    ),
    "query sort_order": Doc("asc (oldest, smallest first) or desc.", "desc"),
    "query sort": Doc("Field to sort by: created_at, updated_at or priority.", "created_at"),
    "query order": Doc("asc or desc.", "desc"),
    "query created_after": Doc("Only records created at or after this instant (ISO 8601).", "2026-01-01T00:00:00Z"),
    "query created_before": Doc("Only records created before this instant (ISO 8601).", TIMESTAMP),
    "query search": Doc("Text to look for in names, e-mails and titles (case-insensitive).", "seaside"),
    # filters
    "query status": Doc("Only records in this status; the values are listed in the schema."),
    "query type": Doc("Only records of this type."),
    "query active": Doc("Only active (true) or inactive (false) ones.", True),
    "query read": Doc("Only read (true) or unread (false) notifications.", False),
    "query role": Doc("Only users holding this role.", "PropertyManager"),
    "query priority": Doc("Only this priority: low, medium, high or critical.", "high"),
    "query category": Doc("Only this category.", "plumbing"),
    "query assigned_to": Doc("Only tickets assigned to this user.", USER_ID),
    "query assignee_id": Doc("Only requests assigned to this user.", USER_ID),
    "query property_id": Doc("Only records of this property.", PROPERTY_ID),
    "query unit_id": Doc("Only records of this unit.", UNIT_ID),
    "query tenant_id": Doc("Only records of this tenant.", TENANT_ID),
    "query lease_id": Doc("Only records of this lease.", LEASE_ID),
    "query vendor_id": Doc("Only work orders of this vendor.", ANY_ID),
    "query maintenance_request_id": Doc("Only work orders of this maintenance request.", ANY_ID),
    "query trade": Doc("Only vendors working in this trade.", "plumbing"),
    "query service_area": Doc("Only vendors serving this area.", "Mumbai"),
    "query starts_after": Doc("Only events starting after this instant (ISO 8601 with a time zone).", TIMESTAMP),
    "query hidden": Doc(
        "true: the reported listings waiting for review instead of the live ones (needs community:manage).", False
    ),
    "query format": Doc("json (default) or csv for a spreadsheet.", "json"),
    "query from": Doc("First day of the period, inclusive (YYYY-MM-DD).", "2026-04-01"),
    "query to": Doc("Last day of the period, inclusive (YYYY-MM-DD).", "2026-06-30"),
    "query as_of": Doc("Date to report as of (YYYY-MM-DD); today if left out.", DATE),
    "query fy": Doc("Indian financial year, April to March (YYYY-YY).", "2026-27"),
    "query quarter": Doc("Quarter of the financial year: Q1 is April-June.", "Q1"),
    "query direction": Doc(
        "received: TDS tenants withheld from rent; deducted: TDS the organization withheld from vendors.", "received"
    ),
}

PARAMETER_OVERRIDES = {
    "GET /api/v1/properties/{property_id}/units type": Doc(
        "Only units of this kind, as the organization names them.", "2bhk"
    ),
    "GET /api/v1/identity/audit-events action": Doc(
        "Only entries of this action (exact match).", "organization.mfa_policy_changed"
    ),
    "GET /api/v1/identity/audit-events actor_id": Doc("Only entries by this user.", USER_ID),
    "GET /api/v1/identity/audit-events from": Doc(
        "Only entries from this date or date-time on (ISO 8601; a date starts at 00:00 UTC).", "2026-04-01"
    ),
    "GET /api/v1/identity/audit-events to": Doc(
        "Only entries before this date-time, or up to the end of this date (UTC), ISO 8601.", "2026-06-30"
    ),
    "GET /api/v1/community/marketplace/listings category": Doc(
        "Only listings of this category (an id of /community/marketplace/categories).", "furniture"
    ),
    "GET /api/v1/notifications type": Doc("Only notifications of this event type.", "invoice.issued"),
    "GET /api/v1/financial/gst-returns from": Doc("First month, inclusive (YYYY-MM).", "2026-04"),
    "GET /api/v1/financial/gst-returns to": Doc("Last month, inclusive (YYYY-MM).", "2026-06"),
    "GET /api/v1/financial/reports/gstr1-b2b from": Doc("First month, inclusive (YYYY-MM).", "2026-04"),
    "GET /api/v1/financial/reports/gstr1-b2b to": Doc("Last month, inclusive (YYYY-MM).", "2026-06"),
    "GET /api/v1/financial/reports/gstr1 from": Doc("First month, inclusive (YYYY-MM).", "2026-04"),
    "GET /api/v1/financial/reports/gstr1 to": Doc("Last month, inclusive (YYYY-MM); fp is its MMYYYY.", "2026-06"),
    "GET /api/v1/financial/reports/gstr3b from": Doc("First month, inclusive (YYYY-MM).", "2026-04"),
    "GET /api/v1/financial/reports/gstr3b to": Doc(
        "Last month, inclusive (YYYY-MM); ret_period is its MMYYYY.", "2026-06"
    ),
    "GET /api/v1/financial/reports/gstr1 section": Doc(
        "With format=csv (required there): the GSTR-1 section as rows: b2b, b2cl, b2cs, nil or hsn.", "b2cs"
    ),
}

assert not PARAMETERS.keys() & COMPLIANCE_PARAMETERS.keys(), "a parameter described twice"
PARAMETERS.update(COMPLIANCE_PARAMETERS)
assert not PARAMETER_OVERRIDES.keys() & COMPLIANCE_PARAMETER_OVERRIDES.keys(), "a parameter described twice"
PARAMETER_OVERRIDES.update(COMPLIANCE_PARAMETER_OVERRIDES)
