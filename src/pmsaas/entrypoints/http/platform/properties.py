"""/api/v1/properties: the property resource."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.properties import services
from pmsaas.domain.properties.model import Property, PropertyStatus, PropertyType
from pmsaas.domain.properties.ports import PropertiesUnitOfWork, PropertyFilter
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import CurrentActor, CurrentClock, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.structs import AddressIn, AddressOut, Input, LongText, Name

PropertyTypeName = Literal["residential", "commercial", "mixed_use"]
PropertyStatusName = Literal["active", "inactive"]


class PropertyIn(Input):
    name: Name
    type: PropertyTypeName
    address: AddressIn
    status: PropertyStatusName = "active"
    description: LongText | None = None
    year_built: Annotated[int, msgspec.Meta(ge=1800, le=2100)] | None = None


class PropertyOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: FromPath[UUID]
    name: str
    type: str
    status: str
    address: AddressOut
    description: str | None
    year_built: int | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: Property) -> PropertyOut:
        return cls(
            id=p.id,
            organization_id=p.organization_id,
            name=p.name,
            type=p.type.value,
            status=p.status.value,
            address=AddressOut.of(p.address),
            description=p.description,
            year_built=p.year_built,
            version=p.version,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


def to_input(body: PropertyIn) -> services.PropertyInput:
    a = body.address
    region = a.province or a.state
    if not region:
        raise ValidationFailed.single("address.province", "is required (province or state)")
    return services.PropertyInput(
        name=body.name,
        type=PropertyType(body.type),
        status=PropertyStatus(body.status),
        description=body.description,
        year_built=body.year_built,
        address=services.AddressInput(
            street=a.street, city=a.city, province=region, postal_code=a.postal_code, country=a.country
        ),
    )


class PropertyController(Controller):
    path = "/api/v1/properties"
    tags = ["Properties"]
    dependencies = {"listing": Provide(list_query(("name", "created_at", "updated_at")))}

    @get("/", guards=[requires("property:read")], summary="List properties")
    async def list_properties(
        self,
        uow: NamedDependency[PropertiesUnitOfWork],
        actor: CurrentActor,
        listing: Listing,
        status: FromQuery[PropertyStatusName | None] = None,
        type: FromQuery[PropertyTypeName | None] = None,  # the contract names it "type"
        search: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Paginated[PropertyOut]:
        filters = PropertyFilter(
            status=status,
            type=type,
            search=search,
            created_after=listing.created_after,
            created_before=listing.created_before,
        )
        page = await services.list_properties(uow=uow, actor=actor, filters=filters, page=listing.page)
        return paginated(page, [PropertyOut.of(p) for p in page.items])

    @post("/", guards=[requires("property:create")], status_code=HTTP_201_CREATED, summary="Create a property")
    async def create_property(
        self,
        uow: NamedDependency[PropertiesUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        data: JSONBody[PropertyIn],
    ) -> Ok[PropertyOut]:
        prop = await services.create_property(uow=uow, clock=clock, actor=actor, data=to_input(data))
        return ok(PropertyOut.of(prop))

    @get("/{property_id:uuid}", guards=[requires("property:read")], summary="Get a property")
    async def get_property(
        self, uow: NamedDependency[PropertiesUnitOfWork], actor: CurrentActor, property_id: FromPath[UUID]
    ) -> Ok[PropertyOut]:
        return ok(PropertyOut.of(await services.get_property(uow=uow, actor=actor, property_id=property_id)))

    @put("/{property_id:uuid}", guards=[requires("property:update")], summary="Replace a property")
    async def update_property(
        self,
        uow: NamedDependency[PropertiesUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        property_id: FromPath[UUID],
        data: JSONBody[PropertyIn],
    ) -> Ok[PropertyOut]:
        prop = await services.update_property(
            uow=uow, clock=clock, actor=actor, property_id=property_id, data=to_input(data)
        )
        return ok(PropertyOut.of(prop))

    @delete(
        "/{property_id:uuid}",
        guards=[requires("property:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a property",
    )
    async def delete_property(
        self,
        uow: NamedDependency[PropertiesUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        property_id: FromPath[UUID],
    ) -> None:
        await services.delete_property(uow=uow, clock=clock, actor=actor, property_id=property_id)
