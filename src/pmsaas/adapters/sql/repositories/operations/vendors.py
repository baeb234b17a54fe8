"""Vendors who do the work orders."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa

from pmsaas.adapters.sql.repositories.common import SoftDeletedRows, apply_created_range, page_of
from pmsaas.adapters.sql.tables.operations import vendors
from pmsaas.domain.operations.model import TaxIdKind, Vendor
from pmsaas.domain.operations.ports import VendorFilter, VendorRepository
from pmsaas.domain.shared.paging import Page, PageRequest

v = vendors
VENDOR_SORT = {"name": v.c.name, "created_at": v.c.created_at, "updated_at": v.c.updated_at}


def _vendor_row(x: Vendor) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "name": x.name,
        "email": x.email,
        "phone": x.phone,
        "trades": list(x.trades),
        "service_areas": list(x.service_areas),
        "insurance_expires_on": x.insurance_expires_on,
        "tax_id": x.tax_id,
        "tax_id_kind": x.tax_id_kind.value if x.tax_id_kind else None,
        "active": x.active,
        "version": x.version,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def to_vendor(r: Any) -> Vendor:
    return Vendor(
        id=r.id,
        organization_id=r.organization_id,
        name=r.name,
        email=r.email,
        phone=r.phone,
        trades=list(r.trades),
        service_areas=list(r.service_areas),
        insurance_expires_on=r.insurance_expires_on,
        tax_id=r.tax_id,
        tax_id_kind=TaxIdKind(r.tax_id_kind) if r.tax_id_kind else None,
        active=r.active,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlVendorRepository(SoftDeletedRows[Vendor], VendorRepository):
    table = v
    noun = "vendor"
    _row = staticmethod(_vendor_row)
    _entity = staticmethod(to_vendor)

    async def list(self, organization_id: UUID, filters: VendorFilter, page: PageRequest) -> Page[Vendor]:
        where = [self._live(organization_id)]
        # Trades and areas are small JSON arrays; a quoted-value match works on both engines.
        if filters.trade:
            where.append(sa.cast(v.c.trades, sa.Text).contains(f'"{filters.trade}"', autoescape=True))
        if filters.service_area:
            where.append(sa.cast(v.c.service_areas, sa.Text).contains(f'"{filters.service_area}"', autoescape=True))
        if filters.active is not None:
            where.append(v.c.active.is_(filters.active))
        if filters.search:
            where.append(sa.func.lower(v.c.name).contains(filters.search.lower(), autoescape=True))
        where += apply_created_range(v.c.created_at, filters.created_after, filters.created_before)
        return await page_of(self._conn, v, where, VENDOR_SORT, page, to_vendor)
