"""/api/v1/properties/{property_id}/units: units and their status."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.properties import services
from pmsaas.domain.properties.model import MANUAL_UNIT_TRANSITIONS, AreaUnit, Unit, UnitStatus
from pmsaas.domain.properties.ports import UnitFilter
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut

UnitStatusName = Literal["vacant", "occupied", "notice_given", "under_maintenance", "unavailable"]
UnitName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Amenity = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class UnitIn(Input):
    name: UnitName
    floor: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    type: Annotated[str, msgspec.Meta(max_length=50)] | None = None  # e.g. "1bhk", "studio", "office"
    bedrooms: Annotated[int, msgspec.Meta(ge=0, le=50)] | None = None
    bathrooms: Decimal | None = None  # a JSON number or decimal string, in halves: 1.5
    area: Decimal | None = None
    area_unit: Literal["sqft", "sqm"] | None = None
    market_rent: MoneyIn | None = None
    amenities: Annotated[list[Amenity], msgspec.Meta(max_length=100)] = msgspec.field(default_factory=list)

    def to_input(self) -> services.UnitInput:
        return services.UnitInput(
            name=self.name,
            floor=self.floor,
            type=self.type,
            bedrooms=self.bedrooms,
            bathrooms=self.bathrooms,
            area=self.area,
            area_unit=None if self.area_unit is None else AreaUnit(self.area_unit),
            market_rent=None if self.market_rent is None else self.market_rent.to_money("market_rent.amount"),
            amenities=tuple(self.amenities),
        )


class UnitOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: UUID
    property_id: UUID
    name: str
    floor: str | None
    type: str | None
    bedrooms: int | None
    bathrooms: str | None  # decimal string ("1.5")
    area: str | None  # decimal string
    area_unit: str | None
    market_rent: MoneyOut | None
    amenities: list[str]
    status: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, u: Unit) -> UnitOut:
        return cls(
            id=u.id,
            organization_id=u.organization_id,
            property_id=u.property_id,
            name=u.name,
            floor=u.floor,
            type=u.type,
            bedrooms=u.bedrooms,
            bathrooms=None if u.bathrooms is None else str(u.bathrooms),
            area=None if u.area is None else str(u.area),
            area_unit=None if u.area_unit is None else u.area_unit.value,
            market_rent=None if u.market_rent is None else MoneyOut.of(u.market_rent),
            amenities=list(u.amenities),
            status=u.status.value,
            version=u.version,
            created_at=u.created_at,
            updated_at=u.updated_at,
        )


class UnitStatusIn(Input):
    status: UnitStatusName


class UnitStatusOut(msgspec.Struct, kw_only=True):
    unit_id: UUID
    status: str
    allowed_transitions: list[str]  # what PUT .../status accepts from here
    updated_at: datetime

    @classmethod
    def of(cls, u: Unit) -> UnitStatusOut:
        allowed = sorted(s.value for s in MANUAL_UNIT_TRANSITIONS[u.status])
        return cls(unit_id=u.id, status=u.status.value, allowed_transitions=allowed, updated_at=u.updated_at)


class UnitController(Controller):
    path = "/api/v1/properties/{property_id:uuid}/units"
    tags = ["Units"]
    dependencies = {"listing": Provide(list_query(("name", "created_at", "updated_at"), default_sort="name"))}

    @get("/", guards=[requires("unit:read")], summary="List a property's units")
    async def list_units(
        self,
        listing: Listing,
        property_id: FromPath[UUID],
        status: FromQuery[UnitStatusName | None] = None,
        type: Annotated[str | None, QueryParameter(max_length=50)] = None,
        search: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Paginated[UnitOut]:
        ctx = listing.ctx
        filters = UnitFilter(
            status=status,
            type=type,
            search=search,
            created_after=listing.created_after,
            created_before=listing.created_before,
        )
        page = await services.list_units(
            uow=ctx.uow(), actor=ctx.actor, property_id=property_id, filters=filters, page=listing.page
        )
        return paginated(page, [UnitOut.of(u) for u in page.items])

    @post("/", guards=[requires("unit:create")], status_code=HTTP_201_CREATED, summary="Create a unit")
    async def create_unit(self, ctx: Context, property_id: FromPath[UUID], data: JSONBody[UnitIn]) -> Ok[UnitOut]:
        unit = await services.create_unit(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, property_id=property_id, data=data.to_input()
        )
        return ok(UnitOut.of(unit))

    @get("/{unit_id:uuid}", guards=[requires("unit:read")], summary="Get a unit")
    async def get_unit(self, ctx: Context, property_id: FromPath[UUID], unit_id: FromPath[UUID]) -> Ok[UnitOut]:
        unit = await services.get_unit(uow=ctx.uow(), actor=ctx.actor, property_id=property_id, unit_id=unit_id)
        return ok(UnitOut.of(unit))

    @put("/{unit_id:uuid}", guards=[requires("unit:update")], summary="Replace a unit")
    async def update_unit(
        self, ctx: Context, property_id: FromPath[UUID], unit_id: FromPath[UUID], data: JSONBody[UnitIn]
    ) -> Ok[UnitOut]:
        unit = await services.update_unit(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            property_id=property_id,
            unit_id=unit_id,
            data=data.to_input(),
        )
        return ok(UnitOut.of(unit))

    @delete(
        "/{unit_id:uuid}",
        guards=[requires("unit:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a unit (409 while it has an active lease)",
    )
    async def delete_unit(self, ctx: Context, property_id: FromPath[UUID], unit_id: FromPath[UUID]) -> None:
        await services.delete_unit(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, property_id=property_id, unit_id=unit_id
        )

    @get("/{unit_id:uuid}/status", guards=[requires("unit:read")], summary="A unit's status")
    async def get_status(self, ctx: Context, property_id: FromPath[UUID], unit_id: FromPath[UUID]) -> Ok[UnitStatusOut]:
        unit = await services.get_unit(uow=ctx.uow(), actor=ctx.actor, property_id=property_id, unit_id=unit_id)
        return ok(UnitStatusOut.of(unit))

    @put(
        "/{unit_id:uuid}/status",
        guards=[requires("unit:update")],
        summary="Set a unit's status by hand (occupied / notice_given follow the leases: 409)",
    )
    async def set_status(
        self, ctx: Context, property_id: FromPath[UUID], unit_id: FromPath[UUID], data: JSONBody[UnitStatusIn]
    ) -> Ok[UnitStatusOut]:
        unit = await services.set_unit_status(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            property_id=property_id,
            unit_id=unit_id,
            status=UnitStatus(data.status),
        )
        return ok(UnitStatusOut.of(unit))
