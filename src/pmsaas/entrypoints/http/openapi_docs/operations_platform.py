"""Descriptions: health, identity, organizations, properties, units, tenants and leases."""

from __future__ import annotations

_NOT_OURS = " Another organization's id answers 404."

PLATFORM = {
    "GET /health": "Answers 200 while the process runs; it checks no dependency. For liveness probes.",
    "GET /health/ready": "Answers 200 when the database (and Redis, when configured) answer, 503 naming the "
    "failing dependency otherwise. For readiness probes and load balancers.",
    "GET /.well-known/jwks.json": "The RSA public keys (JWK Set, RFC 7517) that verify the RS256 access tokens; "
    "pick the key by the token's kid header. Keys rotate, so cache by kid and refetch on an unknown one.",
    # identity: sessions
    "POST /api/v1/identity/register": "Creates a user account; with organization_name, also an organization "
    "owned by the new user. An e-mail that already has an account gets the same 201 (the owner of the address is "
    "e-mailed instead), so the answer never tells who has an account.",
    "POST /api/v1/identity/login": "Checks e-mail and password and answers an access token, a refresh token "
    "and the user. With MFA on, it answers a challenge to complete at /identity/mfa/verify. A wrong e-mail and a "
    "wrong password give the same 401.",
    "POST /api/v1/identity/refresh": "Trades a refresh token for a new access and refresh token. The token "
    "sent dies; sending a dead one again revokes its whole family (a stolen token is caught).",
    "POST /api/v1/identity/logout": "Revokes the refresh token family and the access token in use; with "
    "all=true, every session of the user.",
    "GET /api/v1/identity/me": "The signed-in user as seen in the current organization (X-Organization-ID, or "
    "the token's): roles, permissions and, for a tenant, the tenant record.",
    "POST /api/v1/identity/forgot-password": "E-mails a single-use reset token when the address has an "
    "account. Always answers the same, so it does not tell whether the address is known.",
    "POST /api/v1/identity/reset-password": "Sets a new password with the token from the reset e-mail; the "
    "token works once, and every session of the user is signed out.",
    "POST /api/v1/identity/invitations/{token}/accept": "Joins the organization of the invitation, with the "
    "roles it names. The caller must be signed in as the invited e-mail address. 409 when the plan's seats "
    "are all taken by then.",
    "POST /api/v1/identity/mfa/setup": "Without a code: starts TOTP set-up and answers the secret and an "
    "otpauth:// URI for the authenticator app. With a code from the app: switches MFA on and answers the "
    "recovery codes, shown once.",
    "POST /api/v1/identity/mfa/verify": "Completes a sign-in that asked for MFA: the challenge token with a "
    "TOTP code or a recovery code answers the tokens, as login does.",
    # identity: users, roles, keys
    "GET /api/v1/identity/users": "The organization's members, paginated, with their roles and status.",
    "POST /api/v1/identity/users": "Adds a member with the given roles. Without a password the user is "
    "invited: an e-mail lets them set one. An e-mail already in the organization is 409. Any role but Tenant "
    "takes one of the plan's seats (pending invitations count): beyond them, 409 naming the plan and its limit, "
    "and nothing is stored or sent.",
    "GET /api/v1/identity/users/{user_id}": "One member, with roles and status." + _NOT_OURS,
    "PUT /api/v1/identity/users/{user_id}": "Updates a member's name, phone, status (active or disabled) and roles; "
    "changing your own status is 409." + _NOT_OURS,
    "DELETE /api/v1/identity/users/{user_id}": "Removes the user from this organization (the account itself "
    "stays); removing yourself is 409. Answers 204." + _NOT_OURS,
    "GET /api/v1/identity/users/{user_id}/roles": "The roles the user holds in this organization and the "
    "permissions they add up to." + _NOT_OURS,
    "PUT /api/v1/identity/users/{user_id}/roles": "Replaces the user's roles in this organization. Only a "
    "SuperAdmin grants SuperAdmin (403); removing your own OrganizationOwner role is 409, and so is giving a "
    "tenant a working role when the plan's seats are all taken.",
    "GET /api/v1/identity/roles": "The built-in roles of the platform and the organization's custom roles, "
    "each with its permission strings.",
    "POST /api/v1/identity/roles": "Creates a custom role from permission strings (resource:action, x:* "
    "and * are wildcards). Granting a permission you do not hold is 403; a built-in role's name is 409.",
    "GET /api/v1/identity/roles/{role_id}": "One role by name, with what it grants.",
    "PUT /api/v1/identity/roles/{role_id}": "Replaces a custom role; built-in roles cannot be changed (409).",
    "DELETE /api/v1/identity/roles/{role_id}": "Deletes a custom role that no member holds (409 otherwise); "
    "answers 204.",
    "GET /api/v1/identity/roles/{role_id}/permissions": "The role's permission strings, as given and with "
    "wildcards spelled out.",
    "PUT /api/v1/identity/roles/{role_id}/permissions": "Replaces the permission strings of a "
    "custom role; granting a permission you do "
    "not hold is 403, a built-in role 409.",
    "GET /api/v1/identity/permissions": "Every permission string the product checks, by resource and action, "
    "for building custom roles.",
    "GET /api/v1/identity/api-keys": "The organization's API keys: name, prefix, scopes, last use. The keys "
    "themselves are never shown again.",
    "POST /api/v1/identity/api-keys": "Creates an API key for service-to-service calls and the ticketing API. "
    "The key (pmk_...) is in this answer only; only its hash is stored.",
    "GET /api/v1/identity/api-keys/{key_id}": "One API key, without the key itself." + _NOT_OURS,
    "DELETE /api/v1/identity/api-keys/{key_id}": "Revokes the key at once; requests with it answer 401 from "
    "then on. Answers 204." + _NOT_OURS,
    # organizations
    "GET /api/v1/organizations": "The organizations the caller is a member of; pick one per request with "
    "X-Organization-ID.",
    "POST /api/v1/organizations": "Creates an organization with its country, currency and tax settings; the "
    "caller becomes its OrganizationOwner.",
    "GET /api/v1/organizations/{organization_id}": "One organization the caller belongs to; any other id is 404.",
    "PUT /api/v1/organizations/{organization_id}": "Updates the organization's name and settings; "
    "select the organization "
    "with X-Organization-ID first (403 otherwise).",
    "DELETE /api/v1/organizations/{organization_id}": "Deletes the organization; answers 204.",
    "GET /api/v1/organizations/{organization_id}/settings": "Country, currency, time zone, locale, tax "
    "registrations (GSTIN and PAN, or the GST/HST number) and document numbering.",
    "PUT /api/v1/organizations/{organization_id}/settings": "Replaces the settings. The GSTIN must carry the "
    "organization's PAN and state; the currency follows the country.",
    # properties and units
    "GET /api/v1/properties": "The organization's properties, paginated; filter by type and status, search "
    "by name. A PropertyOwner sees only the properties it owns.",
    "POST /api/v1/properties": "Adds a property with its address, type and policies; answers 201 with it. "
    "Beyond the plan's number of properties (standard 100, premium 1000): 409 naming the plan and its limit.",
    "GET /api/v1/properties/{property_id}": "One property with its address, amenities and policies." + _NOT_OURS,
    "PUT /api/v1/properties/{property_id}": "Replaces a property's details." + _NOT_OURS,
    "DELETE /api/v1/properties/{property_id}": "Deletes a property; 409 while it has active leases. "
    "Answers 204." + _NOT_OURS,
    "GET /api/v1/properties/{property_id}/amenities": "The amenities the property offers." + _NOT_OURS,
    "GET /api/v1/properties/{property_id}/policies": "The property's house rules: pets, smoking, parking, "
    "quiet hours and the late-fee policy new leases start from." + _NOT_OURS,
    "GET /api/v1/properties/{property_id}/units": "The property's units, paginated; filter by status and "
    "type." + _NOT_OURS,
    "POST /api/v1/properties/{property_id}/units": "Adds a unit (flat, shop, office) to the property; a "
    "name already used in the property is 409. Answers 201.",
    "GET /api/v1/properties/{property_id}/units/{unit_id}": "One unit." + _NOT_OURS,
    "PUT /api/v1/properties/{property_id}/units/{unit_id}": "Replaces a unit's details." + _NOT_OURS,
    "DELETE /api/v1/properties/{property_id}/units/{unit_id}": "Deletes a unit; 409 while a lease on it is "
    "active. Answers 204." + _NOT_OURS,
    "GET /api/v1/properties/{property_id}/units/{unit_id}/status": "The unit's status and the statuses it "
    "may be set to by hand from here.",
    "PUT /api/v1/properties/{property_id}/units/{unit_id}/status": "Sets vacant, under_maintenance or "
    "unavailable by hand. occupied and notice_given follow the unit's leases, so setting them is 409.",
    # tenants
    "GET /api/v1/properties/{property_id}/tenants": "The property's tenants, paginated; search by name or "
    "e-mail. A tenant sees only itself.",
    "POST /api/v1/properties/{property_id}/tenants": "Adds a tenant (a person or a business) to the property, "
    "with contact details and, in India, PAN and GSTIN (checked, check character included).",
    "GET /api/v1/properties/{property_id}/tenants/{tenant_id}": "One tenant." + _NOT_OURS,
    "PUT /api/v1/properties/{property_id}/tenants/{tenant_id}": "Replaces a tenant's details." + _NOT_OURS,
    "DELETE /api/v1/properties/{property_id}/tenants/{tenant_id}": "Deletes a tenant; 409 while a lease of "
    "theirs has not ended. Answers 204." + _NOT_OURS,
    "GET /api/v1/properties/{property_id}/tenants/{tenant_id}/lease": "The tenant's current lease (active, or "
    "under notice); 404 when there is none.",
    "POST /api/v1/properties/{property_id}/tenants/{tenant_id}/lease": "Creates a draft lease for the tenant on "
    "a unit of the property: term, rent, deposit, billing day, escalation, late fee. Activate it to start billing.",
    # leases
    "GET /api/v1/leases": "The organization's leases, paginated; filter by property, unit, tenant, status "
    "and end date. A tenant sees only its own.",
    "GET /api/v1/leases/{lease_id}": "One lease with its terms." + _NOT_OURS,
    "PUT /api/v1/leases/{lease_id}": "Replaces a lease: a draft fully; an active lease only in the terms that "
    "may still change (409 for the others).",
    "POST /api/v1/leases/{lease_id}/activate": "Starts a draft lease: the unit becomes occupied and the rent "
    "schedule is billed from the start date. Overlapping an active lease on the unit is 409.",
    "POST /api/v1/leases/{lease_id}/notice": "Records notice to vacate with the move-out date; the unit shows "
    "notice_given.",
    "POST /api/v1/leases/{lease_id}/end": "Ends the lease at move-out; the unit becomes vacant and the "
    "deposit can be settled.",
    "POST /api/v1/leases/{lease_id}/terminate": "Ends the lease early on the termination date; no rent is "
    "billed after it.",
    "POST /api/v1/leases/{lease_id}/renew": "Renews the lease: the current one ends and a new active lease "
    "follows on, with the new end date and rent (by default the escalated rent). Answers the new lease.",
    "GET /api/v1/leases/{lease_id}/schedule": "The charges the lease bills between from and to: rent, deposit "
    "and recurring charges, each with its period and due date.",
    "GET /api/v1/leases/{lease_id}/recurring-charges": "Charges billed with the rent (maintenance, parking, "
    "common-area maintenance, utilities).",
    "POST /api/v1/leases/{lease_id}/recurring-charges": "Adds a recurring charge with its amount, frequency, "
    "dates and tax treatment; answers 201.",
    "GET /api/v1/leases/{lease_id}/recurring-charges/{charge_id}": "One recurring charge." + _NOT_OURS,
    "PUT /api/v1/leases/{lease_id}/recurring-charges/{charge_id}": "Replaces a recurring charge's amount, frequency, "
    "dates and tax treatment.",
    "DELETE /api/v1/leases/{lease_id}/recurring-charges/{charge_id}": "Removes a recurring charge from future "
    "billing; answers 204.",
}
