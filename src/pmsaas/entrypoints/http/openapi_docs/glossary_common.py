"""Fields every resource shares: ids, time stamps, versions, envelopes, paging, names and addresses."""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.entry import (
    ANY_ID,
    DATE,
    ORGANIZATION_ID,
    PROPERTY_ID,
    TIMESTAMP,
    UNIT_ID,
    USER_ID,
    Doc,
)

COMMON = {
    # identity of a record
    "id": Doc("The record's id (a UUID), assigned by the server.", ANY_ID),
    "ids": Doc("The notifications to act on; or send all=true instead.", [ANY_ID]),
    "organization_id": Doc(
        "The organization (the property-management company) the record belongs to.", ORGANIZATION_ID
    ),
    "version": Doc(
        "Version of the record, raised by one on every change; a change made against an older "
        "version is refused with 409.",
        3,
    ),
    "created_at": Doc("When the record was created (ISO 8601, UTC).", TIMESTAMP),
    "updated_at": Doc("When the record last changed (ISO 8601, UTC).", TIMESTAMP),
    "status": Doc("Where the record is in its life cycle; the values this field takes are listed in its schema."),
    "type": Doc("Which kind of record this is; the values this field takes are listed in its schema."),
    "kind": Doc("Which kind of entry this is; the values this field takes are listed in its schema."),
    "name": Doc("Display name, as people in the organization call it.", "Seaside Apartments"),
    "title": Doc("Short headline shown in lists.", "Water leak in bathroom"),
    "description": Doc(
        "Free text describing the record, shown to the people who handle it.", "Annual society maintenance"
    ),
    "notes": Doc("Free-text notes kept with the record.", "As agreed with the tenant on 15 March 2026."),
    "note": Doc("A short free-text note.", "Keys returned at the front desk."),
    "reason": Doc("Why this was done, in the words of the person who did it.", "Charged twice by mistake"),
    "comment": Doc("An optional remark that goes with it.", "Fixed quickly and left the bathroom clean."),
    "message": Doc("Human-readable text.", "Your rent invoice for April 2026 is ready."),
    "text": Doc("The comment's text.", "I'll check this out this afternoon."),
    "active": Doc("Whether it is in use; an inactive one is kept for history but no longer offered.", True),
    "enabled": Doc("Whether it is switched on.", True),
    "label": Doc("Short text shown to people for this entry.", "UPI (PhonePe)"),
    "category": Doc("Category used to group and route records.", "plumbing"),
    "priority": Doc("How urgent it is: low, medium, high or critical.", "high"),
    "url": Doc("Absolute HTTPS URL.", "https://example.com/files/leak.jpg"),
    "warnings": Doc(
        "Things worth a second look that did not stop the request.", ["TDS declared below the section's threshold"]
    ),
    # the envelopes (docs/api-contract.md §2, §3)
    "success": Doc("Always true on a success answer of the platform API (false only in the error envelope).", True),
    "data": Doc("The answer itself: the resource, or the list of resources for a list endpoint."),
    "meta": Doc("Facts about the answer rather than the resource: time stamp, request id, paging."),
    "timestamp": Doc("When the server answered (ISO 8601, UTC).", TIMESTAMP),
    "request_id": Doc(
        "Id of this request, echoed from X-Request-ID or generated; quote it to support.", "req_7f3a9c2e41b8"
    ),
    "pagination": Doc("Where this page sits in the whole list."),
    "page": Doc("This page's number, from 1.", 1),
    "page_size": Doc("Items per page (1-100, default 20).", 20),
    "total_count": Doc("Items in the whole list, over all pages.", 137),
    "total_pages": Doc("Pages in the whole list at this page size.", 7),
    "has_next": Doc("Whether a page follows this one.", True),
    "has_previous": Doc("Whether a page comes before this one.", False),
    "next_cursor": Doc(
        "Opaque keyset position after this page's last item: pass it back as `cursor` for the next page "
        "(stable while rows are added; null on the last page or for a sort on a column that may be empty).",
        "WzEsImNyZWF0ZWRfYXQiLHRydWUsWyJ0IiwiMjAyNi0xMi0wMVQwOTozMDowMCswMDowMCJdLCIzZjZjMmExZS04YjRkLTRjN2EtOWUyMS01ZDBiN2E2ZjRjMTMiXf1lUdZ85K32",
    ),
    "count": Doc("Items on this page.", 10),
    "per_page": Doc("Items per page (1-100, default 10).", 10),
    "current_page": Doc("This page's number, from 1.", 1),
    "links": Doc("Absolute URLs of the next and previous pages."),
    "next": Doc(
        "Absolute URL of the next page, or null on the last page.", "https://api.example.com/v1/tickets?page=2"
    ),
    "prev": Doc("Absolute URL of the previous page, or null on the first page.", None),
    "error": Doc("What went wrong: a code to branch on, a message for people, details per field."),
    "checks": Doc("Each dependency checked and its state.", {"database": "ok", "redis": "ok"}),
    # places
    "address": Doc("Postal address."),
    "street": Doc("Street address: building number, street, locality.", "12 Marine Drive, Churchgate"),
    "city": Doc("City or town.", "Mumbai"),
    "state": Doc("State (India, US) or province: its code (MH, ON) or name.", "MH"),
    "province": Doc(
        "Canadian province or territory as its two-letter code (ON, BC, QC, ...); for an Indian address, its State.",
        "ON",
    ),
    "postal_code": Doc("PIN code in India, postal code in Canada.", "400020"),
    "zip": Doc("Postal (ZIP/PIN) code, as the ticketing API names it.", "400020"),
    "country": Doc("Country as an ISO 3166-1 alpha-2 code (IN, CA).", "IN"),
    "locale": Doc("Language and region for texts and number formats (BCP 47).", "en-IN"),
    "time_zone": Doc("IANA time zone of the organization; due dates and periods are dates in it.", "Asia/Kolkata"),
    "timezone": Doc("IANA time zone the quiet hours are read in.", "Asia/Kolkata"),
    "date": Doc("The entry's date (YYYY-MM-DD, in the organization's time zone).", DATE),
    "period": Doc("The month the record covers (YYYY-MM).", "2026-04"),
    "start": Doc("Start of the window.", "22:00"),
    "end": Doc("End of the window.", "07:00"),
    # people and places referred to
    "user_id": Doc("The user (a member of the organization) this concerns.", USER_ID),
    "property_id": Doc("The property this concerns.", PROPERTY_ID),
    "unit_id": Doc("The unit (flat, shop, office) this concerns.", UNIT_ID),
    "property": Doc("The property, by id and name."),
    "unit": Doc("The unit, by id and name."),
    "user": Doc("The user, by id and name."),
    "email": Doc("E-mail address.", "asha.rao@example.com"),
    "phone": Doc("Phone number in international (E.164) form.", "+919820012345"),
    "password": Doc(
        "Password, at least 8 characters; never returned, stored only as an Argon2 hash.",
        "correct-horse-battery-staple",
    ),
}
