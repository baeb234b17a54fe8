"""The invoice list's limit handler (issue 15 item 1): ``GET /api/v1/financial/invoices?page_size=N`` as ONE
hand-written SQL statement through psycopg (the page, each invoice's lines as JSON, the total from the list
counters the product reads too), msgspec encoding into the platform envelope: the same body as the real
endpoint but ``meta.timestamp`` and ``meta.request_id`` (bench/leases.py checks it before the run).
Mounted by bench/limit_app.py at ``/bench/limit/invoices``.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl
from uuid import UUID, uuid4

import msgspec

from pmsaas.domain.shared.money import MINOR_DIGITS
from pmsaas.domain.shared.paging import After
from pmsaas.entrypoints.http.cursor import encode_cursor

INVOICE_LIST_SQL = """
WITH page AS (
    SELECT i.id, i.organization_id, i.number, i.lease_id, i.tenant_id, i.status, i.issue_date, i.due_date,
        i.service_period, i.currency, i.subtotal_minor, i.tax_minor, i.round_off_minor, i.total_minor, i.paid_minor,
        i.notes, i.issued_at, i.sent_at, i.cancelled_at, i.version, i.created_at, i.updated_at, i.credited_minor,
        (SELECT COALESCE(json_agg(json_build_array(l.description, l.charge_type, l.supply_type, l.amount_minor,
                                                   l.taxes) ORDER BY l.position), '[]')::text
         FROM financial_invoice_lines l WHERE l.invoice_id = i.id) AS lines
    FROM financial_invoices i WHERE i.organization_id = %(org)s
    ORDER BY i.created_at ASC, i.id ASC LIMIT %(limit)s OFFSET %(offset)s
)
SELECT c.total, page.* FROM (
    SELECT COALESCE(sum(row_count), 0)::bigint AS total FROM platform_list_counts
    WHERE organization_id = %(org)s AND list = 'invoices'
) AS c LEFT JOIN page ON true
ORDER BY page.created_at ASC, page.id ASC
"""

_OPEN = {"issued", "sent", "partially_paid"}


class _Money(msgspec.Struct):
    amount: str
    currency: str


class _Tax(msgspec.Struct):
    tax: str
    rate: float
    amount: _Money
    payable_by: str
    jurisdiction: str | None


class _Line(msgspec.Struct):
    description: str
    charge_type: str
    supply_type: str | None
    amount: _Money
    taxes: list[_Tax]
    tax: _Money
    total: _Money


class _Invoice(msgspec.Struct):
    id: UUID
    organization_id: UUID
    number: str | None
    lease_id: UUID
    tenant_id: UUID
    status: str
    issue_date: date
    due_date: date
    period: str | None
    currency: str
    lines: list[_Line]
    subtotal: _Money
    tax_total: _Money
    round_off: _Money
    total: _Money
    amount_paid: _Money
    amount_credited: _Money
    balance_due: _Money
    notes: str | None
    issued_at: datetime | None
    sent_at: datetime | None
    cancelled_at: datetime | None
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
    data: list[_Invoice]
    meta: _Meta
    success: bool = True


_encoder = msgspec.json.Encoder()
_lines = msgspec.json.Decoder(list[tuple[str, str, str | None, int, list[dict[str, Any]] | None]])


def _money(minor: int, currency: str) -> _Money:
    digits = MINOR_DIGITS[currency]
    return _Money(f"{Decimal(minor).scaleb(-digits):.{digits}f}", currency)


def _line(raw: tuple[str, str, str | None, int, list[dict[str, Any]] | None], currency: str) -> _Line:
    description, charge_type, supply_type, amount, taxes = raw
    charged = sum(int(t["amount_minor"]) for t in taxes or () if t["payable_by"] == "supplier")
    return _Line(
        description, charge_type, supply_type, _money(amount, currency),
        [
            _Tax(t["tax"], float(Decimal(t["rate"])), _money(int(t["amount_minor"]), currency), t["payable_by"],
                 t.get("jurisdiction"))
            for t in taxes or ()
        ],
        _money(charged, currency), _money(amount + charged, currency),
    )  # fmt: skip


def _invoice(r: Any, today: date) -> _Invoice:
    cur, status = r[10], r[6]
    balance = 0 if status in ("draft", "cancelled") else r[14] - r[15] - r[23]
    shown = "overdue" if status in _OPEN and r[8] < today and balance > 0 else status
    return _Invoice(
        r[1], r[2], r[3], r[4], r[5], shown, r[7], r[8], r[9], cur,
        [_line(line, cur) for line in _lines.decode(r[24])],
        _money(r[11], cur), _money(r[12], cur), _money(r[13], cur), _money(r[14], cur), _money(r[15], cur),
        _money(r[23], cur), _money(balance, cur), r[16], r[17], r[18], r[19], r[20], r[21], r[22],
    )  # fmt: skip


async def invoice_list(pool: Any, query_string: str) -> tuple[int, bytes]:
    """(status, body) for ``/api/v1/financial/invoices?page_size=&page=`` of ``organization_id``."""
    query = dict(parse_qsl(query_string))
    org = UUID(query["organization_id"])
    page, size = int(query.get("page", "1")), int(query.get("page_size", "20"))
    params = {"org": org, "limit": size + 1, "offset": (page - 1) * size}  # one more: does a cursor continue?
    async with pool.connection() as conn:
        rows = await (await conn.execute(INVOICE_LIST_SQL, params)).fetchall()
    now = datetime.now(UTC)
    total = rows[0][0] if rows else 0
    items = [_invoice(r, now.date()) for r in rows[:size] if r[1] is not None]
    last = items[-1] if len(rows) > size else None
    cursor = encode_cursor("created_at", False, After(last.created_at, last.id)) if last else None
    total_pages = math.ceil(total / size) if total else 0
    meta = _Meta(
        now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        f"req_{uuid4().hex}",
        _Pagination(page, size, total, total_pages, page < total_pages, page > 1, cursor),
    )
    return 200, _encoder.encode(_Envelope(items, meta))
