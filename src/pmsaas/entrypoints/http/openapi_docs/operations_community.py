"""Descriptions: the community context, events (seats, wait list, calendar file) and the residents'
marketplace (listings, photos, messages relayed through the platform, reports)."""

from __future__ import annotations

_EVENT_NOT_OURS = (
    " Another organization's id answers 404, as does a tenant's for an event of a property it does not live in."
)
_LISTING_NOT_OURS = (
    " Another organization's id answers 404, as does one that is reported or expired unless the caller is its "
    "seller or a manager."
)
_SIGNED_IN = " An API key cannot do it (403): only a signed-in member."
_EVENT_BODY = (
    " start_time, end_time and registration_deadline carry a time zone; end_time is after start_time and the "
    "registration_deadline not after start_time (422 otherwise); a property_id not of the organization is 422."
)

COMMUNITY = {
    # events
    "GET /api/v1/community/events": "The organization's community events, paginated (soonest start first unless "
    "sort_by says otherwise: starts_at, created_at or title). A tenant sees the events of its own property and "
    "the organization-wide ones; staff see them all. starts_after keeps the events starting after that instant.",
    "POST /api/v1/community/events": "Publishes an event for the whole organization, or for one property's "
    "residents (property_id). capacity limits the seats (none: no limit); when it is full, registrations go to a "
    "wait list unless waitlist_enabled is false. Registration closes at registration_deadline, or at the start "
    "when there is none. Answers 201 with the event." + _EVENT_BODY,
    "GET /api/v1/community/events/{event_id}": "One event; registration_deadline is the moment registration "
    "closes (the start time when none was set)." + _EVENT_NOT_OURS,
    "PUT /api/v1/community/events/{event_id}": "Replaces the event. A capacity below the seats already taken is "
    "422; a larger one (or none) hands the freed seats to the wait list in arrival order, each promoted resident "
    "being notified in the app." + _EVENT_BODY + " Another organization's id answers 404.",
    "DELETE /api/v1/community/events/{event_id}": "Cancels the event: it and its registrations are deleted, and "
    "everyone who held a seat or waited is notified in the app. Answers 204. Another organization's id answers "
    "404.",
    "GET /api/v1/community/events/{event_id}/ics": "The event as an iCalendar file (RFC 5545, text/calendar, "
    "downloaded as event-<id>.ics) to add to a calendar." + _EVENT_NOT_OURS,
    "POST /api/v1/community/events/{event_id}/register": "Registers the signed-in member: a seat while there is "
    "one (status registered, with an in-app notification and a confirmation e-mail carrying the .ics file), else "
    "the end of the wait list (status waitlisted). Answers 201. Registering twice, or for a full event without a "
    "wait list, is 409; after the registration deadline, 422." + _SIGNED_IN + _EVENT_NOT_OURS,
    "DELETE /api/v1/community/events/{event_id}/register": "Withdraws the signed-in member's registration or "
    "place on the wait list. A freed seat goes to the first on the wait list (first come, first served), who is "
    "notified in the app. Answers 204; not registered is 404." + _SIGNED_IN + _EVENT_NOT_OURS,
    "GET /api/v1/community/events/{event_id}/attendees": "Who registered, for the event's organizers: the seat "
    "holders then the wait list, each in arrival order with its position (the wait list's position is the order "
    "of promotion), and the counts. Another organization's id answers 404.",
    # marketplace
    "GET /api/v1/community/marketplace/categories": "The categories a listing may be filed under, paginated; "
    "id is the value for a listing's category.",
    "GET /api/v1/community/marketplace/listings": "The organization's live listings (not reported, not "
    "expired), paginated (oldest first unless sort_by says otherwise: created_at, expires_at or title), "
    "optionally of one category. hidden=true lists instead the reported listings waiting for a manager's review: "
    "that needs `community:manage` (403 otherwise). Sellers are given by user id only.",
    "POST /api/v1/community/marketplace/listings": "Lists an item for sale (or for free, without price) in a "
    "category of /categories; the signed-in member is its seller. It expires after expires_in_days (1-90, default "
    "30) and then leaves the marketplace. Answers 201. An unknown category, a blank title, a negative price or a "
    "lifetime out of range is 422." + _SIGNED_IN,
    "GET /api/v1/community/marketplace/listings/{listing_id}": "One listing, with its photos (each with the url "
    "to fetch it). The seller is given by user id only: write to them through /contact." + _LISTING_NOT_OURS,
    "PUT /api/v1/community/marketplace/listings/{listing_id}": "Replaces the listing's content; its lifetime "
    "starts again from now (expires_in_days). Only its seller or a manager may (403 otherwise); the checks of "
    "POST apply (422)." + _SIGNED_IN + _LISTING_NOT_OURS,
    "DELETE /api/v1/community/marketplace/listings/{listing_id}": "Removes the listing and its photos. "
    "Only its seller or a manager may (403 otherwise); this is also how a manager removes a reported listing. "
    "Answers 204." + _SIGNED_IN + _LISTING_NOT_OURS,
    "POST /api/v1/community/marketplace/listings/{listing_id}/images": "Adds a photo to the listing (multipart "
    "field file): the content decides the type (JPEG, PNG, GIF, WebP or HEIC; anything else is 422), at most 10 "
    "MB and 8 photos a listing (422 beyond); past the plan's storage, 409. Only its seller or a manager may "
    "(403 otherwise). Answers 201 with "
    "the photo and its url." + _SIGNED_IN + _LISTING_NOT_OURS,
    "GET /api/v1/community/marketplace/listings/{listing_id}/images/{image_id}": "The photo's bytes, with its "
    "media type, shown inline. An image id not of this listing is 404." + _LISTING_NOT_OURS,
    "POST /api/v1/community/marketplace/listings/{listing_id}/contact": "Sends a message about the listing "
    "through the platform: a buyer writes to its seller, and the seller answers a resident who wrote, naming "
    "them in recipient_id. The recipient gets it as an in-app notification with the listing and the sender's user "
    "id; neither side ever sees the other's e-mail address or phone number. A seller writing to themselves or "
    "to someone who has not written about the listing, or a buyer naming anyone but the seller, is 422."
    + _SIGNED_IN
    + _LISTING_NOT_OURS,
    "POST /api/v1/community/marketplace/listings/{listing_id}/report": "Reports the listing with a reason: it is "
    "hidden from the marketplace at once (status hidden) until a manager restores it (/restore) or removes it "
    "(DELETE). Any member who can see it may report it. Answers 204." + _SIGNED_IN + _LISTING_NOT_OURS,
    "POST /api/v1/community/marketplace/listings/{listing_id}/restore": "A manager's review found nothing wrong: "
    "the reported listing is active again (its reason is dropped) and answered; its expiry is unchanged. "
    "Another organization's id answers 404.",
}
