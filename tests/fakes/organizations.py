"""In-memory adapters of the organizations context's ports."""

from __future__ import annotations

import copy
from datetime import datetime
from uuid import UUID

from fakes.store import FakeDatabase, page_of
from pmsaas.domain.identity.model import Membership
from pmsaas.domain.organizations.model import Organization
from pmsaas.domain.organizations.ports import MembershipDirectory, OrganizationRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

_SORT = {"created_at": lambda o: o.created_at, "name": lambda o: o.name, "updated_at": lambda o: o.updated_at}


class FakeOrganizationRepository(OrganizationRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _live(self, organization_id: UUID) -> Organization | None:
        if organization_id in self._db.organizations_deleted:
            return None
        return self._db.organizations.get(organization_id)

    async def add(self, org: Organization) -> None:
        self._db.organizations[org.id] = copy.deepcopy(org)

    async def get(self, organization_id: UUID) -> Organization:
        found = self._live(organization_id)
        if found is None:
            raise NotFound("organization", organization_id)
        return copy.deepcopy(found)

    async def update(self, org: Organization, expected_version: int) -> None:
        current = self._live(org.id)
        if current is None or current.version != expected_version:
            raise Conflict("the organization was changed by someone else; reload and retry")
        stored = copy.deepcopy(org)
        stored.created_at = current.created_at
        self._db.organizations[org.id] = stored

    async def delete(self, organization_id: UUID, at: datetime) -> None:
        if organization_id in self._db.organizations:  # the SQL adapter is silent about an unknown id
            self._db.organizations_deleted.setdefault(organization_id, at)

    async def list(self, ids: list[UUID] | None, page: PageRequest) -> Page[Organization]:
        wanted = None if ids is None else set(ids)
        live = [o for o in self._db.organizations.values() if self._live(o.id) is not None]
        items = [copy.deepcopy(o) for o in live if wanted is None or o.id in wanted]
        return page_of(items, page, _SORT, lambda o: o.id)


class FakeMembershipDirectory(MembershipDirectory):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def organizations_of(self, user_id: UUID) -> list[UUID]:
        return [org for (org, user) in self._db.memberships if user == user_id]

    async def add_owner(self, *, organization_id: UUID, user_id: UUID, at: datetime) -> None:
        if (organization_id, user_id) in self._db.memberships:
            raise Conflict("this user is already a member of the organization")  # SQL: the unique constraint
        self._db.memberships[(organization_id, user_id)] = Membership(
            user_id=user_id, organization_id=organization_id, roles=frozenset({"OrganizationOwner"}), created_at=at
        )

    async def remove_all(self, organization_id: UUID) -> None:
        for key in [k for k in self._db.memberships if k[0] == organization_id]:
            del self._db.memberships[key]
