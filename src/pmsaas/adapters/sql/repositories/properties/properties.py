"""Properties: rows <-> Property (with owners and policies), and the property repository."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import insert_of
from pmsaas.adapters.sql.repositories.properties._shared import in_chunks
from pmsaas.adapters.sql.tables.properties import properties as t
from pmsaas.adapters.sql.tables.properties import property_owners, units
from pmsaas.domain.properties.model import (
    LateFeePolicy,
    Parking,
    Property,
    PropertyPolicies,
    PropertyStatus,
    PropertyType,
    QuietHours,
)
from pmsaas.domain.properties.ports import (
    PropertyRepository,
)
from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.errors import Conflict, NotFound

SORTABLE = {"name": t.c.name, "created_at": t.c.created_at, "updated_at": t.c.updated_at}


def property_row(p: Property) -> dict[str, Any]:
    a = p.address
    return {
        "id": p.id,
        "organization_id": p.organization_id,
        "name": p.name,
        "type": p.type.value,
        "status": p.status.value,
        "description": p.description,
        "year_built": p.year_built,
        "street": a.street,
        "city": a.city,
        "province": a.province,
        "postal_code": a.postal_code,
        "country": a.country,
        "version": p.version,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "amenities": list(p.amenities),
        "policies": policies_to_json(p.policies),
    }


def to_property(r: Any, owner_ids: tuple[UUID, ...] = ()) -> Property:
    return Property(
        id=r.id,
        organization_id=r.organization_id,
        name=r.name,
        type=PropertyType(r.type),
        status=PropertyStatus(r.status),
        description=r.description,
        year_built=r.year_built,
        address=Address(r.street, r.city, r.province, r.postal_code, r.country),
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
        amenities=tuple(r.amenities or ()),
        policies=policies_from_json(r.policies),
        owner_ids=owner_ids,
    )


def owner_ids_column(dialect: str) -> sa.Label[Any]:
    """The property's owners as one column of the property's own row (no second query): a correlated
    ``array_agg`` on PostgreSQL, ``json_group_array`` on SQLite; read back with ``owner_ids_of``."""
    o = property_owners
    if dialect == "postgresql":
        agg: Any = postgresql.array_agg(postgresql.aggregate_order_by(o.c.user_id, o.c.user_id))
    else:
        agg = sa.type_coerce(sa.func.json_group_array(o.c.user_id), sa.JSON())
    return sa.select(agg).where(o.c.property_id == t.c.id).scalar_subquery().label("owner_ids")


def owner_ids_of(value: list[Any] | None) -> tuple[UUID, ...]:
    """PostgreSQL gives UUIDs in order (or NULL for none); SQLite gives hex strings: sorted the same way."""
    if not value:
        return ()
    if isinstance(value[0], UUID):
        return tuple(value)
    return tuple(sorted(UUID(v) for v in value))


def to_property_with_owners(r: Any) -> Property:
    return to_property(r, owner_ids_of(r.owner_ids))


# What the list and get read, in this order, then the owner ids: mapped by position (a Row's attribute
# access costs ~0.3 µs a column, 15 a row; unpacking it costs ~0.1 µs for all of them; bench/README.md).
READ_COLUMNS = (
    t.c.id,
    t.c.organization_id,
    t.c.name,
    t.c.type,
    t.c.status,
    t.c.description,
    t.c.year_built,
    t.c.street,
    t.c.city,
    t.c.province,
    t.c.postal_code,
    t.c.country,
    t.c.version,
    t.c.created_at,
    t.c.updated_at,
    t.c.amenities,
    t.c.policies,
)
_TYPES = {m.value: m for m in PropertyType}
_STATUSES = {m.value: m for m in PropertyStatus}
_NO_POLICIES = PropertyPolicies()  # frozen: one instance serves every property without policies


def property_of(values: Any) -> Property:
    """A row of ``READ_COLUMNS`` + ``owner_ids_column`` (+ anything after, ignored) → Property."""
    (
        id_,
        organization_id,
        name,
        type_,
        status,
        description,
        year_built,
        street,
        city,
        province,
        postal_code,
        country,
        version,
        created_at,
        updated_at,
        amenities,
        policies,
        owners,
        *_,
    ) = values
    return Property(
        id=id_,
        organization_id=organization_id,
        name=name,
        type=_TYPES[type_],
        status=_STATUSES[status],
        description=description,
        year_built=year_built,
        address=Address(street, city, province, postal_code, country),
        version=version,
        created_at=created_at if created_at.tzinfo is UTC else created_at.astimezone(UTC),
        updated_at=updated_at if updated_at.tzinfo is UTC else updated_at.astimezone(UTC),
        amenities=tuple(amenities) if amenities else (),
        policies=policies_from_json(policies) if policies else _NO_POLICIES,
        owner_ids=owner_ids_of(owners),
    )


def policies_to_json(p: PropertyPolicies) -> dict[str, Any] | None:
    doc: dict[str, Any] = {}
    if p.pets_allowed is not None:
        doc["pets_allowed"] = p.pets_allowed
    if p.pet_notes is not None:
        doc["pet_notes"] = p.pet_notes
    if p.smoking_allowed is not None:
        doc["smoking_allowed"] = p.smoking_allowed
    if p.parking is not None:
        doc["parking"] = {"available": p.parking.available, "spaces": p.parking.spaces, "notes": p.parking.notes}
    if p.quiet_hours is not None:
        doc["quiet_hours"] = {
            "start": p.quiet_hours.start.strftime("%H:%M"),
            "end": p.quiet_hours.end.strftime("%H:%M"),
        }
    if p.late_fee is not None:
        doc["late_fee"] = {
            "kind": p.late_fee.kind,
            "value": str(p.late_fee.value),
            "cap": None if p.late_fee.cap is None else str(p.late_fee.cap),
        }
    if p.grace_days is not None:
        doc["grace_days"] = p.grace_days
    return doc or None


def policies_from_json(doc: dict[str, Any] | None) -> PropertyPolicies:
    if not doc:
        return PropertyPolicies()
    parking = doc.get("parking")
    quiet = doc.get("quiet_hours")
    fee = doc.get("late_fee")
    return PropertyPolicies(
        pets_allowed=doc.get("pets_allowed"),
        pet_notes=doc.get("pet_notes"),
        smoking_allowed=doc.get("smoking_allowed"),
        parking=Parking(parking["available"], parking.get("spaces"), parking.get("notes")) if parking else None,
        quiet_hours=QuietHours(time.fromisoformat(quiet["start"]), time.fromisoformat(quiet["end"])) if quiet else None,
        late_fee=LateFeePolicy(
            fee["kind"], Decimal(fee["value"]), None if fee.get("cap") is None else Decimal(fee["cap"])
        )
        if fee
        else None,
        grace_days=doc.get("grace_days"),
    )


class SqlPropertyRepository(PropertyRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _live(self, organization_id: UUID) -> sa.ColumnElement[bool]:
        return sa.and_(t.c.organization_id == organization_id, t.c.deleted_at.is_(None))

    async def add(self, prop: Property) -> None:
        # The prebuilt INSERT with the row as parameters: the same statement, without building and keying a
        # new construct per call; a new property has no owner rows to clear.
        await self._conn.execute(insert_of(t), property_row(prop))
        await self._write_owners(prop, replacing=False)

    async def _write_owners(self, prop: Property, *, replacing: bool = True) -> None:
        if replacing:
            await self._conn.execute(property_owners.delete().where(property_owners.c.property_id == prop.id))
        if prop.owner_ids:
            await self._conn.execute(
                property_owners.insert(),
                [
                    {"property_id": prop.id, "user_id": u, "organization_id": prop.organization_id}
                    for u in dict.fromkeys(prop.owner_ids)
                ],
            )

    async def _with_owners(self, props: list[Property]) -> list[Property]:
        if not props:
            return props
        rows = await self._conn.execute(
            sa.select(property_owners.c.property_id, property_owners.c.user_id)
            .where(property_owners.c.property_id.in_([p.id for p in props]))
            .order_by(property_owners.c.user_id)
        )
        owners: dict[UUID, list[UUID]] = {}
        for pid, uid in rows:
            owners.setdefault(pid, []).append(uid)
        return [replace(p, owner_ids=tuple(owners.get(p.id, ()))) for p in props]

    async def get(self, organization_id: UUID, property_id: UUID) -> Property:
        owners = owner_ids_column(self._conn.dialect.name)
        query = sa.select(*READ_COLUMNS, owners).where(self._live(organization_id), t.c.id == property_id)
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("property", property_id)
        return property_of(row)

    async def find_by_name(self, organization_id: UUID, name: str) -> Property | None:
        row = (
            await self._conn.execute(
                t.select().where(self._live(organization_id), t.c.name == name).order_by(t.c.created_at).limit(1)
            )
        ).first()
        return None if row is None else (await self._with_owners([to_property(row)]))[0]

    async def find_by_names(self, organization_id: UUID, names: list[str]) -> list[Property]:
        found: list[Property] = []
        for chunk in in_chunks(sorted(set(names))):
            rows = await self._conn.execute(
                t.select().where(self._live(organization_id), t.c.name.in_(chunk)).order_by(t.c.created_at)
            )
            found += [to_property(r) for r in rows]
        return await self._with_owners(found)

    async def add_many(self, props: list[Property]) -> None:
        if props:
            await self._conn.execute(t.insert(), [property_row(p) for p in props])
            owners = [
                {"property_id": p.id, "user_id": u, "organization_id": p.organization_id}
                for p in props
                for u in dict.fromkeys(p.owner_ids)
            ]
            if owners:
                await self._conn.execute(property_owners.insert(), owners)

    async def unit_counts(self, organization_id: UUID, property_ids: list[UUID]) -> dict[UUID, int]:
        counts = dict.fromkeys(property_ids, 0)
        if property_ids:
            rows = await self._conn.execute(
                sa.select(units.c.property_id, sa.func.count())
                .where(
                    units.c.organization_id == organization_id,
                    units.c.property_id.in_(property_ids),
                    units.c.deleted_at.is_(None),
                )
                .group_by(units.c.property_id)
            )
            counts.update({pid: n for pid, n in rows})
        return counts

    async def update(self, prop: Property, expected_version: int) -> None:
        values = property_row(prop)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        result = await self._conn.execute(
            t.update()
            .where(self._live(prop.organization_id), t.c.id == prop.id, t.c.version == expected_version)
            .values(**values)
        )
        if result.rowcount != 1:
            raise Conflict("the property was changed by someone else; reload and retry")
        await self._write_owners(prop)

    async def delete(self, organization_id: UUID, property_id: UUID, at: datetime) -> None:
        result = await self._conn.execute(
            t.update().where(self._live(organization_id), t.c.id == property_id).values(deleted_at=at)
        )
        if result.rowcount != 1:
            raise NotFound("property", property_id)
