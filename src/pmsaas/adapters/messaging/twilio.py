"""SMS through Twilio's Programmable Messaging REST API (httpx).

``POST https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json``, form-encoded, HTTP
basic auth (Account SID, Auth Token); 201 answers the Message resource (``sid``, ``status``), an
error answers ``{code, message, more_info, status}`` (https://www.twilio.com/docs/api/errors).

Channel settings: ``config`` ``from_number`` (or ``messaging_service_sid``), ``account_sid``
(config or secrets); ``secrets`` ``auth_token``. DLT (India): Twilio's Messages API has no field
for the DLT entity or template id: Twilio registers them for the sender through its own India
onboarding and matches the text against the registered template. So the text must be the registered
template's text, and the ids are recorded with the delivery, not sent (docs/notifications.md)."""

from __future__ import annotations

import httpx
import structlog

from pmsaas.domain.notifications.model import ChannelType
from pmsaas.domain.notifications.ports import MessageProvider, ProviderOutcome, ProviderTemplate

log = structlog.get_logger("pmsaas.messaging")
API = "https://api.twilio.com/2010-04-01"

# Twilio error codes that a later attempt will not fix, in the words we record.
PERMANENT = {
    20003: "Twilio refused the credentials",
    21211: "invalid 'To' phone number",
    21408: "the account may not send to this region",
    21606: "the 'From' number cannot send SMS",
    21610: "the recipient has unsubscribed (replied STOP)",
    21612: "the recipient's number cannot be reached from this sender",
    21614: "the 'To' number cannot receive SMS",
}
RATE_LIMITED = {20429, 14107}  # too many requests; SMS rate limit


class TwilioSmsProvider(MessageProvider):
    def __init__(self, client: httpx.AsyncClient | None = None, *, timeout: float = 10.0) -> None:
        self._client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def send(
        self,
        *,
        channel_type: ChannelType,
        provider: str,
        config: dict[str, str],
        secrets: dict[str, str],
        to: str,
        text: str,
        template: ProviderTemplate | None = None,
    ) -> ProviderOutcome:
        sid = config.get("account_sid") or secrets.get("account_sid") or ""
        token = secrets.get("auth_token") or ""
        if not sid or not token:
            return ProviderOutcome(False, "the channel needs account_sid and auth_token")
        form = {"To": to, "Body": text}
        if config.get("messaging_service_sid"):
            form["MessagingServiceSid"] = config["messaging_service_sid"]
        else:
            form["From"] = config.get("from_number", "")
        try:
            r = await self._client.post(f"{API}/Accounts/{sid}/Messages.json", data=form, auth=(sid, token))
        except httpx.HTTPError as failure:
            return ProviderOutcome(False, f"Twilio unreachable: {type(failure).__name__}", retryable=True)
        outcome = outcome_of(r)
        log.info(
            "sms.sent" if outcome.delivered else "sms.refused",
            provider="twilio",
            to=to,
            detail=outcome.detail,
            dlt_entity_id=config.get("dlt_entity_id"),
            dlt_template_id=template.dlt_template_id if template else None,
        )
        return outcome


def outcome_of(r: httpx.Response) -> ProviderOutcome:
    try:
        body = r.json()
    except ValueError:
        body = {}
    if r.status_code in (200, 201) and body.get("sid"):
        return ProviderOutcome(True, f"accepted by Twilio ({body.get('status', 'queued')})", str(body["sid"]))
    code = body.get("code")
    message = str(body.get("message") or r.reason_phrase)[:200]
    if code in PERMANENT:
        return ProviderOutcome(False, f"Twilio {code}: {PERMANENT[code]}")
    if code in RATE_LIMITED or r.status_code == 429 or r.status_code >= 500:
        return ProviderOutcome(False, f"Twilio {code or r.status_code}: {message}", retryable=True)
    return ProviderOutcome(False, f"Twilio {code or r.status_code}: {message}")
