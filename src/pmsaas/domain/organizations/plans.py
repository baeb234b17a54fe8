"""The platform's plans (standard, premium, enterprise), an organization's subscription to one, and
the invoices the platform issues for it.

The catalogue is data: what each plan allows (API requests per hour, seats, properties, units,
storage, features) and what it costs per monthly period in each currency the platform bills in.
The per-hour request limits are seed 000's rate-limit policy (``X-RateLimit-Limit: 1000`` over a
``3600`` s window for standard); a deployment may tune them (``PMSAAS_RATE_LIMIT_*``).

Rules: an upgrade takes effect at once and starts a new period (no proration: the new plan's full
price is charged); a downgrade takes effect at the end of the current period and is refused while
the organization uses more seats or properties than the smaller plan allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.shared.errors import Conflict
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.plan_limits import PlanLimitReached, Quota, takes_a_seat

PLAN_ORDER = (Plan.STANDARD, Plan.PREMIUM, Plan.ENTERPRISE)


@dataclass(frozen=True)
class PlanLimits:
    plan: Plan
    requests_per_hour: int
    seats: int | None  # None: unlimited
    properties: int | None
    units: int | None
    storage_gb: int
    features: frozenset[str]
    monthly_price: dict[str, Decimal]  # currency -> price of one monthly period, tax exclusive

    def price_in(self, currency: str) -> Money:
        return Money(self.monthly_price[currency], currency)

    def limit_of(self, quota: Quota) -> int | None:
        """The most the plan allows of ``quota`` (storage in bytes); None: unlimited."""
        if quota is Quota.SEATS:
            return self.seats
        if quota is Quota.PROPERTIES:
            return self.properties
        if quota is Quota.UNITS:
            return self.units
        return self.storage_gb * BYTES_PER_GB


BYTES_PER_GB = 1000**3  # decimal gigabytes, as storage is sold


_STANDARD_FEATURES = frozenset({"api_keys", "webhooks", "email_notifications"})
_PREMIUM_FEATURES = _STANDARD_FEATURES | {"custom_roles", "oauth_clients", "verified_domains", "sms_notifications"}
_ENTERPRISE_FEATURES = _PREMIUM_FEATURES | {"audit_log_export", "single_sign_on", "priority_support"}

PLANS: dict[Plan, PlanLimits] = {
    Plan.STANDARD: PlanLimits(
        Plan.STANDARD, 1000, 25, 100, 2000, 10, _STANDARD_FEATURES,
        {"USD": Decimal("0.00"), "CAD": Decimal("0.00"), "INR": Decimal("0.00")},
    ),
    Plan.PREMIUM: PlanLimits(
        Plan.PREMIUM, 5000, 100, 1000, 20000, 100, _PREMIUM_FEATURES,
        {"USD": Decimal("99.00"), "CAD": Decimal("129.00"), "INR": Decimal("7999.00")},
    ),
    Plan.ENTERPRISE: PlanLimits(
        Plan.ENTERPRISE, 20000, None, None, None, 1000, _ENTERPRISE_FEATURES,
        {"USD": Decimal("499.00"), "CAD": Decimal("649.00"), "INR": Decimal("39999.00")},
    ),
}  # fmt: skip


def rank(plan: Plan) -> int:
    return PLAN_ORDER.index(plan)


def seats_used(member_roles: Iterable[frozenset[str]]) -> int:
    """A seat is a member who works in the organization: everyone but tenants (who only see their
    own lease) takes one."""
    return sum(1 for roles in member_roles if takes_a_seat(roles))


def _size(n: int) -> str:
    for unit, scale in (("GB", BYTES_PER_GB), ("MB", 1000**2), ("kB", 1000)):
        if n >= scale:
            return f"{n / scale:.2f} {unit}"
    return f"{n} bytes"


def check_room(plan: Plan, quota: Quota, in_use: int, adding: int) -> None:
    """PlanLimitReached when ``adding`` more of ``quota`` would exceed what ``plan`` allows; the message
    names the limit, the plan and the way out."""
    limit = PLANS[plan].limit_of(quota)
    if limit is None or in_use + adding <= limit:
        return
    name = plan.value
    if quota is Quota.SEATS:
        message = (
            f"the {name} plan allows {limit} seats and {in_use} are taken (members other than tenants, "
            "and pending invitations): upgrade the plan or remove a member first"
        )
    elif quota is Quota.PROPERTIES:
        message = (
            f"the {name} plan allows {limit} properties and the organization has {in_use}: "
            "upgrade the plan or delete a property first"
        )
    elif quota is Quota.UNITS:
        message = (
            f"the {name} plan allows {limit} units and the organization has {in_use}"
            + (f" (adding {adding})" if adding > 1 else "")
            + ": upgrade the plan or delete a unit first"
        )
    else:
        message = (
            f"the {name} plan allows {_size(limit)} of stored files; {_size(in_use)} are stored and this file "
            f"needs {_size(adding)}: upgrade the plan or delete files first"
        )
    raise PlanLimitReached(message, plan=name, quota=quota)


@dataclass(frozen=True)
class Usage:
    seats: int
    properties: int


def check_fits(target: Plan, usage: Usage) -> None:
    """Conflict naming every limit the organization is over, and by how much."""
    limits = PLANS[target]
    over = []
    if limits.seats is not None and usage.seats > limits.seats:
        over.append(f"{usage.seats} seats in use, {target.value} allows {limits.seats}")
    if limits.properties is not None and usage.properties > limits.properties:
        over.append(f"{usage.properties} properties, {target.value} allows {limits.properties}")
    if over:
        raise Conflict(f"cannot move to {target.value}: " + "; ".join(over) + ". Remove the excess first.")


def add_months(at: datetime, months: int) -> datetime:
    """The same day and time ``months`` later, on the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month0 = at.month - 1 + months
    year, month = at.year + month0 // 12, month0 % 12 + 1
    for day in (at.day, 30, 29, 28):
        try:
            return at.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    # A renewal's charge failed: the plan stays in force while the payment is retried (DUNNING_RETRIES).
    PAST_DUE = "past_due"


