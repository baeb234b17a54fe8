"""The billing run's read side: active leases and their rent-schedule charges for a period.

An anti-corruption layer between two contexts: it reads the leasing tables and asks the
properties context's pure rent schedule (``rent_schedule``, ``late_fee_for``) what is due, and
hands the financial context its own value objects. One query for all leases of the run.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.properties import to_lease
from pmsaas.adapters.sql.tables.properties import leases, properties, tenants
from pmsaas.domain.financial.ports import BillableCharge, BillableLease, LeaseRef
from pmsaas.domain.properties.schedule import LeaseTerms, late_fee_for, rent_schedule
from pmsaas.domain.shared.money import Money

BILLABLE_STATUSES = ("active", "notice_given")


def _late_fee_rule(terms: LeaseTerms) -> Any:
    if terms.late_fee is None:
        return None

    def rule(balance: Money, due: date, as_of: date) -> Money | None:
        return late_fee_for(terms, invoice_amount=balance, due_date=due, as_of=as_of)

    return rule


async def billable_leases(
    conn: AsyncConnection, organization_id: UUID | None, period_start: date, period_end: date
) -> list[BillableLease]:
    where = [leases.c.status.in_(BILLABLE_STATUSES), leases.c.start_date <= period_end]
    if organization_id is not None:
        where.append(leases.c.organization_id == organization_id)
    rows = (
        await conn.execute(
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
    out: list[BillableLease] = []
    for r in rows:
        terms = to_lease(r).terms()
        charges = [
            BillableCharge(c.type, c.description, c.amount, c.due_date, c.period_start, c.period_end)
            for c in rent_schedule(terms, period_start, period_end)
        ]
        ref = LeaseRef(
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
        out.append(BillableLease(ref, charges, _late_fee_rule(terms)))
    return out
