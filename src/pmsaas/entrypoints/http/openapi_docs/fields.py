"""The field glossary: one description and example per field name, plus per-schema overrides.

``FIELDS`` is keyed by the JSON field name, ``OVERRIDES`` by ``Schema.field`` where one name means
something else in one schema (``Schema`` is the Struct's name, or the component's full name when
Litestar had to qualify it). A field missing from both fails tests/integration/http/
test_openapi_documented.py, which names it and this file.
"""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.entry import (
    ANY_ID,
    DATE,
    INVOICE_ID,
    LEASE_ID,
    PROPERTY_ID,
    TIMESTAMP,
    UNIT_ID,
    USER_ID,
    Doc,
)
from pmsaas.entrypoints.http.openapi_docs.glossary_account import ACCOUNT_FIELDS, ACCOUNT_OVERRIDES
from pmsaas.entrypoints.http.openapi_docs.glossary_common import COMMON
from pmsaas.entrypoints.http.openapi_docs.glossary_community import COMMUNITY_FIELDS, COMMUNITY_OVERRIDES
from pmsaas.entrypoints.http.openapi_docs.glossary_compliance import COMPLIANCE_OVERRIDES
from pmsaas.entrypoints.http.openapi_docs.glossary_money import MONEY
from pmsaas.entrypoints.http.openapi_docs.glossary_operations import OPERATIONS_FIELDS
from pmsaas.entrypoints.http.openapi_docs.glossary_people import PEOPLE
from pmsaas.entrypoints.http.openapi_docs.glossary_places import PLACES
from pmsaas.entrypoints.http.openapi_docs.glossary_tax import GSTIN, PAN, TAX


def _merge(*parts: dict[str, Doc]) -> dict[str, Doc]:
    merged: dict[str, Doc] = {}
    for part in parts:
        clash = merged.keys() & part.keys()
        assert not clash, f"a field is in two glossary files: {sorted(clash)}"
        merged.update(part)
    return merged


FIELDS = _merge(COMMON, MONEY, TAX, PLACES, PEOPLE, OPERATIONS_FIELDS, ACCOUNT_FIELDS, COMMUNITY_FIELDS)

_SWITCH = "Whether to send {} for the events that are on."
OVERRIDES = {
    # The real-time cookie (POST /api/v1/events/session)
    "StreamSessionOut.expires_at": Doc(
        "When the cookie's handle stops working (never after the token's).", "2026-12-01T12:05:00Z"
    ),
    "StreamSessionOut.expires_in": Doc("Seconds until the cookie's handle expires: open a new session before.", 300),
    "StreamSessionOut.paths": Doc(
        "The paths the cookie is sent to: the SSE stream and the WebSocket.", ["/api/v1/events", "/ws"]
    ),
    "StreamSessionEndedOut.revoked": Doc(
        "Whether the request carried this caller's cookie and its handle was revoked.", True
    ),
    "ChannelSwitches.email": Doc(_SWITCH.format("e-mail"), True),
    "ChannelSwitches.sms": Doc(_SWITCH.format("SMS"), False),
    "ChannelSwitches.whatsapp": Doc(_SWITCH.format("WhatsApp messages"), False),
    "ChannelSwitches.in_app": Doc("Whether to show the events that are on in the app's inbox.", True),
    "Notifications.email": Doc(_SWITCH.format("e-mail"), True),
    "Notifications.sms": Doc(_SWITCH.format("SMS"), False),
    "PeriodOut.start": Doc("Start of the period (ISO 8601, UTC).", "2026-01-01T00:00:00Z"),
    "PeriodOut.end": Doc("End of the period (ISO 8601, UTC).", TIMESTAMP),
    "TicketingPagination.total": Doc("Items in the whole list, over all pages.", 100),
    "Meta.version": Doc("Version of the API that answered.", "1.0.0"),
    "TicketingMeta.version": Doc("Version of the API that answered.", "1.0.0"),
    "GstCalculatorOut.total": Doc("Taxable value plus all tax, as a decimal string.", "1180.00"),
    "HstCalculatorOut.total": Doc("Taxable value plus all tax, as a decimal string.", "1130.00"),
    "HstCalculatorOut.currency": Doc("Always CAD.", "CAD"),
    "HstCalculatorIn.currency": Doc("Currency of the amount: CAD.", "CAD"),
    "HstCalculatorOut.jurisdiction": Doc("Province whose rates applied.", "ON"),
    "ExpenseIn.category": Doc("Expense category, which decides the ledger account.", "repairs"),
    "ExpenseOut.category": Doc("Expense category, which decides the ledger account.", "repairs"),
    "BudgetCategoryIn.name": Doc("Expense category the amount is budgeted for.", "repairs"),
    "BudgetCategoryOut.name": Doc("Expense category the amount is budgeted for.", "repairs"),
    "SettlementOut.refund": Doc("What goes back to the tenant: the deposit held less the deductions."),
    "InvoiceLineOut.total": Doc("The line's amount plus its taxes."),
    "InvoiceLineIn.description": Doc("What the line charges for, as printed on the invoice.", "Rent for April 2026"),
    "InvoiceLineOut.description": Doc("What the line charges for, as printed on the invoice.", "Rent for April 2026"),
    "InvoiceOut.date": Doc("Date of the invoice (YYYY-MM-DD).", DATE),
}


