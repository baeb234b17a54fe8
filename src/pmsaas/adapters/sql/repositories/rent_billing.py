"""The rent run's read (``pmsaas.domain.flows.rent_billing.LeasesToBill``): the leases to bill with
their tenant and property, in one query for the whole run. Rows become the properties context's
``Lease`` and the financial context's ``LeaseRef``; the flow applies the rules."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.properties import to_lease
from pmsaas.adapters.sql.repositories.properties.recurring import recurring_of_leases
from pmsaas.adapters.sql.tables.properties import leases, properties, tenants
from pmsaas.domain.financial.ports import LeaseRef
from pmsaas.domain.flows.rent_billing import LeasesToBill, LeaseToBill
from pmsaas.domain.properties.lease import LeaseStatus


class SqlLeasesToBill(LeasesToBill):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def leases(
        self, organization_id: UUID | None, statuses: Collection[LeaseStatus], started_by: date
    ) -> list[LeaseToBill]:
        where = [leases.c.status.in_(sorted(s.value for s in statuses)), leases.c.start_date <= started_by]
        if organization_id is not None:
            where.append(leases.c.organization_id == organization_id)
        rows = (
            await self._conn.execute(
                sa.select(
                    leases,
                    properties.c.type.label("property_type"),
                    properties.c.province.label("property_region"),
                    tenants.c.name.label("tenant_name"),
                    tenants.c.email.label("tenant_email"),
                    tenants.c.gstin.label("tenant_gstin"),
                )
                .join(properties, properties.c.id == leases.c.property_id)
                .join(tenants, tenants.c.id == leases.c.tenant_id)
                .where(*where)
                .order_by(leases.c.organization_id, leases.c.start_date, leases.c.id)
            )
        ).all()
        recurring = await recurring_of_leases(self._conn, [r.id for r in rows])
        return [LeaseToBill(to_lease(r), _ref(r), tuple(recurring.get(r.id, ()))) for r in rows]


def _ref(r: Any) -> LeaseRef:  # a row of the query above
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
    )
