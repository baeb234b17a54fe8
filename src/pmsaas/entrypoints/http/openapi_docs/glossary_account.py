"""Fields of account security (MFA policy, the audit log), plans and billing, and e-mail domains.

``ACCOUNT_FIELDS`` joins ``FIELDS``; ``ACCOUNT_OVERRIDES`` joins ``OVERRIDES`` (fields.py), for the
names another area already uses with another meaning (``properties``, ``action``, ``status`` ...).
"""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.entry import ORGANIZATION_ID, TIMESTAMP, USER_ID, Doc

_DOMAIN = "seasideestates.in"
_PREMIUM_FEATURES = [
    "api_keys",
    "custom_roles",
    "email_notifications",
    "oauth_clients",
    "sms_notifications",
    "verified_domains",
    "webhooks",
]
_PERIOD_END = "2026-05-01T09:30:00Z"

ACCOUNT_FIELDS = {
    # the audit log
    "occurred_at": Doc("When it happened (ISO 8601, UTC).", TIMESTAMP),
    "actor_api_key_id": Doc("The API key that did it, when a key acted rather than a signed-in user; else null."),
    "target_type": Doc("Kind of record acted on.", "organization"),
    "target_id": Doc("Id of the record acted on; null when the action concerns no single record.", ORGANIZATION_ID),
    "target_label": Doc(
        "How the record was named at the time (a name or an e-mail), so the entry reads well after it changes.",
        "Seaside Estates Pvt Ltd",
    ),
    "ip": Doc("IP address the request came from; null when not known.", "203.0.113.24"),
    "user_agent": Doc(
        "User-Agent of the request; null when not known.",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    ),
    # MFA
    "require_mfa_for": Doc(
        "Roles whose members must sign in with MFA; a member without it sets it up at the next sign-in. "
        "Empty: nobody is made to.",
        ["OrganizationOwner", "PropertyManager"],
    ),
    "mfa_setup_required": Doc(
        "True when the organization requires MFA of this member, who has none yet: send the challenge_token "
        "to /identity/mfa/required-setup, which sets MFA up and completes the sign-in.",
        False,
    ),
    "tokens": Doc("The session's tokens, when a required MFA set-up is confirmed: the sign-in is complete."),
    # plans and billing
    "requests_per_hour": Doc("API requests the organization may make per hour on the plan (its rate limit).", 5000),
    "seats": Doc("Members the plan allows, tenants not counted; null: unlimited.", 25),
    "storage_gb": Doc("File storage the plan includes, in GB.", 100),
    "features": Doc("Features the plan includes.", _PREMIUM_FEATURES),
    "monthly_price": Doc("Price of one monthly period in the organization's currency, tax exclusive."),
    "current_period_start": Doc("Start of the current monthly period (ISO 8601, UTC).", TIMESTAMP),
    "current_period_end": Doc(
        "End of the current period (ISO 8601, UTC): the plan renews then, and a scheduled downgrade takes over.",
        _PERIOD_END,
    ),
    "scheduled_plan": Doc(
        "The lower plan that takes over at the end of the current period; null when none is scheduled.", "standard"
    ),
    "scheduled_change_at": Doc(
        "When the scheduled plan takes over (the end of the current period); null when none is scheduled.",
        _PERIOD_END,
    ),
    "limits": Doc("What the current plan allows."),
    "usage": Doc("What the organization uses now, counted against the plan's limits."),
    "available_plans": Doc("Every plan, from standard to enterprise, with its limits and price, to compare."),
    "paid_at": Doc("When the card was charged (ISO 8601, UTC); null while the invoice is open.", TIMESTAMP),
    # e-mail domains
    "domain": Doc("The e-mail domain, lower case, without the @.", _DOMAIN),
    "verification": Doc("The DNS TXT record to publish at the domain to prove the organization controls it."),
    "verified_at": Doc("When the TXT record was found and the domain verified; null while pending.", TIMESTAMP),
}

_CARD = Doc(
    "Card charged at once for an upgrade (the sandbox gateway takes test cards); never stored or logged.",
    "4242424242424242",
)
_CLIENT_NAME = Doc("Name of the application, as the organization's users will recognise it.", "Rent Ledger Sync")
_CLIENT_SCOPES = Doc(
    "Scopes the application may ask users for (or use itself, with client_credentials).",
    ["tickets:read", "tickets:write"],
)
_CLIENT_REVOKED = Doc("Whether the client has been revoked.", False)
_CLIENT_REVOKED_AT = Doc("When the client was revoked; null while it is live.", TIMESTAMP)

