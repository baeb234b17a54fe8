"""The payment create's limit handler (issue 15, item 1): ``POST /api/v1/financial/payments`` as ONE statement.

``POST /bench/limit/payments?organization_id=<uuid>&requester_id=<user id>`` with the endpoint's body and an
``Idempotency-Key`` header: a manual payment (cash, cheque, bank transfer, ...; no card, TDS, named invoices or
``received_on``: the bench sends none) settled as ``create_payment_once`` settles it, everything it writes in
one hand-written statement through the psycopg pool of ``limit_app.py``:

- the lease (its tenant and currency) and the organization (country: the fiscal year; its receipt format);
- the lease's open invoices locked (``FOR UPDATE``, oldest due first, as ``open_for_lease``), the amount
  split over them (running sums: ``allocate``), their versioned updates (paid, status, version, updated_at);
- the receipt counter's upsert, taken LAST (it depends on the invoice updates, so its row lock comes after
  theirs, as ``PostgresPaymentPosting`` orders it), the receipt number formatted from it in SQL;
- the journal entry and its two lines (cash, the tenant's receivable), the payment row in its final state
  (with its idempotency scope, key and request fingerprint: the domain's exactly-once record), its allocations;
- the outbox rows: ``invoice.paid`` for each invoice paid off, then ``payment.received``.

What it leaves out: the idempotency middleware's Redis claim and stored response (two Redis round trips on the
real endpoint), authentication, the rate limiter. The answer is the endpoint's body (``PaymentOut`` in the
platform envelope), encoded by msgspec; ``bench/leases.py`` checks it equals the endpoint's (but for the ids,
timestamps and receipt number) before any load.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from urllib.parse import parse_qsl
from uuid import UUID, uuid4

import msgspec

# The receipt format as ``format_number`` applies it: {fy}, {fy_short}, {seq} or {seq:0Nd}.
_FORMAT = r"""replace(replace(regexp_replace(o.fmt, '\{seq(:0?\d+d)?\}', '@SEQ@'), '{fy}', o.fy), '{fy_short}',
    o.fy_short)"""

PAYMENT_CREATE_SQL = f"""
WITH lease AS (
    SELECT l.tenant_id, l.currency FROM properties_leases l
    WHERE l.organization_id = %(org)s AND l.id = %(lease)s AND l.currency = %(currency)s
), o AS (
    SELECT fy, CASE WHEN fy LIKE '%%-%%' THEN right(split_part(fy, '-', 1), 2) || '-' || split_part(fy, '-', 2)
                    ELSE right(fy, 2) END AS fy_short, fmt,
        COALESCE(substring(fmt from '\\{{seq:0?(\\d+)d\\}}')::int, 0) AS width
    FROM (SELECT CASE WHEN org.country = 'IN' THEN
                     (CASE WHEN %(month)s >= 4 THEN %(year)s ELSE %(year)s - 1 END)::text || '-'
                     || lpad(((CASE WHEN %(month)s >= 4 THEN %(year)s ELSE %(year)s - 1 END + 1) %% 100)::text, 2, '0')
                 ELSE %(year)s::text END AS fy,
                 COALESCE(NULLIF(org.extra_settings ->> 'receipt_number_format', ''),
                          CASE WHEN org.country = 'IN' THEN 'RCT/{{fy_short}}/{{seq:06d}}'
                               ELSE 'RCPT/{{fy}}/{{seq:06d}}' END)
                     AS fmt
          FROM organizations_organizations org, lease
          WHERE org.id = %(org)s AND org.deleted_at IS NULL) AS p
), locked AS (
    SELECT i.id, i.total_minor - i.paid_minor AS due, i.due_date, i.issue_date, i.number
    FROM financial_invoices i
    WHERE i.organization_id = %(org)s AND i.lease_id = %(lease)s AND i.status IN ('issued', 'sent', 'partially_paid')
      AND EXISTS (SELECT 1 FROM o)
    ORDER BY i.due_date, i.issue_date, i.number, i.id
    FOR UPDATE
), split AS (
    SELECT id, least(due, %(amount)s - (sum(due) OVER w - due)) AS amount, (row_number() OVER w) - 1 AS position
    FROM locked WINDOW w AS (ORDER BY due_date, issue_date, number, id)
), alloc AS (
    SELECT id, amount, row_number() OVER (ORDER BY position) - 1 AS position FROM split WHERE amount > 0
), paid AS (
    UPDATE financial_invoices i
    SET paid_minor = i.paid_minor + a.amount,
        status = CASE WHEN i.total_minor - i.paid_minor - a.amount > 0 THEN 'partially_paid' ELSE 'paid' END,
        version = i.version + 1, updated_at = %(now)s
    FROM alloc a WHERE i.id = a.id AND i.organization_id = %(org)s
    RETURNING i.id, i.number, i.lease_id, i.tenant_id, i.status, i.total_minor, i.currency, a.amount, a.position
), counter AS (
    INSERT INTO financial_number_sequences AS s (organization_id, series, fiscal_year, last_value)
    SELECT %(org)s, 'receipt', o.fy, 1 FROM o WHERE (SELECT count(*) FROM paid) >= 0
    ON CONFLICT (organization_id, series, fiscal_year) DO UPDATE SET last_value = s.last_value + 1
    RETURNING last_value
), receipt AS (
    SELECT replace({_FORMAT}, '@SEQ@', lpad(c.last_value::text, greatest(o.width, length(c.last_value::text)), '0'))
        AS number
    FROM o, counter c
), entry AS (
    INSERT INTO financial_journal_entries (id, organization_id, entry_date, description, source_type, source_id,
        reverses_id, currency, posted_at)
    SELECT %(entry_id)s, %(org)s, %(today)s, left('Payment ' || r.number || ' (' || %(method)s || ')', 300),
        'payment', %(id)s, NULL, %(currency)s, %(now)s
    FROM receipt r
    RETURNING id
), lines AS (
    INSERT INTO financial_journal_lines (id, organization_id, entry_id, position, account_id, lease_id,
        amount_minor, currency, memo)
    SELECT v.id, %(org)s, e.id, v.position, a.id, %(lease)s, v.amount, %(currency)s, NULL
    FROM entry e, lease,
        (VALUES (%(line1_id)s::uuid, 0, 'cash', %(amount)s::bigint),
                (%(line2_id)s::uuid, 1, NULL, -%(amount)s::bigint)) AS v (id, position, account, amount)
    JOIN financial_accounts a ON a.organization_id = %(org)s
    WHERE a.key = COALESCE(v.account, 'ar:' || lease.tenant_id::text)
), payment AS (
    INSERT INTO financial_payments (id, organization_id, lease_id, tenant_id, amount_minor, refunded_minor,
        deposit_refunded_minor, currency, method, status, reference, notes, receipt_number, gateway,
        gateway_payment_id, failure_reason, received_at, received_on, idempotency_scope, idempotency_key,
        request_fingerprint, invoice_ids, version, created_at, updated_at)
    SELECT %(id)s, %(org)s, %(lease)s, lease.tenant_id, %(amount)s, 0, 0, %(currency)s, %(method)s, 'succeeded',
        %(reference)s, %(notes)s, r.number, NULL, NULL, NULL, %(now)s, NULL, %(scope)s, %(key)s, %(fingerprint)s,
        '[]'::jsonb, 1, %(now)s, %(now)s
    FROM lease, receipt r
    RETURNING id, tenant_id, receipt_number
), allocations AS (
    INSERT INTO financial_payment_allocations (id, organization_id, payment_id, invoice_id, position, amount_minor,
        currency, applied_on)
    SELECT gen_random_uuid(), %(org)s, p.id, paid.id, paid.position, paid.amount, %(currency)s,
        (SELECT (%(now)s::timestamptz AT TIME ZONE org.time_zone)::date  -- the day of receipt, the org's
         FROM organizations_organizations org WHERE org.id = %(org)s)
    FROM payment p, paid
), events AS (
    INSERT INTO notifications_outbox (id, organization_id, event, payload, occurred_at, attempts)
    SELECT e.id, %(org)s, e.event, e.payload, %(now)s, 0 FROM (
        SELECT gen_random_uuid() AS id, 'invoice.paid' AS event, jsonb_build_object(
            'invoice_id', paid.id::text, 'number', paid.number, 'lease_id', paid.lease_id::text,
            'tenant_id', paid.tenant_id::text, 'status', paid.status,
            'total', jsonb_build_object('amount', round(paid.total_minor::numeric / %(scale)s, %(digits)s)::text,
                                        'currency', paid.currency),
            'organization_id', %(org)s::text) AS payload, paid.position AS position
        FROM paid WHERE paid.status = 'paid'
        UNION ALL
        SELECT %(event_id)s::uuid, 'payment.received', jsonb_build_object(
            'payment_id', p.id::text, 'lease_id', %(lease)s::text, 'tenant_id', p.tenant_id::text,
            'status', 'succeeded', 'method', %(method)s::text,
            'amount', jsonb_build_object('amount', %(amount_text)s::text, 'currency', %(currency)s::text),
            'receipt_number', p.receipt_number, 'organization_id', %(org)s::text), 1000000
        FROM payment p
        ORDER BY position
    ) AS e
)
SELECT p.tenant_id, p.receipt_number,
    (SELECT COALESCE(array_agg(paid.id ORDER BY paid.position), '{{}}') FROM paid),
    (SELECT COALESCE(array_agg(paid.amount ORDER BY paid.position), '{{}}') FROM paid)