# Dunning: a failed renewal is charged again this long after its invoice was issued (Stripe Billing's
# custom retry schedules count the same way); after the last one fails the organization moves to the
# free plan (docs/organizations.md, "Failed renewals").
DUNNING_RETRIES = (timedelta(days=1), timedelta(days=3), timedelta(days=7))


@dataclass(eq=False)
class Subscription:
    """The organization's plan and its current monthly period; a downgrade waits here until the
    period ends (``scheduled_plan``)."""

    organization_id: UUID
    plan: Plan
    current_period_start: datetime
    current_period_end: datetime
    created_at: datetime
    updated_at: datetime
    scheduled_plan: Plan | None = None
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE
    card_reference: str | None = None  # the gateway's reference to the paying card (never its number)
    payment_attempts: int = 0  # failed charges of the open renewal invoice (past_due), 0 when active
    next_payment_attempt_at: datetime | None = None  # when the dunning charges it again (past_due)
    version: int = 0  # 0: never stored (every organization starts on standard without a row)

    @classmethod
    def starting(cls, organization_id: UUID, plan: Plan, at: datetime) -> Subscription:
        return cls(organization_id, plan, at, add_months(at, 1), at, at)

    def rolled_forward(self, now: datetime) -> None:
        """The period that contains ``now`` (a subscription never stored has its first period start at
        the organization's creation)."""
        while self.current_period_end <= now:
            self.current_period_start = self.current_period_end
            self.current_period_end = add_months(self.current_period_end, 1)

    def payment_failed(self, invoice_issued_at: datetime) -> bool:
        """One more failed charge of the open renewal invoice: past due with the next retry set (True),
        or False when it was the last retry (the caller moves the organization to the free plan)."""
        self.payment_attempts += 1
        retries_made = self.payment_attempts - 1
        if retries_made >= len(DUNNING_RETRIES):
            return False
        self.status = SubscriptionStatus.PAST_DUE
        self.next_payment_attempt_at = invoice_issued_at + DUNNING_RETRIES[retries_made]
        return True

    def payment_settled(self) -> None:
        self.status, self.payment_attempts, self.next_payment_attempt_at = SubscriptionStatus.ACTIVE, 0, None


class InvoiceStatus(StrEnum):
    PAID = "paid"
    OPEN = "open"  # issued, not charged yet (a renewal whose charge failed: being retried)
    UNCOLLECTIBLE = "uncollectible"  # every retry failed: the organization moved to the free plan


@dataclass(eq=False)
class SubscriptionInvoice:
    """The platform's invoice to the organization for its plan (numbered ``SUB-<year>-<seq>`` per
    organization, apart from the organization's own invoices to its tenants)."""

    organization_id: UUID
    number: str
    plan: Plan
    period_start: datetime
    period_end: datetime
    amount: Money
    status: InvoiceStatus
    issued_at: datetime
    paid_at: datetime | None = None
    gateway: str | None = None
    gateway_payment_id: str | None = None
    id: UUID = field(default_factory=new_id)


def invoice_number(year: int, sequence: int) -> str:
    return f"SUB-{year}-{sequence:06d}"