def _one_of(what: str, values: list[str]) -> Doc:
    return Doc(f"{what}: {', '.join(values)}.", values[0])


_TICKET = ["open", "in_progress", "resolved", "closed"]
_ENVELOPE = Doc('Always "success" on a success answer of the ticketing API.', "success")
# Out schemas whose status or kind is a plain string (its values come from the domain): their values.
# (An Out schema whose In twin has an enum takes the values from there, apply.py.)
OVERRIDES.update(
    {
        "ExpenseOut.status": _one_of("Approval state", ["pending", "approved", "rejected"]),
        "HealthOut.status": Doc("ok while the process answers.", "ok"),
        "InvoiceOut.status": _one_of(
            "Invoice state", ["issued", "draft", "sent", "partially_paid", "paid", "overdue", "cancelled"]
        ),
        "LeaseOut.status": _one_of("Lease state", ["active", "draft", "notice_given", "ended", "terminated"]),
        "OrganizationOut.status": _one_of("Organization state", ["active", "suspended"]),
        "PaymentOut.status": _one_of(
            "Payment state", ["succeeded", "pending", "failed", "refunded", "partially_refunded"]
        ),
        "PropertyOut.status": _one_of("Property state", ["active", "inactive"]),
        "PropertyOut.type": _one_of("Kind of property", ["residential", "commercial", "mixed_use"]),
        "RequestOut.status": _one_of("Request state", _TICKET),
        "TicketOut.status": _one_of("Ticket state", _TICKET),
        "UnitOut.status": _one_of(
            "Unit state", ["vacant", "occupied", "notice_given", "under_maintenance", "unavailable"]
        ),
        "UnitStatusOut.status": _one_of(
            "Unit state", ["vacant", "occupied", "notice_given", "under_maintenance", "unavailable"]
        ),
        "UnitIn.type": Doc("Kind of unit, in the organization's own words.", "2bhk"),
        "UnitOut.type": Doc("Kind of unit, in the organization's own words.", "2bhk"),
        "WorkOrderOut.status": _one_of("Work order state", ["scheduled", "in_progress", "completed", "cancelled"]),
        "UserOut.status": _one_of("Account state (invited: no password set yet)", ["active", "invited", "disabled"]),
        "DeliveryOut.status": _one_of("Delivery state", ["pending", "delivered", "failed"]),
        "WebhookAck.status": Doc(
            "The payment's state after the callback; null when the event did not concern one.", "succeeded"
        ),
        "TrialBalanceRowOut.kind": _one_of("Account kind", ["income", "asset", "liability", "equity", "expense"]),
        "UpdateOut.kind": _one_of(
            "What happened",
            [
                "status_changed",
                "created",
                "assigned",
                "unassigned",
                "edited",
                "commented",
                "attachment_added",
                "work_order",
            ],
        ),
        "ChargeOut.type": _one_of(
            "What is charged: rent, the deposit, or a recurring charge", ["rent", "deposit", "other"]
        ),
        "NotificationIn.type": Doc("Event type of the notification, dotted lower case.", "invoice.issued"),
        "NotificationOut.type": Doc("Event type of the notification, dotted lower case.", "invoice.issued"),
        "TicketingItem.status": _ENVELOPE,
        "TicketingList.status": _ENVELOPE,
        "TdsOut.tds_rate": Doc("TDS rate in percent.", 10.0),
        "PaymentTdsIn.tds_rate": Doc("TDS rate in percent, as a decimal string; left out, the section's rate.", "10"),
        "GstCalculatorOut.notes": Doc(
            "Remarks on the treatment.", ["Residential dwelling rented for residence: exempt"]
        ),
        "HstCalculatorOut.notes": Doc(
            "Remarks on the treatment.", ["Long-term residential rent is exempt (ETA Sch. V Part I s.6)"]
        ),
        "HstCalculatorOut.category": Doc("Tax category of the supply.", "exempt"),
        "TemplateOut.variables": Doc("Names of the {{variables}} the template uses.", ["amount", "due_date"]),
        "SendIn.variables": Doc(
            "Values for the template's {{variables}}.", {"amount": "₹25,000.00", "due_date": "05 Apr 2026"}
        ),
        "PaymentIn.payment_token": Doc(
            "Payment method token from the gateway's client library (card payments only); card "
            "numbers never reach this API.",
            "pm_card_visa",
        ),
        "SettingsIn.state": Doc(
            "State (India) as its ISO code, MH for Maharashtra; another name for province: send one.", "MH"
        ),
        "SettingsOut.state": Doc("State (India) as its ISO code, MH for Maharashtra.", "MH"),
        "SettingsIn.province": Doc("Province (Canada) or State (India) as its two-letter code.", "ON"),
        "SettingsOut.province": Doc("Province (Canada) or State (India) as its two-letter code.", "ON"),
        "WebhookIn.events": Doc("Events to receive.", ["invoice.created", "invoice.paid"]),
        "WebhookOut.events": Doc("Events received.", ["invoice.created", "invoice.paid"]),
        "ticketing_webhooks_WebhookIn.events": Doc("Ticket events to receive.", ["ticket.created", "ticket.resolved"]),
        "ticketing_webhooks_WebhookOut.events": Doc("Ticket events received.", ["ticket.created", "ticket.resolved"]),
        "webhooks_DeliveryOut.error": Doc(
            "Why the attempt failed; null when it succeeded.", "HTTP 503 from the endpoint"
        ),
        "LateFeePolicyIn.cap": Doc(
            "Most the late fee may come to for one invoice, as a decimal string; null for no cap.", "500.00"
        ),
        "LateFeePolicyOut.cap": Doc(
            "Most the late fee may come to for one invoice, as a decimal string; null for no cap.", "500.00"
        ),
        "SettingsIn.address": Doc(
            "The organization's address as printed on its invoices.", "12 Marine Drive, Churchgate, Mumbai 400020"
        ),
        "SettingsOut.address": Doc(
            "The organization's address as printed on its invoices.", "12 Marine Drive, Churchgate, Mumbai 400020"
        ),
        "WebhookIn.url": Doc("HTTPS URL the events are POSTed to.", "https://example.com/hooks/pmsaas"),
        "WebhookOut.url": Doc("HTTPS URL the events are POSTed to.", "https://example.com/hooks/pmsaas"),
        "WebhookIn.description": Doc("What the endpoint is for.", "Accounting sync"),
        "WebhookOut.description": Doc("What the endpoint is for.", "Accounting sync"),
    }
)


