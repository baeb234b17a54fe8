"""The organization's plan limits, checked where a use case adds what they count (a member who takes
a seat, a property, a unit, a stored file). The catalogue lives in the organizations context; a context that
adds such things asks this port, inside its own transaction, before it writes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.shared.errors import Conflict


class Quota(StrEnum):
    SEATS = "seats"
    PROPERTIES = "properties"
    UNITS = "units"  # live units across the organization's properties
    STORAGE = "storage"  # bytes of stored files


class PlanLimitReached(Conflict):
    """Adding would take the organization past its plan's limit (409, like a downgrade refused for
    the same reason): the request is sound, the organization's state does not allow it."""

    def __init__(self, message: str, *, plan: str, quota: Quota) -> None:
        super().__init__(message)
        self.plan, self.quota = plan, quota


def takes_a_seat(roles: Iterable[str]) -> bool:
    """A seat is a member who works in the organization: every role but ``Tenant`` (a tenant sees only
    their own lease)."""
    return bool(set(roles) - {"Tenant"})


class PlanAllowance(ABC):
    @abstractmethod
    async def admit(self, organization_id: UUID, quota: Quota, *, adding: int, now: datetime) -> None:
        """Raises ``PlanLimitReached`` when ``adding`` more would exceed the plan's limit. Call it first
        in the transaction: it locks the organization until commit, so concurrent additions are
        counted one after the other and never overshoot together. Pending invitations that take a
        seat count as seats (``now`` tells which are still pending)."""
