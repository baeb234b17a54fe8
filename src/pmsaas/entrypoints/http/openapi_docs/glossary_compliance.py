"""Fields and parameters of the compliance documents (docs/compliance.md), and the organization's
schedule settings (billing day, rent reminders, overdue notices).

``COMPLIANCE_OVERRIDES`` joins ``OVERRIDES`` (fields.py): the request fields are named per schema,
since ``form``, ``as_of`` or ``new_rent`` could mean something else elsewhere. The parameters join
``PARAMETERS`` and ``PARAMETER_OVERRIDES`` (parameters.py).
"""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.entry import LEASE_ID, PROPERTY_ID, UNIT_ID, Doc

_STATUS_CERTIFICATE = "GET /api/v1/compliance/status-certificate"
_PROVINCIAL = "GET /api/v1/compliance/provincial-reports"
_BILLING_DAY = Doc(
    "Day of the month (1-28, so every month has it) the billing run invoices the month, in the "
    "organization's time zone; default 1.",
    1,
)
_REMINDER_DAYS = Doc(
    "Days before an invoice's due date a rent reminder goes out (up to five distinct days, 0-60, kept "
    "sorted); [] turns reminders off, null restores the default [3].",
    [3],
)
_OVERDUE_DAYS = Doc(
    "Days after the due date an unpaid invoice's overdue notice goes out (up to five distinct days, 1-90, "
    "kept sorted); [] turns the notices off, null restores the default [1, 7].",
    [1, 7],
)

COMPLIANCE_OVERRIDES = {
    # the organization's schedule
    "SettingsIn.billing_day": _BILLING_DAY,
    "SettingsOut.billing_day": _BILLING_DAY,
    "SettingsIn.rent_reminder_days": _REMINDER_DAYS,
    "SettingsOut.rent_reminder_days": _REMINDER_DAYS,
    "SettingsIn.overdue_notice_days": _OVERDUE_DAYS,
    "SettingsOut.overdue_notice_days": _OVERDUE_DAYS,
    # Ontario LTB notices
    "LtbFormIn.form": Doc(
        "N4: notice to end a tenancy early for non-payment of rent; N1: notice of rent increase.", "N4"
    ),
    "LtbFormIn.lease_id": Doc(
        "The lease the notice is served on; its property must be in Ontario (422 otherwise).",
        LEASE_ID,
    ),
    "LtbFormIn.service_date": Doc("Date the notice is served on the tenant (YYYY-MM-DD).", "2026-12-01"),
    "LtbFormIn.as_of": Doc(
        "N4: the date the ledger is read on (YYYY-MM-DD); the service date if left out.", "2026-12-01"
    ),
    "LtbFormIn.termination_date": Doc(
        "N4: the date the tenant must pay or move out by (YYYY-MM-DD): at least 14 days after service for a "
        "monthly tenancy, 7 for a daily or weekly one; the earliest lawful date if left out.",
        "2026-12-15",
    ),
    "LtbFormIn.new_rent": Doc(
        "N1 (required): the rent after the increase, at most the current rent raised by the guideline of the "
        "year it takes effect unless the unit is exempt.",
        {"amount": "2042.00", "currency": "CAD"},
    ),
    "LtbFormIn.effective_date": Doc(
        "N1 (required): the date the new rent starts (YYYY-MM-DD), at least 90 days after service and 12 "
        "months after the tenancy began.",
        "2027-03-01",
    ),
    "LtbFormIn.unit_first_occupied_on": Doc(
        "N1: the date the unit was first occupied residentially (YYYY-MM-DD); after 15 November 2018 the "
        "guideline does not cap the increase. If left out, a property built after 2018 is exempt and any "
        "other is capped.",
        "2016-06-01",
    ),
    # Indian co-operative housing society filing
    "SocietyFilingIn.property_id": Doc(
        "The society's property; its organization must be a housing society in India (422 otherwise).",
        PROPERTY_ID,
    ),
    "SocietyFilingIn.financial_year": Doc(
        "Indian financial year of the filing, April to March, written YYYY-YY.", "2025-26"
    ),
    "SocietyFilingIn.society_registration_number": Doc(
        "The society's registration number with the Registrar of Co-operative Societies.", "MHS/123/2024"
    ),
    "SocietyFilingIn.registrar_office": Doc("The registrar's office the society is registered with.", "Mumbai"),
    "SocietyFilingIn.bye_laws_version": Doc("The version of the bye-laws the society has adopted.", "2024.1"),
    "SocietyFilingIn.construction_cost": Doc(
        "Construction cost of the society's flats, land excluded, in the books' currency: the sinking fund "
        "must receive at least 0.25 % of it a year.",
        {"amount": "10000000.00", "currency": "INR"},
    ),
    "SocietyFilingIn.audit_status": Doc(
        "Where the year's statutory audit stands; anything but completed is a finding.", "completed"
    ),
    "SocietyFilingIn.audit_completed_on": Doc(
        "Date the audit was completed (YYYY-MM-DD); later than four months after the year's close is a finding.",
        "2026-07-15",
    ),
    "SocietyFilingIn.agm_date": Doc(
        "Date of the annual general meeting (YYYY-MM-DD); none, or one not within the six months after the "
        "year's close, is a finding.",
        "2026-09-20",
    ),
}

COMPLIANCE_PARAMETERS = {
    "header Accept": Doc(
        "application/pdf for the document printed as a PDF; anything else (or none) answers the figures "
        "as JSON in the envelope.",
        "application/pdf",
    ),
    "query request_date": Doc(
        "Date the certificate was requested (YYYY-MM-DD), from which its deadline runs; today if left out.",
        "2026-12-01",
    ),
    "query pages": Doc("British Columbia: pages of copies supplied with the Form B, priced per page.", 12),
}

COMPLIANCE_PARAMETER_OVERRIDES = {
    f"{_STATUS_CERTIFICATE} unit_id": Doc(
        "The condominium unit (a UUID), in Ontario or British Columbia. Another organization's id answers 404.",
        UNIT_ID,
    ),
    f"{_STATUS_CERTIFICATE} as_of": Doc(
        "Date the books are read on (YYYY-MM-DD), never after the request date; the request date if left out.",
        "2026-11-30",
    ),
    f"{_PROVINCIAL} from": Doc(
        "First month, inclusive (YYYY-MM); if left out, to's month, or the current month when both are.", "2026-04"
    ),
    f"{_PROVINCIAL} to": Doc(
        "Last month, inclusive (YYYY-MM), not before from; one report covers at most 24 months. From's month "
        "if left out.",
        "2026-06",
    ),
}
