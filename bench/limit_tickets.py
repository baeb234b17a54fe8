"""The ticket list's limit handler (issue 15 item 1): ``GET /v1/tickets?status=&priority=`` as ONE
hand-written SQL statement through psycopg (the page, its total from the list counters as the product reads
it, the property, unit and people names),
msgspec encoding into the ticketing seed's envelope, the same bytes as the real endpoint
(bench/tickets.py checks it before the run). Mounted by bench/limit_app.py at ``/bench/limit/tickets``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode
from uuid import UUID

import msgspec

_PERSON = (
    "COALESCE((SELECT us.name FROM identity_users us JOIN identity_memberships m ON m.user_id = us.id"
    " AND m.organization_id = %(org)s WHERE us.id = {col}),"
    " (SELECT 'API key: ' || k.name FROM identity_api_keys k WHERE k.organization_id = %(org)s AND k.id = {col}), '')"
)
_WHERE = "organization_id = %(org)s AND deleted_at IS NULL{filters}"
TICKET_LIST_SQL = """
WITH page AS (
    SELECT id, title, description, status, priority, category, created_at, updated_at,
        property_id, unit_id, requester_id, assignee_id
    FROM operations_tickets WHERE {where}
    ORDER BY created_at DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s
)
SELECT c.total, page.id, page.title, page.description, page.status, page.priority, page.category,
    page.created_at, page.updated_at, page.property_id, COALESCE(p.name, ''), page.unit_id, COALESCE(u.name, ''),
    page.requester_id, {requester}, page.assignee_id, {assignee}
FROM (SELECT COALESCE(sum(row_count), 0)::bigint AS total FROM platform_list_counts
      WHERE organization_id = %(org)s AND list = 'tickets'{counted}) AS c
