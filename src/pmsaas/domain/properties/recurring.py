"""Recurring charges on a lease (maintenance, parking, CAM, utilities): in its schedule and its
billing run next to the rent. Pure model and use cases.

Rules
-----
* The amount is in the lease's currency, positive; it is billed in full (no proration) for each
  billing month of the lease's term that the charge covers on at least one day, every month
  (``monthly``), every third month (``quarterly``) or every twelfth (``yearly``) counted from the
  charge's start month.
* A month's charge belongs to the window that holds its first covered day, so the schedules of
  adjacent windows add up to the schedule of their union (each month is charged once).
* It is due on the lease's due date of that month (the rent's).
* ``supply_type`` is its tax treatment (docs/tax-rules.md): the billing run taxes its invoice line
  with the engine, like a hand-made line of that supply type.
* A ``reserve_fund`` charge is a condominium's reserve fund part of the common expenses: billed as
  a ``reserve_fund`` line, which the ledger credits to the property's reserve fund, not to income.
  Its supply type is the common expenses' (``society_maintenance``) or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from uuid import UUID

from pmsaas.domain.properties.schedule import Charge, LeaseTerms, due_date_of
from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money

RecurringKind = Literal["maintenance", "parking", "cam", "utilities", "reserve_fund", "other"]
Frequency = Literal["monthly", "quarterly", "yearly"]
STEP = {"monthly": 1, "quarterly": 3, "yearly": 12}


@dataclass(frozen=True)
class RecurringChargeInput:
    kind: RecurringKind
    description: str
    amount: Money
    frequency: Frequency
    start_date: date
    end_date: date | None = None
    supply_type: str | None = None


@dataclass(eq=False)
class RecurringCharge:
    organization_id: UUID
    lease_id: UUID
    kind: RecurringKind
    description: str
    amount: Money
    frequency: Frequency
    start_date: date
    created_at: datetime
    updated_at: datetime
    end_date: date | None = None  # inclusive; None: as long as the lease
    supply_type: str | None = None
    id: UUID = field(default_factory=new_id)
    version: int = 1

    def charges(self, terms: LeaseTerms, from_date: date, to_date: date) -> list[Charge]:
        """Its charges for the window ``[from_date, to_date]`` within the lease's term."""
        first_day = max(self.start_date, terms.start_date)
        last_day = min(d for d in (self.end_date, terms.end_date, to_date) if d is not None)
        out: list[Charge] = []
        month = first_day.replace(day=1)
        step = STEP[self.frequency]
        while month <= last_day:
            month_end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            covered_from = max(month, first_day)
            months_in = (month.year - self.start_date.year) * 12 + month.month - self.start_date.month
            if months_in % step == 0 and from_date <= covered_from <= to_date:
                out.append(
                    Charge(
                        type="reserve_fund" if self.kind == "reserve_fund" else "other",
                        period_start=covered_from,
                        period_end=min(month_end, last_day),
                        due_date=due_date_of(terms, month),
                        amount=self.amount.rounded(),
                        description=self.description,
                        supply_type=self.supply_type,
                    )
                )
            month = month_end + timedelta(days=1)
        return out


def check_input(data: RecurringChargeInput, currency: str) -> None:
    problems: list[FieldProblem] = []
    if data.amount.currency != currency:
        problems.append(FieldProblem("amount.currency", f"must be the lease's currency {currency}"))
    elif not data.amount.is_positive:
        problems.append(FieldProblem("amount.amount", "must be positive"))
    if data.kind == "reserve_fund" and data.supply_type not in (None, "society_maintenance"):
        problems.append(
            FieldProblem(
                "supply_type", "a reserve fund charge is part of the common expenses: none or society_maintenance"
            )
        )
    if data.end_date is not None and data.end_date < data.start_date:
        problems.append(FieldProblem("end_date", "must not be before start_date"))
    if data.start_date.year < 1900:
        problems.append(FieldProblem("start_date", "must be in 1900 or later"))
    if problems:
        raise ValidationFailed(problems)


def schedule_with_recurring(
    rent: list[Charge], recurring: list[RecurringCharge], terms: LeaseTerms, from_date: date, to_date: date
) -> list[Charge]:
    """The rent schedule and the recurring charges of the window, ordered by due date."""
    charges = list(rent)
    for r in recurring:
        charges.extend(r.charges(terms, from_date, to_date))
    order = {"deposit": 0, "rent": 1, "other": 2, "reserve_fund": 2, "late_fee": 3}
    charges.sort(key=lambda c: (c.due_date, c.period_start, order[c.type]))
    return charges
