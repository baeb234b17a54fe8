from __future__ import annotations

import builtins
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import apply_created_range, page_of
from pmsaas.adapters.sql.tables.identity import memberships
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.adapters.sql.tables.properties import lease_co_tenants, leases, property_owners, tenants, units
from pmsaas.adapters.sql.tables.properties import properties as t
from pmsaas.domain.properties.lease import Lease, LeaseStatus
from pmsaas.domain.properties.model import (
    AreaUnit,
    EmergencyContact,
    LateFeePolicy,
    Parking,
    Property,
    PropertyPolicies,
    PropertyStatus,
    PropertyType,
    QuietHours,
    Tenant,
    Unit,
    UnitStatus,
)
from pmsaas.domain.properties.ports import (
    LeaseFilter,
    LeaseRepository,
    OrganizationFacts,
    PropertyFilter,
    PropertyRepository,
    TenantAccounts,
    TenantFilter,
    TenantRepository,
    UnitFilter,
    UnitRepository,
)
from pmsaas.domain.properties.schedule import Escalation, LateFee
from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.errors import Conflict, DependencyUnavailable, NotFound
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

SORTABLE = {"name": t.c.name, "created_at": t.c.created_at, "updated_at": t.c.updated_at}


def _row(p: Property) -> dict[str, Any]:
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


_statements: dict[tuple[Any, ...], tuple[sa.Select[Any], sa.Select[Any]]] = {}


def list_statements(dialect: str, filters: PropertyFilter, page: PageRequest) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """(page with owners and total, count alone) for this shape of request, built once: the values are
    bound parameters (``list_parameters``), so a request neither rebuilds nor re-keys the statement."""
    shape = (
        dialect,
        filters.status is not None,
        filters.type is not None,
        bool(filters.search),
        filters.owner_id is not None,
        filters.created_after is not None,
        filters.created_before is not None,
        page.sort_by,
        page.descending,
    )
    found = _statements.get(shape)
    if found is not None:
        return found
    where: list[sa.ColumnElement[bool]] = [t.c.organization_id == sa.bindparam("org"), t.c.deleted_at.is_(None)]
    if filters.status is not None:
        where.append(t.c.status == sa.bindparam("status"))
    if filters.type is not None:
        where.append(t.c.type == sa.bindparam("type"))
    if filters.search:
        where.append(t.c.name.ilike(sa.bindparam("search")))
    if filters.owner_id is not None:
        owned = sa.select(property_owners.c.property_id).where(property_owners.c.user_id == sa.bindparam("owner"))
        where.append(t.c.id.in_(owned))
    if filters.created_after is not None:
        where.append(t.c.created_at >= sa.bindparam("after"))
    if filters.created_before is not None:
        where.append(t.c.created_at <= sa.bindparam("before"))
    condition = sa.and_(*where)
    count = sa.select(sa.func.count()).select_from(t).where(condition)
    order = SORTABLE[page.sort_by]
    ordering = (order.desc(), t.c.id.desc()) if page.descending else (order.asc(), t.c.id.asc())
    query = (
        sa.select(
            *READ_COLUMNS, owner_ids_column(dialect), count.correlate(None).scalar_subquery().label("_page_total")
        )
        .where(condition)
        .order_by(*ordering)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
    )
    _statements[shape] = (query, count)
    return query, count


