"""Descriptions: maintenance requests, work orders, vendors, tickets, notifications and webhooks."""

from __future__ import annotations

_NOT_OURS = " Another organization's id answers 404."
_MR = "/api/v1/operations/maintenance-requests"
_WO = "/api/v1/operations/work-orders"
_VENDOR = "/api/v1/operations/vendors/{vendor_id}"
_UPLOAD = (
    "Uploads one file as multipart/form-data in the field file: a photo (JPEG, PNG, GIF, WebP, HEIC) or a PDF, "
    "at most 10 MB; the type is checked from the content, not the name. Answers 201 with the attachment. "
    "A file that would take the organization's stored files past its plan's storage is 409 (nothing stored)."
)

OPERATIONS_AND_MORE = {
    # maintenance requests
    f"GET {_MR}": "Maintenance requests, paginated; filter by status, priority, category, property and "
    "assignee. A tenant sees only the requests it reported.",
    f"POST {_MR}": "Reports a problem at a property or unit. The priority sets the response and resolution "
    "deadlines (SLA); answers 201 with the open request.",
    f"GET {_MR}/{{request_id}}": "One request with its SLA, comments and attachments; a tenant does not see "
    "internal notes." + _NOT_OURS,
    f"PUT {_MR}/{{request_id}}": "Edits the title, description, category or priority of a request.",
    f"DELETE {_MR}/{{request_id}}": "Deletes a request; answers 204." + _NOT_OURS,
    f"POST {_MR}/{{request_id}}/assign": "Assigns the request to a member who works requests.",
    f"POST {_MR}/{{request_id}}/start": "Moves an open request to in_progress; the response deadline is met.",
    f"POST {_MR}/{{request_id}}/complete": "Resolves the request, with an optional note.",
    f"POST {_MR}/{{request_id}}/close": "Closes a resolved request; it can no longer change except by reopen.",
    f"POST {_MR}/{{request_id}}/reopen": "Reopens a resolved or closed request when the problem is back.",
    f"POST {_MR}/{{request_id}}/comments": "Adds a comment. internal=true makes a staff-only note a tenant "
    "never sees; tenants cannot write internal notes.",
    f"GET {_MR}/{{request_id}}/updates": "The request's history, oldest first: created, status changes, "
    "assignments, edits, comments, attachments, work orders.",
    f"POST {_MR}/{{request_id}}/attachments": _UPLOAD,
    f"GET {_MR}/{{request_id}}/attachments/{{attachment_id}}": "Downloads the attachment with its media type; "
    "only to callers who may see the request.",
    "GET /api/v1/operations/categories": "Categories a request can have: the built-in ones (plumbing, "
    "electrical, ...) and those the organization added.",
    "POST /api/v1/operations/categories": "Adds a category for this organization's requests; a built-in "
    "category's name is 409.",
    # work orders
    f"GET {_WO}": "Work orders, paginated; filter by status, vendor and maintenance request.",
    f"POST {_WO}": "Books a vendor for a maintenance request: schedule and estimated cost. Answers 201 with the "
    "scheduled work order.",
    f"GET {_WO}/{{order_id}}": "One work order." + _NOT_OURS,
    f"PUT {_WO}/{{order_id}}": "Changes the schedule or the estimate of a work order not yet completed.",
    f"DELETE {_WO}/{{order_id}}": "Deletes a work order; answers 204." + _NOT_OURS,
    f"POST {_WO}/{{order_id}}/start": "Records that the vendor started the work.",
    f"POST {_WO}/{{order_id}}/complete": "Records completion with the actual cost. When it was the request's "
    "last open work order, the maintenance request is resolved too.",
    f"POST {_WO}/{{order_id}}/cancel": "Cancels a work order that is not completed.",
    # vendors
    "GET /api/v1/operations/vendors": "Vendors, paginated; filter by trade, service area and active.",
    "POST /api/v1/operations/vendors": "Adds a vendor with trades, service areas, contact, tax number (GSTIN "
    "or business number, checked) and insurance expiry.",
    f"GET {_VENDOR}": "One vendor, with whether the insurance is valid today." + _NOT_OURS,
    f"PUT {_VENDOR}": "Replaces a vendor's details." + _NOT_OURS,
    f"DELETE {_VENDOR}": "Deletes a vendor; answers 204." + _NOT_OURS,
    f"GET {_VENDOR}/performance": "Completed and cancelled work orders, on-time rate, average rating and "
    "cost against estimate, over the period from-to (default: the last 90 days).",
    f"GET {_VENDOR}/work-orders": "The vendor's work orders, paginated; filter by status.",
    f"POST {_VENDOR}/rate": "Rates a completed work order of this vendor from 1 to 5, once: a work order "
    "not completed, or already rated, is 409.",
    # ticketing (/v1): the same requests in the ticketing API's shape
    "GET /v1/tickets": "Tickets, paginated with per_page; filter by status, priority, assigned_to and "
    "property_id, sort by created_at, updated_at or priority.",
    "POST /v1/tickets": "Creates a ticket (a maintenance request) for a property and optionally a unit; "
    "answers 201 with the ticket.",
    "GET /v1/tickets/{ticket_id}": "One ticket with its property, unit, requester, assignee, attachments and "
    "comments." + _NOT_OURS,
    "PATCH /v1/tickets/{ticket_id}": "Changes only the fields sent: status, priority, assignment, title, "
    "description, category.",
    "DELETE /v1/tickets/{ticket_id}": 'Deletes a ticket; answers 200 with "data": null.',
    "POST /v1/tickets/{ticket_id}/comments": "Adds a comment to the ticket; answers 201 with the comment.",
    "POST /v1/tickets/{ticket_id}/attachments": _UPLOAD,
    "GET /v1/tickets/{ticket_id}/attachments/{attachment_id}": "Downloads the attachment with its media type.",
    "GET /v1/users": "Users of the organization, paginated with per_page; filter by role and property_id.",
    "GET /v1/users/{user_id}": "One user with role and assigned properties." + _NOT_OURS,
    "GET /v1/properties": "The organization's properties, paginated with per_page, with unit and open ticket counts.",
    "GET /v1/webhooks": "Webhook endpoints registered for ticket events.",
    "POST /v1/webhooks": "Registers an HTTPS endpoint for ticket.created, ticket.updated and ticket.resolved; "
    "deliveries are signed with the secret (Standard Webhooks).",
    "DELETE /v1/webhooks/{webhook_id}": 'Deletes the endpoint; answers 200 with "data": null.',
    # notifications
    "GET /api/v1/notifications": "The caller's own notifications, paginated; filter by read and type.",
    "POST /api/v1/notifications": "Sends a notification to a member of the organization.",
    "GET /api/v1/notifications/{notification_id}": "One of the caller's notifications; anyone else's is 404.",
    "PUT /api/v1/notifications/{notification_id}": "Marks one of the caller's notifications read or unread.",
    "DELETE /api/v1/notifications/{notification_id}": "Dismisses one of the caller's notifications; answers 204.",
    "POST /api/v1/notifications/{notification_id}/mark-read": "Marks one of the caller's notifications read.",
    "POST /api/v1/notifications/bulk-mark-read": "Marks the listed notifications (ids), or all=true every one, "
    "of the caller read; answers how many and the unread count left.",
    "GET /api/v1/notifications/unread-count": "How many of the caller's notifications are unread, for a badge.",
    "GET /api/v1/notifications/preferences": "Which channels the caller is notified on, per event type, and "
    "their quiet hours.",
    "PUT /api/v1/notifications/preferences": "Replaces the caller's channel switches, per-event choices and "
    "quiet hours.",
    "GET /api/v1/notifications/templates": "Message templates per channel and locale, paginated.",
    "POST /api/v1/notifications/templates": "Creates a template with {{variables}}; SMS templates for India "
    "carry their DLT template id, WhatsApp ones their approved name.",
    "GET /api/v1/notifications/templates/{template_id}": "One template and the variables it uses." + _NOT_OURS,
    "PUT /api/v1/notifications/templates/{template_id}": "Replaces a template." + _NOT_OURS,
    "DELETE /api/v1/notifications/templates/{template_id}": "Deletes a template; answers 204." + _NOT_OURS,
    "POST /api/v1/notifications/templates/{template_id}/send": "Renders the template with the variables and "
    "sends it to each recipient (members only); answers one delivery per recipient. A missing or unknown variable "
    "is 422 and nothing is sent; an inactive template is 409.",
    "GET /api/v1/notifications/channels": "The organization's delivery channels (e-mail, SMS, WhatsApp) and "
    "their providers; secrets are never shown.",
    "POST /api/v1/notifications/channels": "Configures a channel with its provider, settings and secrets "
    "(stored encrypted).",
    "GET /api/v1/notifications/channels/{channel_id}": "One channel, with the names of its stored secrets only."
    + _NOT_OURS,
    "PUT /api/v1/notifications/channels/{channel_id}": "Replaces a channel's settings; a body without secrets keeps "
    "the stored ones, and the type cannot change (409).",
    "DELETE /api/v1/notifications/channels/{channel_id}": "Deletes a channel; answers 204." + _NOT_OURS,
    "POST /api/v1/notifications/channels/{channel_id}/test": "Sends a test message through the channel to the "
    "given address (or the caller) and answers what the provider said.",
    # webhooks (platform)
    "GET /api/v1/webhooks": "The organization's webhook endpoints, oldest first, paginated.",
    "POST /api/v1/webhooks": "Registers an HTTPS endpoint for the listed events. The signing secret is in "
    "this answer only; deliveries carry webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks).",
    "GET /api/v1/webhooks/{webhook_id}": "One endpoint, without its secret." + _NOT_OURS,
    "PUT /api/v1/webhooks/{webhook_id}": "Replaces the URL, events, description or active switch.",
    "DELETE /api/v1/webhooks/{webhook_id}": "Deletes the endpoint; no more deliveries. Answers 204.",
    "GET /api/v1/webhooks/{webhook_id}/deliveries": "Every delivery attempt, newest first: event, status code, "
    "duration, error.",
    "POST /api/v1/webhooks/{webhook_id}/ping": "Sends a signed webhook.ping event now, once, and answers the "
    "attempt: a quick check of the URL and the signature check on your side.",
    "POST /api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver": "Sends the event of a logged "
    "attempt again now, with the same webhook-id so that your side can deduplicate; answers the new attempt.",
    "POST /api/v1/webhooks/{webhook_id}/rotate-secret": "Issues a new signing secret (in this answer only). "
    "For 24 hours deliveries carry signatures by both secrets, so you can switch without losing events.",
}
