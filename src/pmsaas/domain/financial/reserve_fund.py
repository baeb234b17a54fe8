"""A condominium's reserve fund in the ledger: ``reserve_fund:<property id>``, a fund held for the
owners (a liability, credit balance = the fund). Pure rules plus one use case.

* Contributions: invoice lines of charge type ``reserve_fund`` credit it at issue (``model.py``).
* Spending: an approved expense of the category ``reserve_fund`` debits it (``expenses.py``).
* Opening balance: the fund a manager takes over (the previous manager's reserve fund statement),
  recorded once per property: ``Dr cash / Cr reserve_fund:<property>`` dated the statement's date,
  the money being in the bank. A wrong figure is put right by an expense or a contribution, never
  by editing the journal. The change is written to the audit log with the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.ports import FinancialUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import AuditingUnitOfWork, AuditTarget, RequestInfo, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from pmsaas.domain.shared.money import Money

OPENING = "reserve_fund_opening"  # the journal entry's source type; its source id is the property
OPENING_LOCK = "reserve_opening"  # the number-sequence row whose lock serializes openings


class ReserveFundUnitOfWork(FinancialUnitOfWork, AuditingUnitOfWork):
    """The books and the audit log in one transaction."""


@dataclass(frozen=True)
class OpeningBalance:
    property_id: UUID
    account: str
    amount: Money
    as_of: date
    entry_id: UUID


def opening_entry(
    *, organization_id: UUID, property_id: UUID, amount: Money, as_of: date, today: date, at: datetime
) -> L.JournalEntry:
    """The opening entry, or 422 naming the field: a positive amount, dated on or before today."""
    problems: list[FieldProblem] = []
    if not amount.is_positive:
        problems.append(FieldProblem("amount.amount", "must be positive"))
    elif amount.amount != amount.rounded().amount:
        problems.append(FieldProblem("amount.amount", "must be in whole minor units"))
    if as_of > today:
        problems.append(FieldProblem("as_of", "must not be in the future"))
    if problems:
        raise ValidationFailed(problems)
    return L.entry(
        organization_id=organization_id,
        on=as_of,
        at=at,
        description="Reserve fund opening balance",
        lines=[("cash", amount, None), (L.reserve_fund(property_id), -amount, None)],
        source_type=OPENING,
        source_id=property_id,
    )


async def record_opening_balance(
    *,
    uow: ReserveFundUnitOfWork,
    clock: Clock,
    actor: Actor,
    property_id: UUID,
    amount: Money,
    as_of: date,
    request: RequestInfo,
) -> OpeningBalance:
    now = clock.now()
    async with uow:
        if actor.is_tenant or not await uow.lease_directory.property_exists(actor.org, property_id):
            raise NotFound("property", property_id)
        profile = await uow.organization_profiles.get(actor.org)
        if amount.currency != profile.currency:
            raise ValidationFailed.single("amount.currency", f"must be {profile.currency}")
        # One opening per property, also when two requests race: the organization's counter row for
        # openings is locked first, so the second one waits for the first's commit and then sees it.
        await uow.sequences.reserve(actor.org, OPENING_LOCK, "-", 0)
        if await _recorded(uow, actor.org, property_id):
            raise Conflict("the reserve fund's opening balance is already recorded for this property")
        entry = opening_entry(
            organization_id=actor.org,
            property_id=property_id,
            amount=amount,
            as_of=as_of,
            today=local_today(profile.time_zone, now),
            at=now,
        )
        await uow.ledger.post(entry)
        details = {"amount": str(amount.amount), "currency": amount.currency, "as_of": as_of.isoformat()}
        target = AuditTarget("property", str(property_id), L.reserve_fund(property_id))
        await record_audit(
            uow, actor, "reserve_fund.opening_balance_recorded", target, request, at=now, details=details
        )
        await uow.commit()
    return OpeningBalance(property_id, L.reserve_fund(property_id), amount, as_of, entry.id)


async def _recorded(uow: FinancialUnitOfWork, org: UUID, property_id: UUID) -> bool:
    try:
        await uow.ledger.entry_for(org, OPENING, property_id)
    except NotFound:
        return False
    return True