FROM payment p
"""


class _MoneyIn(msgspec.Struct):
    amount: str
    currency: str


class _PaymentIn(msgspec.Struct, forbid_unknown_fields=True):
    lease_id: UUID
    amount: _MoneyIn
    method: Literal["cash", "cheque", "bank_transfer", "interac", "upi", "net_banking"]
    reference: str | None = None
    notes: str | None = None


class _Money(msgspec.Struct):
    amount: str
    currency: str


class _Allocation(msgspec.Struct):
    invoice_id: UUID
    amount: _Money


class _Payment(msgspec.Struct):
    id: UUID
    organization_id: UUID
    lease_id: UUID
    tenant_id: UUID
    amount: _Money
    method: str
    status: str
    reference: str | None
    notes: str | None
    receipt_number: str | None
    gateway: None
    gateway_payment_id: None
    failure_reason: None
    received_at: datetime
    received_on: date
    allocations: list[_Allocation]
    unallocated: _Money
    refunded: _Money
    deposit_refunded: _Money
    tds: None
    next_action: None
    version: int
    created_at: datetime
    updated_at: datetime


class _Meta(msgspec.Struct):
    timestamp: str
    request_id: str
    version: str = "1.0.0"


class _Item(msgspec.Struct):
    data: _Payment
    meta: _Meta
    success: bool = True


_decoder = msgspec.json.Decoder(_PaymentIn)
_encoder = msgspec.json.Encoder()


def _text(minor: int, digits: int) -> str:
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


async def payment_create(pool: Any, query_string: str, raw: bytes, key: str | None) -> tuple[int, bytes]:
    """(status, body) for ``POST /api/v1/financial/payments`` by the user ``requester_id`` of ``organization_id``."""
    from pmsaas.domain.shared.idempotency import fingerprint
    from pmsaas.domain.shared.money import MINOR_DIGITS

    query = dict(parse_qsl(query_string))
    org, requester = UUID(query["organization_id"]), UUID(query["requester_id"])
    if not key:
        return 400, b'{"success":false,"error":"Idempotency-Key header is required for this request"}'
    try:
        body = _decoder.decode(raw)
        currency = body.amount.currency
        digits = MINOR_DIGITS[currency]
        minor = int(Decimal(body.amount.amount).scaleb(digits))
    except (msgspec.ValidationError, msgspec.DecodeError, InvalidOperation, KeyError, ValueError) as exc:
        return 422, _encoder.encode({"success": False, "error": str(exc)})
    if minor <= 0:
        return 422, b'{"success":false,"error":"amount must be positive"}'
    now = datetime.now(UTC)
    pid, amount_text = uuid4(), _text(minor, digits)
    params = {
        "org": org, "lease": body.lease_id, "currency": currency, "amount": minor, "amount_text": amount_text,
        "method": body.method, "reference": body.reference, "notes": body.notes, "now": now, "today": now.date(),
        "year": now.year, "month": now.month, "id": pid, "entry_id": uuid4(), "line1_id": uuid4(),
        "line2_id": uuid4(), "event_id": uuid4(), "scope": f"{org}:user:{requester}", "key": key,
        "fingerprint": fingerprint("POST", "/api/v1/financial/payments", b"", raw),
        "scale": 10**digits, "digits": digits,
    }  # fmt: skip
    async with pool.connection() as conn:
        row = await (await conn.execute(PAYMENT_CREATE_SQL, params)).fetchone()
    if row is None:
        return 404, b'{"success":false,"error":"lease not found"}'
    tenant_id, receipt_number, invoice_ids, amounts = row
    allocations = [
        _Allocation(i, _Money(_text(a, digits), currency)) for i, a in zip(invoice_ids, amounts, strict=True)
    ]
    zero = _Money(_text(0, digits), currency)
    out = _Payment(
        pid, org, body.lease_id, tenant_id, _Money(amount_text, currency), body.method, "succeeded", body.reference,
        body.notes, receipt_number, None, None, None, now, now.date(), allocations,
        _Money(_text(minor - sum(amounts), digits), currency), zero, zero, None, None, 1, now, now,
    )  # fmt: skip
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return 201, _encoder.encode(_Item(out, _Meta(stamp, f"req_{uuid4().hex}")))