ACCOUNT_OVERRIDES = {
    # the audit log
    "AuditEventOut.action": Doc("What happened, as record.event.", "organization.mfa_policy_changed"),
    "AuditEventOut.actor_id": Doc("The user who did it; null when an API key or the system acted.", USER_ID),
    "AuditEventOut.request_id": Doc(
        "Id of the request that did it (X-Request-ID), to find it in the logs; null outside a request.",
        "req_7f3a9c2e41b8",
    ),
    "AuditEventOut.details": Doc(
        "What changed, as text (for example the MFA policy's roles before and after).",
        {"from": "OrganizationOwner", "to": "OrganizationOwner PropertyManager"},
    ),
    "SettingsIn.require_mfa_for": Doc(
        "Roles whose members must sign in with MFA. Left out: unchanged; null or []: nobody is made to.",
        ["OrganizationOwner", "PropertyManager"],
    ),
    "MfaChallengeOut.challenge_token": Doc(
        "Token of the pending sign-in: send it with a code to /identity/mfa/verify, or, when "
        "mfa_setup_required, to /identity/mfa/required-setup.",
        "mfa_Hq3Vt8Xn2Lc6Pw9Rk4Ja",
    ),
    "RequiredSetupIn.challenge_token": Doc(
        "The set-up challenge login answered (mfa_setup_required: true).", "mfa_Hq3Vt8Xn2Lc6Pw9Rk4Ja"
    ),
    "RequiredSetupIn.code": Doc(
        "Six-digit code from the authenticator app (TOTP); left out to start the set-up.", "492039"
    ),
    # plans and billing
    "LimitsOut.properties": Doc("Properties the plan allows; null: unlimited.", 100),
    "LimitsOut.units": Doc("Units the plan allows; null: unlimited.", 5000),
    "UsageOut.seats": Doc("Members and pending invitations now, tenants not counted.", 4),
    "UsageOut.properties": Doc("Properties the organization has now.", 3),
    "SubscriptionOut.status": Doc(
        "active, or past_due: the renewal's charge failed and is retried 1, 3 and 7 days after its invoice "
        "(the plan stays in force meanwhile); after the last failure the organization moves to the free "
        "standard plan, active again.",
        "active",
    ),
    "SubscriptionOut.next_payment_attempt_at": Doc(
        "While past_due: when the open renewal invoice is charged again (ISO 8601, UTC); null otherwise.", TIMESTAMP
    ),
    "SubscriptionOut.plan": Doc("The plan in force now; it sets the rate limit and the limits.", "premium"),
    "UpgradeIn.plan": Doc("The higher plan wanted: premium or enterprise.", "premium"),
    "DowngradeIn.plan": Doc("The lower plan wanted from the end of the period: standard or premium.", "standard"),
    "ChoosePlanIn.plan": Doc(
        "The plan wanted: above the current one an upgrade, below a downgrade, the same one cancels a "
        "scheduled downgrade.",
        "premium",
    ),
    "UpgradeIn.card_number": _CARD,
    "ChoosePlanIn.card_number": Doc(_CARD.description + " Required for an upgrade only.", _CARD.example),
    "UpgradeOut.subscription": Doc("The subscription on the new plan, its period starting now."),
    "UpgradeOut.invoice": Doc("The invoice for the new plan's first period, paid by the charge."),
    "SubscriptionInvoiceOut.number": Doc("The platform's invoice number, per calendar year.", "SUB-2026-000004"),
    "SubscriptionInvoiceOut.plan": Doc("The plan invoiced.", "premium"),
    "SubscriptionInvoiceOut.period_start": Doc("Start of the period invoiced (ISO 8601, UTC).", TIMESTAMP),
    "SubscriptionInvoiceOut.period_end": Doc("End of the period invoiced (ISO 8601, UTC).", _PERIOD_END),
    "SubscriptionInvoiceOut.amount": Doc("The plan's monthly price for the period, tax exclusive."),
    "SubscriptionInvoiceOut.status": Doc(
        "paid (the card was charged), open (issued, its charge failed: retried while the subscription is "
        "past_due) or uncollectible (every retry failed: the organization moved to the free plan).",
        "paid",
    ),
    "SubscriptionInvoiceOut.issued_at": Doc("When the invoice was issued (ISO 8601, UTC).", TIMESTAMP),
    "SubscriptionInvoiceOut.gateway": Doc("Payment gateway that charged the card; null while open.", "sandbox"),
    # e-mail domains
    "DomainOut.status": Doc("pending until the TXT record is found, then verified.", "pending"),
    "VerificationOut.type": Doc("DNS record type: always TXT.", "TXT"),
    "VerificationOut.name": Doc("Where to publish the record: _pmsaas. before the domain.", f"_pmsaas.{_DOMAIN}"),
    "VerificationOut.value": Doc(
        "The record's exact text, carrying the organization's token.",
        "pmsaas-verification=Jq7Xc2Vt9Lp4Rk8Wn3Jd5sHa2Mb6Tz",
    ),
    # OAuth clients (the API keys' words do not fit them)
    "OAuthClientIn.name": _CLIENT_NAME,
    "OAuthClientOut.name": _CLIENT_NAME,
    "RegisteredOAuthClientOut.name": _CLIENT_NAME,
    "OAuthClientIn.scopes": _CLIENT_SCOPES,
    "OAuthClientOut.scopes": _CLIENT_SCOPES,
    "RegisteredOAuthClientOut.scopes": _CLIENT_SCOPES,
    "OAuthClientOut.revoked": _CLIENT_REVOKED,
    "RegisteredOAuthClientOut.revoked": _CLIENT_REVOKED,
    "OAuthClientOut.revoked_at": _CLIENT_REVOKED_AT,
    "RegisteredOAuthClientOut.revoked_at": _CLIENT_REVOKED_AT,
}
