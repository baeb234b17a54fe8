"""``pmsaas billing run``: thin over the billing use case."""

from __future__ import annotations

from uuid import UUID

from pmsaas.container import build_container, shutdown
from pmsaas.domain.financial.billing import BillingSummary
from pmsaas.domain.flows.rent_billing import run_billing
from pmsaas.entrypoints.batch import garbage_collector_paused
from pmsaas.settings import Settings


async def run(settings: Settings, period: str, organization_id: UUID | None) -> BillingSummary:
    container = build_container(settings)
    try:
        with garbage_collector_paused():
            return await run_billing(
                uow_factory=container.system_uow,
                clock=container.clock(),
                period=period,
                organization_id=organization_id,
            )
    finally:
        await shutdown(container)
