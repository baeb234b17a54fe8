"""The task registry: job name → thin async function ``(ctx, **primitives)``.

Tasks build nothing: they take the container from ``ctx["container"]`` (put there by the arq
worker's start-up, or bound to the in-process queue by the HTTP app), call one use case, and return
something small for the log. Every task is idempotent: delivery is at least once.

Tasks run over every organization (the relay, webhook delivery, scheduled runs): they take the
container's ``system_uow``, the cross-organization seam of docs/tenancy.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from uuid import UUID

from pmsaas.container import Container, in_process_jobs
from pmsaas.domain.flows.billing_mail import InvoiceMail
from pmsaas.domain.flows.community_notices import remind_organizations
from pmsaas.domain.flows.plan_dunning import run_plan_period_ends
from pmsaas.domain.flows.rent_notices import Delivery
from pmsaas.domain.flows.scheduled_jobs import Outgoing, run_due_jobs
from pmsaas.domain.notifications.notice_sender import BATCH, NoticeSender
from pmsaas.domain.notifications.webhook_delivery import deliver_due_webhooks
from pmsaas.domain.shared.outbox import relay_outbox as relay_outbox_use_case
from pmsaas.entrypoints.batch import garbage_collector_paused
from pmsaas.entrypoints.worker.tasks.financial import billing_run
from pmsaas.entrypoints.worker.tasks.notifications import deliver_message, send_email

# Under the 5-second period of the relay and delivery crons: the next tick finds a fresh sweep.
SWEEP_SECONDS = 4.0


def _container(ctx: Mapping[str, Any]) -> Container:
    container: Container = ctx["container"]  # put there by the worker's startup hook
    return container


async def relay_outbox(ctx: dict[str, Any], *, batch_size: int | None = None) -> int:
    """Publish what the outbox holds; returns how many events were published."""
    c = _container(ctx)
    return await relay_outbox_use_case(
        outbox=c.outbox(),
        publisher=c.event_publisher(),
        clock=c.clock(),
        subscribers=c.outbox_subscribers(),
        batch_size=batch_size or c.settings().outbox_batch_size,
    )


async def deliver_webhooks(ctx: dict[str, Any], *, limit: int | None = None, seconds: float = SWEEP_SECONDS) -> int:
    """Attempt the webhook messages that are due, batch after batch while batches come back full, for
    up to ``seconds`` (a backlog drains at the receivers' pace, not one batch per tick); returns how
    many were attempted."""
    c = _container(ctx)
    batch = limit or c.settings().webhook_delivery_batch
    loop = asyncio.get_running_loop()
    until, attempted = loop.time() + seconds, 0
    while True:
        sent = await deliver_due_webhooks(
            uow_factory=c.system_uow, sender=c.webhook_sender(), box=c.secret_box(), clock=c.clock(), limit=batch
        )
        attempted += sent
        if sent < batch or loop.time() >= until:
            return attempted


async def deliver_notices(ctx: dict[str, Any], *, limit: int | None = None, ids: list[str] | None = None) -> int:
    """The queued e-mail and real-time messages that are due (event notices, invoice e-mail, rent
    notices): those a killed process left after its commit, and the retries; with ``ids``, the first
    attempt of those rows (a request's). Returns how many were attempted."""
    c = _container(ctx)
    sender: NoticeSender = c.notice_sender()
    if ids is not None:
        return await sender.deliver([UUID(i) for i in ids])
    return await sender.deliver_due(limit=limit or BATCH)


async def purge_expired(ctx: dict[str, Any]) -> dict[str, int]:
    """Expired idempotency keys, refresh tokens expired more than a week ago, expired revocations."""
    c = _container(ctx)
    counts = await c.housekeeping().purge_expired(c.clock().now())
    counts["idempotency_keys"] = await c.idempotency_store().purge_expired()
    return counts


async def run_scheduled_jobs(ctx: dict[str, Any]) -> list[dict[str, str]]:
    """What is due now (billing runs on billing days, each new invoice e-mailed; rent reminders and
    overdue notices; hourly outbox housekeeping), each once per period. Their e-mail is queued in
    their transactions and first attempted after each commit (``deliver_notices`` sends the rest)."""
    c = _container(ctx)

    async def housekeeping() -> dict[str, Any]:
        return {"published_events": await c.housekeeping().purge_published_events(c.clock().now())}

    async def plan_period_ends() -> dict[str, Any]:
        return await run_plan_period_ends(
            uow_factory=c.system_uow, clock=c.clock(), gateway=c.payment_gateway(), board=c.plan_board()
        )

    async def reminders(organization_ids: list[UUID]) -> dict[str, Any]:
        return await remind_organizations(uow_factory=c.system_uow, clock=c.clock(), organization_ids=organization_ids)

    outgoing = Outgoing(
        invoices=InvoiceMail(first_attempt=c.first_mail_attempt()),
        notices=Delivery(first_attempt=c.first_mail_attempt(), public_base_url=c.settings().public_base_url),
        notices_uow=c.system_uow,
    )
    with garbage_collector_paused():
        made = await run_due_jobs(
            runs=c.job_runs(),
            uow_factory=c.system_uow,
            clock=c.clock(),
            housekeeping=housekeeping,
            outgoing=outgoing,
            reminders=reminders,
            plan_period_ends=plan_period_ends,
        )
    return [{"job": r.job, "organization_id": str(r.organization_id), "outcome": r.outcome.value} for r in made]


TASKS: dict[str, Callable[..., Awaitable[Any]]] = {
    "relay_outbox": relay_outbox,
    "deliver_webhooks": deliver_webhooks,
    "deliver_notices": deliver_notices,
    "purge_expired": purge_expired,
    "billing_run": billing_run,
    "send_email": send_email,
    "deliver_message": deliver_message,
    "run_scheduled_jobs": run_scheduled_jobs,
}


def bind_in_process(container: Container) -> None:
    """Embedded mode: let the in-process queue run the registry's tasks with this container."""
    queue = in_process_jobs(container)
    if queue is not None:
        queue.bind(TASKS, {"container": container})
