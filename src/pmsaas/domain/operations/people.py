"""The organization's people as the ticketing surface shows them (users and where they work)."""

from __future__ import annotations

from uuid import UUID

from pmsaas.domain.operations.ports import OperationsUnitOfWork, PeopleFilter, Person
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.paging import Page, PageRequest


async def list_people(
    *, uow: OperationsUnitOfWork, actor: Actor, filters: PeopleFilter, page: PageRequest
) -> tuple[Page[Person], dict[UUID, list[tuple[UUID, str]]]]:
    """Users of the organization with the properties they work tickets in."""
    actor.require("user:read")
    async with uow:
        result = await uow.people_directory.people(actor.org, filters, page)
        places = await _assigned_places(uow, actor.org, [p.id for p in result.items])
    return result, places


async def get_person(
    *, uow: OperationsUnitOfWork, actor: Actor, user_id: UUID
) -> tuple[Person, list[tuple[UUID, str]]]:
    actor.require("user:read")
    async with uow:
        person = await uow.people_directory.person(actor.org, user_id)
        places = await _assigned_places(uow, actor.org, [person.id])
    return person, places.get(person.id, [])


async def _assigned_places(
    uow: OperationsUnitOfWork, organization_id: UUID, user_ids: list[UUID]
) -> dict[UUID, list[tuple[UUID, str]]]:
    by_user = await uow.tickets.assignee_properties(organization_id, user_ids)
    all_ids = {p for ids in by_user.values() for p in ids}
    names = await uow.property_directory.property_names(organization_id, all_ids) if all_ids else {}
    return {
        user: sorted(((p, names[p]) for p in ids if p in names), key=lambda x: (x[1], str(x[0])))
        for user, ids in by_user.items()
    }
