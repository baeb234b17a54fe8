"""A vendor's performance over a period, computed from its work orders (completed or cancelled in it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pmsaas.domain.operations.model import WorkOrder, WorkOrderStatus
from pmsaas.domain.shared.money import Money


@dataclass(frozen=True)
class VendorPerformance:
    vendor_id: UUID
    period_start: datetime
    period_end: datetime
    work_orders_completed: int
    work_orders_cancelled: int
    on_time_rate: Decimal | None  # 0..1, None without completed work
    average_hours_to_complete: Decimal | None
    average_rating: Decimal | None
    ratings_count: int
    estimated_total: Money | None
    actual_total: Money | None

    @property
    def cost_vs_estimate(self) -> Decimal | None:
        """actual / estimated: 1.00 = on budget, 1.10 = 10% over."""
        if self.estimated_total is None or self.actual_total is None or self.estimated_total.amount == 0:
            return None
        return (self.actual_total.amount / self.estimated_total.amount).quantize(Decimal("0.01"))


def performance_of(
    vendor_id: UUID, period_start: datetime, period_end: datetime, orders: list[WorkOrder]
) -> VendorPerformance:
    """Performance over work orders completed (or cancelled) within the period."""
    done = [
        o
        for o in orders
        if o.status is WorkOrderStatus.COMPLETED and o.completed_at and period_start <= o.completed_at < period_end
    ]
    cancelled = [
        o
        for o in orders
        if o.status is WorkOrderStatus.CANCELLED and o.cancelled_at and period_start <= o.cancelled_at < period_end
    ]
    two = Decimal("0.01")
    on_time = average_hours = average_rating = None
    estimated = actual = None
    if done:
        on_time = (Decimal(sum(1 for o in done if o.on_time)) / Decimal(len(done))).quantize(two)
        hours = [
            Decimal((o.completed_at - (o.started_at or o.created_at)).total_seconds()) / 3600
            for o in done
            if o.completed_at is not None  # always: `done` holds completed orders only
        ]
        average_hours = (sum(hours, Decimal(0)) / len(hours)).quantize(two)
        currencies = {o.estimated_cost.currency for o in done}
        if len(currencies) == 1:
            currency = currencies.pop()
            estimated = Money(sum((o.estimated_cost.amount for o in done), Decimal(0)), currency)
            actual = Money(sum((o.actual_cost.amount for o in done if o.actual_cost), Decimal(0)), currency)
    rated = [o.rating for o in done if o.rating is not None]
    if rated:
        average_rating = (Decimal(sum(rated)) / len(rated)).quantize(two)
    return VendorPerformance(
        vendor_id=vendor_id,
        period_start=period_start,
        period_end=period_end,
        work_orders_completed=len(done),
        work_orders_cancelled=len(cancelled),
        on_time_rate=on_time,
        average_hours_to_complete=average_hours,
        average_rating=average_rating,
        ratings_count=len(rated),
        estimated_total=estimated,
        actual_total=actual,
    )
