"""The embedded default writes each e-mail to var/mail/<timestamp>-<id>.eml and logs where (not the
body); the queued sender hands messages to a job and never sends in the request."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
import structlog
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from conftest import BACKENDS, Api, make_settings
from fakes.notifications import RecordingJobQueue
from pmsaas.adapters.messaging.console import ConsoleMessageProvider
from pmsaas.adapters.messaging.files import EmlFileEmailSender
from pmsaas.adapters.messaging.queued import QueuedEmailSender, decode
from pmsaas.adapters.messaging.router import ProviderRouter
from pmsaas.adapters.messaging.smtp import SmtpEmailSender
from pmsaas.container import build_container, in_process_jobs, shutdown
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.ports import EmailAttachment, EmailMessage, EmailSender, MessageNotSent
from pmsaas.entrypoints.http.app import create_app

CLOCK = FixedClock(datetime(2026, 12, 1, 9, 30, 15, tzinfo=UTC))
PDF = b"%PDF-1.4\n%%EOF\n"
RESET = EmailMessage(
    to="asha@example.com",
    subject="Reset your password",
    body="Open the reset page: https://rent.acme.example/reset-password?token=SECRET-TOKEN\n",
    attachments=(EmailAttachment("INV-1.pdf", "application/pdf", PDF),),
)


async def test_each_email_becomes_an_eml_file_and_the_log_says_where_not_what(tmp_path):
    mailer = EmlFileEmailSender(tmp_path / "mail", sender="pmsaas <noreply@localhost>", clock=CLOCK)
    with structlog.testing.capture_logs() as logs:
        await mailer.send(RESET)
        await mailer.send(RESET)
    files = sorted((tmp_path / "mail").iterdir())
    assert len(files) == 2 and all(f.name.startswith("20261201T093015") and f.suffix == ".eml" for f in files)
    assert not list((tmp_path / "mail").glob("*.part"))
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["To"] == "asha@example.com"
    assert "https://rent.acme.example/reset-password?token=SECRET-TOKEN" in parsed.get_body(("plain",)).get_content()
    assert [a.get_content() for a in parsed.iter_attachments()] == [PDF]
    [first, _] = [e for e in logs if e["event"] == "email.written"]
    assert first["path"] == str(files[0]) or first["path"] == str(files[1])
    assert "SECRET-TOKEN" not in repr(logs)


async def test_the_queued_sender_only_enqueues_a_job_with_the_message_as_plain_data():
    jobs = RecordingJobQueue()
    await QueuedEmailSender(jobs).send(RESET)
    [(name, job_id, delay, args)] = jobs.jobs
    assert name == "send_email" and job_id.startswith("email:") and job_id.endswith(":1") and delay == 0
    assert args["attempt"] == 1 and f"{args['key']}:1" == job_id
    assert decode(args["message"]) == RESET  # the PDF survives the trip (base64)


async def test_a_keyed_message_is_enqueued_under_its_key_so_a_waiting_job_is_not_taken_twice():
    import asyncio

    from pmsaas.adapters.jobs.inprocess import InProcessJobQueue

    jobs = RecordingJobQueue()
    await QueuedEmailSender(jobs).send_once(RESET, "event:e1:u1")
    [(_, job_id, _, args)] = jobs.jobs
    assert (job_id, args["key"]) == ("email:event:e1:u1:1", "email:event:e1:u1")  # the event and the recipient
    sent: list[str] = []
    release = asyncio.Event()

    async def send_email(ctx, *, message, key, attempt):
        await release.wait()  # still waiting when the same message comes again
        sent.append(key)

    queue = InProcessJobQueue({"send_email": send_email}, {})
    mailer = QueuedEmailSender(queue)
    for _ in range(2):  # a relay batch handed over twice
        await mailer.send_once(RESET, "event:e1:u1")
    release.set()
    await queue.drain()
    assert sent == ["email:event:e1:u1"]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_embedded_mode_writes_the_reset_email_where_a_new_user_can_open_it(backend, database_urls, tmp_path):
    """The defaults (file backend, queued): the request enqueues, the in-process job writes the file."""
    settings = make_settings(database_urls[backend], tmp_path, mail_backend="file", mail_queue=True)
    container = build_container(settings)
    assert isinstance(container.mailer(), QueuedEmailSender)
    assert isinstance(container.mail_transport(), EmlFileEmailSender)
    try:
        async with AsyncTestClient(app=create_app(container)) as client:
            api = Api(client, container, backend)
            owner = await api.new_org()
            jobs = in_process_jobs(container)
            assert jobs is not None
            r = await api.post("/api/v1/identity/forgot-password", json={"email": owner.email})
            assert r.status_code == 200, r.text
            await jobs.drain()
    finally:
        await shutdown(container)
    mails = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in (tmp_path / "mail").glob("*.eml")]
    [reset] = [m for m in mails if m["To"] == owner.email and m["Subject"] == "Reset your password"]
    assert f"{settings.public_base_url}/reset-password?token=" in reset.get_body(("plain",)).get_content()


def test_the_settings_pick_the_transports(tmp_path):
    smtp = build_container(make_settings("sqlite://", tmp_path, mail_backend="smtp", mail_queue=False))
    assert isinstance(smtp.mailer(), SmtpEmailSender) and smtp.mailer() is smtp.mail_transport()
    live = build_container(make_settings("sqlite://", tmp_path, messaging="live"))
    assert isinstance(live.message_provider(), ProviderRouter)
    assert isinstance(build_container(make_settings("sqlite://", tmp_path)).message_provider(), ConsoleMessageProvider)
    with pytest.raises(ValueError, match="PMSAAS_MAIL_BACKEND"):
        build_container(make_settings("sqlite://", tmp_path, mail_backend="pigeon")).mail_transport()


class Stuck(EmailSender):
    """A mail server that hangs until released, then refuses for good."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.tried: list[str] = []

    async def send(self, message: EmailMessage) -> None:
        self.tried.append(message.to)
        await self.release.wait()
        raise MessageNotSent("SMTP 550: mailbox unavailable", retryable=False)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_hanging_then_failing_mail_server_neither_slows_nor_fails_the_request(backend, database_urls, tmp_path):
    container = build_container(make_settings(database_urls[backend], tmp_path, mail_queue=True))
    stuck = Stuck()
    container.mail_transport.override(providers.Object(stuck))
    try:
        async with AsyncTestClient(app=create_app(container)) as client:
            api = Api(client, container, backend)
            owner = await api.new_org()
            jobs = in_process_jobs(container)
            assert jobs is not None
            started = time.monotonic()
            r = await api.post("/api/v1/identity/forgot-password", json={"email": owner.email})
            assert r.status_code == 200 and time.monotonic() - started < 2
            await asyncio.sleep(0.05)
            assert owner.email in stuck.tried and jobs.pending  # the job is the one waiting
            with structlog.testing.capture_logs() as logs:
                stuck.release.set()
                await jobs.drain()  # the refusal is the job's outcome, not an error
            assert any(e["event"] == "delivery.failed" and "550" in e["detail"] for e in logs)
    finally:
        container.mail_transport.reset_override()
        await shutdown(container)
