"""Hand-written in-memory adapters of the repository ports (cosmicpython style): no mocks, no database.

``FakeDatabase`` holds the rows of every context, keyed by organization; ``FakeUnitOfWork`` is one
transaction over it (a snapshot taken at ``async with``, restored unless the use case commits) and
implements the identity, organizations, API-key, properties and operations unit-of-work ports, the
property list's query port among them, the financial ports but the lease directory, TDS and the billing
writer, and their ``read_only()`` variant."""

from fakes.store import FakeDatabase
from fakes.uow import FakeUnitOfWork

__all__ = ["FakeDatabase", "FakeUnitOfWork"]
