"""/api/v1/properties: the property resource."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from decimal import Decimal
from typing import Annotated, Literal, TypeVar
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.properties import services
from pmsaas.domain.properties.model import (
    LateFeePolicy,
    Parking,
    Property,
    PropertyPolicies,
    PropertyStatus,
    PropertyType,
    QuietHours,
)
from pmsaas.domain.properties.ports import PropertyFilter
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.structs import AddressIn, AddressOut, AmountText, Input, LongText, Name, ShortText

PropertyTypeName = Literal["residential", "commercial", "mixed_use"]
PropertyStatusName = Literal["active", "inactive"]
Amenity = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Amenities = Annotated[list[Amenity], msgspec.Meta(max_length=100)]
ClockTime = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]  # "22:00"


class ParkingIn(Input):
    available: bool
    spaces: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None
    notes: ShortText | None = None


class QuietHoursIn(Input):
    start: ClockTime
    end: ClockTime


class LateFeePolicyIn(Input):
    kind: Literal["flat", "percentage"]
    value: AmountText  # an amount (flat) or a percentage, as a decimal string
    cap: AmountText | None = None  # in the organization's currency


class PoliciesIn(Input):
    pets_allowed: bool | None = None
    pet_notes: ShortText | None = None
    smoking_allowed: bool | None = None
    parking: ParkingIn | None = None
    quiet_hours: QuietHoursIn | None = None
    late_fee: LateFeePolicyIn | None = None
    grace_days: Annotated[int, msgspec.Meta(ge=0, le=60)] | None = None

    def to_domain(self) -> PropertyPolicies:
        fee = self.late_fee
        return PropertyPolicies(
            pets_allowed=self.pets_allowed,
            pet_notes=self.pet_notes,
            smoking_allowed=self.smoking_allowed,
            parking=None
            if self.parking is None
            else Parking(self.parking.available, self.parking.spaces, self.parking.notes),
            quiet_hours=None
            if self.quiet_hours is None
            else QuietHours(time.fromisoformat(self.quiet_hours.start), time.fromisoformat(self.quiet_hours.end)),
            late_fee=None
            if fee is None
            else LateFeePolicy(fee.kind, Decimal(fee.value), None if fee.cap is None else Decimal(fee.cap)),
            grace_days=self.grace_days,
        )


class ParkingOut(msgspec.Struct, kw_only=True):
    available: bool
    spaces: int | None
    notes: str | None


class QuietHoursOut(msgspec.Struct, kw_only=True):
    start: str
    end: str


class LateFeePolicyOut(msgspec.Struct, kw_only=True):
    kind: str
    value: str
    cap: str | None


class PoliciesOut(msgspec.Struct, kw_only=True):
    pets_allowed: bool | None
    pet_notes: str | None
    smoking_allowed: bool | None
    parking: ParkingOut | None
    quiet_hours: QuietHoursOut | None
    late_fee: LateFeePolicyOut | None
    grace_days: int | None

    @classmethod
    def of(cls, p: PropertyPolicies) -> PoliciesOut:
        fee, q, park = p.late_fee, p.quiet_hours, p.parking
        return cls(
            pets_allowed=p.pets_allowed,
            pet_notes=p.pet_notes,
            smoking_allowed=p.smoking_allowed,
            parking=None
            if park is None
            else ParkingOut(available=park.available, spaces=park.spaces, notes=park.notes),
            quiet_hours=None
            if q is None
            else QuietHoursOut(start=q.start.strftime("%H:%M"), end=q.end.strftime("%H:%M")),
            late_fee=None
            if fee is None
            else LateFeePolicyOut(kind=fee.kind, value=str(fee.value), cap=None if fee.cap is None else str(fee.cap)),
            grace_days=p.grace_days,
        )


class AmenitiesOut(msgspec.Struct, kw_only=True):
    property_id: UUID
    amenities: list[str]


class PropertyIn(Input):
    name: Name
    type: PropertyTypeName
    address: AddressIn
    status: PropertyStatusName = "active"
    description: LongText | None = None
    year_built: Annotated[int, msgspec.Meta(ge=1800, le=2100)] | None = None
    # Absent: unchanged by a PUT (and empty on create); null: cleared.
    amenities: Amenities | msgspec.UnsetType | None = msgspec.UNSET
    policies: PoliciesIn | msgspec.UnsetType | None = msgspec.UNSET
    owner_ids: Annotated[list[UUID], msgspec.Meta(max_length=50)] | msgspec.UnsetType | None = msgspec.UNSET


class PropertyOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: FromPath[UUID]
    name: str
    type: str
    status: str
    address: AddressOut
    description: str | None
    year_built: int | None
    amenities: list[str]
    policies: PoliciesOut
    owner_ids: list[UUID]
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
            amenities=list(p.amenities),
            policies=PoliciesOut.of(p.policies),
            owner_ids=list(p.owner_ids),
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
        amenities=_unset_or(body.amenities, lambda v: tuple(v or ()), ()),
        policies=_unset_or(body.policies, lambda v: v.to_domain() if v else PropertyPolicies(), PropertyPolicies()),
        owner_ids=_unset_or(body.owner_ids, lambda v: tuple(v or ()), ()),
    )


_V = TypeVar("_V")
_R = TypeVar("_R")


def _unset_or(value: _V | msgspec.UnsetType, convert: Callable[[_V], _R], empty: object) -> _R | None:
    """UNSET (absent) → None (keep); null → ``empty``; a value → converted."""
    if isinstance(value, msgspec.UnsetType):
        return None
    return convert(value)


class PropertyController(Controller):
    path = "/api/v1/properties"
    tags = ["Properties"]
    dependencies = {"listing": Provide(list_query(("name", "created_at", "updated_at")))}

    # Each handler declares one dependency (``ctx``, or ``listing`` which carries it; deps.py). The reads
    # are READS_ONLY: read-only units of work, so their gate may run next to them (auth.py).

    @get("/", guards=[requires("property:read")], opt=READS_ONLY, summary="List properties")
    async def list_properties(
        self,
        listing: Listing,
        status: FromQuery[PropertyStatusName | None] = None,
        type: FromQuery[PropertyTypeName | None] = None,  # the contract names it "type"
        search: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Paginated[PropertyOut]:
        ctx = listing.ctx
        filters = PropertyFilter(
            status=status,
            type=type,
            search=search,
            created_after=listing.created_after,
            created_before=listing.created_before,
        )
        page = await services.list_properties(uow=ctx.uow(), actor=ctx.actor, filters=filters, page=listing.page)
        return paginated(page, [PropertyOut.of(p) for p in page.items])

    @post("/", guards=[requires("property:create")], status_code=HTTP_201_CREATED, summary="Create a property")
    async def create_property(self, ctx: Context, data: JSONBody[PropertyIn]) -> Ok[PropertyOut]:
        prop = await services.create_property(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, data=to_input(data))
        return ok(PropertyOut.of(prop))

    @get("/{property_id:uuid}", guards=[requires("property:read")], opt=READS_ONLY, summary="Get a property")
    async def get_property(self, ctx: Context, property_id: FromPath[UUID]) -> Ok[PropertyOut]:
        return ok(PropertyOut.of(await services.get_property(uow=ctx.uow(), actor=ctx.actor, property_id=property_id)))

    @get(
        "/{property_id:uuid}/amenities",
        guards=[requires("property:read")],
        opt=READS_ONLY,
        summary="A property's amenities",
    )
    async def get_amenities(self, ctx: Context, property_id: FromPath[UUID]) -> Ok[AmenitiesOut]:
        prop = await services.get_property(uow=ctx.uow(), actor=ctx.actor, property_id=property_id)
        return ok(AmenitiesOut(property_id=prop.id, amenities=list(prop.amenities)))

    @get(
        "/{property_id:uuid}/policies",
        guards=[requires("property:read")],
        opt=READS_ONLY,
        summary="A property's policies",
    )
    async def get_policies(self, ctx: Context, property_id: FromPath[UUID]) -> Ok[PoliciesOut]:
        prop = await services.get_property(uow=ctx.uow(), actor=ctx.actor, property_id=property_id)
        return ok(PoliciesOut.of(prop.policies))

    @put("/{property_id:uuid}", guards=[requires("property:update")], summary="Replace a property")
    async def update_property(
        self, ctx: Context, property_id: FromPath[UUID], data: JSONBody[PropertyIn]
    ) -> Ok[PropertyOut]:
        prop = await services.update_property(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, property_id=property_id, data=to_input(data)
        )
        return ok(PropertyOut.of(prop))

    @delete(
        "/{property_id:uuid}",
        guards=[requires("property:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a property",
    )
    async def delete_property(self, ctx: Context, property_id: FromPath[UUID]) -> None:
        await services.delete_property(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, property_id=property_id)