def _each(schemas: str, doc: Doc, field: str) -> dict[str, Doc]:
    return {f"{schema}.{field}": doc for schema in schemas.split()}


# What "name" (and "description") is, schema by schema: a person, a place, a role, a template ...
OVERRIDES.update(
    {
        **_each(
            "ApiKeyIn ApiKeyOut CreatedApiKeyOut", Doc("Name of the key: what uses it.", "Accounting sync"), "name"
        ),
        **_each("AttachmentIn AttachmentOut", Doc("File name.", "plumber-bill-march.pdf"), "name"),
        **_each("BudgetIn BudgetOut", Doc("Name of the budget.", "Seaside Apartments FY 2026-27"), "name"),
        **_each("CategoryIn CategoryOut", Doc("Name of the request category (lower snake case).", "lift"), "name"),
        **_each("ChannelIn ChannelOut", Doc("Name of the channel.", "Transactional e-mail"), "name"),
        **_each("EmergencyContactIn EmergencyContactOut", Doc("Name of the emergency contact.", "Meera Rao"), "name"),
        **_each("OrganizationIn OrganizationOut", Doc("Name of the organization.", "Seaside Estates Pvt Ltd"), "name"),
        **_each("PermissionOut", Doc("The permission string, resource:action.", "invoice:create"), "name"),
        **_each("RoleIn RoleOut", Doc("Name of the role.", "LeasingAgent"), "name"),
        **_each("TemplateIn TemplateOut", Doc("Name of the template.", "rent_due_reminder"), "name"),
        **_each(
            "RegisterIn TenantIn TenantOut UserCreateIn UserUpdateIn UserDetailOut UserOut Ref",
            Doc("Full name of the person (or the business, for a tenant that is one).", "Asha Rao"),
            "name",
        ),
        **_each("TrialBalanceRowOut", Doc("Name of the ledger account.", "Rent income"), "name"),
        **_each("UnitIn UnitOut", Doc("Name or number of the unit, unique in its property.", "Flat 302"), "name"),
        **_each("VendorIn VendorOut", Doc("Name of the vendor.", "Sharma Plumbing Works"), "name"),
        **_each(
            "PropertyIn PropertyOut PropertyRef TicketingPropertyOut",
            Doc("Name of the property.", "Seaside Apartments"),
            "name",
        ),
        **_each(
            "RequestIn RequestOut TicketIn TicketOut TicketPatch",
            Doc("What is wrong, in the reporter's words.", "There is water leaking from the ceiling in the bathroom"),
            "description",
        ),
        **_each(
            "WorkOrderIn WorkOrderOut",
            Doc("The work to do.", "Replace the cracked waste pipe under the bathtub"),
            "description",
        ),
        **_each(
            "DeductionIn DeductionOut",
            Doc("What the deduction is for.", "Repainting the living room wall"),
            "description",
        ),
        **_each(
            "RecurringChargeIn RecurringChargeOut ChargeOut",
            Doc("The charge as printed on the invoice.", "Society maintenance"),
            "description",
        ),
        **_each(
            "ExpenseIn ExpenseOut", Doc("What was bought or done.", "Bathroom pipe repair, Flat 302"), "description"
        ),
        **_each(
            "LedgerLineOut DepositMovementOut",
            Doc("What the entry records.", "Payment RCT/2026-27/0017"),
            "description",
        ),
        **_each("RoleIn RoleOut", Doc("What the role is for.", "Shows flats and drafts leases"), "description"),
        **_each(
            "PropertyIn PropertyOut",
            Doc("About the property, for listings.", "24 flats by the sea, five minutes from Churchgate station"),
            "description",
        ),
        "VarianceRowOut.category": Doc("Expense category.", "repairs"),
        "TaxLineOut.label": Doc("The tax head and rate as printed on the invoice.", "CGST 9%"),
        "TaxOut.label": Doc("The tax head and rate as printed on the invoice.", "CGST 9%"),
    }
)

