"""The embedded default writes each e-mail to var/mail/<timestamp>-<id>.eml and logs where (not the
body); the queued sender hands messages to a job and never sends in the request."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import structlog

from fakes.notifications import RecordingJobQueue
from pmsaas.adapters.messaging.files import EmlFileEmailSender
from pmsaas.adapters.messaging.queued import QueuedEmailSender, decode
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.ports import EmailAttachment, EmailMessage

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
