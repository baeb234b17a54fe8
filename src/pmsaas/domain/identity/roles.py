"""Roles and permission strings.

The base grants are seed 000's role table, verbatim. ``EXTENSIONS`` adds grants for resources
the seed's table does not mention (leases, vendors, webhooks, API keys...), so that the roles
keep their evident meaning as the product grows; it never removes a seed grant.
"""

from __future__ import annotations

from pmsaas.domain.shared.actor import permission_matches

SEED_ROLES: dict[str, tuple[str, ...]] = {
    "SuperAdmin": ("*",),
    "OrganizationOwner": ("org:*", "property:*", "user:*"),
    "PropertyManager": ("property:read", "property:update", "tenant:*"),
    "PropertyOwner": ("property:read", "financial:read"),
    "Tenant": ("unit:read", "maintenance:create", "payment:create"),
    "MaintenanceStaff": ("workorder:*", "maintenance:*"),
    "SecurityStaff": ("visitor:*", "security:*"),
}

EXTENSIONS: dict[str, tuple[str, ...]] = {
    # The owner of an organization runs all of it.
    "OrganizationOwner": (
        "tenant:*",
        "unit:*",
        "lease:*",
        "financial:*",
        "maintenance:*",
        "workorder:*",
        "vendor:*",
        "community:*",
        "notification:*",
        "webhook:*",
        "apikey:*",
        "visitor:*",
        "security:*",
        "payment:*",
        "role:*",  # the organization's custom roles (issue 13)
        "oauthclient:*",  # third-party applications registered with the organization (issue 13)
    ),
    # Money (issue 4): managers bill and record manual payments; tenants see and pay their own.
    "PropertyManager": ("financial:read", "financial:create", "financial:update", "payment:read", "payment:create"),
    "Tenant": ("financial:read", "payment:read"),
}

# Leasing (issue 3): managers run units and leases; owners and tenants read them (scoped to what
# they own / rent by the properties context).
_LEASING: dict[str, tuple[str, ...]] = {
    "PropertyManager": ("unit:*", "lease:*"),
    "PropertyOwner": ("unit:read", "lease:read"),
    "Tenant": ("lease:read",),
}
for _role, _grants in _LEASING.items():
    EXTENSIONS[_role] = EXTENSIONS.get(_role, ()) + _grants

# Operations (issue 5): managers run maintenance, work orders and vendors and see the users they
# assign; maintenance staff see the vendors they work with.
_OPERATIONS: dict[str, tuple[str, ...]] = {
    "PropertyManager": ("maintenance:*", "workorder:*", "vendor:*", "user:read"),
    "MaintenanceStaff": ("vendor:read",),
}
for _role, _grants in _OPERATIONS.items():
    EXTENSIONS[_role] = EXTENSIONS.get(_role, ()) + _grants

# Notifications (issue 12): everyone reads, marks and dismisses their own inbox and sets their own
# preferences (the use cases scope them to the caller); managers also send notifications and run
# templates and channels ("notification:manage"). Webhooks stay the owner's.
_OWN_INBOX = ("notification:read", "notification:update", "notification:delete")
_NOTIFICATIONS: dict[str, tuple[str, ...]] = {role: _OWN_INBOX for role in SEED_ROLES if role != "SuperAdmin"}
_NOTIFICATIONS["PropertyManager"] = ("notification:*",)
for _role, _grants in _NOTIFICATIONS.items():
    EXTENSIONS[_role] = EXTENSIONS.get(_role, ()) + _grants

# Community (issue 16): residents (tenants, property owners) read events and the marketplace, register,
# list items and remove their own ("community:create/update/delete", scoped to the caller by the use
# cases); managers also run events and review reported listings ("community:manage").
_RESIDENT = ("community:read", "community:create", "community:update", "community:delete")
_COMMUNITY: dict[str, tuple[str, ...]] = {
    "PropertyManager": ("community:*",),
    "Tenant": _RESIDENT,
    "PropertyOwner": _RESIDENT,
}
for _role, _grants in _COMMUNITY.items():
    EXTENSIONS[_role] = EXTENSIONS.get(_role, ()) + _grants

ROLE_DESCRIPTIONS: dict[str, str] = {
    "SuperAdmin": "Operator of the platform: every permission in every organization.",
    "OrganizationOwner": "Owns the organization: settings, users, properties and everything in them.",
    "PropertyManager": "Runs the day-to-day of the organization's properties.",
    "PropertyOwner": "Owns one or more properties and sees their figures.",
    "Tenant": "Rents a unit; sees only their own lease, invoices, payments and requests.",
    "MaintenanceStaff": "Works maintenance requests and work orders.",
    "SecurityStaff": "Handles visitors and security at the gate.",
}

ROLES: dict[str, tuple[str, ...]] = {name: SEED_ROLES[name] + EXTENSIONS.get(name, ()) for name in SEED_ROLES}

# Every concrete permission the product checks; wildcards in roles expand over these.
RESOURCES: dict[str, tuple[str, ...]] = {
    "org": (
        "read",
        "create",
        "update",
        "delete",
        "billing",
        "domains",
        "audit",
    ),  # billing, domains, audit: issue 13, the owner's
    "user": ("read", "create", "update", "delete"),
    "property": ("read", "create", "update", "delete"),
    "unit": ("read", "create", "update", "delete"),
    "tenant": ("read", "create", "update", "delete"),
    "lease": ("read", "create", "update", "delete"),
    "financial": ("read", "create", "update", "delete", "approve"),
    "payment": ("read", "create", "update", "refund"),
    "maintenance": ("read", "create", "update", "delete", "assign"),
    "workorder": ("read", "create", "update", "delete"),
    "vendor": ("read", "create", "update", "delete"),
    "community": ("read", "create", "update", "delete", "manage"),
    "notification": ("read", "create", "update", "delete", "manage"),
    "webhook": ("read", "create", "update", "delete"),
    "apikey": ("read", "create", "delete"),
    "oauthclient": ("read", "create", "delete"),
    "role": ("read", "create", "update", "delete"),
    "visitor": ("read", "create", "update", "delete"),
    "security": ("read", "update"),
}

ALL_PERMISSIONS: tuple[str, ...] = tuple(f"{r}:{a}" for r, actions in RESOURCES.items() for a in actions)


def is_known_role(name: str) -> bool:
    return name in ROLES


def permissions_for(roles: frozenset[str] | set[str] | list[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted.update(ROLES.get(role, ()))
    return frozenset(granted)


def expand(granted: frozenset[str]) -> list[str]:
    """The concrete permissions a set of (possibly wildcard) grants allows."""
    return [p for p in ALL_PERMISSIONS if any(permission_matches(g, p) for g in granted)]
