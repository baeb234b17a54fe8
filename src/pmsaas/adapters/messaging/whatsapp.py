"""WhatsApp through Meta's Cloud API (httpx).

``POST https://graph.facebook.com/v20.0/{phone_number_id}/messages`` with a bearer token (a system
user's access token), JSON ``{messaging_product: "whatsapp", to, type, ...}``. A business starts a
conversation only with an approved template (``type: "template"``, its name, language and body
parameters); free text (``type: "text"``) is allowed inside the 24-hour window after the user wrote,
which is what a channel ``/test`` sends. Success answers ``{messages: [{id: "wamid..."}]}``; an error
``{error: {message, type, code, error_data, fbtrace_id}}`` (Meta's WhatsApp error codes page).

Channel settings: ``config`` ``phone_number_id``; ``secrets`` ``access_token``."""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from pmsaas.domain.notifications.model import ChannelType
from pmsaas.domain.notifications.ports import MessageProvider, ProviderOutcome, ProviderTemplate

log = structlog.get_logger("pmsaas.messaging")
GRAPH = "https://graph.facebook.com/v20.0"

PERMANENT = {
    190: "the access token is invalid or expired",
    100: "invalid parameter",
    131008: "a required parameter is missing",
    131026: "message undeliverable (not a WhatsApp number, or the app is outdated)",
    131047: "more than 24 hours since the user wrote: send a template",
    131051: "unsupported message type",
    132000: "the template's parameters do not match",
    132001: "the template does not exist in this language",
}
# Throughput and transient failures: try again later.
TRANSIENT = {1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004}


class WhatsAppCloudProvider(MessageProvider):
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
        number_id, token = config.get("phone_number_id", ""), secrets.get("access_token", "")
        if not number_id or not token:
            return ProviderOutcome(False, "the channel needs phone_number_id and access_token")
        try:
            r = await self._client.post(
                f"{GRAPH}/{number_id}/messages",
                json=payload(to, text, template),
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as failure:
            return ProviderOutcome(False, f"WhatsApp unreachable: {type(failure).__name__}", retryable=True)
        outcome = outcome_of(r)
        log.info("whatsapp.sent" if outcome.delivered else "whatsapp.refused", to=to, detail=outcome.detail)
        return outcome


def payload(to: str, text: str, template: ProviderTemplate | None) -> dict[str, Any]:
    base: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to.lstrip("+")}
    if template is None or not template.whatsapp_name:
        return {**base, "type": "text", "text": {"preview_url": False, "body": text}}
    body = {"type": "body", "parameters": [{"type": "text", "text": p} for p in template.parameters]}
    return {
        **base,
        "type": "template",
        "template": {
            "name": template.whatsapp_name,
            "language": {"code": template.locale.replace("-", "_")},  # Meta spells locales en_US, hi
            "components": [body] if template.parameters else [],
        },
    }


def outcome_of(r: httpx.Response) -> ProviderOutcome:
    try:
        body = r.json()
    except ValueError:
        body = {}
    messages = body.get("messages") if isinstance(body, dict) else None
    if r.status_code == 200 and messages:
        return ProviderOutcome(True, "accepted by WhatsApp", str(messages[0].get("id")))
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code")
    message = str(error.get("message") or r.reason_phrase)[:200]
    if code in PERMANENT:
        return ProviderOutcome(False, f"WhatsApp {code}: {PERMANENT[code]}")
    if code in TRANSIENT or r.status_code == 429 or r.status_code >= 500:
        return ProviderOutcome(False, f"WhatsApp {code or r.status_code}: {message}", retryable=True)
    return ProviderOutcome(False, f"WhatsApp {code or r.status_code}: {message}")
