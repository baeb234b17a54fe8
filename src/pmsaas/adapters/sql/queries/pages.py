"""What the one-statement list queries (properties, leases, invoices) share: the page's statement
with its keyset cursor and total, and the parameters every page binds.

Each list builds its own filters and columns; the page around them is the same: rows in
(sort column, id) order, after the keyset cursor or from the offset, one row more than the page
(whether a cursor continues), each row carrying the list's total as ``_page_total`` (from the
counters when they answer, else a count of the filtered rows)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from pmsaas.adapters.sql.repositories.common import keyset_capable
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.paging import PageRequest


def page_statement(
    columns: list[Any],
    *,
    condition: sa.ColumnElement[bool],
    order: sa.ColumnElement[Any],
    row_id: sa.ColumnElement[Any],
    page: PageRequest,
    total: sa.ColumnElement[Any],
) -> sa.Select[Any]:
    keyset = []
    if page.after is not None:
        if not keyset_capable(order):
            raise ValidationFailed.single("cursor", f"not available when sorting by {page.sort_by}; use page")
        row = sa.tuple_(order, row_id)
        position = sa.tuple_(sa.bindparam("after_value", type_=order.type), sa.bindparam("after_id", type_=row_id.type))
        keyset.append(row < position if page.descending else row > position)
    ordering = (order.desc(), row_id.desc()) if page.descending else (order.asc(), row_id.asc())
    return (
        sa.select(*columns, total.label("_page_total"))
        .where(condition, *keyset)
        .order_by(*ordering)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
    )


def page_parameters(organization_id: UUID, page: PageRequest) -> dict[str, Any]:
    """The organization, the page's size (one row more: whether a keyset cursor continues after it),
    its offset and its cursor."""
    params: dict[str, Any] = {"org": organization_id, "limit": page.page_size + 1, "offset": page.offset}
    if page.after is not None:
        value = page.after.value
        params["after_value"] = aware_utc(value) if isinstance(value, datetime) else value
        params["after_id"] = page.after.id
    return params


def aware_utc(value: datetime) -> datetime:
    """What the ``UtcDateTime`` column type would bind on PostgreSQL (the direct path skips it)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime refused: time is always timezone-aware")
    return value.astimezone(UTC)
