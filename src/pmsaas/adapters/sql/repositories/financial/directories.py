"""The financial context's narrow views of other contexts' tables: leases and their tenants and
properties, organization profiles."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.domain.financial.ports import (
    LeaseDirectory,
    LeaseRef,
    OrganizationProfile,
    OrganizationProfiles,
    Premises,
)
from pmsaas.domain.shared.errors import NotFound

_leases = sa.table(
    "properties_leases",
    sa.column("id", sa.Uuid()),
    sa.column("organization_id", sa.Uuid()),
    sa.column("property_id", sa.Uuid()),
    sa.column("tenant_id", sa.Uuid()),
    sa.column("status", sa.String()),
    sa.column("currency", sa.String()),
    sa.column("tds_applicable", sa.Boolean()),
    sa.column("unit_id", sa.Uuid()),
)
_tenants = sa.table(
    "properties_tenants",
    sa.column("id", sa.Uuid()),
    sa.column("organization_id", sa.Uuid()),
    sa.column("name", sa.String()),
    sa.column("email", sa.String()),
    sa.column("gstin", sa.String()),
    sa.column("pan_number", sa.String()),
    sa.column("user_id", sa.Uuid()),
    sa.column("deleted_at", sa.DateTime()),
)
_properties = sa.table(
    "properties_properties",
    sa.column("id", sa.Uuid()),
    sa.column("organization_id", sa.Uuid()),
    sa.column("type", sa.String()),
    sa.column("province", sa.String()),
    sa.column("name", sa.String()),
    sa.column("street", sa.String()),
    sa.column("city", sa.String()),
    sa.column("postal_code", sa.String()),
    sa.column("country", sa.String()),
    sa.column("deleted_at", sa.DateTime()),
)
_units = sa.table("properties_units", sa.column("id", sa.Uuid()), sa.column("name", sa.String()))
_organizations = sa.table(
    "organizations_organizations",
    sa.column("id", sa.Uuid()),
    sa.column("name", sa.String()),
    sa.column("country", sa.String()),
    sa.column("province", sa.String()),
    sa.column("currency", sa.String()),
    sa.column("time_zone", sa.String()),
    sa.column("extra_settings", sa.JSON()),
    sa.column("deleted_at", sa.DateTime()),
)


class SqlLeaseDirectory(LeaseDirectory):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    @staticmethod
    def _select() -> Any:
        return (
            sa.select(
                _leases.c.id,
                _leases.c.organization_id,
                _leases.c.property_id,
                _leases.c.tenant_id,
                _leases.c.status,
                _leases.c.currency,
                _properties.c.type.label("property_type"),
                _properties.c.province.label("property_region"),
                _tenants.c.name.label("tenant_name"),
                _tenants.c.email.label("tenant_email"),
                _tenants.c.gstin.label("tenant_gstin"),
                _tenants.c.pan_number.label("tenant_pan"),
                _leases.c.tds_applicable,
            )
            .select_from(_leases)
            .join(_properties, _properties.c.id == _leases.c.property_id)
            .join(_tenants, _tenants.c.id == _leases.c.tenant_id)
        )

    @staticmethod
    def _ref(r: Any) -> LeaseRef:
        return LeaseRef(
            id=r.id,
            organization_id=r.organization_id,
            tenant_id=r.tenant_id,
            property_id=r.property_id,
            status=r.status,
            currency=r.currency,
            property_type=r.property_type,
            property_region=r.property_region,
            tenant_email=r.tenant_email,
            tenant_name=r.tenant_name,
            tenant_gstin=r.tenant_gstin,
            tenant_pan=r.tenant_pan,
            tds_applicable=bool(r.tds_applicable),
        )

    async def get(self, organization_id: UUID, lease_id: UUID) -> LeaseRef:
        row = (await self._conn.execute(_LEASE_BY_ID, {"w_organization_id": organization_id, "w_id": lease_id})).first()
        if row is None:
            raise NotFound("lease", lease_id)
        return self._ref(row)

    async def tenant_ids_of_user(self, organization_id: UUID, user_id: UUID) -> set[UUID]:
        rows = await self._conn.execute(
            sa.select(_tenants.c.id).where(
                _tenants.c.organization_id == organization_id,
                _tenants.c.user_id == user_id,
                _tenants.c.deleted_at.is_(None),
            )
        )
        return set(rows.scalars())

    async def property_exists(self, organization_id: UUID, property_id: UUID) -> bool:
        p = _properties
        query = sa.select(p.c.id).where(
            p.c.id == property_id, p.c.organization_id == organization_id, p.c.deleted_at.is_(None)
        )
        return (await self._conn.execute(query)).first() is not None

    async def premises(self, organization_id: UUID, lease_id: UUID) -> Premises:
        p, le = _properties, _leases
        query = (
            sa.select(p.c.name, _units.c.name.label("unit_name"), p.c.street, p.c.city, p.c.province)
            .add_columns(p.c.postal_code, p.c.country)
            .select_from(le.join(p, p.c.id == le.c.property_id).outerjoin(_units, _units.c.id == le.c.unit_id))
            .where(le.c.organization_id == organization_id, le.c.id == lease_id)
        )
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("lease", lease_id)
        return Premises(row.name, row.unit_name, row.street, row.city, row.province, row.postal_code, row.country)


# The per-payment reads as prebuilt statements with bound parameters: built (and compiled) once.
_LEASE_BY_ID = SqlLeaseDirectory._select().where(
    _leases.c.organization_id == sa.bindparam("w_organization_id"), _leases.c.id == sa.bindparam("w_id")
)
_PROFILE = sa.select(
    _organizations.c.id,
    _organizations.c.name,
    _organizations.c.country,
    _organizations.c.province,
    _organizations.c.currency,
    _organizations.c.time_zone,
    _organizations.c.extra_settings,
).where(_organizations.c.id == sa.bindparam("w_id"), _organizations.c.deleted_at.is_(None))


class SqlOrganizationProfiles(OrganizationProfiles):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def get(self, organization_id: UUID) -> OrganizationProfile:
        row = (await self._conn.execute(_PROFILE, {"w_id": organization_id})).first()
        if row is None:
            raise NotFound("organization", organization_id)
        return profile_from_row(row)


def profile_from_row(row: Any) -> OrganizationProfile:
    """An organization's profile from a ``_PROFILE`` row (also read by the payment posting's opening)."""
    extra = row.extra_settings or {}
    return OrganizationProfile(
        id=row.id,
        country=row.country,
        province=row.province,
        currency=row.currency,
        invoice_number_format=_text(extra, "invoice_number_format"),
        receipt_number_format=_text(extra, "receipt_number_format"),
        gst_registered=bool(extra.get("gst_registered", True)),
        pan_number=_text(extra, "pan_number"),
        tan_number=_text(extra, "tan_number"),
        name=row.name,
        gstin=_text(extra, "gst_number"),
        tax_registration_number=_text(extra, "tax_registration_number"),
        invoice_round_off=bool(extra.get("invoice_round_off", False)),
        is_housing_society=bool(extra.get("is_housing_society", False)),
        time_zone=row.time_zone or "UTC",
        address=_text(extra, "address"),
    )


def _text(extra: dict[str, Any], key: str) -> str | None:
    return str(extra[key]) if extra.get(key) else None