_SWITCHES = {"in_app": True, "email": True, "sms": False, "whatsapp": False}
OVERRIDES.update(
    {
        "MfaSetupOut.secret": Doc(
            "The TOTP secret (base32), shown while setting up; the otpauth_uri carries it too.", "JBSWY3DPEHPK3PXP"
        ),
        "PaymentMethodIn.type": Doc("Kind of payment method; the values are listed in the schema.", "upi"),
        "PreferencesOut.channels": Doc("Which channels are on.", _SWITCHES),
        "PreferencesIn.events": Doc(
            "Per event type, which channels to use (overrides channels).", {"invoice.issued": _SWITCHES}
        ),
        "PreferencesOut.events": Doc(
            "Per event type, which channels to use (overrides channels).", {"invoice.issued": _SWITCHES}
        ),
        "NotificationIn.data": Doc(
            "Facts the app may use, such as the record it is about.", {"invoice_id": INVOICE_ID}
        ),
        "NotificationOut.data": Doc(
            "Facts the app may use, such as the record it is about.", {"invoice_id": INVOICE_ID}
        ),
        "UpdateOut.data": Doc("Details of the change.", {"priority": "high"}),
        "TicketOut.property": Doc("The property, by id and name.", {"id": PROPERTY_ID, "name": "Seaside Apartments"}),
        "TicketOut.unit": Doc("The unit, by id and name.", {"id": UNIT_ID, "name": "Unit 101"}),
        "TicketOut.requester": Doc("Who reported it, by id and name.", {"id": USER_ID, "name": "John Doe"}),
        "TicketOut.assigned_to": Doc("Who works on it, by id and name.", {"id": ANY_ID, "name": "Jane Smith"}),
        "ParkingIn.notes": Doc("Conditions of parking.", "Two visitor spaces by the gate"),
        "ParkingOut.notes": Doc("Conditions of parking.", "Two visitor spaces by the gate"),
        "AttachmentIn.url": Doc("HTTPS URL of the file.", "https://files.example.com/bills/plumber-bill-march.pdf"),
        "AttachmentIn.content_type": Doc("Media type of the file.", "application/pdf"),
        "VendorIn.email": Doc("The vendor's e-mail address.", "accounts@sharmaplumbing.example.com"),
        "VendorOut.email": Doc("The vendor's e-mail address.", "accounts@sharmaplumbing.example.com"),
        "JobRunOut.started_at": Doc("When the run started.", TIMESTAMP),
        "JobRunOut.period": Doc(
            "What the run covers: the month billed (YYYY-MM), or the hour for hourly housekeeping.", "2026-04"
        ),
        "JobRunOut.detail": Doc(
            "What the run did (billing: invoices created, skipped and failed, late fees); the "
            "error's name if it failed.",
            {"period": "2026-04", "created": 24, "skipped": 0, "failed": 0, "late_fees": 2},
        ),
        "Ref.name": Doc("Name of the user, property or unit referred to.", "Jane Smith"),
    }
)

