"""Identity, notifications and webhooks."""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.entry import ANY_ID, TIMESTAMP, USER_ID, Doc

PEOPLE = {
    # sessions and accounts
    "access_token": Doc(
        "Access token (a JWT signed RS256) to send as Authorization: Bearer; short-lived.",
        "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIxYTJiIn0.c2lnbmF0dXJl",
    ),
    "refresh_token": Doc(
        "Refresh token: trade it at /identity/refresh for a new pair; each one works once.",
        "rt_6Jm2c9Qx4TzK8wLp1VbN3sHd",
    ),
    "token_type": Doc("Always Bearer.", "Bearer"),
    "expires_in": Doc("Seconds until the token or challenge expires.", 900),
    "token": Doc("The single-use token from the e-mail.", "pr_Z8x2Lq5Tn9Wc4Rv7Ys1Kb3Md"),
    "all": Doc("Apply to all of them (every session, every notification) instead of one.", False),
    "email_verified": Doc("Whether the user confirmed the e-mail address.", True),
    "roles": Doc("Role names the user holds in this organization.", ["PropertyManager"]),
    "role": Doc("Role of the user.", "manager"),
    "role_id": Doc("The role's name, which is its id (built-in roles are the platform document's).", "PropertyManager"),
    "permissions": Doc(
        "Permission strings granted, resource:action (x:* and * are wildcards).",
        ["property:read", "property:update", "tenant:*"],
    ),
    "expanded_permissions": Doc(
        "The permissions with wildcards spelled out.",
        ["property:read", "property:update", "tenant:read", "tenant:create"],
    ),
    "built_in": Doc("Whether the role is one of the platform's own (read-only) rather than the organization's.", True),
    "resource": Doc("What the permission is about.", "invoice"),
    "action": Doc("What the permission allows on it.", "create"),
    "preferences": Doc("The user's notification preferences."),
    "properties": Doc("Properties the user is assigned to."),
    # MFA
    "code": Doc("Six-digit code from the authenticator app (TOTP).", "492039"),
    "challenge_token": Doc(
        "Token of the pending sign-in, sent back with the code to /identity/mfa/verify.", "mfa_Hq3Vt8Xn2Lc6Pw9Rk4Ja"
    ),
    "mfa_required": Doc("Whether a second step is needed before tokens are issued.", True),
    "otpauth_uri": Doc(
        "otpauth:// URI to show as a QR code in the authenticator app (while setting up).",
        "otpauth://totp/pmsaas:asha.rao%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=pmsaas",
    ),
    "secret": Doc(
        "Shared secret: shown once, keep it; it signs or verifies what is sent.",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ),
    "recovery_code": Doc("One of the one-time recovery codes, in place of a TOTP code.", "7kq2-9wxm"),
    "recovery_codes": Doc("One-time recovery codes, shown once, when MFA is switched on.", ["7kq2-9wxm", "p3vd-4hzn"]),
    # API keys
    "key": Doc(
        "The API key itself: shown in this answer only; send it as Authorization: Bearer or X-API-Key.",
        "pmk_3kq8ZxV2tL9wRc4Ny7Hb1Pm6Jd",
    ),
    "prefix": Doc("First characters of the key, to recognise it in lists.", "pmk_3kq8Zx"),
    "scopes": Doc("What the key may do (OAuth-style scopes of the ticketing API).", ["tickets:read", "tickets:write"]),
    "expires_at": Doc("When the key stops working; null for never.", "2027-04-01T00:00:00Z"),
    "last_used_at": Doc("When the key was last used; null if never.", TIMESTAMP),
    "revoked": Doc("Whether the key has been revoked.", False),
    "revoked_at": Doc("When the key was revoked.", TIMESTAMP),
    "rotated_at": Doc("When the key's secret was last rotated; null if never.", TIMESTAMP),
    "previous_valid_until": Doc(
        "Until when the secret replaced by the last rotation still works; null when it stopped at once.",
        "2026-04-02T09:30:00Z",
    ),
    "grace_seconds": Doc(
        "How long the replaced secret keeps working, in seconds (0: it stops at once; at most 604800, seven days).",
        86400,
    ),
    # OAuth 2.0 clients (RFC 6749)
    "client_id": Doc("The OAuth client's id, sent as client_id to /oauth/authorize and /oauth/token.", ANY_ID),
    "client_secret": Doc(
        "The OAuth client's secret: in this answer only; keep it on your server. null for a public client.",
        "cs_9Xk2Lq7Vt4Rm8Wn3Pd6Jb1Hc",
    ),
    "token_endpoint_auth_method": Doc(
        "How the client authenticates at /oauth/token (RFC 7591): client_secret_basic or client_secret_post "
        "(a confidential client with a secret, either way accepted), or none: a public client (a browser or "
        "mobile app that cannot keep a secret) sends its client_id alone, proves each code with PKCE S256, "
        "and may not use client_credentials.",
        "client_secret_basic",
    ),
    "client_type": Doc("confidential (it holds a secret) or public (none; RFC 6749 §2.1).", "confidential"),
    "redirect_uris": Doc(
        "Exact URLs the authorization server may send the user back to (HTTPS, or http on loopback).",
        ["https://app.example.com/oauth/callback"],
    ),
    "grant_types": Doc("OAuth grants the client may use.", ["authorization_code", "refresh_token"]),
    # scheduled jobs
    "job": Doc("Which scheduled job ran.", "billing_run"),
    "trigger": Doc("What started the run: schedule, or manual (POST /api/v1/financial/billing-runs).", "schedule"),
    "outcome": Doc("How the run went: running, succeeded or failed.", "succeeded"),
    "finished_at": Doc("When the run finished; null while it runs.", TIMESTAMP),
    # notifications
    "body": Doc(
        "The message's text (a template may hold {{variables}}).", "Your rent of {{amount}} is due on {{due_date}}."
    ),
    "subject": Doc("E-mail subject line.", "Rent due on {{due_date}}"),
    "channel": Doc("How it is sent: in_app, email, sms or whatsapp.", "email"),
    "channels": Doc("Which channels are on."),
    "channel_id": Doc("The channel this concerns.", ANY_ID),
    "provider": Doc("Service that delivers the channel's messages.", "console"),
    "config": Doc("The provider's settings that are not secret.", {"from_email": "noreply@example.com"}),
    "secrets": Doc(
        "The provider's secret settings (API keys): stored encrypted, never returned.", {"api_key": "SG.xxxxxxxx"}
    ),
    "secret_keys": Doc("Names of the secrets stored; their values are never returned.", ["api_key"]),
    "read": Doc("Whether the notification has been read.", False),
    "read_at": Doc("When the notification was read.", TIMESTAMP),
    "created_by": Doc("The user who sent it; null when the system did.", USER_ID),
    "unread_count": Doc("Notifications not yet read.", 4),
    "marked": Doc("Notifications marked read by this request.", 3),
    "template_id": Doc("The template used.", ANY_ID),
    "notification_id": Doc("The notification created.", ANY_ID),
    "event_type": Doc("Event that sends the template automatically; null to send it only by hand.", "invoice.issued"),
    "dlt_template_id": Doc(
        "Template id registered with the Indian DLT platform (needed for SMS to Indian numbers).", "1107161234567890123"
    ),
    "whatsapp_name": Doc("Name of the template approved by WhatsApp.", "rent_due_reminder"),
    "variables": Doc("Values for the template's {{variables}}.", {"amount": "₹25,000.00", "due_date": "05 Apr 2026"}),
    "recipients": Doc("Users to send it to.", [USER_ID]),
    "deliveries": Doc("One delivery per recipient and channel."),
    "delivered": Doc("Whether the provider accepted the message.", True),
    "detail": Doc("What the provider answered.", "accepted"),
    "provider_message_id": Doc("The provider's id of the message.", "SM5f1a2b3c4d"),
    "to": Doc(
        "Where to send the test: an e-mail address or a phone number, as the channel needs.", "asha.rao@example.com"
    ),
    "notifications": Doc("Notification preferences."),
    "in_app": Doc("Whether to notify in the app.", True),
    "sms": Doc("Whether to send SMS.", False),
    "whatsapp": Doc("Whether to send WhatsApp messages.", False),
    "events": Doc("Events subscribed to.", ["payment.received", "invoice.overdue"]),
    # webhooks
    "event": Doc("Event type delivered.", "payment.received"),
    "event_id": Doc("Id of the event (the webhook-id header); the same on every retry.", ANY_ID),
    "attempt": Doc("Attempt number, from 1.", 1),
    "attempted_at": Doc("When the attempt was made.", TIMESTAMP),
    "status_code": Doc("HTTP status the endpoint answered; null if it could not be reached.", 200),
    "duration_ms": Doc("How long the endpoint took to answer, in milliseconds.", 184),
    "succeeded": Doc("Whether the endpoint answered 2xx.", True),
    "disabled_reason": Doc("Why the endpoint was switched off (for example, failing for days).", None),
}
