"""The plan's limits at the moment of use: the organization's row locked, what it uses counted, in the
use case's own transaction (``PlanAllowance``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.queries.list_totals import PROPERTIES
from pmsaas.adapters.sql.tables.community import images
from pmsaas.adapters.sql.tables.identity import invitations, memberships
from pmsaas.adapters.sql.tables.operations import ticket_attachments
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.adapters.sql.tables.properties import units
from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import check_room
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.plan_limits import PlanAllowance, Quota, takes_a_seat

# The statements every property or unit create sends, built once (the same SQL; no construct and cache key per call).
_PLAN = sa.select(organizations.c.plan).where(
    organizations.c.id == sa.bindparam("w_id"), organizations.c.deleted_at.is_(None)
)
_PLAN_LOCKED = _PLAN.with_for_update(key_share=True)  # renders FOR NO KEY UPDATE (PostgreSQL)
# Properties: the list counters the triggers keep in the writer's transaction (migration 0044), so a
# create does not count the organization's properties row by row (10,000 rows: an index scan per
# create); under the organization's lock every earlier create has committed its counter rows.
# Units have no counter: counted.
_PROPERTIES_TOTAL = PROPERTIES.total(sa.bindparam("w_organization_id"))  # no filter: always a count
assert _PROPERTIES_TOTAL is not None
_IN_USE = {
    Quota.PROPERTIES: sa.select(_PROPERTIES_TOTAL),
    Quota.UNITS: sa.select(sa.func.count()).where(
        units.c.organization_id == sa.bindparam("w_organization_id"), units.c.deleted_at.is_(None)
    ),
}


async def locked_plan(conn: AsyncConnection, organization_id: UUID) -> Plan:
    """The organization's plan, its row locked until the transaction ends. PostgreSQL: FOR NO KEY
    UPDATE queues every other admission (and the period-end downgrade) for this organization, while
    inserts that only reference the row (their foreign keys take KEY SHARE) go on. SQLite: the
    transaction already holds the write lock (BEGIN IMMEDIATE)."""
    query = _PLAN_LOCKED if conn.dialect.name == "postgresql" else _PLAN
    plan = (await conn.execute(query, {"w_id": organization_id})).scalar_one_or_none()
    if plan is None:
        raise NotFound("organization", organization_id)
    return Plan(plan)


async def seats_taken(conn: AsyncConnection, organization_id: UUID, now: datetime) -> int:
    """Members who take a seat and pending invitations that would, each person once."""
    members = await conn.execute(
        sa.select(memberships.c.user_id, memberships.c.roles).where(memberships.c.organization_id == organization_id)
    )
    taken = {r.user_id for r in members if takes_a_seat(r.roles or ())}
    pending = await conn.execute(
        sa.select(invitations.c.user_id, invitations.c.roles).where(
            invitations.c.organization_id == organization_id,
            invitations.c.accepted_at.is_(None),
            invitations.c.expires_at > now,
        )
    )
    return len(taken | {r.user_id for r in pending if takes_a_seat(r.roles or ())})


class SqlPlanAllowance(PlanAllowance):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def admit(self, organization_id: UUID, quota: Quota, *, adding: int, now: datetime) -> None:
        plan = await locked_plan(self._conn, organization_id)
        check_room(plan, quota, await self._in_use(organization_id, quota, now), adding)

    async def _in_use(self, organization_id: UUID, quota: Quota, now: datetime) -> int:
        if quota in _IN_USE:
            return await self._scalar(_IN_USE[quota], {"w_organization_id": organization_id})
        if quota is Quota.STORAGE:
            return sum(
                [
                    await self._scalar(
                        sa.select(sa.func.coalesce(sa.func.sum(t.c.size), 0)).where(
                            t.c.organization_id == organization_id
                        )
                    )
                    for t in (ticket_attachments, images)
                ]
            )
        return await seats_taken(self._conn, organization_id, now)

    async def _scalar(self, query: sa.Select[Any], params: dict[str, Any] | None = None) -> int:
        return int((await self._conn.execute(query, params)).scalar_one())