# Whole-object examples where fields depend on each other (an organization in India has a State,
# not a province; its GSTIN carries its PAN and State code): used instead of the composed one.
_INR = "INR"
_ADDRESS = {
    "street": "12 Marine Drive, Churchgate",
    "city": "Mumbai",
    "state": "MH",
    "postal_code": "400020",
    "country": "IN",
}
assert not OVERRIDES.keys() & ACCOUNT_OVERRIDES.keys(), "a field overridden twice"
OVERRIDES.update(ACCOUNT_OVERRIDES)
assert not OVERRIDES.keys() & COMMUNITY_OVERRIDES.keys(), "a field overridden twice"
OVERRIDES.update(COMMUNITY_OVERRIDES)

_INPUT_TAX = {
    "lines": [
        {"tax": "CGST", "amount": {"amount": "405.00", "currency": "INR"}, "rate": 9.0},
        {"tax": "SGST", "amount": {"amount": "405.00", "currency": "INR"}, "rate": 9.0},
    ],
    "total": {"amount": "810.00", "currency": "INR"},
    "reverse_charge": False,
    "claimable": True,
    "supplier_tax_id": "27AAPFU0939F1ZV",
    "region": "MH",
}
_INPUT_TAX_DOC = (
    "The tax on the vendor's bill, on top of amount (India's GST heads, or Canada's GST/HST/QST): "
    "claimed as an input tax credit when approved (GSTR-3B table 4, GST/HST return line 106)."
)
_INPUT_TAX_IN = {
    "lines": [{"tax": "CGST", "amount": {"amount": "405.00", "currency": "INR"}, "rate": "9"}],
    "supplier_tax_id": "27AAPFU0939F1ZV",
}
OVERRIDES.update(
    {
        "OpeningBalanceIn.as_of": Doc(
            "Date of the reserve fund statement taken over (YYYY-MM-DD, not in the future): the opening entry's date.",
            "2026-09-30",
        ),
        "OpeningBalanceOut.as_of": Doc("Date the opening balance is posted at (the statement's date).", "2026-09-30"),
        "ExpenseOut.input_tax": Doc(_INPUT_TAX_DOC, _INPUT_TAX),
        "ExpenseIn.input_tax": Doc(_INPUT_TAX_DOC, _INPUT_TAX_IN),
        **_each(
            "InputTaxIn InputTaxOut",
            Doc("Whether the credit can be claimed; false (a blocked credit) makes the tax part of the cost.", True),
            "claimable",
        ),
        **_each(
            "InputTaxIn InputTaxOut",
            Doc("The vendor's GSTIN or GST/HST/QST registration number, as on the bill.", "27AAPFU0939F1ZV"),
            "supplier_tax_id",
        ),
        **_each(
            "InputTaxIn InputTaxOut",
            Doc("Province or State of the supply; left out, the expense's property's, else the organization's.", "MH"),
            "region",
        ),
        "InputTaxLineIn.rate": Doc("Tax rate in percent as on the bill (0 to 100), as a decimal string.", "9"),
        "InputTaxIn.reverse_charge": Doc(
            "India: the organization pays this tax itself (reverse charge); the vendor is paid the value only.",
            False,
        ),
    }
)

