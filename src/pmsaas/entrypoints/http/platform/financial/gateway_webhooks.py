"""/api/v1/financial/payments/webhooks: the payment gateways' signed callbacks."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK

from pmsaas.domain.financial import payments
from pmsaas.domain.financial.model import Payment
from pmsaas.domain.financial.ports import FinancialUnitOfWork
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.http.deps import AppContainer, CurrentClock
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.errors import ApiError
from pmsaas.settings import Settings


class WebhookAck(msgspec.Struct, kw_only=True):
    received: bool
    payment_id: UUID | None
    status: str | None

    @classmethod
    def of(cls, payment: Payment | None) -> WebhookAck:
        if payment is None:
            return cls(received=True, payment_id=None, status=None)
        return cls(received=True, payment_id=payment.id, status=payment.status.value)


class SandboxEventData(msgspec.Struct, kw_only=True):
    payment_id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    failure_reason: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class SandboxEvent(msgspec.Struct, kw_only=True):
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    type: Literal["payment.succeeded", "payment.failed"]
    data: SandboxEventData


class PaymentWebhookController(Controller):
    """Gateway callbacks: public (no user), authenticated by the gateway's signature instead."""

    path = "/api/v1/financial/payments/webhooks"
    tags = ["Financial: payments"]

    @post(
        "/sandbox",
        status_code=HTTP_200_OK,
        summary="Sandbox gateway callback (signed): settles or fails a pending payment exactly once",
        opt={"idempotency": "off"},
    )
    async def sandbox(
        self,
        request: Request[Any, Any, Any],
        uow: NamedDependency[FinancialUnitOfWork],
        container: AppContainer,
        clock: CurrentClock,
    ) -> Ok[WebhookAck]:
        from pmsaas.adapters.payments.sandbox import SIGNATURE_HEADER

        settings = container.settings()
        body = await _signed_body(request, settings.sandbox_webhook_secret, SIGNATURE_HEADER, settings, clock)
        try:
            event = msgspec.json.decode(body, type=SandboxEvent)
        except msgspec.DecodeError:
            raise ApiError(400, "BAD_REQUEST", "Malformed webhook body") from None
        except msgspec.ValidationError as exc:
            raise ValidationFailed.single("body", str(exc)) from None
        succeeded = event.type == "payment.succeeded"
        data = event.data
        return await _settled(uow, clock, "sandbox", event.id, data.payment_id, succeeded, data.failure_reason)

    @post(
        "/stripe",
        status_code=HTTP_200_OK,
        summary="Stripe callback (Stripe-Signature): settles or fails a pending PaymentIntent exactly once",
        description="payment_intent.succeeded / payment_failed / canceled settle; other event types are acknowledged.",
        opt={"idempotency": "off"},
    )
    async def stripe(
        self,
        request: Request[Any, Any, Any],
        uow: NamedDependency[FinancialUnitOfWork],
        container: AppContainer,
        clock: CurrentClock,
    ) -> Ok[WebhookAck]:
        from pmsaas.adapters.payments.stripe import SIGNATURE_HEADER, parse_webhook

        settings = container.settings()
        body = await _signed_body(request, settings.stripe_webhook_secret, SIGNATURE_HEADER, settings, clock)
        try:
            event = parse_webhook(body)
        except ValueError:
            raise ApiError(400, "BAD_REQUEST", "Malformed webhook body") from None
        if event.payment_intent_id is None:
            return ok(WebhookAck(received=True, payment_id=None, status=None))
        intent = event.payment_intent_id
        return await _settled(uow, clock, "stripe", event.event_id, intent, event.succeeded, event.failure_reason)


async def _settled(
    uow: FinancialUnitOfWork,
    clock: Clock,
    gateway: str,
    event_id: str,
    payment_id: str,
    succeeded: bool,
    reason: str | None,
) -> Ok[WebhookAck]:
    """A verified callback, settled exactly once (the use case records the event id)."""
    payment = await payments.settle_from_gateway(
        uow=uow,
        clock=clock,
        gateway=gateway,
        event_id=event_id,
        gateway_payment_id=payment_id,
        succeeded=succeeded,
        reason=reason,
    )
    return ok(WebhookAck.of(payment))


async def _signed_body(
    request: Request[Any, Any, Any], secret: str | None, header: str, settings: Settings, clock: Clock
) -> bytes:
    """The raw body, once its gateway signature checks out (else 401; no secret configured → 401 too)."""
    from pmsaas.adapters.payments.signing import verify

    body = await request.body()
    signed = verify(
        secret or "",
        body,
        request.headers.get(header),
        tolerance=settings.webhook_tolerance_seconds,
        now=clock.now().timestamp(),
    )
    if not signed:
        raise ApiError(401, "AUTHENTICATION_FAILED", "Invalid or expired webhook signature")
    return body
