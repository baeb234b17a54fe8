"""Twilio SMS and the WhatsApp Cloud API against recorded responses (httpx.MockTransport): the
requests they make, and how each provider's answers map to delivered / retry / give up."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

import httpx
import pytest

from pmsaas.adapters.messaging.router import MailChannelProvider, ProviderRouter
from pmsaas.adapters.messaging.twilio import TwilioSmsProvider
from pmsaas.adapters.messaging.whatsapp import WhatsAppCloudProvider
from pmsaas.domain.notifications.model import ChannelType
from pmsaas.domain.notifications.ports import ProviderTemplate
from pmsaas.domain.shared.ports import EmailMessage, EmailSender, MessageNotSent

SID = "AC" + "0" * 31 + "1"
# Recorded bodies, in the shapes the providers document (ids and numbers replaced).
TWILIO_CREATED = {
    "account_sid": SID,
    "api_version": "2010-04-01",
    "body": "Rent of ₹25,000.00 is due on 5 Dec.",
    "date_created": "Tue, 01 Dec 2026 09:30:00 +0000",
    "direction": "outbound-api",
    "error_code": None,
    "error_message": None,
    "from": "+15005550006",
    "num_segments": "1",
    "sid": "SM" + "a" * 32,
    "status": "queued",
    "to": "+919812345678",
    "uri": f"/2010-04-01/Accounts/{SID}/Messages/SM{'a' * 32}.json",
}


def twilio_error(code: int, message: str, status: int) -> dict[str, object]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def meta_error(code: int, message: str, kind: str = "OAuthException") -> dict[str, object]:
    return {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGh123"}}


WHATSAPP_SENT = {
    "messaging_product": "whatsapp",
    "contacts": [{"input": "919812345678", "wa_id": "919812345678"}],
    "messages": [{"id": "wamid.HBgMOTE5ODEyMzQ1Njc4FQIAERgSQUFBQUFBQUFBQUFBQUFBQUFBAA=="}],
}


def recorder(status: int, body: object, seen: list[httpx.Request]) -> httpx.AsyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body)

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


SMS_CHANNEL = {"config": {"from_number": "+15005550006", "dlt_entity_id": "1201160000000000001"}}
SMS_SECRETS = {"account_sid": SID, "auth_token": "tw-auth-token"}


async def twilio_send(client: httpx.AsyncClient, template: ProviderTemplate | None = None):
    return await TwilioSmsProvider(client).send(
        channel_type=ChannelType.SMS,
        provider="twilio",
        config=SMS_CHANNEL["config"],
        secrets=SMS_SECRETS,
        to="+919812345678",
        text="Rent of ₹25,000.00 is due on 5 Dec.",
        template=template,
    )


async def test_twilio_posts_the_form_with_basic_auth_and_reports_the_message_sid():
    seen: list[httpx.Request] = []
    outcome = await twilio_send(recorder(201, TWILIO_CREATED, seen), ProviderTemplate("en-IN", dlt_template_id="1207"))
    assert outcome.delivered and outcome.provider_message_id == TWILIO_CREATED["sid"]
    [request] = seen
    assert str(request.url) == f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.method == "POST" and request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(f"{SID}:tw-auth-token".encode()).decode()
    form = parse_qs(request.content.decode())
    assert form == {"To": ["+919812345678"], "From": ["+15005550006"], "Body": ["Rent of ₹25,000.00 is due on 5 Dec."]}


@pytest.mark.parametrize(
    ("status", "body", "retryable", "words"),
    [
        (400, twilio_error(21211, "The 'To' number +91981 is not a valid phone number.", 400), False, "invalid"),
        (400, twilio_error(21610, "Attempt to send to unsubscribed recipient", 400), False, "unsubscribed"),
        (401, twilio_error(20003, "Authenticate", 401), False, "credentials"),
        (429, twilio_error(20429, "Too Many Requests", 429), True, "20429"),
        (503, {"message": "Service Unavailable"}, True, "503"),
    ],
)
async def test_twilio_errors_map_to_give_up_or_retry(status, body, retryable, words):
    outcome = await twilio_send(recorder(status, body, []))
    assert not outcome.delivered and outcome.retryable is retryable and words in outcome.detail
    assert "tw-auth-token" not in outcome.detail


async def test_a_network_failure_is_retryable():
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    outcome = await twilio_send(httpx.AsyncClient(transport=httpx.MockTransport(broken)))
    assert not outcome.delivered and outcome.retryable


WA_CONFIG, WA_SECRETS = {"phone_number_id": "106540352242922"}, {"access_token": "EAAG-meta-token"}


async def whatsapp_send(client: httpx.AsyncClient, template: ProviderTemplate | None):
    return await WhatsAppCloudProvider(client).send(
        channel_type=ChannelType.WHATSAPP,
        provider="meta",
        config=WA_CONFIG,
        secrets=WA_SECRETS,
        to="+919812345678",
        text="किराया ₹25,000.00",
        template=template,
    )


async def test_whatsapp_sends_an_approved_template_with_its_parameters_and_a_bearer_token():
    seen: list[httpx.Request] = []
    template = ProviderTemplate("hi-IN", parameters=("Asha", "₹25,000.00"), whatsapp_name="rent_reminder")
    outcome = await whatsapp_send(recorder(200, WHATSAPP_SENT, seen), template)
    assert outcome.delivered and outcome.provider_message_id.startswith("wamid.")
    [request] = seen
    assert str(request.url) == "https://graph.facebook.com/v20.0/106540352242922/messages"
    assert request.headers["authorization"] == "Bearer EAAG-meta-token"
    assert json.loads(request.content) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "919812345678",
        "type": "template",
        "template": {
            "name": "rent_reminder",
            "language": {"code": "hi_IN"},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": "Asha"}, {"type": "text", "text": "₹25,000.00"}],
                }
            ],
        },
    }


async def test_whatsapp_without_a_template_name_sends_text():
    seen: list[httpx.Request] = []
    assert (await whatsapp_send(recorder(200, WHATSAPP_SENT, seen), None)).delivered
    assert json.loads(seen[0].content)["text"] == {"preview_url": False, "body": "किराया ₹25,000.00"}


@pytest.mark.parametrize(
    ("status", "body", "retryable", "words"),
    [
        (400, meta_error(131026, "Message undeliverable", "OAuthException"), False, "undeliverable"),
        (429, meta_error(130429, "Rate limit hit"), True, "130429"),
        (401, meta_error(190, "Error validating access token: Session has expired"), False, "token"),
        (500, meta_error(131000, "Something went wrong"), True, "131000"),
    ],
)
async def test_whatsapp_errors_map_to_give_up_or_retry(status, body, retryable, words):
    outcome = await whatsapp_send(recorder(status, body, []), ProviderTemplate("en", whatsapp_name="rent_reminder"))
    assert not outcome.delivered and outcome.retryable is retryable and words in outcome.detail
    assert "EAAG-meta-token" not in outcome.detail


async def test_the_router_picks_by_channel_type_and_provider_and_refuses_an_unknown_one():
    seen: list[httpx.Request] = []
    router = ProviderRouter({(ChannelType.SMS, "twilio"): TwilioSmsProvider(recorder(201, TWILIO_CREATED, seen))})
    common = {"config": SMS_CHANNEL["config"], "secrets": SMS_SECRETS, "to": "+919812345678", "text": "hi"}
    assert (await router.send(channel_type=ChannelType.SMS, provider="twilio", **common)).delivered
    unknown = await router.send(channel_type=ChannelType.SMS, provider="msg91", **common)
    assert not unknown.delivered and not unknown.retryable and "msg91" in unknown.detail
    assert len(seen) == 1


async def test_email_channels_go_through_the_mail_transport():
    class Box(EmailSender):
        def __init__(self) -> None:
            self.sent: list[EmailMessage] = []

        async def send(self, message: EmailMessage) -> None:
            if message.to.startswith("down"):
                raise MessageNotSent("SMTP server unreachable: OSError", retryable=True)
            self.sent.append(message)

    box = Box()
    router = ProviderRouter({}, mail=MailChannelProvider(box))
    common = {"channel_type": ChannelType.EMAIL, "provider": "smtp", "config": {}, "secrets": {}}
    assert (await router.send(**common, to="a@example.com", text="Test message from pmsaas")).delivered
    assert box.sent[0].subject == "Test message from pmsaas"
    down = await router.send(**common, to="down@example.com", text="x")
    assert not down.delivered and down.retryable