LEFT JOIN page ON true
LEFT JOIN properties_properties p ON p.id = page.property_id AND p.organization_id = %(org)s
LEFT JOIN properties_units u ON u.id = page.unit_id AND u.organization_id = %(org)s
ORDER BY page.created_at DESC, page.id DESC
"""


class _Ref(msgspec.Struct):
    id: str
    name: str


class _Ticket(msgspec.Struct):
    id: str
    title: str
    description: str
    status: str
    priority: str
    category: str
    created_at: str
    updated_at: str
    property: _Ref
    unit: _Ref | None
    requester: _Ref | None
    assigned_to: _Ref | None


class _Links(msgspec.Struct):
    next: str | None
    prev: str | None


class _Pagination(msgspec.Struct):
    total: int
    count: int
    per_page: int
    current_page: int
    total_pages: int
    links: _Links


class _Meta(msgspec.Struct):
    pagination: _Pagination


class _List(msgspec.Struct):
    data: list[_Ticket]
    meta: _Meta
    status: str = "success"


_encoder = msgspec.json.Encoder()


def _ts(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ref(ident: UUID | None, name: str) -> _Ref | None:
    return None if ident is None else _Ref(str(ident), name)


def list_sql(status: bool, priority: bool) -> str:
    filters = (" AND status = %(status)s" if status else "") + (" AND priority = %(priority)s" if priority else "")
    counted = (" AND value1 = %(status)s" if status else "") + (" AND value2 = %(priority)s" if priority else "")
    return TICKET_LIST_SQL.format(
        where=_WHERE.format(filters=filters),
        counted=counted,
        requester=_PERSON.format(col="page.requester_id"),
        assignee=_PERSON.format(col="page.assignee_id"),
    )


_SQL = {(s, p): list_sql(s, p) for s in (False, True) for p in (False, True)}


async def ticket_list(pool: Any, base_url: str, query_string: str) -> tuple[int, bytes]:
    """(status, body) for ``/v1/tickets?<query>`` of the organization named by ``organization_id``."""
    pairs = [(k, v) for k, v in parse_qsl(query_string, keep_blank_values=True) if k != "organization_id"]
    query = dict(parse_qsl(query_string))
    org = UUID(query["organization_id"])
    page, per_page = int(query.get("page", "1")), int(query.get("per_page", "10"))
    params: dict[str, Any] = {"org": org, "limit": per_page, "offset": (page - 1) * per_page}
    for key in ("status", "priority"):
        if key in query:
            params[key] = query[key]
    async with pool.connection() as conn:
        rows = await (await conn.execute(_SQL["status" in query, "priority" in query], params)).fetchall()
    total = rows[0][0] if rows else 0
    items = [
        _Ticket(
            str(r[1]),
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            _ts(r[7]),
            _ts(r[8]),
            _Ref(str(r[9]), r[10]),
            _ref(r[11], r[12]),
            _ref(r[13], r[14]),
            _ref(r[15], r[16]),
        )
        for r in rows
        if r[1] is not None
    ]
    total_pages = math.ceil(total / per_page) if total else 0
    others = [(k, v) for k, v in pairs if k != "page"]

    def link(number: int) -> str:
        return f"{base_url}/v1/tickets?{urlencode([*others, ('page', str(number))])}"

    links = _Links(link(page + 1) if page < total_pages else None, link(page - 1) if page > 1 else None)
    body = _List(items, _Meta(_Pagination(total, len(items), per_page, page, total_pages, links)))
    return 200, _encoder.encode(body)


# -- POST /v1/tickets ------------------------------------------------------------------------------
# The domain object gives the row (its SLA due dates, the created update, the two events' payloads); the
# database work is ONE statement: the place and category checks, the ticket, its created update and the
# two outbox rows, and the names the answer shows.
TICKET_CREATE_SQL = """
WITH place AS (
    SELECT p.name AS property_name, {requester} AS requester_name
    FROM properties_properties p
    WHERE p.id = %(property_id)s AND p.organization_id = %(org)s AND p.deleted_at IS NULL
      AND (%(builtin)s OR EXISTS (SELECT 1 FROM operations_ticket_categories c
                                  WHERE c.organization_id = %(org)s AND c.name = %(category)s))
), t AS (
    INSERT INTO operations_tickets (id, organization_id, title, description, category, priority, priority_rank,
        status, property_id, unit_id, requester_id, tenant_id, assignee_id, responded_at, resolved_at, closed_at,
        response_due_at, resolution_due_at, version, created_at, updated_at)
    SELECT %(id)s, %(org)s, %(title)s, %(description)s, %(category)s, %(priority)s, %(priority_rank)s,
        %(status)s, %(property_id)s, NULL, %(requester)s, NULL, NULL, NULL, NULL, NULL,
        %(response_due_at)s, %(resolution_due_at)s, 1, %(now)s, %(now)s
    FROM place
    RETURNING id
), u AS (
    INSERT INTO operations_ticket_updates (id, organization_id, ticket_id, kind, actor_id, from_status, to_status,
        note, data, internal, at, seq)
    SELECT %(update_id)s, %(org)s, t.id, 'created', %(requester)s, NULL, %(status)s, NULL, '{{}}'::jsonb, false,
        %(now)s, %(update_seq)s
    FROM t
), o AS (
    INSERT INTO notifications_outbox (id, organization_id, event, payload, occurred_at, attempts)
    SELECT e.id, %(org)s, e.event, e.payload::jsonb, %(now)s, 0
    FROM t, (VALUES (%(event1_id)s::uuid, 'ticket.created', %(payload1)s),
                    (%(event2_id)s::uuid, 'maintenance.created', %(payload2)s)) AS e (id, event, payload)
)
SELECT place.property_name, place.requester_name FROM place JOIN t ON true
""".format(requester=_PERSON.format(col="%(requester)s"))


class _TicketIn(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    description: str
    priority: str
    category: str
    property_id: UUID
    unit_id: UUID | None = None


class _Created(msgspec.Struct):
    id: str
    title: str
    description: str
    status: str
    priority: str
    category: str
    created_at: str
    updated_at: str
    property: _Ref
    unit: _Ref | None
    requester: _Ref | None


class _Item(msgspec.Struct):
    data: _Created
    status: str = "success"


_ticket_in = msgspec.json.Decoder(_TicketIn)


async def ticket_create(pool: Any, query_string: str, raw: bytes) -> tuple[int, bytes]:
    """(status, body) for ``POST /v1/tickets`` by the API key ``requester_id`` of ``organization_id``
    (no unit: the bench's body has none)."""
    from pmsaas.domain.operations.model import BUILTIN_CATEGORIES, Priority, Ticket, normalize_category

    query = dict(parse_qsl(query_string))
    org, requester = UUID(query["organization_id"]), UUID(query["requester_id"])
    try:
        body = _ticket_in.decode(raw)
        category = normalize_category(body.category)
        priority = Priority(body.priority)
    except (msgspec.ValidationError, msgspec.DecodeError, ValueError) as exc:
        return 422, _encoder.encode({"status": "error", "error": str(exc)})
    if body.unit_id is not None:
        return 400, b'{"status":"error","error":"the limit handler takes no unit"}'
    now = datetime.now(UTC)
    ticket = Ticket(
        organization_id=org,
        title=body.title.strip(),
        description=body.description.strip(),
        category=category,
        priority=priority,
        property_id=body.property_id,
        unit_id=None,
        requester_id=requester,
        tenant_id=None,
        created_at=now,
        updated_at=now,
    )
    update = ticket.created_update(requester)
    events = [ticket.event("ticket.created", now), ticket.event("maintenance.created", now)]
    params = {
        "org": org, "id": ticket.id, "title": ticket.title, "description": ticket.description,
        "category": category, "builtin": category in BUILTIN_CATEGORIES, "priority": priority.value,
        "priority_rank": priority.rank, "status": ticket.status.value, "property_id": ticket.property_id,
        "requester": requester, "response_due_at": ticket.response_due_at,
        "resolution_due_at": ticket.resolution_due_at, "now": now, "update_id": update.id,
        "update_seq": update.seq, "event1_id": events[0].id, "payload1": _encoder.encode(events[0].data).decode(),
        "event2_id": events[1].id, "payload2": _encoder.encode(events[1].data).decode(),
    }  # fmt: skip
    async with pool.connection() as conn:
        found = await (await conn.execute(TICKET_CREATE_SQL, params)).fetchone()
    if found is None:
        return 422, b'{"status":"error","error":"unknown property or category"}'
    stamp = _ts(now)
    out = _Created(
        str(ticket.id), ticket.title, ticket.description, ticket.status.value, priority.value, category,
        stamp, stamp, _Ref(str(ticket.property_id), found[0]), None, _Ref(str(requester), found[1]),
    )  # fmt: skip
    return 201, _encoder.encode(_Item(out))


# -- POST /api/v1/operations/maintenance-requests ----------------------------------------------------
# The same use case as the ticket create (the same rows: ticket, created update, two outbox rows), the same
# one statement; the answer is the platform envelope's maintenance request (with its SLA, no comments or
# attachments yet). The requester is a user (the JWT's subject) instead of an API key.


class _RequestIn(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    property_id: UUID
    description: str = ""
    category: str = "other"
    priority: str = "medium"
    unit_id: UUID | None = None


class _Sla(msgspec.Struct):
    response_due_at: datetime
    resolution_due_at: datetime
    due_at: datetime
    responded_at: datetime | None
    response_breached: bool
    resolution_breached: bool
    breached: bool


class _Request(msgspec.Struct):
    id: UUID
    organization_id: UUID
    title: str
    description: str
    category: str
    priority: str
    status: str
    property_id: UUID
    property_name: str | None
    unit_id: UUID | None
    unit_name: str | None
    requester_id: UUID | None
    requester_name: str | None
    tenant_id: UUID | None
    assignee_id: UUID | None
    assignee_name: str | None
    sla: _Sla
    resolved_at: datetime | None
    closed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    comments: list[Any]
    attachments: list[Any]


class _PlatformMeta(msgspec.Struct):
    timestamp: str
    request_id: str
    version: str = "1.0.0"


class _PlatformItem(msgspec.Struct):
    data: _Request
    meta: _PlatformMeta
    success: bool = True


_request_in = msgspec.json.Decoder(_RequestIn)


async def maintenance_create(pool: Any, query_string: str, raw: bytes) -> tuple[int, bytes]:
    """(status, body) for ``POST /api/v1/operations/maintenance-requests`` by the user ``requester_id`` of
    ``organization_id`` (no unit: the bench's body has none)."""
    from uuid import uuid4

    from pmsaas.domain.operations.model import BUILTIN_CATEGORIES, Priority, Ticket, normalize_category

    query = dict(parse_qsl(query_string))
    org, requester = UUID(query["organization_id"]), UUID(query["requester_id"])
    try:
        body = _request_in.decode(raw)
        category = normalize_category(body.category)
        priority = Priority(body.priority)
    except (msgspec.ValidationError, msgspec.DecodeError, ValueError) as exc:
        return 422, _encoder.encode({"success": False, "error": str(exc)})
    if body.unit_id is not None:
        return 400, b'{"success":false,"error":"the limit handler takes no unit"}'
    now = datetime.now(UTC)
    ticket = Ticket(
        organization_id=org, title=body.title.strip(), description=body.description.strip(), category=category,
        priority=priority, property_id=body.property_id, unit_id=None, requester_id=requester, tenant_id=None,
        created_at=now, updated_at=now,
    )  # fmt: skip
    update = ticket.created_update(requester)
    events = [ticket.event("ticket.created", now), ticket.event("maintenance.created", now)]
    params = {
        "org": org, "id": ticket.id, "title": ticket.title, "description": ticket.description,
        "category": category, "builtin": category in BUILTIN_CATEGORIES, "priority": priority.value,
        "priority_rank": priority.rank, "status": ticket.status.value, "property_id": ticket.property_id,
        "requester": requester, "response_due_at": ticket.response_due_at,
        "resolution_due_at": ticket.resolution_due_at, "now": now, "update_id": update.id,
        "update_seq": update.seq, "event1_id": events[0].id, "payload1": _encoder.encode(events[0].data).decode(),
        "event2_id": events[1].id, "payload2": _encoder.encode(events[1].data).decode(),
    }  # fmt: skip
    async with pool.connection() as conn:
        found = await (await conn.execute(TICKET_CREATE_SQL, params)).fetchone()
    if found is None:
        return 422, b'{"success":false,"error":"unknown property or category"}'
    sla = ticket.sla
    response, resolution = sla.response_breached(now), sla.resolution_breached(now)
    out = _Request(
        ticket.id, org, ticket.title, ticket.description, category, priority.value, ticket.status.value,
        ticket.property_id, found[0], None, None, requester, found[1] or None, None, None, None,
        _Sla(sla.response_due_at, sla.resolution_due_at, sla.due_at(), sla.responded_at, response, resolution,
             response or resolution),
        None, None, ticket.version, now, now, [], [],
    )  # fmt: skip
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return 201, _encoder.encode(_PlatformItem(out, _PlatformMeta(stamp, f"req_{uuid4().hex}")))