def list_parameters(organization_id: UUID, filters: PropertyFilter, page: PageRequest) -> dict[str, Any]:
    params: dict[str, Any] = {"org": organization_id, "limit": page.page_size, "offset": page.offset}
    if filters.status is not None:
        params["status"] = filters.status
    if filters.type is not None:
        params["type"] = filters.type
    if filters.search:
        params["search"] = f"%{filters.search}%"
    if filters.owner_id is not None:
        params["owner"] = filters.owner_id
    if filters.created_after is not None:
        params["after"] = filters.created_after
    if filters.created_before is not None:
        params["before"] = filters.created_before
    return params


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
        await self._conn.execute(t.insert().values(**_row(prop)))
        await self._write_owners(prop)

    async def _write_owners(self, prop: Property) -> None:
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
        for chunk in _chunks(sorted(set(names))):
            rows = await self._conn.execute(
                t.select().where(self._live(organization_id), t.c.name.in_(chunk)).order_by(t.c.created_at)
            )
            found += [to_property(r) for r in rows]
        return await self._with_owners(found)

    async def add_many(self, props: list[Property]) -> None:
        if props:
            await self._conn.execute(t.insert(), [_row(p) for p in props])
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
        values = _row(prop)
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

    async def list(self, organization_id: UUID, filters: PropertyFilter, page: PageRequest) -> Page[Property]:
        """The page, its total and every property's owners in one statement (a second count only for an
        empty page, as ``page_of``)."""
        query, count = list_statements(self._conn.dialect.name, filters, page)
        params = list_parameters(organization_id, filters, page)
        rows = await _page_rows(self._conn, query, params)
        total = rows[0][-1] if rows else (await self._conn.execute(count, params)).scalar_one()
        return Page(items=[property_of(r) for r in rows], total=total, page=page.page, page_size=page.page_size)


_driver_sql: dict[int, str | None] = {}


async def _page_rows(conn: AsyncConnection, query: sa.Select[Any], params: dict[str, Any]) -> list[Any]:
    """The page's rows as tuples. On PostgreSQL the statement's SQL (compiled once) goes straight to the
    connection's psycopg cursor: a plain read, on the unit of work's own connection and transaction
    state, with the same type loaders (psycopg's UUID/timestamptz, msgspec for JSONB, set up by
    SQLAlchemy's dialect); SQLAlchemy's result layer costs ~0.25 ms per 50-row page (bench/README.md).
    SQLite, and any statement that would need SQLAlchemy's parameter processing, go through SQLAlchemy."""
    sql = _driver_sql.get(id(query), "") if conn.dialect.name == "postgresql" else None
    if sql == "":
        compiled = query.compile(dialect=conn.dialect)
        plain = not compiled.post_compile_params and not any(
            b.type._cached_bind_processor(conn.dialect)
            for b in compiled.binds.values()  # type: ignore[attr-defined]
        )
        sql = _driver_sql[id(query)] = compiled.string if plain else None
    if sql is None:
        return list((await conn.execute(query, params)).all())
    driver = conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    try:
        cursor = await driver.execute(sql, params)
        return await cursor.fetchall()  # type: ignore[no-any-return]
    except psycopg.OperationalError as exc:
        if driver.closed or driver.broken:
            await conn.invalidate(exc)
            raise DependencyUnavailable("database connection lost; retry the request") from exc
        raise


