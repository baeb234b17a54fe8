"""Roles and permission strings: seed 000's table verbatim, wildcards, documented extensions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.identity.roles import (
    ALL_PERMISSIONS,
    EXTENSIONS,
    RESOURCES,
    ROLE_DESCRIPTIONS,
    ROLES,
    SEED_ROLES,
    expand,
    is_known_role,
    permissions_for,
)
from pmsaas.domain.shared.actor import permission_matches

# Seed 000, "Role-Based Access Control (RBAC)", copied verbatim.
SEED_000 = {
    "SuperAdmin": ["*"],
    "OrganizationOwner": ["org:*", "property:*", "user:*"],
    "PropertyManager": ["property:read", "property:update", "tenant:*"],
    "PropertyOwner": ["property:read", "financial:read"],
    "Tenant": ["unit:read", "maintenance:create", "payment:create"],
    "MaintenanceStaff": ["workorder:*", "maintenance:*"],
    "SecurityStaff": ["visitor:*", "security:*"],
}

resources = st.sampled_from(sorted(RESOURCES))
actions = st.sampled_from(sorted({a for acts in RESOURCES.values() for a in acts}))
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


def test_the_seed_table_is_reproduced_verbatim():
    assert {role: list(grants) for role, grants in SEED_ROLES.items()} == SEED_000
    assert list(SEED_ROLES) == list(SEED_000)


def test_extensions_only_add():
    assert set(ROLES) == set(SEED_000) == set(ROLE_DESCRIPTIONS)
    for role, grants in SEED_000.items():
        assert list(ROLES[role][: len(grants)]) == grants  # the seed's grants first, unchanged
        assert set(ROLES[role]) == set(grants) | set(EXTENSIONS.get(role, ()))
    # The roles keep their evident meaning: a manager never gains user management, a tenant never writes properties.
    assert not any(permission_matches(g, "user:update") for g in ROLES["PropertyManager"])
    assert not any(permission_matches(g, p) for g in ROLES["Tenant"] for p in ("property:update", "user:read"))
    assert "SuperAdmin" not in EXTENSIONS


def test_every_grant_names_a_known_resource():
    for grants in ROLES.values():
        for grant in grants:
            if grant != "*":
                resource, action = grant.split(":")
                assert resource in RESOURCES and (action == "*" or action in RESOURCES[resource]), grant


@given(resources, actions)
def test_star_grants_everything(resource, action):
    assert permission_matches("*", f"{resource}:{action}")


@given(resources, actions, resources)
def test_resource_wildcards_stay_within_their_resource(resource, action, other):
    wanted = f"{resource}:{action}"
    assert permission_matches(f"{resource}:*", wanted)
    assert permission_matches(f"{other}:*", wanted) == (other == resource)


@given(names, names, names)
def test_wildcards_do_not_match_prefixes(resource, suffix, action):
    assert not permission_matches(f"{resource}:*", f"{resource}{suffix}:{action}")
    assert not permission_matches(f"{resource}{suffix}:*", f"{resource}:{action}")


@given(names, names, names, names)
def test_exact_grants_match_only_themselves(r1, a1, r2, a2):
    assert permission_matches(f"{r1}:{a1}", f"{r2}:{a2}") == ((r1, a1) == (r2, a2))


@given(st.sets(st.sampled_from(sorted(ROLES))))
def test_permissions_of_several_roles_are_the_union(roles):
    granted = permissions_for(roles)
    assert granted == frozenset().union(*(set(ROLES[r]) for r in roles)) if roles else granted == frozenset()
    concrete = expand(granted)
    assert set(concrete) <= set(ALL_PERMISSIONS)
    for permission in ALL_PERMISSIONS:
        assert (permission in concrete) == any(permission_matches(g, permission) for g in granted)


def test_expand_examples():
    assert expand(frozenset({"*"})) == list(ALL_PERMISSIONS)
    assert expand(frozenset({"tenant:*"})) == ["tenant:read", "tenant:create", "tenant:update", "tenant:delete"]
    assert expand(frozenset()) == []


def test_unknown_roles_grant_nothing():
    assert not is_known_role("Admin") and not is_known_role("superadmin")
    assert permissions_for(["Admin", "Wizard"]) == frozenset()
    assert all(is_known_role(r) for r in SEED_000)
