"""A small organization on the fakes for the operations use cases: one property with two let units,
the people who work it, and a clock standing at the Indian fiscal-year end."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from uuid import UUID

import pytest

from fakes import FakeDatabase, FakeUnitOfWork
from fakes import builders as b
from pmsaas.domain.financial.expenses import Expense
from pmsaas.domain.identity.roles import permissions_for
from pmsaas.domain.operations.model import Ticket, WorkOrder
from pmsaas.domain.properties.lease import LeaseStatus
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.ids import new_id


def _ids() -> UUID:
    return new_id()


@dataclass
class Scene:
    db: FakeDatabase = field(default_factory=FakeDatabase)
    org: UUID = field(default_factory=_ids)
    property_id: UUID = field(default_factory=_ids)
    unit_a: UUID = field(default_factory=_ids)
    unit_b: UUID = field(default_factory=_ids)
    tenant_a: UUID = field(default_factory=_ids)  # tenant profiles (the properties context's)
    tenant_b: UUID = field(default_factory=_ids)
    manager: UUID = field(default_factory=_ids)  # user ids
    staff: UUID = field(default_factory=_ids)
    guard: UUID = field(default_factory=_ids)
    tara: UUID = field(default_factory=_ids)  # the user of tenant_a
    ben: UUID = field(default_factory=_ids)  # the user of tenant_b

    def __post_init__(self) -> None:
        db, org = self.db, self.org
        db.organizations[org] = b.organization(id=org)  # Indian: INR
        db.properties.put(org, self.property_id, b.prop(org, "Seaside Apartments", id=self.property_id))
        for unit_id, name, tenant_id in ((self.unit_a, "101", self.tenant_a), (self.unit_b, "102", self.tenant_b)):
            unit = b.unit(org, self.property_id, name, id=unit_id)
            db.units.put(org, unit_id, unit)
            db.tenants.put(org, tenant_id, b.tenant(org, self.property_id, id=tenant_id))
            lease = b.lease(org, unit, tenant_id, status=LeaseStatus.ACTIVE)
            db.leases.put(org, lease.id, lease)
        people = (
            (self.manager, "Mona Manager", "PropertyManager", None),
            (self.staff, "Sam Staff", "MaintenanceStaff", None),
            (self.guard, "Gita Guard", "SecurityStaff", None),
            (self.tara, "Tara Tenant", "Tenant", self.tenant_a),
            (self.ben, "Ben Tenant", "Tenant", self.tenant_b),
        )
        for user_id, name, role, profile in people:
            db.users[user_id] = replace(b.user(id=user_id), name=name)
            db.memberships[(org, user_id)] = b.membership(org, user_id, role, tenant_profile_id=profile)

    def uow(self) -> FakeUnitOfWork:
        """A new unit of work over the scene's database, as each request gets one."""
        return FakeUnitOfWork(self.db)

    def actor(self, user_id: UUID) -> Actor:
        m = self.db.memberships[(self.org, user_id)]
        return Actor(user_id, self.org, m.roles, permissions_for(m.roles), tenant_profile_id=m.tenant_profile_id)

    def ticket(self, ticket_id: UUID) -> Ticket:
        found = self.db.tickets.find(self.org, ticket_id)
        assert found is not None
        return found

    def work_order(self, order_id: UUID) -> WorkOrder:
        found = self.db.work_orders.find(self.org, order_id)
        assert found is not None
        return found

    def expenses(self) -> list[Expense]:
        """The expenses booked in the organization's books (the financial context's rows)."""
        return self.db.expenses.of(self.org)

    @property
    def published(self) -> list[str]:
        """Names of the events of committed units of work, in order."""
        return [e.name for e in self.db.outbox]


@pytest.fixture
def scene() -> Scene:
    return Scene()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2031, 3, 31, 23, 59, 50, tzinfo=UTC))
