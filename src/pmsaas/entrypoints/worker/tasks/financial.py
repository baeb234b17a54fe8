"""Financial jobs. The job id is deterministic (``billing:{org or all}:{period}``); the use case is
exactly-once per (lease, period) whatever the delivery count."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pmsaas.domain.flows.rent_billing import run_billing
from pmsaas.entrypoints.batch import garbage_collector_paused


async def billing_run(ctx: dict[str, Any], *, period: str, organization_id: str | None = None) -> dict[str, Any]:
    c = ctx["container"]
    with garbage_collector_paused():
        summary = await run_billing(
            uow_factory=c.system_uow,
            clock=c.clock(),
            period=period,
            organization_id=UUID(organization_id) if organization_id else None,
        )
    return {
        "period": summary.period,
        "created": summary.created,
        "skipped": summary.skipped,
        "failed": len(summary.failed),
    }