def _chunks(ids: list[Any], size: int = 500) -> list[list[Any]]:
    """IN lists in slices (SQLite caps bound parameters)."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# -- units -------------------------------------------------------------------------------------

UNIT_SORTABLE = {"name": units.c.name, "created_at": units.c.created_at, "updated_at": units.c.updated_at}


def _unit_row(u: Unit) -> dict[str, Any]:
    return {
        "id": u.id,
        "organization_id": u.organization_id,
        "property_id": u.property_id,
        "name": u.name,
        "floor": u.floor,
        "type": u.type,
        "bedrooms": u.bedrooms,
        "bathrooms": _dec(u.bathrooms),
        "area": _dec(u.area),
        "area_unit": None if u.area_unit is None else u.area_unit.value,
        "market_rent_minor": None if u.market_rent is None else u.market_rent.minor,
        "currency": None if u.market_rent is None else u.market_rent.currency,
        "amenities": list(u.amenities),
        "status": u.status.value,
        "version": u.version,
        "created_at": u.created_at,
        "updated_at": u.updated_at,
    }


def to_unit(r: Any) -> Unit:
    return Unit(
        id=r.id,
        organization_id=r.organization_id,
        property_id=r.property_id,
        name=r.name,
        floor=r.floor,
        type=r.type,
        bedrooms=r.bedrooms,
        bathrooms=_undec(r.bathrooms),
        area=_undec(r.area),
        area_unit=None if r.area_unit is None else AreaUnit(r.area_unit),
        market_rent=None if r.market_rent_minor is None else Money.from_minor(r.market_rent_minor, r.currency),
        amenities=tuple(r.amenities or ()),
        status=UnitStatus(r.status),
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


_NAME_TAKEN = "the property already has a unit with this name"


class SqlUnitRepository(UnitRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _live(self, organization_id: UUID) -> sa.ColumnElement[bool]:
        return sa.and_(units.c.organization_id == organization_id, units.c.deleted_at.is_(None))

    async def add(self, unit: Unit) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(units.insert().values(**_unit_row(unit)))
        except IntegrityError:
            raise Conflict(_NAME_TAKEN) from None

    async def get(self, organization_id: UUID, unit_id: UUID) -> Unit:
        query = units.select().where(self._live(organization_id), units.c.id == unit_id)
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("unit", unit_id)
        return to_unit(row)

    async def lock(self, organization_id: UUID, unit_id: UUID) -> Unit:
        query = units.select().where(self._live(organization_id), units.c.id == unit_id)
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("unit", unit_id)
        return to_unit(row)

    async def update(self, unit: Unit, expected_version: int) -> None:
        values = _unit_row(unit)
        for key in ("id", "organization_id", "property_id", "created_at"):
            values.pop(key)
        try:
            async with self._conn.begin_nested():
                result = await self._conn.execute(
                    units.update()
                    .where(self._live(unit.organization_id), units.c.id == unit.id, units.c.version == expected_version)
                    .values(**values)
                )
        except IntegrityError:
            raise Conflict(_NAME_TAKEN) from None
        if result.rowcount != 1:
            raise Conflict("the unit was changed by someone else; reload and retry")

    async def delete(self, organization_id: UUID, unit_id: UUID, at: datetime) -> None:
        result = await self._conn.execute(
            units.update().where(self._live(organization_id), units.c.id == unit_id).values(deleted_at=at)
        )
        if result.rowcount != 1:
            raise NotFound("unit", unit_id)

    async def list(
        self, organization_id: UUID, property_id: UUID, filters: UnitFilter, page: PageRequest
    ) -> Page[Unit]:
        where = [self._live(organization_id), units.c.property_id == property_id]
        if filters.status:
            where.append(units.c.status == filters.status)
        if filters.type:
            where.append(units.c.type == filters.type)
        if filters.search:
            where.append(units.c.name.ilike(f"%{filters.search}%"))
        if filters.tenant_id:
            where.append(units.c.id.in_(_tenant_lease_units(organization_id, filters.tenant_id)))
        where += apply_created_range(units.c.created_at, filters.created_after, filters.created_before)
        return await page_of(self._conn, units, where, UNIT_SORTABLE, page, to_unit)

    async def for_properties(self, organization_id: UUID, property_ids: builtins.list[UUID]) -> builtins.list[Unit]:
        found: builtins.list[Unit] = []
        for chunk in _chunks(property_ids):
            rows = await self._conn.execute(
                units.select().where(self._live(organization_id), units.c.property_id.in_(chunk))
            )
            found += [to_unit(r) for r in rows]
        return found

    async def add_many(self, new_units: builtins.list[Unit]) -> None:
        if not new_units:
            return
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(units.insert(), [_unit_row(u) for u in new_units])
        except IntegrityError:
            raise Conflict(_NAME_TAKEN) from None

    async def set_statuses(self, changed: builtins.list[Unit]) -> None:
        if changed:
            await self._conn.execute(
                units.update()
                .where(units.c.id == sa.bindparam("b_id"), units.c.organization_id == sa.bindparam("b_org"))
                .values(
                    status=sa.bindparam("b_status"),
                    version=sa.bindparam("b_version"),
                    updated_at=sa.bindparam("b_updated_at"),
                ),
                [
                    {
                        "b_id": u.id,
                        "b_org": u.organization_id,
                        "b_status": u.status.value,
                        "b_version": u.version,
                        "b_updated_at": u.updated_at,
                    }
                    for u in changed
                ],
            )

    async def find_by_name(self, organization_id: UUID, property_id: UUID, name: str) -> Unit | None:
        query = units.select().where(
            self._live(organization_id), units.c.property_id == property_id, units.c.name == name
        )
        row = (await self._conn.execute(query)).first()
        return None if row is None else to_unit(row)


def _tenant_leases(organization_id: UUID, tenant_id: UUID) -> sa.Select[Any]:
    """Ids of the (non-draft) leases where the tenant is the main tenant or a co-tenant."""
    co = sa.select(lease_co_tenants.c.lease_id).where(lease_co_tenants.c.tenant_id == tenant_id)
    return sa.select(leases.c.id).where(
        leases.c.organization_id == organization_id,
        sa.or_(leases.c.tenant_id == tenant_id, leases.c.id.in_(co)),
    )


def _tenant_lease_units(organization_id: UUID, tenant_id: UUID) -> sa.Select[Any]:
    return sa.select(leases.c.unit_id).where(
        leases.c.id.in_(_tenant_leases(organization_id, tenant_id)), leases.c.status != LeaseStatus.DRAFT.value
    )


# -- tenants -----------------------------------------------------------------------------------

TENANT_SORTABLE = {"name": tenants.c.name, "created_at": tenants.c.created_at, "updated_at": tenants.c.updated_at}


def _tenant_row(x: Tenant) -> dict[str, Any]:
    ec = x.emergency_contact
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "property_id": x.property_id,
        "name": x.name,
        "email": x.email,
        "phone": x.phone,
        "emergency_contact": None
        if ec is None
        else {"name": ec.name, "phone": ec.phone, "relationship": ec.relationship},
        "pan_number": x.pan_number,
        "gstin": x.gstin,
        "business_number": x.business_number,
        "user_id": x.user_id,
        "version": x.version,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def to_tenant(r: Any) -> Tenant:
    ec = r.emergency_contact
    return Tenant(
        id=r.id,
        organization_id=r.organization_id,
        property_id=r.property_id,
        name=r.name,
        email=r.email,
        phone=r.phone,
        emergency_contact=None if not ec else EmergencyContact(ec["name"], ec["phone"], ec.get("relationship")),
        pan_number=r.pan_number,
        gstin=r.gstin,
        business_number=r.business_number,
        user_id=r.user_id,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlTenantRepository(TenantRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _live(self, organization_id: UUID) -> sa.ColumnElement[bool]:
        return sa.and_(tenants.c.organization_id == organization_id, tenants.c.deleted_at.is_(None))

    async def add(self, tenant: Tenant) -> None:
        await self._conn.execute(tenants.insert().values(**_tenant_row(tenant)))

    async def get(self, organization_id: UUID, tenant_id: UUID) -> Tenant:
        row = (
            await self._conn.execute(tenants.select().where(self._live(organization_id), tenants.c.id == tenant_id))
        ).first()
        if row is None:
            raise NotFound("tenant", tenant_id)
        return to_tenant(row)

    async def update(self, tenant: Tenant, expected_version: int) -> None:
        values = _tenant_row(tenant)
        for key in ("id", "organization_id", "property_id", "created_at"):
            values.pop(key)
        result = await self._conn.execute(
            tenants.update()
            .where(self._live(tenant.organization_id), tenants.c.id == tenant.id, tenants.c.version == expected_version)
            .values(**values)
        )
        if result.rowcount != 1:
            raise Conflict("the tenant was changed by someone else; reload and retry")

    async def delete(self, organization_id: UUID, tenant_id: UUID, at: datetime) -> None:
        result = await self._conn.execute(
            tenants.update()
            .where(self._live(organization_id), tenants.c.id == tenant_id)
            .values(deleted_at=at, user_id=None)
        )
        if result.rowcount != 1:
            raise NotFound("tenant", tenant_id)

    async def list(
        self, organization_id: UUID, property_id: UUID, filters: TenantFilter, page: PageRequest
    ) -> Page[Tenant]:
        where = [self._live(organization_id), tenants.c.property_id == property_id]
        if filters.search:
            pattern = f"%{filters.search.lower()}%"
            where.append(sa.or_(sa.func.lower(tenants.c.name).like(pattern), tenants.c.email.like(pattern)))
        if filters.only_id:
            where.append(tenants.c.id == filters.only_id)
        where += apply_created_range(tenants.c.created_at, filters.created_after, filters.created_before)
        return await page_of(self._conn, tenants, where, TENANT_SORTABLE, page, to_tenant)

    async def find_by_email(self, organization_id: UUID, property_id: UUID, email: str) -> Tenant | None:
        query = tenants.select().where(
            self._live(organization_id), tenants.c.property_id == property_id, tenants.c.email == email
        )
        row = (await self._conn.execute(query.limit(1))).first()
        return None if row is None else to_tenant(row)

    async def for_properties(self, organization_id: UUID, property_ids: builtins.list[UUID]) -> builtins.list[Tenant]:
        found: builtins.list[Tenant] = []
        for chunk in _chunks(property_ids):
            rows = await self._conn.execute(
                tenants.select().where(self._live(organization_id), tenants.c.property_id.in_(chunk))
            )
            found += [to_tenant(r) for r in rows]
        return found

    async def add_many(self, new_tenants: builtins.list[Tenant]) -> None:
        if new_tenants:
            await self._conn.execute(tenants.insert(), [_tenant_row(x) for x in new_tenants])

    async def find_by_user(self, organization_id: UUID, user_id: UUID) -> Tenant | None:
        query = tenants.select().where(self._live(organization_id), tenants.c.user_id == user_id)
        row = (await self._conn.execute(query.limit(1))).first()
        return None if row is None else to_tenant(row)


# -- leases ------------------------------------------------------------------------------------

LEASE_SORTABLE = {
    "created_at": leases.c.created_at,
    "updated_at": leases.c.updated_at,
    "start_date": leases.c.start_date,
    "end_date": leases.c.end_date,
    "status": leases.c.status,
}


def _lease_row(x: Lease) -> dict[str, Any]:
    fee, esc = x.late_fee, x.escalation
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "property_id": x.property_id,
        "unit_id": x.unit_id,
        "tenant_id": x.tenant_id,
        "status": x.status.value,
        "start_date": x.start_date,
        "end_date": x.end_date,
        "occupied_until": x.effective_end,
        "move_out_date": x.move_out_date,
        "terminated_on": x.terminated_on,
        "ended_on": x.ended_on,
        "rent_minor": x.rent.minor,
        "currency": x.rent.currency,
        "billing_day": x.billing_day,
        "grace_days": x.grace_days,
        "security_deposit_minor": None if x.security_deposit is None else x.security_deposit.minor,
        "late_fee_kind": None if fee is None else fee.kind,
        "late_fee_value": None if fee is None else str(fee.value),
        "late_fee_cap_minor": None if fee is None or fee.cap is None else fee.cap.minor,
        "escalation_kind": None if esc is None else esc.kind,
        "escalation_value": None if esc is None else str(esc.value),
        "tds_applicable": x.tds_applicable,
        "renewed_from_id": x.renewed_from_id,
        "version": x.version,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def to_lease(r: Any, co_tenants: tuple[UUID, ...] = ()) -> Lease:
    cur = r.currency
    return Lease(
        id=r.id,
        organization_id=r.organization_id,
        property_id=r.property_id,
        unit_id=r.unit_id,
        tenant_id=r.tenant_id,
        status=LeaseStatus(r.status),
        start_date=r.start_date,
        end_date=r.end_date,
        move_out_date=r.move_out_date,
        terminated_on=r.terminated_on,
        ended_on=r.ended_on,
        rent=Money.from_minor(r.rent_minor, cur),
        billing_day=r.billing_day,
        grace_days=r.grace_days,
        security_deposit=None if r.security_deposit_minor is None else Money.from_minor(r.security_deposit_minor, cur),
        late_fee=None
        if r.late_fee_kind is None
        else LateFee(
            r.late_fee_kind,
            Decimal(r.late_fee_value),
            None if r.late_fee_cap_minor is None else Money.from_minor(r.late_fee_cap_minor, cur),
        ),
        escalation=None if r.escalation_kind is None else Escalation(r.escalation_kind, Decimal(r.escalation_value)),
        tds_applicable=r.tds_applicable,
        co_tenant_ids=co_tenants,
        renewed_from_id=r.renewed_from_id,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


_OVERLAP = "the unit is already leased for part of this period; leases of one unit may not overlap"
_OCCUPYING = (LeaseStatus.ACTIVE.value, LeaseStatus.NOTICE_GIVEN.value)


class SqlLeaseRepository(LeaseRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def _load(self, rows: Any) -> list[Lease]:
        rows = list(rows)
        if not rows:
            return []
        co: dict[UUID, list[UUID]] = {}
        ids = [r.id for r in rows]
        for i in range(0, len(ids), 500):
            result = await self._conn.execute(
                sa.select(lease_co_tenants.c.lease_id, lease_co_tenants.c.tenant_id)
                .where(lease_co_tenants.c.lease_id.in_(ids[i : i + 500]))
                .order_by(lease_co_tenants.c.tenant_id)
            )
            for lid, tid in result:
                co.setdefault(lid, []).append(tid)
        return [to_lease(r, tuple(co.get(r.id, ()))) for r in rows]

    async def _write_co_tenants(self, lease: Lease) -> None:
        await self._conn.execute(lease_co_tenants.delete().where(lease_co_tenants.c.lease_id == lease.id))
        if lease.co_tenant_ids:
            await self._conn.execute(
                lease_co_tenants.insert(),
                [
                    {"lease_id": lease.id, "tenant_id": tid, "organization_id": lease.organization_id}
                    for tid in dict.fromkeys(lease.co_tenant_ids)
                ],
            )

    async def add(self, lease: Lease) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(leases.insert().values(**_lease_row(lease)))
        except IntegrityError:
            raise Conflict(_OVERLAP) from None
        if lease.co_tenant_ids:
            await self._write_co_tenants(lease)

    async def get(self, organization_id: UUID, lease_id: UUID) -> Lease:
        rows = await self._conn.execute(
            leases.select().where(leases.c.organization_id == organization_id, leases.c.id == lease_id)
        )
        found = await self._load(rows)
        if not found:
            raise NotFound("lease", lease_id)
        return found[0]

    async def update(self, lease: Lease, expected_version: int) -> None:
        values = _lease_row(lease)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        try:
            async with self._conn.begin_nested():
                result = await self._conn.execute(
                    leases.update()
                    .where(
                        leases.c.organization_id == lease.organization_id,
                        leases.c.id == lease.id,
                        leases.c.version == expected_version,
                    )
                    .values(**values)
                )
        except IntegrityError:  # PostgreSQL's exclusion constraint: another lease occupies the unit
            raise Conflict(_OVERLAP) from None
        if result.rowcount != 1:
            raise Conflict("the lease was changed by someone else; reload and retry")
        await self._write_co_tenants(lease)

    async def list(self, organization_id: UUID, filters: LeaseFilter, page: PageRequest) -> Page[Lease]:
        where: builtins.list[sa.ColumnElement[bool]] = [leases.c.organization_id == organization_id]
        if filters.status:
            where.append(leases.c.status == filters.status)
        if filters.statuses is not None:
            where.append(leases.c.status.in_(filters.statuses))
        if filters.property_id:
            where.append(leases.c.property_id == filters.property_id)
        if filters.unit_id:
            where.append(leases.c.unit_id == filters.unit_id)
        if filters.tenant_id:
            where.append(leases.c.id.in_(_tenant_leases(organization_id, filters.tenant_id)))
        if filters.ending_before:
            where.append(leases.c.occupied_until < filters.ending_before)
        if filters.owner_id:
            owned = sa.select(property_owners.c.property_id).where(property_owners.c.user_id == filters.owner_id)
            where.append(leases.c.property_id.in_(owned))
        where += apply_created_range(leases.c.created_at, filters.created_after, filters.created_before)
        result = await page_of(self._conn, leases, where, LEASE_SORTABLE, page, lambda r: r)
        return replace(result, items=await self._load(result.items))

    async def occupying(self, organization_id: UUID, unit_id: UUID) -> builtins.list[Lease]:
        rows = await self._conn.execute(
            leases.select().where(
                leases.c.organization_id == organization_id,
                leases.c.unit_id == unit_id,
                leases.c.status.in_(_OCCUPYING),
            )
        )
        return await self._load(rows)

    async def for_tenant(self, organization_id: UUID, tenant_id: UUID) -> builtins.list[Lease]:
        rows = await self._conn.execute(
            leases.select()
            .where(leases.c.id.in_(_tenant_leases(organization_id, tenant_id)))
            .order_by(leases.c.start_date.desc(), leases.c.id)
        )
        return await self._load(rows)

    async def active_on(self, organization_id: UUID, day: date) -> builtins.list[Lease]:
        rows = await self._conn.execute(
            leases.select()
            .where(
                leases.c.organization_id == organization_id,
                leases.c.status.in_(_OCCUPYING),
                leases.c.start_date <= day,
                sa.or_(leases.c.occupied_until.is_(None), leases.c.occupied_until >= day),
            )
            .order_by(leases.c.start_date, leases.c.id)
        )
        return await self._load(rows)

    async def for_units(self, organization_id: UUID, unit_ids: builtins.list[UUID]) -> builtins.list[Lease]:
        found: builtins.list[Lease] = []
        for chunk in _chunks(unit_ids):
            rows = await self._conn.execute(
                leases.select().where(leases.c.organization_id == organization_id, leases.c.unit_id.in_(chunk))
            )
            found += await self._load(rows)
        return found

    async def add_many(self, new_leases: builtins.list[Lease]) -> None:
        if not new_leases:
            return
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(leases.insert(), [_lease_row(x) for x in new_leases])
                co = [
                    {"lease_id": x.id, "tenant_id": tid, "organization_id": x.organization_id}
                    for x in new_leases
                    for tid in dict.fromkeys(x.co_tenant_ids)
                ]
                if co:
                    await self._conn.execute(lease_co_tenants.insert(), co)
        except IntegrityError:
            raise Conflict(_OVERLAP) from None

    async def find(self, organization_id: UUID, unit_id: UUID, tenant_id: UUID, start_date: date) -> Lease | None:
        rows = await self._conn.execute(
            leases.select().where(
                leases.c.organization_id == organization_id,
                leases.c.unit_id == unit_id,
                leases.c.tenant_id == tenant_id,
                leases.c.start_date == start_date,
            )
        )
        found = await self._load(rows)
        return found[0] if found else None

    async def renewal_of(self, organization_id: UUID, lease_id: UUID) -> Lease | None:
        rows = await self._conn.execute(
            leases.select().where(
                leases.c.organization_id == organization_id,
                leases.c.renewed_from_id == lease_id,
                leases.c.status != LeaseStatus.TERMINATED.value,
            )
        )
        found = await self._load(rows)
        return found[0] if found else None

    async def unit_has_leases(self, organization_id: UUID, unit_id: UUID) -> bool:
        query = sa.select(sa.func.count()).where(
            leases.c.organization_id == organization_id, leases.c.unit_id == unit_id
        )
        return bool((await self._conn.execute(query)).scalar_one())


# -- narrow views of other contexts' tables ----------------------------------------------------


class SqlOrganizationFacts(OrganizationFacts):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def currency(self, organization_id: UUID) -> str:
        query = sa.select(organizations.c.currency).where(
            organizations.c.id == organization_id, organizations.c.deleted_at.is_(None)
        )
        value = (await self._conn.execute(query)).scalar_one_or_none()
        if value is None:
            raise NotFound("organization", organization_id)
        return str(value)

    async def time_zone(self, organization_id: UUID) -> str:
        query = sa.select(organizations.c.time_zone).where(organizations.c.id == organization_id)
        value = (await self._conn.execute(query)).scalar_one_or_none()
        if value is None:
            raise NotFound("organization", organization_id)
        return str(value)


class SqlTenantAccounts(TenantAccounts):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def roles_of(self, organization_id: UUID, user_id: UUID) -> frozenset[str] | None:
        query = sa.select(memberships.c.roles).where(
            memberships.c.organization_id == organization_id, memberships.c.user_id == user_id
        )
        roles = (await self._conn.execute(query)).scalar_one_or_none()
        return None if roles is None else frozenset(roles)

    async def set_tenant_profile(self, organization_id: UUID, user_id: UUID, tenant_id: UUID | None) -> None:
        await self._conn.execute(
            memberships.update()
            .where(memberships.c.organization_id == organization_id, memberships.c.user_id == user_id)
            .values(tenant_profile_id=tenant_id)
        )
