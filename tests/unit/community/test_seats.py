"""The seat rule as a state machine: whatever residents do, seats never exceed capacity, a free seat
never sits next to a non-empty wait list, and the wait list is served first come, first served."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pmsaas.domain.community.model import RegistrationStatus, Seats
from pmsaas.domain.shared.errors import Conflict


class SeatsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.seats: Seats | None = None
        self.arrivals: list[UUID] = []  # everyone still registered or waiting, in arrival order

    @precondition(lambda self: self.seats is None)
    @rule(capacity=st.one_of(st.none(), st.integers(1, 5)), waitlist=st.booleans())
    def open_event(self, capacity: int | None, waitlist: bool) -> None:
        self.seats = Seats(capacity, waitlist)

    @precondition(lambda self: self.seats is not None)
    @rule()
    def someone_registers(self) -> None:
        assert self.seats is not None
        user = uuid4()
        full = not self.seats.has_free_seat()
        if full and not self.seats.waitlist_enabled:
            with pytest.raises(Conflict):
                self.seats.join(user)
            return
        status = self.seats.join(user)
        assert status is (RegistrationStatus.WAITLISTED if full else RegistrationStatus.REGISTERED)
        self.arrivals.append(user)

    @precondition(lambda self: self.seats is not None and bool(self.arrivals))
    @rule()
    def someone_registers_twice(self) -> None:
        assert self.seats is not None
        with pytest.raises(Conflict):
            self.seats.join(self.arrivals[0])

    @precondition(lambda self: self.seats is not None and bool(self.arrivals))
    @rule(pick=st.integers(0, 1000))
    def someone_leaves(self, pick: int) -> None:
        assert self.seats is not None
        user = self.arrivals[pick % len(self.arrivals)]
        first_waiting = list(self.seats.waiting)
        was_seated = user in self.seats.registered
        promoted = self.seats.leave(user)
        self.arrivals.remove(user)
        if was_seated and first_waiting:
            assert promoted == first_waiting[:1]  # the head of the wait list, nobody else
        else:
            assert promoted == []

    @precondition(lambda self: self.seats is not None)
    @rule(capacity=st.one_of(st.none(), st.integers(1, 8)))
    def manager_changes_capacity(self, capacity: int | None) -> None:
        assert self.seats is not None
        if capacity is not None and capacity < len(self.seats.registered):
            return  # refused by the use case (422)
        waiting = list(self.seats.waiting)
        self.seats.capacity = capacity
        promoted = self.seats.promote()
        assert promoted == waiting[: len(promoted)]

    @invariant()
    def never_over_capacity(self) -> None:
        if self.seats is not None and self.seats.capacity is not None:
            assert len(self.seats.registered) <= self.seats.capacity

    @invariant()
    def no_free_seat_while_someone_waits(self) -> None:
        if self.seats is not None and self.seats.waiting:
            assert not self.seats.has_free_seat()

    @invariant()
    def everyone_once_in_arrival_order(self) -> None:
        if self.seats is not None:
            assert sorted(map(str, self.seats.registered + self.seats.waiting)) == sorted(map(str, self.arrivals))
            order = {u: i for i, u in enumerate(self.arrivals)}
            assert [order[u] for u in self.seats.waiting] == sorted(order[u] for u in self.seats.waiting)


TestSeats = SeatsMachine.TestCase
