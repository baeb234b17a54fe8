"""Leases: the contract between an organization and a tenant for one unit, and its state machine.

Rules
-----
Status machine
    ``draft → active → notice_given → ended``, and ``terminated`` from ``draft``, ``active`` or
    ``notice_given``. ``ended`` and ``terminated`` are final. Any other move is an
    ``IllegalTransition`` (409). ``LEASE_TRANSITIONS`` is the whole table; ``next_status`` applies it.

    * ``activate`` (draft → active): the lease is signed. It must not overlap another active or
      future lease of the same unit (see *Occupancy*). The unit becomes ``occupied``.
    * ``give_notice`` (active → notice_given): records ``move_out_date``, which must lie inside the
      term (on or after the start, on or before a fixed ``end_date``). Rent stops after it.
      The unit shows ``notice_given``.
    * ``end`` (notice_given → ended; active → ended only once a fixed term's ``end_date`` has passed):
      the tenant moved out; ``ended_on`` is the move-out date (or the end date). The unit is freed.
    * ``terminate`` (draft/active/notice_given → terminated): ends the lease early on
      ``termination_date`` (default: today; never before the start: a lease terminated before it
      began simply has no charges). The unit is freed.
    * ``renew`` (active only, fixed-term only, once): see *Renewal*. The renewed lease itself keeps
      its status and runs to its end.

Occupancy
    A lease occupies its unit from ``start_date`` to its *effective end* (inclusive): the earliest
    of ``end_date``, ``move_out_date`` and ``terminated_on``; open-ended (periodic) when all are null.
    Only ``active`` and ``notice_given`` leases occupy; drafts never block anything. Two occupying
    leases of one unit never overlap by a single day: checked here on activation and renewal, and
    serialized by the database (the unit row is locked while checking, see the SQL adapter).

Renewal
    ``renew`` creates the next lease of the same unit and tenant(s), **already active** (the tenant
    stays; nothing to sign twice): it starts the day after the current ``end_date`` and, unless the
    request says otherwise, runs as long as the current term in calendar terms (a 1 January to
    31 December lease renews to the next 31 December; ``relativedelta``), at the rent the
    current lease's escalation would give on the renewal's start date (its schedule continued: a
    one-year lease renewing on its anniversary gets the escalated rent); the renewal counts its own
    anniversaries from its own start. The security deposit is carried over (the new lease charges
    none). Billing day, grace days, late fee,
    escalation and TDS carry over. A periodic lease (no end date) renews itself and cannot be renewed;
    a lease that gave notice is not renewed; a lease renews at most once (``renewed_from_id``).

Dates
    Lease dates are calendar dates, local to the organization: "today" (the default termination
    date, whether a fixed term is over) is the clock's instant in the organization's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta

from pmsaas.domain.properties.schedule import Escalation, LateFee, LeaseTerms, rent_at, validate_terms
from pmsaas.domain.shared.errors import Conflict, FieldProblem, IllegalTransition, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money

ONE_DAY = timedelta(days=1)


class LeaseStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    NOTICE_GIVEN = "notice_given"
    ENDED = "ended"
    TERMINATED = "terminated"


OCCUPYING = frozenset({LeaseStatus.ACTIVE, LeaseStatus.NOTICE_GIVEN})
FINAL = frozenset({LeaseStatus.ENDED, LeaseStatus.TERMINATED})

LEASE_TRANSITIONS: dict[LeaseStatus, dict[str, LeaseStatus]] = {
    LeaseStatus.DRAFT: {"activate": LeaseStatus.ACTIVE, "terminate": LeaseStatus.TERMINATED},
    LeaseStatus.ACTIVE: {
        "give_notice": LeaseStatus.NOTICE_GIVEN,
        "end": LeaseStatus.ENDED,
        "terminate": LeaseStatus.TERMINATED,
        "renew": LeaseStatus.ACTIVE,
    },
    LeaseStatus.NOTICE_GIVEN: {"end": LeaseStatus.ENDED, "terminate": LeaseStatus.TERMINATED},
    LeaseStatus.ENDED: {},
    LeaseStatus.TERMINATED: {},
}
ACTIONS = ("activate", "give_notice", "end", "terminate", "renew")


def next_status(current: LeaseStatus, action: str) -> LeaseStatus:
    """The status after ``action``, or ``IllegalTransition`` (409)."""
    try:
        return LEASE_TRANSITIONS[current][action]
    except KeyError:
        raise IllegalTransition("lease", current.value, action.replace("_", " ")) from None


@dataclass(eq=False)
class Lease:
    organization_id: UUID
    property_id: UUID
    unit_id: UUID
    tenant_id: UUID
    start_date: date
    end_date: date | None
    rent: Money
    created_at: datetime
    updated_at: datetime
    billing_day: int = 1
    grace_days: int = 0
    security_deposit: Money | None = None
    late_fee: LateFee | None = None
    escalation: Escalation | None = None
    tds_applicable: bool = False
    co_tenant_ids: tuple[UUID, ...] = ()
    status: LeaseStatus = LeaseStatus.DRAFT
    move_out_date: date | None = None
    terminated_on: date | None = None
    ended_on: date | None = None
    renewed_from_id: UUID | None = None
    id: UUID = field(default_factory=new_id)
    version: int = 1

    # -- terms -------------------------------------------------------------------------------
    @property
    def effective_end(self) -> date | None:
        ends = [d for d in (self.end_date, self.move_out_date, self.terminated_on) if d is not None]
        return min(ends) if ends else None

    @property
    def currency(self) -> str:
        return self.rent.currency

    def terms(self) -> LeaseTerms:
        """The schedule's view of this lease: the term stops at the effective end."""
        end = self.effective_end
        if end is not None and end < self.start_date:  # terminated before it began: a one-day stub
            end = self.start_date
        return LeaseTerms(
            start_date=self.start_date,
            end_date=end,
            rent=self.rent,
            billing_day=self.billing_day,
            grace_days=self.grace_days,
            security_deposit=self.security_deposit,
            late_fee=self.late_fee,
            escalation=self.escalation,
        )

    @property
    def has_charges(self) -> bool:
        """False for a lease terminated before its start (it never ran)."""
        return self.terminated_on is None or self.terminated_on >= self.start_date

    @property
    def occupies(self) -> bool:
        return self.status in OCCUPYING

    def overlaps(self, other: Lease) -> bool:
        """Do the two leases' occupancy periods share a day? (End dates inclusive; None = open.)"""
        return periods_overlap(self.start_date, self.effective_end, other.start_date, other.effective_end)

    # -- transitions -------------------------------------------------------------------------
    def _moved(self, status: LeaseStatus, at: datetime, **changes: Any) -> Lease:
        return replace(self, status=status, updated_at=at, version=self.version + 1, **changes)

    def activate(self, *, occupying: list[Lease], at: datetime) -> Lease:
        status = next_status(self.status, "activate")
        check_no_overlap(self, occupying)
        return self._moved(status, at)

    def give_notice(self, *, move_out_date: date, at: datetime) -> Lease:
        status = next_status(self.status, "give_notice")
        if move_out_date < self.start_date:
            raise ValidationFailed.single("move_out_date", "must not be before the lease start date")
        if self.end_date is not None and move_out_date > self.end_date:
            raise ValidationFailed.single("move_out_date", "must not be after the lease end date")
        return self._moved(status, at, move_out_date=move_out_date)

    def end(self, *, today: date, at: datetime) -> Lease:
        status = next_status(self.status, "end")
        if self.status == LeaseStatus.ACTIVE and (self.end_date is None or self.end_date >= today):
            raise IllegalTransition("lease", "active and not past its end date", "end")
        return self._moved(status, at, ended_on=self.effective_end or today)

    def terminate(self, *, on: date | None, today: date, at: datetime) -> Lease:
        status = next_status(self.status, "terminate")
        when = on or today
        if self.end_date is not None and when > self.end_date:
            raise ValidationFailed.single("termination_date", "must not be after the lease end date")
        if self.move_out_date is not None and when > self.move_out_date:
            raise ValidationFailed.single("termination_date", "must not be after the notice's move-out date")
        return self._moved(status, at, terminated_on=when)

    def renewal(
        self,
        *,
        occupying: list[Lease],
        already_renewed: bool,
        end_date: date | None,
        rent: Money | None,
        at: datetime,
    ) -> Lease:
        """The next lease (already active); see *Renewal* in the module docstring."""
        next_status(self.status, "renew")
        if self.end_date is None:
            raise Conflict("a periodic lease renews itself every month; it cannot be renewed")
        if already_renewed:
            raise Conflict("this lease has already been renewed")
        start = self.end_date + ONE_DAY
        term = relativedelta(self.end_date + ONE_DAY, self.start_date)  # e.g. 1 year, or 6 months 3 days
        end = end_date if end_date is not None else start + term - ONE_DAY
        if end <= start:
            raise ValidationFailed.single("end_date", "must be after the renewal's start date")
        if rent is None:
            rent = rent_at(replace(self.terms(), end_date=None), start)
        new = replace(
            self,
            id=new_id(),
            start_date=start,
            end_date=end,
            rent=rent,
            security_deposit=None,
            status=LeaseStatus.ACTIVE,
            move_out_date=None,
            terminated_on=None,
            ended_on=None,
            renewed_from_id=self.id,
            created_at=at,
            updated_at=at,
            version=1,
        )
        validate_terms(new.terms())
        check_no_overlap(new, occupying)
        return new

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "lease_id": str(self.id),
                "property_id": str(self.property_id),
                "unit_id": str(self.unit_id),
                "tenant_id": str(self.tenant_id),
                "status": self.status.value,
                "start_date": self.start_date.isoformat(),
                "end_date": self.end_date.isoformat() if self.end_date else None,
                "move_out_date": self.move_out_date.isoformat() if self.move_out_date else None,
                "rent": {"amount": str(self.rent), "currency": self.rent.currency},
                "organization_id": str(self.organization_id),
            },
        )


def periods_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Inclusive date ranges; ``None`` as an end means open-ended."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def check_no_overlap(lease: Lease, occupying: list[Lease]) -> None:
    """``Conflict`` when ``lease`` would share a day of its unit with another occupying lease."""
    for other in occupying:
        if other.id == lease.id or other.unit_id != lease.unit_id or not other.occupies:
            continue
        if lease.overlaps(other):
            until = other.effective_end.isoformat() if other.effective_end else "open-ended"
            raise Conflict(
                f"the unit is already leased from {other.start_date.isoformat()} to {until} "
                f"(lease {other.id}); leases of one unit may not overlap"
            )


def check_lease_dates(start_date: date, end_date: date | None) -> None:
    if end_date is not None and end_date <= start_date:
        raise ValidationFailed([FieldProblem("end_date", "must be after start_date")])
