"""The ticket workflow as pure code: every transition, and no sequence reaching an illegal state."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from pmsaas.domain.operations.model import (
    SLA_TARGETS,
    TRANSITIONS,
    Priority,
    Ticket,
    TicketAction,
    TicketStatus,
    UpdateKind,
    action_towards,
    next_status,
)
from pmsaas.domain.shared.errors import Conflict, IllegalTransition

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def ticket(priority: Priority = Priority.HIGH, status: TicketStatus = TicketStatus.OPEN) -> Ticket:
    t = Ticket(
        organization_id=uuid.uuid4(),
        title="Leak",
        description="Water from the ceiling",
        category="plumbing",
        priority=priority,
        property_id=uuid.uuid4(),
        created_at=T0,
        updated_at=T0,
    )
    t.status = status
    return t


LEGAL = [
    (TicketStatus.OPEN, TicketAction.START, TicketStatus.IN_PROGRESS),
    (TicketStatus.IN_PROGRESS, TicketAction.RESOLVE, TicketStatus.RESOLVED),
    (TicketStatus.RESOLVED, TicketAction.CLOSE, TicketStatus.CLOSED),
    (TicketStatus.RESOLVED, TicketAction.REOPEN, TicketStatus.OPEN),
]


def test_the_table_is_exactly_the_documented_workflow():
    assert {(s, a): t for s, a, t in LEGAL} == TRANSITIONS


@pytest.mark.parametrize(("source", "action", "target"), LEGAL)
def test_every_legal_transition(source, action, target):
    t = ticket(status=source)
    update = t.apply(action, T0 + timedelta(hours=1), None)
    assert t.status is target
    assert update.kind is UpdateKind.STATUS_CHANGED
    assert (update.from_status, update.to_status) == (source.value, target.value)
    assert t.version == 2 and t.updated_at == T0 + timedelta(hours=1)


ILLEGAL = [(s, a) for s in TicketStatus for a in TicketAction if (s, a) not in TRANSITIONS]


@pytest.mark.parametrize(("source", "action"), ILLEGAL)
def test_every_illegal_transition_is_a_conflict_and_changes_nothing(source, action):
    t = ticket(status=source)
    with pytest.raises(IllegalTransition):
        t.apply(action, T0, None)
    assert t.status is source and t.version == 1
    with pytest.raises(Conflict):
        next_status(source, action)


@pytest.mark.parametrize("source", list(TicketStatus))
@pytest.mark.parametrize("target", list(TicketStatus))
def test_action_towards_a_target_status(source, target):
    legal = {(s, t): a for (s, a), t in TRANSITIONS.items()}
    if (source, target) in legal:
        assert action_towards(source, target) is legal[(source, target)]
    else:
        with pytest.raises(Conflict):
            action_towards(source, target)


def test_resolve_close_reopen_timestamps():
    t = ticket()
    t.apply(TicketAction.START, T0 + timedelta(minutes=30), None)
    assert t.responded_at == T0 + timedelta(minutes=30)
    t.apply(TicketAction.RESOLVE, T0 + timedelta(hours=2), None)
    assert t.resolved_at == T0 + timedelta(hours=2)
    t.apply(TicketAction.REOPEN, T0 + timedelta(hours=3), None)
    assert t.resolved_at is None and t.status is TicketStatus.OPEN
    assert t.responded_at == T0 + timedelta(minutes=30)  # the first response stays


@pytest.mark.parametrize("priority", list(Priority))
def test_sla_due_dates_follow_the_priority(priority):
    t = ticket(priority)
    target = SLA_TARGETS[priority]
    assert t.response_due_at == T0 + target.response
    assert t.resolution_due_at == T0 + target.resolution
    assert t.sla.due_at() == t.response_due_at
    assert not t.sla.response_breached(T0 + target.response)
    assert t.sla.response_breached(T0 + target.response + timedelta(seconds=1))
    t.apply(TicketAction.START, T0 + timedelta(minutes=1), None)
    assert t.sla.due_at() == t.resolution_due_at
    assert not t.sla.response_breached(T0 + timedelta(days=365))  # answered in time, stays answered


def test_sla_targets_tighten_with_priority():
    ordered = [SLA_TARGETS[p] for p in (Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.CRITICAL)]
    assert all(a.response > b.response and a.resolution > b.resolution for a, b in itertools.pairwise(ordered))


def test_changing_priority_moves_the_due_dates():
    t = ticket(Priority.LOW)
    t.edit(T0 + timedelta(minutes=5), None, priority=Priority.CRITICAL)
    assert t.response_due_at == T0 + SLA_TARGETS[Priority.CRITICAL].response


def test_resolution_breach():
    t = ticket(Priority.CRITICAL)
    t.apply(TicketAction.START, T0, None)
    t.apply(TicketAction.RESOLVE, T0 + timedelta(hours=25), None)
    assert t.sla.resolution_breached(T0 + timedelta(hours=25))


def test_a_closed_ticket_cannot_be_assigned_or_edited():
    t = ticket(status=TicketStatus.CLOSED)
    with pytest.raises(IllegalTransition):
        t.assign(uuid.uuid4(), T0, None)
    with pytest.raises(IllegalTransition):
        t.edit(T0, None, title="x")


def test_assigning_counts_as_the_first_response():
    t = ticket()
    who = uuid.uuid4()
    update = t.assign(who, T0 + timedelta(minutes=10), None)
    assert update.kind is UpdateKind.ASSIGNED and t.assignee_id == who
    assert t.responded_at == T0 + timedelta(minutes=10)
    assert t.assign(None, T0 + timedelta(minutes=11), None).kind is UpdateKind.UNASSIGNED


@given(st.lists(st.sampled_from(list(TicketAction)), max_size=30))
def test_any_sequence_of_actions_either_moves_legally_or_raises(actions):
    t = ticket()
    for action in actions:
        before = t.status
        if (before, action) in TRANSITIONS:
            t.apply(action, T0, None)
            assert t.status is TRANSITIONS[(before, action)]
        else:
            with pytest.raises(IllegalTransition):
                t.apply(action, T0, None)
            assert t.status is before


class TicketMachine(RuleBasedStateMachine):
    """Random walks over the actions: the ticket never reaches an inconsistent state."""

    def __init__(self) -> None:
        super().__init__()
        self.t = ticket()
        self.now = T0
        self.model = TicketStatus.OPEN

    @rule(action=st.sampled_from(list(TicketAction)), minutes=st.integers(min_value=0, max_value=10_000))
    def act(self, action: TicketAction, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)
        expected = TRANSITIONS.get((self.model, action))
        if expected is None:
            with pytest.raises(IllegalTransition):
                self.t.apply(action, self.now, None)
        else:
            self.t.apply(action, self.now, None)
            self.model = expected

    @rule(assign=st.booleans())
    def assign(self, assign: bool) -> None:
        if self.t.status is TicketStatus.CLOSED:
            with pytest.raises(IllegalTransition):
                self.t.assign(uuid.uuid4(), self.now, None)
        else:
            self.t.assign(uuid.uuid4() if assign else None, self.now, None)

    @invariant()
    def consistent(self) -> None:
        t = self.t
        assert t.status is self.model
        assert t.status in TicketStatus
        assert (t.resolved_at is not None) == (t.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED))
        assert (t.closed_at is not None) == (t.status is TicketStatus.CLOSED)
        if t.status is not TicketStatus.OPEN:
            assert t.responded_at is not None  # nothing leaves "open" without a response
        if t.resolved_at and t.responded_at:
            assert t.responded_at <= t.resolved_at
        assert t.updated_at >= t.created_at


TestTicketMachine = TicketMachine.TestCase
