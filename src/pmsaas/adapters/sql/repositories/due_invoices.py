"""The rent notices' query: open invoices due in a date range, with the tenant to tell."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.financial import invoices
from pmsaas.adapters.sql.tables.identity import memberships
from pmsaas.adapters.sql.tables.properties import properties, tenants
from pmsaas.domain.financial.model import OPEN
from pmsaas.domain.flows.rent_notices import DueInvoice, DueInvoices
from pmsaas.domain.shared.money import Money


class SqlDueInvoices(DueInvoices):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def open_due_between(self, organization_id: UUID, first: date, last: date) -> list[DueInvoice]:
        i, t, p, m = invoices, tenants, properties, memberships
        query = (
            sa.select(
                i.c.id,
                i.c.number,
                i.c.tenant_id,
                i.c.due_date,
                i.c.currency,
                (i.c.total_minor - i.c.paid_minor - i.c.credited_minor).label("balance_minor"),
                t.c.name.label("tenant_name"),
                t.c.email.label("tenant_email"),
                m.c.user_id.label("tenant_user_id"),
                p.c.name.label("property_name"),
            )
            .select_from(
                i.join(t, t.c.id == i.c.tenant_id)
                .join(p, p.c.id == t.c.property_id)
                .outerjoin(m, sa.and_(m.c.organization_id == i.c.organization_id, m.c.tenant_profile_id == t.c.id))
            )
            .where(
                i.c.organization_id == organization_id,
                i.c.status.in_([s.value for s in OPEN]),
                i.c.total_minor > i.c.paid_minor + i.c.credited_minor,
                i.c.due_date.between(first, last),
            )
            .order_by(i.c.due_date, i.c.id)
        )
        return [
            DueInvoice(
                invoice_id=r.id,
                number=r.number,
                tenant_id=r.tenant_id,
                tenant_name=r.tenant_name,
                tenant_email=r.tenant_email or None,
                tenant_user_id=r.tenant_user_id,
                property_name=r.property_name,
                due_date=r.due_date,
                balance=Money.from_minor(int(r.balance_minor), r.currency),
            )
            for r in await self._conn.execute(query)
        ]
