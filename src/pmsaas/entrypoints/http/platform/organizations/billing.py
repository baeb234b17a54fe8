"""/api/v1/organizations/{id}/subscription and /billing: the plan, its limits, upgrades (charged at
once), downgrades (at the period's end) and the platform's invoices to the organization."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from pmsaas.domain.flows.plan_upgrade import upgrade_plan
from pmsaas.domain.organizations import subscriptions
from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import PLAN_ORDER, PLANS, PlanLimits, SubscriptionInvoice, rank
from pmsaas.domain.organizations.subscriptions import SubscriptionView
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.http.auth import PLAN_LIMIT_ATTR, requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.structs import Input, MoneyOut
from pmsaas.settings import Settings

PlanName = Literal["standard", "premium", "enterprise"]
# Sandbox test cards (adapters/payments/sandbox.py) or the configured gateway's; never stored or logged.
CardNumber = Annotated[str, msgspec.Meta(min_length=12, max_length=23, pattern=r"^[0-9 ]+$")]
BILLING = "org:billing"  # the owner's (OrganizationOwner holds org:*); managers and the rest do not


class UpgradeIn(Input):
    plan: PlanName
    card_number: CardNumber


class DowngradeIn(Input):
    plan: PlanName


class ChoosePlanIn(Input):
    """PUT/POST subscription: the plan wanted. Above the current one: an upgrade (``card_number``
    required); below: a downgrade at the period's end; the current plan: any scheduled downgrade is
    cancelled."""

    plan: PlanName
    card_number: CardNumber | None = None


class LimitsOut(msgspec.Struct, kw_only=True):
    plan: str
    requests_per_hour: int
    seats: int | None  # null: unlimited
    properties: int | None
    units: int | None
    storage_gb: int
    features: list[str]
    monthly_price: MoneyOut

    @classmethod
    def of(cls, limits: PlanLimits, currency: str, settings: Settings) -> LimitsOut:
        return cls(
            plan=limits.plan.value,
            # What the rate-limit gate enforces (the deployment may tune the catalogue's numbers).
            requests_per_hour=int(getattr(settings, PLAN_LIMIT_ATTR[limits.plan.value])),
            seats=limits.seats,
            properties=limits.properties,
            units=limits.units,
            storage_gb=limits.storage_gb,
            features=sorted(limits.features),
            monthly_price=MoneyOut.of(limits.price_in(currency)),
        )


class UsageOut(msgspec.Struct, kw_only=True):
    seats: int
    properties: int


class SubscriptionOut(msgspec.Struct, kw_only=True):
    organization_id: UUID
    plan: str
    status: str
    current_period_start: datetime
    current_period_end: datetime
    scheduled_plan: str | None  # a downgrade waiting for the period's end
    scheduled_change_at: datetime | None
    next_payment_attempt_at: datetime | None  # past_due: the dunning's next charge
    limits: LimitsOut
    usage: UsageOut
    available_plans: list[LimitsOut]

    @classmethod
    def of(cls, view: SubscriptionView, settings: Settings) -> SubscriptionOut:
        s = view.subscription
        return cls(
            organization_id=s.organization_id,
            plan=s.plan.value,
            status=s.status.value,
            current_period_start=s.current_period_start,
            current_period_end=s.current_period_end,
            scheduled_plan=s.scheduled_plan.value if s.scheduled_plan else None,
            scheduled_change_at=s.current_period_end if s.scheduled_plan else None,
            next_payment_attempt_at=s.next_payment_attempt_at,
            limits=LimitsOut.of(PLANS[s.plan], view.currency, settings),
            usage=UsageOut(seats=view.usage.seats, properties=view.usage.properties),
            available_plans=[LimitsOut.of(PLANS[p], view.currency, settings) for p in PLAN_ORDER],
        )


class SubscriptionInvoiceOut(msgspec.Struct, kw_only=True):
    id: UUID
    number: str
    plan: str
    period_start: datetime
    period_end: datetime
    amount: MoneyOut
    status: str
    issued_at: datetime
    paid_at: datetime | None
    gateway: str | None
    gateway_payment_id: str | None

    @classmethod
    def of(cls, i: SubscriptionInvoice) -> SubscriptionInvoiceOut:
        return cls(
            id=i.id,
            number=i.number,
            plan=i.plan.value,
            period_start=i.period_start,
            period_end=i.period_end,
            amount=MoneyOut.of(i.amount),
            status=i.status.value,
            issued_at=i.issued_at,
            paid_at=i.paid_at,
            gateway=i.gateway,
            gateway_payment_id=i.gateway_payment_id,
        )


class UpgradeOut(msgspec.Struct, kw_only=True):
    subscription: SubscriptionOut
    invoice: SubscriptionInvoiceOut


async def _upgrade(ctx: Context, organization_id: UUID, plan: Plan, card_number: str) -> UpgradeOut:
    done = await upgrade_plan(
        request=ctx.request_info,
        uow=ctx.uow(),
        clock=ctx.clock,
        gateway=ctx.payment_gateway,
        board=ctx.plan_board,
        actor=ctx.actor,
        organization_id=organization_id,
        plan=plan,
        card_number=card_number,
    )
    return UpgradeOut(
        subscription=SubscriptionOut.of(done.view, ctx.settings), invoice=SubscriptionInvoiceOut.of(done.invoice)
    )


class BillingController(Controller):
    path = "/api/v1/organizations/{organization_id:uuid}"
    tags = ["Organizations"]
    dependencies = {"listing": Provide(list_query(("issued_at", "number"), default_sort="issued_at"))}

    @get("/subscription", summary="The plan, its limits and period, what is in use")
    async def get_subscription(self, ctx: Context, organization_id: FromPath[UUID]) -> Ok[SubscriptionOut]:
        view = await subscriptions.get_subscription(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, organization_id=organization_id
        )
        return ok(SubscriptionOut.of(view, ctx.settings))

    @put("/subscription", guards=[requires(BILLING)], summary="Choose a plan (upgrade, downgrade or stay)")
    async def put_subscription(
        self, ctx: Context, organization_id: FromPath[UUID], data: JSONBody[ChoosePlanIn]
    ) -> Ok[SubscriptionOut]:
        return ok(await self._choose(ctx, organization_id, data))

    @post(
        "/subscription",
        guards=[requires(BILLING)],
        status_code=200,
        summary="Choose a plan (as PUT: every organization has one)",
    )
    async def post_subscription(
        self, ctx: Context, organization_id: FromPath[UUID], data: JSONBody[ChoosePlanIn]
    ) -> Ok[SubscriptionOut]:
        return ok(await self._choose(ctx, organization_id, data))

    @staticmethod
    async def _choose(ctx: Context, organization_id: UUID, data: ChoosePlanIn) -> SubscriptionOut:
        wanted = Plan(data.plan)
        current = await subscriptions.get_subscription(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, organization_id=organization_id
        )
        now_on = current.subscription.plan
        if rank(wanted) > rank(now_on):
            if data.card_number is None:
                raise ValidationFailed.single("card_number", "required for an upgrade (it is charged at once)")
            return (await _upgrade(ctx, organization_id, wanted, data.card_number)).subscription
        if rank(wanted) < rank(now_on):
            view = await subscriptions.schedule_downgrade(
                request=ctx.request_info,
                uow=ctx.uow(),
                clock=ctx.clock,
                actor=ctx.actor,
                organization_id=organization_id,
                plan=wanted,
            )
        else:
            view = await subscriptions.cancel_scheduled_change(
                request=ctx.request_info,
                uow=ctx.uow(),
                clock=ctx.clock,
                actor=ctx.actor,
                organization_id=organization_id,
            )
        return SubscriptionOut.of(view, ctx.settings)

    @get("/billing", guards=[requires(BILLING)], summary="The platform's invoices to the organization")
    async def list_billing(
        self, listing: Listing, organization_id: FromPath[UUID]
    ) -> Paginated[SubscriptionInvoiceOut]:
        ctx = listing.ctx
        page = await subscriptions.list_invoices(
            uow=ctx.uow(), actor=ctx.actor, organization_id=organization_id, page=listing.page
        )
        return paginated(page, [SubscriptionInvoiceOut.of(i) for i in page.items])

    @post("/billing/upgrade", guards=[requires(BILLING)], status_code=200, summary="Upgrade now; charged at once")
    async def upgrade(self, ctx: Context, organization_id: FromPath[UUID], data: JSONBody[UpgradeIn]) -> Ok[UpgradeOut]:
        return ok(await _upgrade(ctx, organization_id, Plan(data.plan), data.card_number))

    @post("/billing/downgrade", guards=[requires(BILLING)], status_code=200, summary="Downgrade at the period's end")
    async def downgrade(
        self, ctx: Context, organization_id: FromPath[UUID], data: JSONBody[DowngradeIn]
    ) -> Ok[SubscriptionOut]:
        view = await subscriptions.schedule_downgrade(
            request=ctx.request_info,
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            organization_id=organization_id,
            plan=Plan(data.plan),
        )
        return ok(SubscriptionOut.of(view, ctx.settings))
