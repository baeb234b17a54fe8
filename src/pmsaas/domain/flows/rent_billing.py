"""The monthly rent run: the properties context says what each lease owes, the financial context
invoices it.

Properties rules (``pmsaas.domain.properties.schedule``): the rent schedule of the period (deposit,
rent, proration, escalation, due dates) and the lease's late-fee terms. Financial rules
(``pmsaas.domain.financial.billing``): taxes, numbering, issue, credit, the batch write, one
transaction per organization, exactly once. The adapter behind :class:`LeasesToBill` only loads the
leases (rows to value objects); no rule is evaluated in SQL or in an adapter.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pmsaas.domain.financial.billing import BillingSummary, bill_leases, parse_period
from pmsaas.domain.financial.invoicing import InvoiceMailing
from pmsaas.domain.financial.ports import BillableCharge, BillableLease, FinancialUnitOfWork, LateFeeRule, LeaseRef
from pmsaas.domain.properties.lease import OCCUPYING, Lease, LeaseStatus
from pmsaas.domain.properties.recurring import RecurringCharge, schedule_with_recurring
from pmsaas.domain.properties.schedule import LeaseTerms, late_fee_for, rent_schedule
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.money import Money


@dataclass(frozen=True, slots=True)
class LeaseToBill:
    """One lease as the run reads it: the properties context's lease (its terms) and the financial
    context's view of it (tenant, property and tax facts)."""

    lease: Lease
    ref: LeaseRef
    recurring: tuple[RecurringCharge, ...] = ()  # the lease's recurring charges (maintenance, parking...)


class LeasesToBill(ABC):
    @abstractmethod
    async def leases(
        self, organization_id: UUID | None, statuses: Collection[LeaseStatus], started_by: date
    ) -> list[LeaseToBill]:
        """The leases in ``statuses`` whose start date is on or before ``started_by`` (all
        organizations when ``organization_id`` is None), ordered by organization, start date, id
        (the order in which a run numbers their invoices)."""


class RentBillingUnitOfWork(FinancialUnitOfWork, ABC):
    leases_to_bill: LeasesToBill


async def run_billing(
    *,
    uow_factory: Callable[[], RentBillingUnitOfWork],
    clock: Clock,
    period: str,
    organization_id: UUID | None = None,
    mailing: InvoiceMailing | None = None,
) -> BillingSummary:
    """Bill every lease that occupies its unit (active or under notice) for ``period`` (YYYY-MM);
    with ``mailing``, each new invoice's e-mail is queued in its organization's transaction."""
    start, end = parse_period(period)
    async with uow_factory() as uow:
        if organization_id is not None:
            await uow.organization_profiles.get(organization_id)  # an unknown organization is NotFound
        leases = await uow.leases_to_bill.leases(organization_id, OCCUPYING, end)
    due = [what_is_due(item, start, end) for item in leases]
    return await bill_leases(uow_factory=uow_factory, clock=clock, period=period, leases=due, mailing=mailing)


def what_is_due(item: LeaseToBill, period_start: date, period_end: date) -> BillableLease:
    """The lease's charges for the period (its rent schedule) and its late-fee rule."""
    terms = item.lease.terms()
    schedule = schedule_with_recurring(
        rent_schedule(terms, period_start, period_end), list(item.recurring), terms, period_start, period_end
    )
    charges = [
        BillableCharge(c.type, c.description, c.amount, c.due_date, c.period_start, c.period_end, c.supply_type)
        for c in schedule
    ]
    return BillableLease(item.ref, charges, _late_fee_rule(terms))


def _late_fee_rule(terms: LeaseTerms) -> LateFeeRule | None:
    if terms.late_fee is None:
        return None

    def rule(balance: Money, due: date, as_of: date) -> Money | None:
        return late_fee_for(terms, invoice_amount=balance, due_date=due, as_of=as_of)

    return rule
