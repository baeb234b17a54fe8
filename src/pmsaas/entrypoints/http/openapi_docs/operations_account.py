"""Descriptions: account security (MFA, e-mail, audit log, key rotation, OAuth), plans and billing,
e-mail domains, real time and scheduled jobs."""

from __future__ import annotations

_NOT_OURS = " Another organization's id answers 404."
_SELECTED = " The organization must be the one selected with X-Organization-ID (403 otherwise)."

ACCOUNT = {
    # identity: account security
    "POST /api/v1/identity/mfa/recovery-codes": "Replaces the signed-in user's recovery codes with ten new "
    "ones, shown once in this answer; the old codes stop working. Needs a current code from the authenticator "
    "app (a wrong one is 422); with MFA not switched on, 409.",
    "POST /api/v1/identity/mfa/disable": "Switches the signed-in user's multi-factor sign-in off, proven by a "
    "current authenticator code or an unused recovery code (wrong codes are 422 and count toward the MFA lock-out). "
    "409 when MFA is not on, or while the organization requires MFA for one of the caller's roles "
    "(require_mfa_for). Recorded in the audit log as mfa.disabled.",
    "POST /api/v1/identity/mfa/required-setup": "For a member whose organization requires MFA and who has none "
    "yet: login then answers a set-up challenge (mfa_setup_required) instead of tokens. Sent with that "
    "challenge_token alone, this starts the set-up (the TOTP secret and otpauth:// URI); sent again with the "
    "first code from the app, it switches MFA on and answers the recovery codes (shown once) and the session's "
    "tokens. The challenge is the credential; an unknown or expired one is 401.",
    "POST /api/v1/identity/verify-email": "Confirms the account's e-mail address with the token from the "
    "verification e-mail and answers the user. The token works once; a used, expired or unknown one is 422.",
    "POST /api/v1/identity/verify-email/resend": "E-mails the signed-in user a new verification token. An "
    "address already verified is 409; asking again too soon after the last e-mail is 429.",
    "GET /api/v1/identity/audit-events": "The organization's audit log, paginated (oldest first unless "
    "sort_order=desc): who did what (sign-ins, member, role and API key changes, MFA and organization "
    "settings), to which record, from which address. Filter by action, actor and period (from and to "
    "take a date or a date-time; a date to includes that whole day). With format=csv "
    "the matching entries come as a CSV file (oldest first, capped) instead of the page.",
    "POST /api/v1/identity/api-keys/{key_id}/rotate": "Gives the key a new secret, in this answer only; id, "
    "prefix and scopes stay. The old secret stops at once, or keeps working for grace_seconds (up to seven "
    "days) while deployments switch over. A revoked or expired key is 422; only signed-in users rotate keys, "
    "and not beyond their own permissions (403)." + _NOT_OURS,
    # identity: OAuth clients
    "GET /api/v1/identity/oauth-clients": "The third-party applications registered to act for the "
    "organization's users: client_id, redirect URIs, scopes, grant types, revoked or not. Secrets are never "
    "shown again.",
    "POST /api/v1/identity/oauth-clients": "Registers a third-party application with its redirect URIs, scopes "
    "and grant types; answers 201 with the client_secret, in this answer only (only its hash is stored). "
    "authorization_code needs a redirect URI, refresh_token comes with authorization_code; bad URIs or "
    "unknown grant types are 422, as is going past the organization's number of clients. "
    "token_endpoint_auth_method none registers a public client: no secret (client_secret is null), PKCE "
    "S256 on every code, no client_credentials (422).",
    "GET /api/v1/identity/oauth-clients/{client_id}": "One OAuth client, without its secret." + _NOT_OURS,
    "DELETE /api/v1/identity/oauth-clients/{client_id}": "Revokes the client: it gets no new codes or tokens, "
    "and every refresh and access token issued to it, for users or for itself (client_credentials), stops at "
    "once. Answers 204." + _NOT_OURS,
    # OAuth 2.0 server
    "GET /.well-known/oauth-authorization-server": "The authorization server's metadata (RFC 8414): issuer, "
    "the authorize, token and revocation endpoints, the JWKS, supported grants (authorization_code with PKCE "
    "S256, refresh_token, client_credentials), client authentication methods and scopes. For OAuth client "
    "libraries to configure themselves.",
    "GET /oauth/authorize": "Starts the authorization code flow (RFC 6749 §4.1, PKCE S256): an HTML page where "
    "the user signs in and allows or denies the application's scopes. An unknown client or redirect URI shows "
    "an error page; other errors redirect to the client with error and state.",
    "POST /oauth/authorize": "The consent page's form (e-mail, password, TOTP code when MFA is on, allow or "
    "deny). Allowed: a 303 redirect to the client's redirect URI with a single-use code and the state; denied: "
    "error=access_denied. A wrong password shows the page again (401, 429 after too many tries).",
    "POST /oauth/token": "The OAuth token endpoint (form-encoded, RFC 6749): trades an authorization code plus "
    "its PKCE code_verifier, a refresh token, or the client's own credentials (client_credentials) for a "
    "Bearer access token (and, except for client_credentials, a refresh token). The client authenticates with "
    "HTTP Basic or client_id and client_secret in the form; a public client sends its client_id alone. Errors "
    "are RFC 6749 §5.2 JSON "
    '({"error": "invalid_grant", ...}), not the API envelope; a refresh token used twice revokes its family.',
    "POST /oauth/revoke": "Revokes a refresh or access token issued to the calling client (RFC 7009, "
    "form-encoded, client authentication as for /oauth/token). Answers 200 with an empty body, also for a "
    "token that was unknown or already revoked.",
    # organizations: plan and billing
    "GET /api/v1/organizations/{organization_id}/subscription": "The organization's plan (standard, premium or "
    "enterprise) and its current monthly period, a downgrade waiting for the period's end, the plan's limits "
    "(requests per hour, seats, properties, units, storage, features, monthly price), the seats and properties "
    "in use, and every plan to compare. Any member may read it." + _NOT_OURS,
    "PUT /api/v1/organizations/{organization_id}/subscription": "Chooses a plan. Above the current one: an "
    "upgrade, charged at once to card_number (required; a declined card is 422 and changes nothing). Below: a "
    "downgrade from the end of the period (409 while seats or properties in use exceed it). The current plan: "
    "a scheduled downgrade is cancelled." + _SELECTED,
    "POST /api/v1/organizations/{organization_id}/subscription": "The same as PUT: chooses a plan (upgrade now "
    "and charged, downgrade at the period's end, or stay and cancel a scheduled downgrade). Answers 200, as "
    "every organization already has a subscription." + _SELECTED,
    "GET /api/v1/organizations/{organization_id}/billing": "The platform's invoices to the organization for "
    "its plan, paginated: number, plan, period, amount, paid or open, and the gateway's charge id." + _SELECTED,
    "POST /api/v1/organizations/{organization_id}/billing/upgrade": "Moves to a higher plan now: the card is "
    "charged the new plan's monthly price, a new period starts, and the new rate limit applies from the next "
    "request. Answers the subscription and the paid invoice. A plan not above the current one is 409; a "
    "declined card is 422 and changes nothing." + _SELECTED,
    "POST /api/v1/organizations/{organization_id}/billing/downgrade": "Schedules a lower plan from the end of "
    "the current period; the current plan lasts until then. A plan not below the current "
    "one is 409, and so are seats or properties in use beyond the lower plan's limits (checked again when the "
    "period ends)." + _SELECTED,
    # organizations: e-mail domains
    "GET /api/v1/organizations/{organization_id}/domains": "The organization's e-mail domains, paginated, each "
    "pending or verified, with the DNS TXT record that proves it." + _SELECTED,
    "POST /api/v1/organizations/{organization_id}/domains": "Adds an e-mail domain (such as seasideestates.in) "
    "and answers 201 with the TXT record its DNS administrator must publish (name _pmsaas.<domain>, value "
    "pmsaas-verification=<token>); then call verify. A domain another organization has verified is 409. "
    "Addresses of a verified domain join organizations by invitation only." + _SELECTED,
    "DELETE /api/v1/organizations/{organization_id}/domains/{domain_id}": "Removes an e-mail domain, verified "
    "or not; answers 204." + _SELECTED + _NOT_OURS,
    "POST /api/v1/organizations/{organization_id}/domains/{domain_id}/verify": "Looks the domain's TXT record "
    "up in DNS and, when it carries the token, marks the domain verified. No matching record is 422, saying "
    "what to publish where; a domain verified before is answered as it is." + _SELECTED + _NOT_OURS,
    # real time
    "GET /api/v1/events": "A Server-Sent Events stream (text/event-stream) of the organization's real-time "
    "updates the caller may see: maintenance request updates (event: maintenance), payments received and "
    "notifications (the default message event), each data line a JSON {type, data}. Every message has an id; "
    "a reconnecting EventSource sends it back as Last-Event-ID and first receives what it missed. A heartbeat "
    "comment keeps the connection open. Needs a selected organization. The WebSocket /ws carries the same "
    "messages. A browser's EventSource, which cannot send an Authorization header, is admitted by the real-time "
    "cookie instead (POST /api/v1/events/session): on GET of this path only, never from a foreign Origin.",
    "POST /api/v1/events/session": "Opens a real-time session for a browser: answers 201 with Set-Cookie "
    "pmsaas_stream (HttpOnly, SameSite=Strict, Secure except plain http on loopback outside production), sent to "
    "/api/v1/events and /ws only, so `new EventSource('/api/v1/events')` and `new WebSocket('wss://.../ws')` "
    "work without a token in code or URL. The cookie holds a short-lived handle (PMSAAS_REALTIME_SESSION_SECONDS, "
    "300, never past the token's expiry), not the token: it is admitted as the credential it was made with "
    "(revocation, access versions, organization membership, rate limit). A WebSocket with the cookie must come "
    "from the application's own origin (the public base URL or a CORS origin). Call it with the bearer token or "
    "API key; open a new session before expires_in runs out." + _SELECTED,
    "DELETE /api/v1/events/session": "Ends the real-time session: revokes the handle in the request's cookie "
    "(when it is the caller's) and clears the cookie. Open streams end on their next reconnect. Call it with "
    "the bearer token or API key, as when signing out.",
    # scheduled jobs
    "GET /api/v1/jobs": "The organization's job runs, newest first, paginated: the billing run on the "
    "organization's billing day and the ones started by hand (POST /api/v1/financial/billing-runs), with "
    "period, trigger, start and finish, outcome (running, succeeded, failed) and what the run did "
    "(invoices created, skipped, failed; late fees).",
    "POST /api/v1/financial/billing-runs": "Runs the organization's rent billing for a month (YYYY-MM) now, "
    "without waiting for the billing day, and answers the recorded run (201). As on the billing day, each "
    "invoice the run creates is e-mailed to its tenant with its PDF (detail: mailed, not_mailed). Billing "
    "stays exactly once per lease and period, so running it again bills (and mails) only what is still due. "
    "A malformed period is 422.",
}
