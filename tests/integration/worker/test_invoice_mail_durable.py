"""Issue 12: the invoice e-mail (PDF attached) and the rent notices survive a process killed right
after their commit. The billing run, ``POST .../invoices/{id}/send`` and the rent notices write the
e-mail as a queued delivery in the transaction that issues or records it; the ``deliver_notices``
job sends what a killed process left, once, rendering the PDF at send time.

A kill is the transport raising ``CancelledError`` as the message leaves (the transaction has
committed, nothing after it runs); a restart is the worker's crons ticking again once the killed
attempt's lease has ended."""

from __future__ import annotations

import asyncio
import email
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from conftest import BACKENDS, SUITE_CLOCK, Api, make_settings
from integration.http.platform.fin_support import invoice_body, make_lease, pdf_text, set_country
from pmsaas.container import Container, build_container, in_process_jobs, shutdown
from pmsaas.domain.notifications.notice_delivery import LEASE
from pmsaas.domain.shared.ports import EmailSender
from pmsaas.entrypoints.http.app import create_app
from pmsaas.entrypoints.worker.settings import WorkerSettings
from pmsaas.entrypoints.worker.tasks import TASKS
from worker_support import run_burst

pytestmark = pytest.mark.today("2026-12-01")
REDIS_URL = os.environ.get("PMSAAS_TEST_REDIS_URL")
IST = ZoneInfo("Asia/Kolkata")
INVOICES = "/api/v1/financial/invoices"


def mails_to(api: Any, address: str) -> list[Any]:
    return [m for m in api.container.mail_transport().sent if m.to == address]


def invoice_mails_to(api: Any, address: str) -> list[Any]:
    return [m for m in mails_to(api, address) if m.subject.startswith("Invoice ")]


async def tenant_email(api: Any, owner: Any, lease: Any) -> str:
    r = await api.get(f"/api/v1/properties/{lease.property_id}/tenants/{lease.tenant_id}", owner.token)
    assert r.status_code == 200, r.text
    return str(r.json()["data"]["email"])


def killed_when_mailing(monkeypatch: Any, transport: Any, address: str) -> None:
    """The process dies as the first message to ``address`` leaves: nothing after that line runs."""
    real = transport.send

    async def send(message: Any) -> None:
        if message.to == address:
            monkeypatch.setattr(transport, "send", real)  # the next process mails normally
            raise asyncio.CancelledError
        await real(message)

    monkeypatch.setattr(transport, "send", send)


@asynccontextmanager
async def worker(api: Any) -> AsyncIterator[Container]:
    """A worker process: its own container (its own connections, on this loop: the server's run on
    the test client's), mailing through the suite's transport so the test sees what it sends."""
    c = build_container(api.container.settings())
    c.mail_transport.override(providers.Object(api.container.mail_transport()))
    try:
        yield c
    finally:
        await shutdown(c)


async def scheduled_jobs(api: Any) -> None:
    """What a worker's scheduled-jobs cron runs on a billing or reminder day."""
    async with worker(api) as c:
        await TASKS["run_scheduled_jobs"]({"container": c})


async def restart(api: Any) -> None:
    """A new worker's crons, once the killed attempt's lease has ended (every cron, the scheduled
    jobs too: a billing run claimed by the killed process is not run again)."""
    SUITE_CLOCK.pin(SUITE_CLOCK.now() + LEASE + timedelta(seconds=1))
    async with worker(api) as c:
        ctx = {"container": c}
        for job in WorkerSettings.cron_jobs:
            await job.coroutine(ctx)  # type: ignore[call-arg]


async def indian_lease(api: Any, owner: Any, **kw: Any) -> Any:
    await set_country(api, owner, "IN")
    return await make_lease(api, owner, "IN", **kw)


async def invoice_numbers(api: Any, owner: Any, lease: Any) -> list[str]:
    r = await api.get(INVOICES, owner.token, params={"lease_id": lease.id, "page_size": 100})
    return [i["number"] for i in r.json()["data"]]


def assert_the_invoice_pdf(mail: Any, number: str) -> None:
    assert mail.subject == f"Invoice {number}"
    [pdf] = mail.attachments
    assert pdf.content_type == "application/pdf" and number in pdf_text(pdf.content)


async def test_a_billing_day_killed_as_the_invoice_leaves_mails_it_once_after_a_restart(api, owner, monkeypatch):
    lease = await indian_lease(api, owner)
    to = await tenant_email(api, owner, lease)
    killed_when_mailing(monkeypatch, api.container.mail_transport(), to)
    with pytest.raises(asyncio.CancelledError):
        await scheduled_jobs(api)
    assert mails_to(api, to) == []
    [number] = await invoice_numbers(api, owner, lease)  # the billing run committed
    await restart(api)
    await restart(api)
    [mail] = invoice_mails_to(api, to)
    assert_the_invoice_pdf(mail, number)
    r = await api.get(INVOICES, owner.token, params={"lease_id": lease.id})
    assert r.json()["data"][0]["status"] == "sent"


async def test_a_rent_reminder_killed_as_it_leaves_goes_out_once_after_a_restart(api, owner, monkeypatch):
    lease = await indian_lease(api, owner, billing_day=5)  # due on the 5th: a reminder 3 days before
    to = await tenant_email(api, owner, lease)
    await scheduled_jobs(api)  # the billing day: the invoice
    assert len(mails_to(api, to)) == 1
    SUITE_CLOCK.pin(datetime(2026, 12, 2, 10, 0, tzinfo=IST))
    killed_when_mailing(monkeypatch, api.container.mail_transport(), to)
    with pytest.raises(asyncio.CancelledError):
        await scheduled_jobs(api)
    assert len(mails_to(api, to)) == 1
    await restart(api)
    await restart(api)
    [_, reminder] = mails_to(api, to)
    assert reminder.subject.startswith("Rent reminder: ") and "/invoices/" in reminder.body


