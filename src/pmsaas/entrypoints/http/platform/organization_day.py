"""The organization's today, in its time zone: what "overdue", "this month" and "this financial year"
mean to its users. UTC's date is a day ahead in the Americas every evening and a day behind in India
every morning before 05:30."""

from __future__ import annotations

from datetime import date

from pmsaas.domain.financial import invoicing
from pmsaas.domain.financial.periods import local_today
from pmsaas.entrypoints.http.deps import Context


async def organization_today(ctx: Context) -> date:
    profile = await invoicing.organization_profile(uow=ctx.uow(), actor=ctx.actor)
    return local_today(profile.time_zone, ctx.clock.now())
