"""The lease state machine and occupancy rules, as pure domain (hypothesis, no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pmsaas.domain.properties.lease import (
    FINAL,
    LEASE_TRANSITIONS,
    Lease,
    LeaseStatus,
    check_no_overlap,
    next_status,
    periods_overlap,
)
from pmsaas.domain.properties.model import (
    MANUAL_UNIT_TRANSITIONS,
    UnitStatus,
    check_manual_unit_transition,
    derived_unit_status,
)
from pmsaas.domain.properties.schedule import Escalation
from pmsaas.domain.shared.errors import Conflict, IllegalTransition, ValidationFailed
from pmsaas.domain.shared.money import Money

AT = datetime(2027, 1, 1, tzinfo=UTC)
ORG, UNIT = uuid4(), uuid4()


def lease(start: date, end: date | None, **kw: object) -> Lease:
    values: dict[str, object] = {
        "organization_id": ORG,
        "property_id": uuid4(),
        "unit_id": UNIT,
        "tenant_id": uuid4(),
        "start_date": start,
        "end_date": end,
        "rent": Money.of("1000.00", "USD"),
        "created_at": AT,
        "updated_at": AT,
    }
    values.update(kw)
    return Lease(**values)  # type: ignore[arg-type]


days = st.integers(min_value=0, max_value=2000).map(lambda n: date(2026, 1, 1) + timedelta(days=n))
lengths = st.one_of(st.none(), st.integers(min_value=1, max_value=800))


@given(days, lengths, days, lengths)
def test_overlap_is_symmetric_and_matches_a_day_by_day_check(a_start, a_len, b_start, b_len):
    a_end = None if a_len is None else a_start + timedelta(days=a_len)
    b_end = None if b_len is None else b_start + timedelta(days=b_len)
    assert periods_overlap(a_start, a_end, b_start, b_end) == periods_overlap(b_start, b_end, a_start, a_end)
    horizon = date(2035, 12, 31)  # past every generated start and end
    a_days = {a_start + timedelta(days=i) for i in range(((a_end or horizon) - a_start).days + 1)}
    b_days = {b_start + timedelta(days=i) for i in range(((b_end or horizon) - b_start).days + 1)}
    assert periods_overlap(a_start, a_end, b_start, b_end) == bool(a_days & b_days)


@given(days, lengths, days, lengths)
def test_activation_refuses_exactly_the_overlapping_leases(a_start, a_len, b_start, b_len):
    running = lease(b_start, None if b_len is None else b_start + timedelta(days=b_len), status=LeaseStatus.ACTIVE)
    draft = lease(a_start, None if a_len is None else a_start + timedelta(days=a_len))
    if draft.overlaps(running):
        with pytest.raises(Conflict):
            draft.activate(occupying=[running], at=AT)
    else:
        assert draft.activate(occupying=[running], at=AT).status == LeaseStatus.ACTIVE


def test_ended_and_terminated_leases_never_block():
    old = lease(date(2027, 1, 1), None, status=LeaseStatus.TERMINATED, terminated_on=date(2027, 3, 1))
    check_no_overlap(lease(date(2027, 1, 1), None), [old])


def test_notice_shortens_the_occupancy():
    running = lease(date(2027, 1, 1), date(2027, 12, 31), status=LeaseStatus.ACTIVE)
    leaving = running.give_notice(move_out_date=date(2027, 6, 30), at=AT)
    assert leaving.effective_end == date(2027, 6, 30)
    check_no_overlap(lease(date(2027, 7, 1), None), [leaving])
    with pytest.raises(Conflict):
        check_no_overlap(lease(date(2027, 6, 30), None), [leaving])


@pytest.mark.parametrize("move_out", [date(2026, 12, 31), date(2028, 1, 1)])
def test_a_move_out_outside_the_term_is_refused(move_out):
    running = lease(date(2027, 1, 1), date(2027, 12, 31), status=LeaseStatus.ACTIVE)
    with pytest.raises(ValidationFailed):
        running.give_notice(move_out_date=move_out, at=AT)


def test_renewal_starts_the_next_day_with_the_escalated_rent_and_no_deposit():
    running = lease(
        date(2027, 1, 1),
        date(2027, 12, 31),
        status=LeaseStatus.ACTIVE,
        escalation=Escalation("percentage", Decimal("3")),
        security_deposit=Money.of("2000.00", "USD"),
    )
    nxt = running.renewal(occupying=[running], already_renewed=False, end_date=None, rent=None, at=AT)
    assert (nxt.start_date, nxt.end_date) == (date(2028, 1, 1), date(2028, 12, 31))
    assert nxt.rent == Money.of("1030.00", "USD") and nxt.security_deposit is None
    assert nxt.status == LeaseStatus.ACTIVE and nxt.renewed_from_id == running.id and nxt.id != running.id
    with pytest.raises(Conflict):
        running.renewal(occupying=[running], already_renewed=True, end_date=None, rent=None, at=AT)
    with pytest.raises(Conflict):  # periodic leases renew themselves
        lease(date(2027, 1, 1), None, status=LeaseStatus.ACTIVE).renewal(
            occupying=[], already_renewed=False, end_date=None, rent=None, at=AT
        )


def test_an_active_lease_ends_only_after_its_end_date():
    running = lease(date(2027, 1, 1), date(2027, 12, 31), status=LeaseStatus.ACTIVE)
    with pytest.raises(IllegalTransition):
        running.end(today=date(2027, 12, 31), at=AT)
    assert running.end(today=date(2028, 1, 1), at=AT).ended_on == date(2027, 12, 31)


@given(st.sampled_from(list(LeaseStatus)), st.sampled_from(["activate", "give_notice", "end", "terminate", "renew"]))
def test_next_status_follows_the_table_and_nothing_leaves_a_final_state(status, action):
    if action in LEASE_TRANSITIONS[status]:
        assert next_status(status, action) == LEASE_TRANSITIONS[status][action]
        assert status not in FINAL
    else:
        with pytest.raises(IllegalTransition):
            next_status(status, action)


class LeaseLifecycle(RuleBasedStateMachine):
    """Random action sequences on one lease: the status always follows the table, an illegal
    action raises and changes nothing, the version grows by one per successful move, and the
    occupancy never outlives a notice or a termination."""

    def __init__(self) -> None:
        super().__init__()
        self.lease = lease(date(2027, 1, 1), date(2027, 12, 31))
        self.status = LeaseStatus.DRAFT
        self.version = 1

    def _apply(self, action: str, move: object) -> None:
        expected = LEASE_TRANSITIONS[self.status].get(action)
        before = self.lease
        try:
            after = move()  # type: ignore[operator]
        except IllegalTransition:
            assert expected is None or action == "end"  # an active lease before its end date may not end
            assert self.lease is before
            return
        assert expected is not None
        if action != "renew":
            self.lease, self.status = after, expected
            self.version += 1

    @rule()
    def activate(self) -> None:
        self._apply("activate", lambda: self.lease.activate(occupying=[], at=AT))

    @rule(day=st.integers(min_value=0, max_value=364))
    def give_notice(self, day: int) -> None:
        when = date(2027, 1, 1) + timedelta(days=day)
        self._apply("give_notice", lambda: self.lease.give_notice(move_out_date=when, at=AT))

    @rule(today=st.sampled_from([date(2027, 6, 1), date(2028, 2, 1)]))
    def end(self, today: date) -> None:
        self._apply("end", lambda: self.lease.end(today=today, at=AT))

    @rule(day=st.integers(min_value=-30, max_value=364))
    def terminate(self, day: int) -> None:
        when = date(2027, 1, 1) + timedelta(days=day)
        if self.lease.move_out_date is not None and when > self.lease.move_out_date:
            return
        self._apply("terminate", lambda: self.lease.terminate(on=when, today=when, at=AT))

    @precondition(lambda self: self.status == LeaseStatus.ACTIVE)
    @rule()
    def renew(self) -> None:
        self._apply(
            "renew",
            lambda: self.lease.renewal(occupying=[self.lease], already_renewed=False, end_date=None, rent=None, at=AT),
        )

    @invariant()
    def status_and_version_agree(self) -> None:
        assert self.lease.status == self.status
        assert self.lease.version == self.version

    @invariant()
    def occupancy_is_within_the_term(self) -> None:
        end = self.lease.effective_end
        assert end is not None and end <= date(2027, 12, 31)
        if self.lease.move_out_date is not None:
            assert end <= self.lease.move_out_date


TestLeaseLifecycle = LeaseLifecycle.TestCase
TestLeaseLifecycle.settings = settings(max_examples=150, stateful_step_count=12, deadline=None, database=None)


# -- unit status ---------------------------------------------------------------------------


@given(st.sampled_from(list(UnitStatus)), st.sampled_from(list(UnitStatus)))
def test_hand_made_unit_status_changes_follow_the_table(current, target):
    legal = target in MANUAL_UNIT_TRANSITIONS[current] or (
        current == target and target not in (UnitStatus.OCCUPIED, UnitStatus.NOTICE_GIVEN)
    )
    if legal:
        check_manual_unit_transition(current, target)
    else:
        with pytest.raises(IllegalTransition):
            check_manual_unit_transition(current, target)
    if target in (UnitStatus.OCCUPIED, UnitStatus.NOTICE_GIVEN):
        assert not legal  # only leases make a unit occupied


@given(
    st.sampled_from(list(UnitStatus)),
    st.lists(st.sampled_from(["active", "notice_given"]), max_size=3),
)
def test_the_unit_status_follows_its_leases(current, leases):
    status = derived_unit_status(current, leases)
    if "active" in leases:
        assert status == UnitStatus.OCCUPIED
    elif leases:
        assert status == UnitStatus.NOTICE_GIVEN
    elif current in (UnitStatus.OCCUPIED, UnitStatus.NOTICE_GIVEN):
        assert status == UnitStatus.VACANT
    else:
        assert status == current
