"""The ticket assignment flow (``pmsaas.domain.flows.ticket_assignment``) over the fakes, SQL on SQLite
and SQL on PostgreSQL: a member may be assigned a maintenance request when their roles, built-in or
the organization's custom ones, grant ``maintenance:update``. The adapters only load the membership
(its roles and its custom roles' grants); identity's role table and operations' rule decide.

Like the work-order cost flow's suite these tests commit; new organization ids keep them apart."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.flows import ticket_assignment
from pmsaas.domain.identity.model import CustomRole
from pmsaas.domain.operations.tickets import TicketChanges
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.ids import new_id

CLOCK = FixedClock(b.at(3600))


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


@dataclass(frozen=True)
class Crew:
    org: UUID
    ticket_id: UUID
    staff: UUID  # MaintenanceStaff (built-in, grants maintenance:*)
    guard: UUID  # SecurityStaff (built-in, no maintenance grant)
    handyman: UUID  # the custom role "Handyman": maintenance:update
    handyman_wildcard: UUID  # the custom role "Fixer": maintenance:*
    viewer: UUID  # the custom role "Viewer": maintenance:read only
    outsider: UUID  # MaintenanceStaff of another organization

    @property
    def manager(self) -> Actor:
        return Actor(new_id(), self.org, frozenset({"PropertyManager"}), frozenset({"maintenance:*"}))


def _custom_role(org: UUID, name: str, *permissions: str) -> CustomRole:
    return CustomRole(org, name, f"{name} of the crew", frozenset(permissions), b.T0, b.T0)


async def _crew(make_uow) -> Crew:  # type: ignore[no-untyped-def]
    org, other = new_id(), new_id()
    ticket = b.ticket(org, new_id(), title="Leak")
    people = {k: b.user() for k in ("staff", "guard", "handyman", "handyman_wildcard", "viewer", "outsider")}
    roles = {
        "staff": (org, "MaintenanceStaff"),
        "guard": (org, "SecurityStaff"),
        "handyman": (org, "Handyman"),
        "handyman_wildcard": (org, "Fixer"),
        "viewer": (org, "Viewer"),
        "outsider": (other, "MaintenanceStaff"),
    }
    async with make_uow() as uow:
        await uow.custom_roles.add(_custom_role(org, "Handyman", "maintenance:update", "maintenance:read"))
        await uow.custom_roles.add(_custom_role(org, "Fixer", "maintenance:*"))
        await uow.custom_roles.add(_custom_role(org, "Viewer", "maintenance:read", "property:read"))
        for key, user in people.items():
            await uow.users.add(user)
            where, role = roles[key]
            await uow.memberships.add(b.membership(where, user.id, role))
        await uow.tickets.add(ticket)
        await uow.commit()
    return Crew(org, ticket.id, **{k: u.id for k, u in people.items()})


async def _assign(make_uow, crew: Crew, who: UUID) -> UUID | None:  # type: ignore[no-untyped-def]
    details = await ticket_assignment.assign_ticket(
        uow=make_uow(), clock=CLOCK, actor=crew.manager, ticket_id=crew.ticket_id, assignee_id=who
    )
    return details.ticket.assignee_id


async def test_a_custom_role_granting_maintenance_update_may_be_assigned_like_a_built_in_one(make_uow):
    crew = await _crew(make_uow)
    for who in (crew.staff, crew.handyman, crew.handyman_wildcard):
        assert await _assign(make_uow, crew, who) == who
    async with make_uow() as uow:
        assert (await uow.tickets.get(crew.org, crew.ticket_id)).assignee_id == crew.handyman_wildcard


async def test_roles_without_the_grant_or_no_membership_here_are_refused_and_nothing_is_written(make_uow):
    crew = await _crew(make_uow)
    refused = {
        crew.viewer: "this user's roles may not work maintenance requests",
        crew.guard: "this user's roles may not work maintenance requests",
        crew.outsider: "no such user in this organization",
        new_id(): "no such user in this organization",
    }
    for who, message in refused.items():
        with pytest.raises(ValidationFailed) as caught:
            await _assign(make_uow, crew, who)
        assert [(p.field, p.message) for p in caught.value.problems] == [("assignee_id", message)]
    async with make_uow() as uow:
        ticket = await uow.tickets.get(crew.org, crew.ticket_id)
        assert ticket.assignee_id is None and ticket.version == 1


async def test_the_ticketing_patch_applies_the_same_rule_to_assigned_to(make_uow):
    crew = await _crew(make_uow)

    async def patch(who: UUID) -> UUID | None:
        details = await ticket_assignment.update_ticket(
            uow=make_uow(),
            clock=CLOCK,
            actor=crew.manager,
            ticket_id=crew.ticket_id,
            changes=TicketChanges(assignee_id=who),
        )
        return details.ticket.assignee_id

    with pytest.raises(ValidationFailed) as caught:
        await patch(crew.viewer)
    assert [p.field for p in caught.value.problems] == ["assigned_to"]
    assert await patch(crew.handyman) == crew.handyman
