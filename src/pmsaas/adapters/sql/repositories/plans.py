"""Subscriptions, the platform's invoices to organizations, and plan usage (seats, properties)."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.repositories.plan_allowance import locked_plan, seats_taken
from pmsaas.adapters.sql.tables.organizations import subscription_invoices as inv
from pmsaas.adapters.sql.tables.organizations import subscriptions as sub
from pmsaas.adapters.sql.tables.properties import properties
from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import InvoiceStatus, Subscription, SubscriptionInvoice, SubscriptionStatus
from pmsaas.domain.organizations.ports import PlanUsage, SubscriptionInvoiceRepository, SubscriptionRepository
from pmsaas.domain.shared.errors import Conflict
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest


def _subscription(r: Any) -> Subscription:
    return Subscription(
        organization_id=r.organization_id,
        plan=Plan(r.plan),
        status=SubscriptionStatus(r.status),
        current_period_start=r.current_period_start,
        current_period_end=r.current_period_end,
        scheduled_plan=Plan(r.scheduled_plan) if r.scheduled_plan else None,
        card_reference=r.card_reference,
        payment_attempts=r.payment_attempts,
        next_payment_attempt_at=r.next_payment_attempt_at,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlSubscriptionRepository(SubscriptionRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def find(self, organization_id: UUID) -> Subscription | None:
        row = (await self._conn.execute(sub.select().where(sub.c.organization_id == organization_id))).first()
        return _subscription(row) if row else None

    async def save(self, subscription: Subscription, expected_version: int) -> None:
        values = {
            "plan": subscription.plan.value,
            "status": subscription.status.value,
            "current_period_start": subscription.current_period_start,
            "current_period_end": subscription.current_period_end,
            "scheduled_plan": subscription.scheduled_plan.value if subscription.scheduled_plan else None,
            "card_reference": subscription.card_reference,
            "payment_attempts": subscription.payment_attempts,
            "next_payment_attempt_at": subscription.next_payment_attempt_at,
            "version": expected_version + 1,
            "updated_at": subscription.updated_at,
        }
        if expected_version == 0:
            exists = await self.find(subscription.organization_id)
            if exists is not None:
                raise Conflict("the subscription was changed by someone else; reload and retry")
            await self._conn.execute(
                sub.insert().values(
                    organization_id=subscription.organization_id, created_at=subscription.created_at, **values
                )
            )
        else:
            result = await self._conn.execute(
                sub.update()
                .where(sub.c.organization_id == subscription.organization_id, sub.c.version == expected_version)
                .values(**values)
            )
            if result.rowcount != 1:
                raise Conflict("the subscription was changed by someone else; reload and retry")
        subscription.version = expected_version + 1

    async def due(self, now: datetime, limit: int) -> list[Subscription]:
        rows = await self._conn.execute(
            sub.select()
            .where(sub.c.current_period_end <= now, sub.c.scheduled_plan.is_not(None))
            .order_by(sub.c.current_period_end)
            .limit(limit)
        )
        return [_subscription(r) for r in rows]

    async def renewals_due(self, now: datetime, limit: int) -> list[Subscription]:
        rows = await self._conn.execute(
            sub.select()
            .where(
                sub.c.current_period_end <= now,
                sub.c.scheduled_plan.is_(None),
                sub.c.plan != Plan.STANDARD.value,
                sub.c.status != SubscriptionStatus.PAST_DUE.value,
            )
            .order_by(sub.c.current_period_end)
            .limit(limit)
        )
        return [_subscription(r) for r in rows]

    async def retries_due(self, now: datetime, limit: int) -> list[Subscription]:
        rows = await self._conn.execute(
            sub.select()
            .where(sub.c.status == SubscriptionStatus.PAST_DUE.value, sub.c.next_payment_attempt_at <= now)
            .order_by(sub.c.next_payment_attempt_at)
            .limit(limit)
        )
        return [_subscription(r) for r in rows]


def _invoice(r: Any) -> SubscriptionInvoice:
    return SubscriptionInvoice(
        id=r.id,
        organization_id=r.organization_id,
        number=r.number,
        plan=Plan(r.plan),
        period_start=r.period_start,
        period_end=r.period_end,
        amount=Money.from_minor(r.amount_minor, r.currency),
        status=InvoiceStatus(r.status),
        issued_at=r.issued_at,
        paid_at=r.paid_at,
        gateway=r.gateway,
        gateway_payment_id=r.gateway_payment_id,
    )


class SqlSubscriptionInvoiceRepository(SubscriptionInvoiceRepository):
    _SORT = {"issued_at": inv.c.issued_at, "number": inv.c.number}

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, invoice: SubscriptionInvoice) -> None:
        await self._conn.execute(
            inv.insert().values(
                id=invoice.id,
                organization_id=invoice.organization_id,
                number=invoice.number,
                plan=invoice.plan.value,
                period_start=invoice.period_start,
                period_end=invoice.period_end,
                amount_minor=invoice.amount.minor,
                currency=invoice.amount.currency,
                status=invoice.status.value,
                issued_at=invoice.issued_at,
                paid_at=invoice.paid_at,
                gateway=invoice.gateway,
                gateway_payment_id=invoice.gateway_payment_id,
            )
        )

    async def count_in_year(self, organization_id: UUID, year: int) -> int:
        prefix = f"SUB-{year}-%"
        query = sa.select(sa.func.count()).where(inv.c.organization_id == organization_id, inv.c.number.like(prefix))
        return int((await self._conn.execute(query)).scalar_one())

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[SubscriptionInvoice]:
        where: builtins.list[sa.ColumnElement[bool]] = [inv.c.organization_id == organization_id]
        return await page_of(self._conn, inv, where, self._SORT, page, _invoice)

    async def open_for_period(self, organization_id: UUID, period_start: datetime) -> SubscriptionInvoice | None:
        row = (
            await self._conn.execute(
                inv.select().where(
                    inv.c.organization_id == organization_id,
                    inv.c.period_start == period_start,
                    inv.c.status == InvoiceStatus.OPEN.value,
                )
            )
        ).first()
        return _invoice(row) if row else None

    async def close(self, invoice: SubscriptionInvoice) -> None:
        result = await self._conn.execute(
            inv.update()
            .where(
                inv.c.organization_id == invoice.organization_id,
                inv.c.id == invoice.id,
                inv.c.status == InvoiceStatus.OPEN.value,
            )
            .values(
                status=invoice.status.value,
                paid_at=invoice.paid_at,
                gateway=invoice.gateway,
                gateway_payment_id=invoice.gateway_payment_id,
            )
        )
        if result.rowcount != 1:
            raise Conflict(f"invoice {invoice.number} is no longer open")


class SqlPlanUsage(PlanUsage):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def lock(self, organization_id: UUID) -> None:
        await locked_plan(self._conn, organization_id)

    async def seats(self, organization_id: UUID, now: datetime) -> int:
        return await seats_taken(self._conn, organization_id, now)

    async def properties(self, organization_id: UUID) -> int:
        query = sa.select(sa.func.count()).where(
            properties.c.organization_id == organization_id, properties.c.deleted_at.is_(None)
        )
        return int((await self._conn.execute(query)).scalar_one())
