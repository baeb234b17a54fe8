"""The SMTP adapter against a real SMTP server on loopback (aiosmtpd: STARTTLS with a certificate
made in the test, AUTH), and a password reset that reaches it through the queued job."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from litestar.testing import AsyncTestClient
from smtp_server import PASSWORD, USER, free_port, smtp_server

from conftest import BACKENDS, Api, make_settings
from pmsaas.adapters.messaging.smtp import SmtpEmailSender
from pmsaas.container import build_container, in_process_jobs, shutdown
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.ports import EmailAttachment, EmailMessage, MessageNotSent
from pmsaas.entrypoints.http.app import create_app

CLOCK = FixedClock(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
PDF = b"%PDF-1.4\n% a tiny stand-in for an invoice\n%%EOF\n"


def sender(server, **overrides) -> SmtpEmailSender:
    values = {
        "host": "127.0.0.1",
        "port": server.port,
        "sender": "Acme Rentals <billing@acme.example>",
        "clock": CLOCK,
        "username": USER,
        "password": PASSWORD,
        "starttls": True,
        "ca_file": str(server.ca_file),
        "timeout": 5.0,
    }
    return SmtpEmailSender(**(values | overrides))


async def test_a_message_with_its_pdf_arrives_over_starttls_and_auth(tmp_path):
    with smtp_server(tmp_path) as server:
        await sender(server).send(
            EmailMessage(
                to="tenant@example.com",
                subject="किराया अनुस्मारक: ₹25,000.00",
                body="प्रिय Asha, your invoice is attached.",
                attachments=(EmailAttachment("INV-2026-0001.pdf", "application/pdf", PDF),),
            )
        )
        [(mail_from, rcpt, message)] = server.inbox.messages
    assert mail_from == "billing@acme.example" and rcpt == ["tenant@example.com"]
    assert message["Subject"] == "किराया अनुस्मारक: ₹25,000.00"
    assert message["Date"] == "Tue, 01 Dec 2026 09:30:00 +0000"  # from the Clock port
    assert "प्रिय Asha" in message.get_body(("plain",)).get_content()
    [pdf] = list(message.iter_attachments())
    assert pdf.get_filename() == "INV-2026-0001.pdf" and pdf.get_content() == PDF


async def test_a_wrong_password_is_final_and_an_unreachable_server_is_retried(tmp_path):
    with smtp_server(tmp_path) as server:
        with pytest.raises(MessageNotSent) as refused:
            await sender(server, password="not the password").send(EmailMessage("a@example.com", "s", "b"))
        assert refused.value.retryable is False and "535" in refused.value.detail
        assert server.inbox.messages == []
        server.inbox.refuse = 451  # a temporary refusal of the message: try again later
        with pytest.raises(MessageNotSent) as later:
            await sender(server).send(EmailMessage("a@example.com", "s", "b"))
        assert later.value.retryable is True
    with pytest.raises(MessageNotSent) as down:
        await sender(server, port=free_port()).send(EmailMessage("a@example.com", "s", "b"))
    assert down.value.retryable is True


async def test_the_certificate_must_be_trusted(tmp_path):
    """STARTTLS is checked against the CA file (else the system's): a self-signed server is refused."""
    with smtp_server(tmp_path) as server:
        with pytest.raises(MessageNotSent):
            await sender(server, ca_file=None).send(EmailMessage("a@example.com", "s", "b"))
        assert server.inbox.messages == []


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_password_reset_email_arrives_with_a_link_on_the_public_base_url(backend, database_urls, tmp_path):
    """The whole way: the request only enqueues (in-process jobs), the job sends through SMTP."""
    with smtp_server(tmp_path) as server:
        settings = make_settings(
            database_urls[backend],
            tmp_path,
            public_base_url="https://rent.acme.example",
            mail_backend="smtp",
            mail_queue=True,
            smtp_port=server.port,
            smtp_username=USER,
            smtp_password=PASSWORD,
            smtp_ca_file=str(server.ca_file),
        )
        container = build_container(settings)
        try:
            async with AsyncTestClient(app=create_app(container)) as client:
                api = Api(client, container, backend)
                owner = await api.new_org()
                jobs = in_process_jobs(container)
                assert jobs is not None
                await jobs.drain()
                r = await api.post("/api/v1/identity/forgot-password", json={"email": owner.email})
                assert r.status_code == 200, r.text
                await jobs.drain()
                [mail] = [m for _, to, m in server.inbox.messages if to == [owner.email] and "Reset" in m["Subject"]]
                body = mail.get_body(("plain",)).get_content()
                link = next(w for w in body.split() if w.startswith("https://rent.acme.example/reset-password?token="))
                token = link.split("token=", 1)[1]
                r = await api.post(
                    "/api/v1/identity/reset-password", json={"token": token, "password": "a brand new password"}
                )
                assert r.status_code == 200, r.text
                assert (await api.login(owner.email, "a brand new password"))["access_token"]
        finally:
            await shutdown(container)
