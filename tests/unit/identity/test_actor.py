"""The Actor: permissions with wildcards, the organization every query is scoped to."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.identity.roles import ALL_PERMISSIONS, ROLES, permissions_for
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import PermissionDenied


def actor(*roles: str, org: uuid.UUID | None = None) -> Actor:
    return Actor(
        user_id=uuid.uuid4(),
        organization_id=org or uuid.uuid4(),
        roles=frozenset(roles),
        permissions=permissions_for(roles),
    )


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        ("SuperAdmin", ALL_PERMISSIONS, ()),
        ("OrganizationOwner", ("org:update", "user:delete", "property:create"), ()),
        ("PropertyManager", ("property:read", "property:update", "tenant:delete"), ("property:create", "user:update")),
        ("PropertyOwner", ("property:read", "financial:read"), ("property:update", "tenant:read")),
        ("Tenant", ("unit:read", "maintenance:create", "payment:create"), ("property:read", "user:read", "org:update")),
        ("MaintenanceStaff", ("workorder:update", "maintenance:assign"), ("property:read", "payment:create")),
        ("SecurityStaff", ("visitor:create", "security:update"), ("maintenance:read", "user:read")),
    ],
)
def test_roles_grant_what_the_seed_says(role, allowed, denied):
    a = actor(role)
    for permission in allowed:
        assert a.can(permission), permission
        a.require(permission)
    for permission in denied:
        assert not a.can(permission), permission
        with pytest.raises(PermissionDenied):
            a.require(permission)


@given(st.sets(st.sampled_from(sorted(ROLES))), st.sampled_from(ALL_PERMISSIONS))
def test_more_roles_never_take_permissions_away(roles, permission):
    base = actor(*roles)
    more = actor(*roles, "Tenant")
    assert not base.can(permission) or more.can(permission)


def test_org_is_required_for_scoped_work():
    org = uuid.uuid4()
    assert actor("Tenant", org=org).org == org
    orphan = Actor(user_id=uuid.uuid4(), organization_id=None)
    with pytest.raises(PermissionDenied):
        _ = orphan.org
    assert not orphan.can("property:read")


def test_is_tenant_only_without_tenant_management():
    assert actor("Tenant").is_tenant
    assert not actor("Tenant", "PropertyManager").is_tenant  # a manager who also rents sees everything
    assert not actor("PropertyManager").is_tenant
