"""Request bodies and helpers the integration tests share."""

from __future__ import annotations

import copy
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from typing import Any

from pmsaas.domain.shared.clock import Clock

PROPERTY = {
    "name": "Sunset Apartments",
    "type": "residential",
    "address": {"street": "123 Main St", "city": "Vancouver", "province": "BC", "postal_code": "V6B 1A1"},
}


def property_body(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(PROPERTY)
    address = changes.pop("address", None)
    if address:
        body["address"].update(address)
    body.update(changes)
    return body


class SuiteClock(Clock):
    """The clock of every container the suite builds: the system's, until a test pins it.

    Pinned, it starts at the given instant and runs on at the real rate (rows made in a test keep
    their order; tokens issued in the test stay valid for their lifetime). Tests pin it with the
    ``today`` marker (tests/conftest.py) and never read the wall clock for business dates.
    """

    def __init__(self) -> None:
        self._start: datetime | None = None
        self._started = 0.0

    def now(self) -> datetime:
        if self._start is None:
            return datetime.now(UTC)
        return self._start + timedelta(seconds=time.monotonic() - self._started)

    def pin(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("pin the clock to an aware datetime")
        self._start, self._started = at, time.monotonic()

    def release(self) -> None:
        self._start = None


def pinned_instant(when: str | date | datetime) -> datetime:
    """The instant a ``today`` marker names: a datetime as given, a date at noon UTC (the same
    calendar day in India, Canada and the United States)."""
    if isinstance(when, str):
        when = datetime.fromisoformat(when) if "T" in when else date.fromisoformat(when)
    if isinstance(when, datetime):
        return when
    return datetime.combine(when, dt_time(12, 0), tzinfo=UTC)


async def put_on_plan(api: Any, org_id: str, plan: str) -> None:
    """Move an organization to ``plan`` in its row (what the plan limits read), for tests that need more
    seats, properties or storage than standard allows without going through billing."""
    import uuid

    import sqlalchemy as sa

    from pmsaas.adapters.sql.tables.organizations import organizations

    async with api.container.system_engine().begin() as conn:
        await conn.execute(sa.update(organizations).where(organizations.c.id == uuid.UUID(org_id)).values(plan=plan))
