"""/v1/users: the organization's users in the ticketing seed's shape.

The seed's roles map from ours (a user's seed role is its highest):
``admin`` = SuperAdmin, OrganizationOwner · ``manager`` = PropertyManager, PropertyOwner ·
``staff`` = MaintenanceStaff, SecurityStaff · ``guest`` = Tenant (and a member with no other role).
``properties`` are the properties the user has tickets assigned in; ``property_id`` filters on them.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery

from pmsaas.domain.notifications import preferences
from pmsaas.domain.notifications.model import ChannelType
from pmsaas.domain.operations import people
from pmsaas.domain.operations.ports import PeopleFilter, Person
from pmsaas.domain.shared.paging import PageRequest
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.ticketing.common import (
    Page_,
    PerPage,
    TicketingItem,
    TicketingList,
    item,
    page_of,
    scope_guard,
    ts,
)

SeedRole = Literal["admin", "manager", "staff", "guest"]
SEED_ROLES: dict[str, frozenset[str]] = {
    "admin": frozenset({"SuperAdmin", "OrganizationOwner"}),
    "manager": frozenset({"PropertyManager", "PropertyOwner"}),
    "staff": frozenset({"MaintenanceStaff", "SecurityStaff"}),
    "guest": frozenset({"Tenant"}),
}
_RANK = ("admin", "manager", "staff", "guest")

READ = scope_guard("users:read", "user:read")


def seed_role(roles: frozenset[str]) -> str:
    for name in _RANK:
        if roles & SEED_ROLES[name]:
            return name
    return "guest"


def people_filter(role: str | None, property_id: UUID | None) -> PeopleFilter:
    if role is None:
        return PeopleFilter(assigned_in_property=property_id)
    higher = _RANK[: _RANK.index(role)]
    excluded = frozenset().union(*(SEED_ROLES[h] for h in higher)) if higher else frozenset()
    return PeopleFilter(roles_any=SEED_ROLES[role], roles_none=excluded, assigned_in_property=property_id)


class PropertyRef(msgspec.Struct, kw_only=True):
    id: str
    name: str


class UserOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    email: str
    role: str
    created_at: str
    properties: list[PropertyRef]


class Notifications(msgspec.Struct, kw_only=True):
    email: bool = True
    sms: bool = False


class Preferences(msgspec.Struct, kw_only=True):
    notifications: Notifications


class UserDetailOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    email: str
    phone: str | None
    role: str
    created_at: str
    updated_at: str
    properties: list[PropertyRef]
    preferences: Preferences


def _places(places: list[tuple[UUID, str]]) -> list[PropertyRef]:
    return [PropertyRef(id=str(pid), name=name) for pid, name in places]


def user_out(p: Person, places: list[tuple[UUID, str]]) -> UserOut:
    return UserOut(
        id=str(p.id),
        name=p.name,
        email=p.email,
        role=seed_role(p.roles),
        created_at=ts(p.created_at),
        properties=_places(places),
    )


class TicketingUserController(Controller):
    path = "/v1/users"
    tags = ["Ticketing"]

    @get("/", guards=[READ], summary="List users")
    async def list_users(
        self,
        ctx: Context,
        request: Request[Any, Any, Any],
        role: FromQuery[SeedRole | None] = None,
        property_id: FromQuery[UUID | None] = None,
        page: Page_ = 1,
        per_page: PerPage = 10,
    ) -> TicketingList[UserOut]:
        result, places = await people.list_people(
            uow=ctx.uow(),
            actor=ctx.actor,
            filters=people_filter(role, property_id),
            page=PageRequest(page=page, page_size=per_page, sort_by="created_at"),
        )
        return page_of(request, result, [user_out(p, places.get(p.id, [])) for p in result.items])

    @get("/{user_id:uuid}", guards=[READ], summary="Get a user")
    async def get_user(self, ctx: Context, user_id: FromPath[UUID]) -> TicketingItem[UserDetailOut]:
        p, places = await people.get_person(uow=ctx.uow(), actor=ctx.actor, user_id=user_id)
        prefs = await preferences.member_preferences(uow=ctx.uow(), actor=ctx.actor, user_id=p.id)
        return item(
            UserDetailOut(
                id=str(p.id),
                name=p.name,
                email=p.email,
                phone=p.phone,
                role=seed_role(p.roles),
                created_at=ts(p.created_at),
                updated_at=ts(p.updated_at),
                properties=_places(places),
                # The user's stored channel switches (PUT /api/v1/notifications/preferences), or the
                # defaults (e-mail on, SMS off) when they never saved any.
                preferences=Preferences(
                    notifications=Notifications(
                        email=prefs.allows(ChannelType.EMAIL, None), sms=prefs.allows(ChannelType.SMS, None)
                    )
                ),
            )
        )
