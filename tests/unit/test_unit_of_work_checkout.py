"""A pool checkout that finds its connection closed under it (connections reset a moment ago) is the
same answer as a database that cannot be reached: 503 in the envelope, never a 500 (the soak found it)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import InvalidRequestError

from pmsaas.adapters.sql.uow import SqlUnitOfWork
from pmsaas.domain.shared.errors import DependencyUnavailable


class ClosedUnderCheckout:
    class dialect:  # the engine's attribute
        name = "postgresql"

    async def connect(self) -> Any:
        raise InvalidRequestError("This connection is closed")


async def test_a_connection_closed_at_checkout_is_a_dependency_unavailable():
    uow = SqlUnitOfWork(ClosedUnderCheckout())  # type: ignore[arg-type]  # only connect() is reached
    with pytest.raises(DependencyUnavailable):
        async with uow:
            raise AssertionError("the use case must not start")