async def test_an_invoice_sent_over_http_whose_first_attempt_was_lost_arrives_once(api, owner):
    lease = await indian_lease(api, owner)
    to = await tenant_email(api, owner, lease)
    draft = (await api.post(INVOICES, owner.token, json=invoice_body(lease))).json()["data"]
    lost: list[Any] = []

    async def never(ids: Any) -> None:  # the process died before its first attempt ran
        lost.append(ids)

    api.container.first_mail_attempt.override(providers.Object(never))
    try:
        r = await api.post(f"{INVOICES}/{draft['id']}/send", owner.token)
    finally:
        api.container.first_mail_attempt.reset_override()
    assert r.status_code == 200, r.text
    sent = r.json()["data"]
    assert sent["status"] == "sent" and lost and mails_to(api, to) == []
    await restart(api)
    await restart(api)
    [mail] = mails_to(api, to)
    assert_the_invoice_pdf(mail, sent["number"])
    again = await api.post(f"{INVOICES}/{draft['id']}/send", owner.token)  # sending again re-mails it
    assert again.status_code == 200, again.text
    await restart(api)
    assert len(mails_to(api, to)) == 2


class Held(EmailSender):
    """The embedded file transport, holding invoice e-mail until released: a request that waited
    for it would hang."""

    def __init__(self, inner: EmailSender) -> None:
        self.inner, self.release = inner, asyncio.Event()

    async def send(self, message: Any) -> None:
        if message.subject.startswith("Invoice "):
            await self.release.wait()
        await self.inner.send(message)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_send_answers_at_once_and_the_queued_job_mails_the_pdf(backend, database_urls, tmp_path):
    """The defaults (mail queue on, .eml files): ``/send`` commits the row and enqueues its first
    attempt; the request waits for neither the PDF nor the transport."""
    container = build_container(make_settings(database_urls[backend], tmp_path, mail_backend="file", mail_queue=True))
    held = Held(container.mail_transport())
    container.mail_transport.override(providers.Object(held))
    try:
        async with AsyncTestClient(app=create_app(container)) as client:
            api = Api(client, container, backend)
            owner = await api.new_org()
            lease = await indian_lease(api, owner)
            to = await tenant_email(api, owner, lease)
            draft = (await api.post(INVOICES, owner.token, json=invoice_body(lease))).json()["data"]
            jobs = in_process_jobs(container)
            assert jobs is not None
            await jobs.drain()  # what the set-up enqueued
            started = time.monotonic()
            r = await api.post(f"{INVOICES}/{draft['id']}/send", owner.token)
            assert r.status_code == 200 and time.monotonic() - started < 5, r.text
            assert r.json()["data"]["status"] == "sent" and jobs.pending
            held.release.set()
            await jobs.drain()
    finally:
        container.mail_transport.reset_override()
        await shutdown(container)
    mails = [p.read_text() for p in (tmp_path / "mail").rglob("*.eml")]
    number = r.json()["data"]["number"]
    [mail] = [m for m in mails if f"Invoice {number}" in m]
    assert f"To: {to}" in mail and number in pdf_text(_pdf_of(mail))


def _pdf_of(eml: str) -> bytes:
    message: Message = email.message_from_string(eml)
    [part] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


# Like every Redis-backed test: defined when PMSAAS_TEST_REDIS_URL is set (CI), never skipped.
if REDIS_URL:

    @pytest.mark.only_on("postgres")
    async def test_a_real_arq_worker_mails_the_invoice_a_killed_billing_day_left(api, owner, tmp_path, monkeypatch):

        from pmsaas.adapters.jobs.arq import ArqJobQueue

        lease = await indian_lease(api, owner)
        to = await tenant_email(api, owner, lease)
        killed_when_mailing(monkeypatch, api.container.mail_transport(), to)
        with pytest.raises(asyncio.CancelledError):
            await scheduled_jobs(api)
        [number] = await invoice_numbers(api, owner, lease)
        SUITE_CLOCK.pin(SUITE_CLOCK.now() + LEASE + timedelta(seconds=1))
        url = api.container.settings().resolved_database_url
        for name, value in {
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "VAR_DIR": str(tmp_path),
            "ENV": "test",
            "MAIL_BACKEND": "file",
        }.items():
            monkeypatch.setenv(f"PMSAAS_{name}", value)
        queue_name = f"pmsaas:test:{uuid.uuid4().hex}"
        for job_id in ("notices:1", "notices:2"):  # two sweeps: the second finds it sent
            queue = ArqJobQueue(REDIS_URL, queue_name=queue_name)
            assert await queue.enqueue("deliver_notices", job_id=job_id)
            await queue.close()
            worker = await run_burst(queue_name)
            assert worker.jobs_complete == 1 and worker.jobs_failed == 0
        mails = [p.read_text() for p in (tmp_path / "mail").rglob("*.eml")]
        [mail] = [m for m in mails if f"Invoice {number}" in m]
        assert f"To: {to}" in mail
        assert number in pdf_text(_pdf_of(mail))
        assert mails_to(api, to) == []  # the killed process sent nothing
