"""The lease list's limit handler (issue 15 item 1): ``GET /api/v1/leases?page_size=N&page=P`` as ONE
hand-written SQL statement through psycopg (the page with each lease's co-tenants, and the total from the
list counters the product reads too), msgspec encoding into the platform envelope: the same body as the
real endpoint but ``meta.timestamp`` and ``meta.request_id`` (bench/leases.py checks it before the run).
Mounted by bench/limit_app.py at ``/bench/limit/leases``.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl
from uuid import UUID, uuid4

import msgspec

from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import After
from pmsaas.entrypoints.http.cursor import encode_cursor

LEASE_LIST_SQL = """
WITH page AS (
    SELECT l.id, l.organization_id, l.property_id, l.unit_id, l.tenant_id,
        ARRAY(SELECT c.tenant_id FROM properties_lease_co_tenants c WHERE c.lease_id = l.id ORDER BY c.tenant_id)
            AS co_tenant_ids,
        l.status, l.start_date, l.end_date, l.move_out_date, l.terminated_on, l.ended_on, l.rent_minor, l.currency,
        l.billing_day, l.grace_days, l.security_deposit_minor, l.late_fee_kind, l.late_fee_value,
        l.late_fee_cap_minor, l.escalation_kind, l.escalation_value, l.tds_applicable, l.renewed_from_id,
        l.version, l.created_at, l.updated_at
    FROM properties_leases l WHERE l.organization_id = %(org)s
    ORDER BY l.created_at ASC, l.id ASC LIMIT %(limit)s OFFSET %(offset)s
)
SELECT c.total, page.* FROM (
    SELECT COALESCE(sum(row_count), 0)::bigint AS total FROM platform_list_counts
    WHERE organization_id = %(org)s AND list = 'leases'
) AS c LEFT JOIN page ON true
ORDER BY page.created_at ASC, page.id ASC
"""


class _Money(msgspec.Struct):
    amount: str
    currency: str


class _LateFee(msgspec.Struct):
    kind: str
    value: str
    cap: _Money | None


class _Escalation(msgspec.Struct):
    kind: str
    value: str


class _Lease(msgspec.Struct):
    id: UUID
    organization_id: UUID
    property_id: UUID
    unit_id: UUID
    tenant_id: UUID
    co_tenant_ids: list[UUID]
    status: str
    start_date: date
    end_date: date | None
    move_out_date: date | None
    terminated_on: date | None
    ended_on: date | None
    rent: _Money
    billing_day: int
    grace_days: int
    security_deposit: _Money | None
    late_fee: _LateFee | None
    escalation: _Escalation | None
    tds_applicable: bool
    renewed_from_id: UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class _Pagination(msgspec.Struct):
    page: int
    page_size: int
    total_count: int
    total_pages: int
    has_next: bool
    has_previous: bool
    next_cursor: str | None = None


class _Meta(msgspec.Struct):
    timestamp: str
    request_id: str
    pagination: _Pagination
    version: str = "1.0.0"


class _Envelope(msgspec.Struct):
    data: list[_Lease]
    meta: _Meta
    success: bool = True


_encoder = msgspec.json.Encoder()


def _money(minor: int | None, currency: str) -> _Money | None:
    return None if minor is None else _Money(str(Money.from_minor(minor, currency)), currency)


def _lease(r: Any) -> _Lease:
    cur = r[14]
    rent = _money(r[13], cur)
    assert rent is not None
    fee = None if r[18] is None else _LateFee(r[18], r[19], _money(r[20], cur))
    esc = None if r[21] is None else _Escalation(r[21], r[22])
    return _Lease(
        r[1], r[2], r[3], r[4], r[5], list(r[6]), r[7], r[8], r[9], r[10], r[11], r[12], rent, r[15], r[16],
        _money(r[17], cur), fee, esc, r[23], r[24], r[25], r[26], r[27],
    )  # fmt: skip


async def lease_list(pool: Any, query_string: str) -> tuple[int, bytes]:
    """(status, body) for ``/api/v1/leases?page_size=&page=`` of the organization ``organization_id``."""
    query = dict(parse_qsl(query_string))
    org = UUID(query["organization_id"])
    page, size = int(query.get("page", "1")), int(query.get("page_size", "20"))
    # One row more than the page: whether a keyset cursor continues (as the real list does).
    params = {"org": org, "limit": size + 1, "offset": (page - 1) * size}
    async with pool.connection() as conn:
        rows = await (await conn.execute(LEASE_LIST_SQL, params)).fetchall()
    total = rows[0][0] if rows else 0
    items = [_lease(r) for r in rows[:size] if r[1] is not None]
    last = items[-1] if len(rows) > size else None
    cursor = encode_cursor("created_at", False, After(last.created_at, last.id)) if last else None
    total_pages = math.ceil(total / size) if total else 0
    now = datetime.now(UTC)
    meta = _Meta(
        now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        f"req_{uuid4().hex}",
        _Pagination(page, size, total, total_pages, page < total_pages, page > 1, cursor),
    )
    return 200, _encoder.encode(_Envelope(items, meta))
