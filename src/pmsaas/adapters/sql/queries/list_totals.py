"""List totals from ``platform_list_counts`` instead of counting the organization's rows.

The contract's pagination envelope carries an exact total (``total_count``, ``total``), so an estimate
will not do. For the hot lists (properties, leases, invoices, tickets) triggers (migration 0044) keep a
count per organization and value of the list's counted filters, in the transaction that writes the row;
a page's total is then the sum of at most a few dozen counter rows, whatever the organization's size.

``CountedList.total`` is the seam a list query asks: it answers the total as a scalar subquery (to go
into the page's own statement) when every filter of the request is one the counters keep, and ``None``
otherwise (a search, a date range, a scope: the list counts its rows as before, still exact).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from pmsaas.adapters.sql.tables.platform import list_counts as c

Value = str | Collection[str] | sa.ColumnElement[Any] | None


@dataclass(frozen=True)
class CountedList:
    """A list whose rows the triggers count, by ``value1`` (its status) and optionally ``value2``."""

    name: str
    value1: str
    value2: str | None = None

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"list name {self.name!r}: letters, digits and underscores only (it goes into SQL text)")

    def total(
        self, organization_id: UUID | sa.ColumnElement[Any], *, others: bool = False, **values: Value
    ) -> sa.ScalarSelect[int] | None:
        """The filtered list's total from the counters, or None when ``others`` (a filter they don't keep)
        is set. ``values`` names counted columns: a value, several (any of them), or None (no filter)."""
        unknown = set(values) - {self.value1, self.value2}
        if unknown:
            raise ValueError(f"{self.name} counts no {sorted(unknown)}")
        if others:
            return None
        # Constants written into the text (the property list sends its compiled text with its own parameters).
        where = [c.c.organization_id == organization_id, c.c.list == sa.literal_column(f"'{self.name}'", sa.String)]
        for name, column in ((self.value1, c.c.value1), (self.value2, c.c.value2)):
            value = values.get(name) if name else None
            if value is None:
                continue
            if isinstance(value, str | sa.ColumnElement):
                where.append(column == value)
            else:
                where.append(column.in_(list(value)))
        summed = sa.cast(sa.func.coalesce(sa.func.sum(c.c.row_count), sa.literal_column("0")), sa.BigInteger)
        return sa.select(summed).where(*where).scalar_subquery()


# Keep in step with migration 0044's COUNTED (tests/integration/sql/test_list_totals.py writes through
# each list and compares the counters with a count of the rows).
PROPERTIES = CountedList("properties", "status", "type")
LEASES = CountedList("leases", "status")
INVOICES = CountedList("invoices", "status")
TICKETS = CountedList("tickets", "status", "priority")

__all__ = ["INVOICES", "LEASES", "PROPERTIES", "TICKETS", "CountedList"]