COMPONENT_EXAMPLES = {
    "AddressIn": _ADDRESS,
    "AddressOut": {**_ADDRESS, "province": "MH"},  # both spellings of the region, the same value
    "LeaseIn": {
        "unit_id": UNIT_ID,
        "start_date": "2026-04-01",
        "end_date": "2027-03-31",
        "rent": {"amount": "25000.00", "currency": _INR},
        "security_deposit": {"amount": "75000.00", "currency": _INR},
        "billing_day": 1,
        "grace_days": 5,
        "late_fee": {"kind": "flat", "value": "500.00"},
        "escalation": {"kind": "percentage", "value": "5.00"},
        "co_tenant_ids": [],
        "tds_applicable": False,
    },
    "PaymentIn": {
        "lease_id": LEASE_ID,
        "amount": {"amount": "25000.00", "currency": _INR},
        "method": "bank_transfer",
        "invoice_ids": [INVOICE_ID],
        "reference": "UTR 402611223344",
        "received_on": "2026-04-03",
    },
    "TenantIn": {
        "name": "Asha Rao",
        "email": "asha.rao@example.com",
        "phone": "+919820012345",
        "emergency_contact": {"name": "Meera Rao", "phone": "+919820054321", "relationship": "Sister"},
        "pan_number": "ABCPR1234K",
    },
    "ExpenseIn": {
        "property_id": PROPERTY_ID,
        "category": "repairs",
        "description": "Bathroom pipe repair, Flat 302",
        "amount": {"amount": "4500.00", "currency": _INR},
        "expense_date": "2026-03-28",
        "vendor": "Sharma Plumbing Works",
        "tds": {"tds_section": "194C", "pan_number": PAN, "payee_kind": "other"},
        "input_tax": {
            "lines": [{"tax": "CGST", "amount": {"amount": "405.00", "currency": _INR}, "rate": "9"}],
            "supplier_tax_id": "27AAPFU0939F1ZV",
        },
    },
    "SettingsIn": {
        "country": "IN",
        "state": "MH",
        "currency": "INR",
        "time_zone": "Asia/Kolkata",
        "locale": "en-IN",
        "gst_registered": True,
        "gst_number": GSTIN,
        "pan_number": PAN,
    },
}

assert not OVERRIDES.keys() & COMPLIANCE_OVERRIDES.keys(), "a field overridden twice"
OVERRIDES.update(COMPLIANCE_OVERRIDES)
