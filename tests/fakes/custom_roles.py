"""In-memory custom roles, and the grants they add to memberships (as the SQL adapter fills them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from fakes.store import FakeDatabase
from pmsaas.domain.identity.model import CustomRole, Membership
from pmsaas.domain.identity.ports import CustomRoleRepository
from pmsaas.domain.shared.errors import Conflict, NotFound


class FakeCustomRoleRepository(CustomRoleRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _clashes(self, role: CustomRole) -> bool:
        return any(
            r.name.lower() == role.name.lower() and r.id != role.id
            for r in self._db.custom_roles.of(role.organization_id)
        )

    async def add(self, role: CustomRole) -> None:
        if self._clashes(role):
            raise Conflict(f"a role named {role.name!r} already exists")
        self._db.custom_roles.put(role.organization_id, role.id, role)

    async def get(self, organization_id: UUID, role_id: UUID) -> CustomRole:
        found = self._db.custom_roles.find(organization_id, role_id)
        if found is None:
            raise NotFound("role", role_id)
        return found

    async def list(self, organization_id: UUID) -> list[CustomRole]:
        return sorted(self._db.custom_roles.of(organization_id), key=lambda r: r.name.lower())

    async def update(self, role: CustomRole) -> None:
        if self._clashes(role):
            raise Conflict(f"a role named {role.name!r} already exists")
        if self._db.custom_roles.find(role.organization_id, role.id) is not None:
            self._db.custom_roles.put(role.organization_id, role.id, role)

    async def remove(self, organization_id: UUID, role_id: UUID) -> None:
        self._db.custom_roles.soft_delete(organization_id, role_id, datetime.min)


def with_custom_grants(db: FakeDatabase, found: Iterable[Membership]) -> None:
    for m in found:
        if m.custom_role_names:
            roles = {r.name: r.permissions for r in db.custom_roles.of(m.organization_id)}
            m.custom_grants = frozenset().union(*(roles.get(r, frozenset()) for r in m.roles))
