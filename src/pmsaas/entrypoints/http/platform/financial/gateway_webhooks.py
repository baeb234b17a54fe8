"""/api/v1/financial/payments/webhooks: the payment gateways' signed callbacks."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.status_codes import HTTP_200_OK

from pmsaas.domain.financial import payments
from pmsaas.domain.financial.model import Payment
from pmsaas.entrypoints.http.deps import Context, RequestContext
from pmsaas.entrypoints.http.envelope import Ok, ok


class WebhookAck(msgspec.Struct, kw_only=True):
    received: bool
    payment_id: UUID | None
    status: str | None

    @classmethod
    def of(cls, payment: Payment | None) -> WebhookAck:
        if payment is None:
            return cls(received=True, payment_id=None, status=None)
        return cls(received=True, payment_id=payment.id, status=payment.status.value)


class PaymentWebhookController(Controller):
    """Gateway callbacks: public (no user), authenticated by the gateway's signature instead.

    The gateway checks the signature and reads its event (``PaymentGateway.parse_callback``): a bad or
    stale signature is a 401, a body that is not an event a 400."""

    path = "/api/v1/financial/payments/webhooks"
    tags = ["Financial: payments"]

    @post(
        "/sandbox",
        status_code=HTTP_200_OK,
        summary="Sandbox gateway callback (signed): settles or fails a pending payment exactly once",
        opt={"idempotency": "off"},
    )
    async def sandbox(self, request: Request[Any, Any, Any], ctx: Context) -> Ok[WebhookAck]:
        return await _settled(ctx, "sandbox", request)

    @post(
        "/stripe",
        status_code=HTTP_200_OK,
        summary="Stripe callback (Stripe-Signature): settles or fails a pending PaymentIntent exactly once",
        description="payment_intent.succeeded / payment_failed / canceled settle; other event types are acknowledged.",
        opt={"idempotency": "off"},
    )
    async def stripe(self, request: Request[Any, Any, Any], ctx: Context) -> Ok[WebhookAck]:
        return await _settled(ctx, "stripe", request)

    @post(
        "/razorpay",
        status_code=HTTP_200_OK,
        summary="Razorpay callback (X-Razorpay-Signature): settles a pending UPI / net banking order exactly once",
        description="payment.captured and order.paid settle the order's payment; other events are acknowledged.",
        opt={"idempotency": "off"},
    )
    async def razorpay(self, request: Request[Any, Any, Any], ctx: Context) -> Ok[WebhookAck]:
        return await _settled(ctx, "razorpay", request)


async def _settled(ctx: RequestContext, gateway: str, request: Request[Any, Any, Any]) -> Ok[WebhookAck]:
    """A verified callback, settled exactly once (the use case records the event id)."""
    event = ctx.callback_gateway(gateway).parse_callback(request.headers, await request.body())
    if event.gateway_payment_id is None:  # an event type that settles nothing
        return ok(WebhookAck.of(None))
    payment = await payments.settle_from_gateway(
        uow=ctx.system_uow(),
        clock=ctx.clock,
        gateway=gateway,
        event_id=event.event_id,
        gateway_payment_id=event.gateway_payment_id,
        succeeded=event.succeeded,
        reason=event.failure_reason,
    )
    return ok(WebhookAck.of(payment))
