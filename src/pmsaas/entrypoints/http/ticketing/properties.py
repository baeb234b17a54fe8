"""GET /v1/properties: the ticketing surface's view of the organization's properties (seed 002).

Same properties as /api/v1/properties, in the seed's shape: ``address`` is ``{street, city, state,
zip, country}`` with the seed's three-letter country (``USA``, ``CAN``, ``IND``), plus
``units_count`` (live units) and ``active_tickets_count``. A PropertyOwner sees only its own.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get

from pmsaas.domain.operations import tickets as operations
from pmsaas.domain.properties import services
from pmsaas.domain.properties.model import Property
from pmsaas.domain.properties.ports import PropertyFilter
from pmsaas.domain.shared.paging import PageRequest
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.ticketing.common import Page_, PerPage, TicketingList, page_of, scope_guard

READ = scope_guard("properties:read", "property:read")
ALPHA3 = {"US": "USA", "CA": "CAN", "IN": "IND"}


class SeedAddress(msgspec.Struct, kw_only=True):
    street: str
    city: str
    state: str
    zip: str
    country: str


class TicketingPropertyOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    address: SeedAddress
    units_count: int
    active_tickets_count: int

    @classmethod
    def of(cls, p: Property, units: int, active_tickets: int = 0) -> TicketingPropertyOut:
        a = p.address
        return cls(
            id=str(p.id),
            name=p.name,
            address=SeedAddress(
                street=a.street,
                city=a.city,
                state=a.province,
                zip=a.postal_code,
                country=ALPHA3.get(a.country, a.country),
            ),
            units_count=units,
            active_tickets_count=active_tickets,
        )


class TicketingPropertyController(Controller):
    path = "/v1/properties"
    tags = ["Ticketing"]

    @get("/", guards=[READ], summary="List properties")
    async def list_properties(
        self, ctx: Context, request: Request[Any, Any, Any], page: Page_ = 1, per_page: PerPage = 10
    ) -> TicketingList[TicketingPropertyOut]:
        found, units = await services.list_properties_with_unit_counts(
            uow=ctx.uow(),
            actor=ctx.actor,
            filters=PropertyFilter(),
            page=PageRequest(page=page, page_size=per_page, sort_by="name"),
        )
        # Open and in-progress tickets live in the operations context.
        ids = {p.id for p in found.items}
        active = await operations.active_ticket_counts(uow=ctx.uow(), actor=ctx.actor, property_ids=ids)
        items = [TicketingPropertyOut.of(p, units.get(p.id, 0), active.get(p.id, 0)) for p in found.items]
        return page_of(request, found, items)
