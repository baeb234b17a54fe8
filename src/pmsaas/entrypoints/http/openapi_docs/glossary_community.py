"""Fields of the community context: events, their seats and wait list, and marketplace listings.

``COMMUNITY_FIELDS`` joins ``FIELDS``; ``COMMUNITY_OVERRIDES`` joins ``OVERRIDES`` (fields.py), for the
names another area already uses, or could, with another meaning (``status``, ``capacity``, ``price`` ...).
"""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.entry import ANY_ID, USER_ID, Doc

EVENT_ID = "6e1c9a4f-3b7d-4f25-a8e0-5c2b7d9f1a63"
LISTING_ID = "b81f4d2a-7c3e-4a96-9d05-3e6a1c8f2b47"
_STARTS = "2026-12-20T18:00:00Z"
_REGISTERED = "2026-12-10T09:30:00Z"

COMMUNITY_FIELDS = {
    # events
    "start_time": Doc("When the event starts (ISO 8601 with a time zone).", _STARTS),
    "end_time": Doc("When the event ends (ISO 8601 with a time zone), after start_time.", "2026-12-20T21:00:00Z"),
    "registration_deadline": Doc(
        "When registration closes (ISO 8601 with a time zone), not after start_time. Sent as null or left out, "
        "registration closes at the start; an event always answers the actual moment.",
        "2026-12-19T18:00:00Z",
    ),
    "waitlist_enabled": Doc(
        "Whether residents who find the event full join a wait list (promoted in arrival order as seats free "
        "up); false: a full event refuses them (409).",
        True,
    ),
    "registered_count": Doc("Residents holding a seat.", 2),
    "waitlist_count": Doc("Residents on the wait list.", 1),
    "attendees": Doc(
        "Seat holders, then the wait list, each in arrival order.",
        [
            {"user_id": USER_ID, "status": "registered", "position": 1, "registered_at": _REGISTERED},
            {"user_id": ANY_ID, "status": "waitlisted", "position": 1, "registered_at": "2026-12-11T08:15:00Z"},
        ],
    ),
    # marketplace
    "expires_in_days": Doc(
        "Days the listing stays in the marketplace, 1-90 (default 30), counted from now (from the last PUT).", 30
    ),
    "seller_id": Doc(
        "The member selling it: a user id, nothing else of the seller; write to them through /contact.", USER_ID
    ),
}

COMMUNITY_OVERRIDES = {
    "EventIn.location": Doc("Where it takes place, as residents should read it.", "Clubhouse, Tower B"),
    "EventOut.location": Doc("Where it takes place; empty when not given.", "Clubhouse, Tower B"),
    "EventIn.capacity": Doc(
        "Number of seats, 1-100000; null or left out: no limit. A PUT may not go below the seats taken (422).", 40
    ),
    "EventOut.capacity": Doc("Number of seats; null: no limit.", 40),
    "AttendeesOut.capacity": Doc("Number of seats; null: no limit.", 40),
    "AttendeeOut.status": Doc("registered: holds a seat; waitlisted: on the wait list.", "registered"),
    "AttendeeOut.position": Doc(
        "Place within its status, from 1: the seat order, or the place on the wait list (1 is promoted first).", 1
    ),
    "AttendeeOut.registered_at": Doc("When the resident registered (ISO 8601, UTC).", _REGISTERED),
    "RegistrationOut.status": Doc(
        "registered: a seat is held; waitlisted: the event is full and the resident is on the wait list.",
        "registered",
    ),
    "RegistrationOut.registered_at": Doc("When the registration was taken (ISO 8601, UTC).", _REGISTERED),
    "ListingIn.price": Doc("Asking price; null or left out for an item given away."),
    "ListingOut.price": Doc("Asking price; null for an item given away."),
    "ListingOut.status": Doc(
        "active: in the marketplace (until expires_at); hidden: reported, out of the marketplace until a manager "
        "restores or removes it.",
        "active",
    ),
    "ListingOut.images": Doc(
        "The listing's photos, oldest first (only when reading one listing).",
        [
            {
                "id": ANY_ID,
                "filename": "sofa.jpg",
                "content_type": "image/jpeg",
                "size": 1024000,
                "url": f"/api/v1/community/marketplace/listings/{LISTING_ID}/images/{ANY_ID}",
                "created_at": _REGISTERED,
            }
        ],
    ),
    "ContactIn.recipient_id": Doc(
        "Who gets the message. A buyer leaves it out (the seller); the seller names the resident who wrote "
        "(the from_user_id of the notification received).",
        USER_ID,
    ),
    "ContactOut.listing_id": Doc("The listing the message is about.", LISTING_ID),
    "ContactOut.recipient_id": Doc("The user the message was delivered to (as an in-app notification).", USER_ID),
}
