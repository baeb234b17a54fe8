"""Bench-only HTTP server: the product's app plus the floor it is measured against (bench/README.md).

Not part of the product (nothing under ``src/`` mounts these routes). ``app`` is what the benchmark
scripts serve with granian (``granian --interface asgi limit_app:app`` from ``bench/``): every request
goes to ``create_app(container)``, exactly as ``pmsaas serve`` builds it, except paths under
``/bench/``, which go to a separate Litestar app holding only the handlers below: public, outside our
own middleware (request id, access log, auth, rate limit); Litestar routes the request to a raw ASGI
handler and nothing else runs but Litestar's exception/compression wrappers and the X-Request-ID hook.

- ``GET  /bench/bare``: a constant JSON body.
- ``GET  /bench/limit/properties?organization_id=<uuid>&page_size=50&page=1``: the list endpoint's
  work as ONE hand-written SQL statement (the page, and the total from the list counters the product
  reads too: ``platform_list_counts``, migration 0044) through a psycopg
  ``AsyncConnectionPool``, encoded by msgspec into the same envelope shape.
- ``POST /bench/limit/properties?organization_id=<uuid>``: the create endpoint's work (the property
  row and its ``property.created`` outbox row) as ONE statement, msgspec decoding and encoding.
- ``GET  /bench/limit/tickets?organization_id=<uuid>&status=open&priority=high``: the ticket list
  (``bench/limit_tickets.py``), one statement, the ticketing envelope.
- ``POST /bench/limit/tickets?organization_id=<uuid>&requester_id=<api key id>``: the ticket create
  (ticket, created update, two outbox rows, the names) as ONE statement.
- ``POST /bench/limit/maintenance-requests?organization_id=<uuid>&requester_id=<user id>``: the
  maintenance request create (the ticket create's statement, the platform envelope).
- ``GET  /bench/limit/leases?organization_id=<uuid>&page_size=50``: the lease list
  (``bench/limit_leases.py``), one statement, the platform envelope.
- ``GET  /bench/limit/invoices?organization_id=<uuid>&page_size=50``: the invoice list with its lines
  (``bench/limit_invoices.py``), one statement, the platform envelope.
- ``POST /bench/limit/payments?organization_id=<uuid>&requester_id=<user id>``: the payment create (payment,
  allocations, journal entry and lines, invoice updates, receipt counter last, outbox rows) as ONE statement
  (``bench/limit_payments.py``), the platform envelope.
"""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qs
from uuid import UUID, uuid4

import msgspec
from litestar import asgi
from litestar.types import ASGIApp, Receive, Scope, Send

from pmsaas.domain.shared.paging import After
from pmsaas.entrypoints.http.cursor import encode_cursor
from pmsaas.settings import Settings

BENCH_PREFIX = "/bench/"

_BARE_BODY = b'{"success":true,"data":{"status":"ok"}}'
_JSON_HEADERS = [(b"content-type", b"application/json")]

_COLUMNS = (
    "p.id, p.organization_id, p.name, p.type, p.status, p.description, p.year_built, p.street, p.city, p.province, "
    "p.postal_code, p.country, p.version, p.created_at, p.updated_at, COALESCE(p.amenities::text, '[]'), "
    "p.policies::text, ARRAY(SELECT o.user_id FROM properties_property_owners o WHERE o.property_id = p.id "
    "ORDER BY o.user_id)"
)
_LIST_SQL = f"""
WITH page AS (
    SELECT {_COLUMNS} FROM properties_properties p
    WHERE p.organization_id = %(org)s AND p.deleted_at IS NULL
    ORDER BY p.created_at ASC, p.id ASC
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT c.total, page.* FROM (
    SELECT COALESCE(sum(row_count), 0)::bigint AS total FROM platform_list_counts
    WHERE organization_id = %(org)s AND list = 'properties'
) AS c LEFT JOIN page ON true
"""
_CREATE_SQL = """
WITH p AS (
    INSERT INTO properties_properties (id, organization_id, name, type, status, description, year_built, street,
        city, province, postal_code, country, version, created_at, updated_at, amenities, policies)
    VALUES (%(id)s, %(org)s, %(name)s, %(type)s, %(status)s, %(description)s, %(year_built)s, %(street)s,
        %(city)s, %(province)s, %(postal_code)s, %(country)s, 1, %(now)s, %(now)s, '[]'::jsonb, NULL)
    RETURNING id
), o AS (
    INSERT INTO notifications_outbox (id, organization_id, event, payload, occurred_at, attempts)
    VALUES (%(event_id)s, %(org)s, 'property.created', %(payload)s::jsonb, %(now)s, 0)
)
SELECT id FROM p
"""


class _AddressIn(msgspec.Struct, forbid_unknown_fields=True):
    street: str
    city: str
    postal_code: str
    province: str | None = None
    state: str | None = None
    country: str = "CA"


class _PropertyIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    type: Literal["residential", "commercial", "mixed_use"]
    address: _AddressIn
    status: Literal["active", "inactive"] = "active"
    description: str | None = None
    year_built: int | None = None


class _AddressOut(msgspec.Struct):
    street: str
    city: str
    province: str
    state: str
    postal_code: str
    country: str


class _PoliciesOut(msgspec.Struct):
    pets_allowed: bool | None = None
    pet_notes: str | None = None
    smoking_allowed: bool | None = None
    parking: Any = None
    quiet_hours: Any = None
    late_fee: Any = None
    grace_days: int | None = None


class _PropertyOut(msgspec.Struct):
    id: UUID
    organization_id: UUID
    name: str
    type: str
    status: str
    address: _AddressOut
    description: str | None
    year_built: int | None
    amenities: msgspec.Raw
    policies: _PoliciesOut
    owner_ids: list[UUID]
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
    version: str = "1.0.0"
    pagination: _Pagination | msgspec.UnsetType = msgspec.UNSET


class _Envelope(msgspec.Struct):
    data: Any
    meta: _Meta
    success: bool = True


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(_PropertyIn)
_policies = msgspec.json.Decoder(_PoliciesOut | None)  # NULL column or JSON null: no policies set
_NO_POLICIES = _PoliciesOut()
_EMPTY_LIST = msgspec.Raw(b"[]")


def _now_text(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


async def _respond(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": _JSON_HEADERS})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _libpq_url(database_url: str) -> str | None:
    scheme, sep, rest = database_url.partition("://")
    if not sep or not scheme.startswith(("postgresql", "postgres")):
        return None
    return "postgresql://" + rest


class BenchEndpoints:
    """The handlers and their psycopg pool (opened on first use, closed at shutdown)."""

    def __init__(self, settings: Settings, *, pool_size: int = 10, pool_max: int = 20) -> None:
        self._conninfo = _libpq_url(settings.resolved_database_url)
        self._base_url = settings.public_base_url.rstrip("/")
        self._pool_size, self._pool_max = pool_size, pool_max
        self._pool: Any = None
        self._lock = asyncio.Lock()

    async def _get_pool(self) -> Any:
        if self._pool is None:
            async with self._lock:
                if self._pool is None:
                    from psycopg_pool import AsyncConnectionPool

                    pool = AsyncConnectionPool(
                        self._conninfo or "",
                        min_size=self._pool_size,
                        max_size=self._pool_max,
                        kwargs={"autocommit": True, "options": "-c TimeZone=UTC"},
                        open=False,
                    )
                    await pool.open(wait=True)
                    self._pool = pool
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def bare(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _respond(send, 200, _BARE_BODY)

    async def properties(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._conninfo is None:
            await _respond(send, 501, b'{"success":false,"error":"bench limit handlers need PostgreSQL"}')
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        try:
            org = UUID(query["organization_id"][0])
        except (KeyError, ValueError):
            await _respond(send, 400, b'{"success":false,"error":"organization_id"}')
            return
        if scope["method"] == "POST":
            await self._create(org, await _read_body(receive), send)
        else:
            page = int(query.get("page", ["1"])[0])
            size = int(query.get("page_size", ["20"])[0])
            await self._list(org, page, size, send)

    async def _list(self, org: UUID, page: int, size: int, send: Send) -> None:
        pool = await self._get_pool()
        async with pool.connection() as conn:
            # One row more than the page: whether a keyset cursor continues (as the real list does).
            cur = await conn.execute(_LIST_SQL, {"org": org, "limit": size + 1, "offset": (page - 1) * size})
            rows = await cur.fetchall()
        total = rows[0][0] if rows else 0
        items = [
            _PropertyOut(
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                _AddressOut(r[8], r[9], r[10], r[10], r[11], r[12]),
                r[6],
                r[7],
                msgspec.Raw(r[16].encode()),
                (_policies.decode(r[17]) if r[17] else None) or _NO_POLICIES,
                r[18],
                r[13],
                r[14],
                r[15],
            )
            for r in rows[:size]
            if r[1] is not None
        ]
        last = items[-1] if len(rows) > size else None
        cursor = encode_cursor("created_at", False, After(last.created_at, last.id)) if last else None
        total_pages = math.ceil(total / size) if total else 0
        meta = _Meta(
            _now_text(datetime.now(UTC)),
            f"req_{uuid4().hex}",
            pagination=_Pagination(page, size, total, total_pages, page < total_pages, page > 1, cursor),
        )
        await _respond(send, 200, _encoder.encode(_Envelope(items, meta)))

    async def _create(self, org: UUID, raw: bytes, send: Send) -> None:
        try:
            body = _decoder.decode(raw)
        except msgspec.ValidationError as exc:
            await _respond(send, 422, _encoder.encode({"success": False, "error": str(exc)}))
            return
        except msgspec.DecodeError:
            await _respond(send, 400, b'{"success":false,"error":"malformed JSON"}')
            return
        a = body.address
        province = a.province or a.state or ""
        now, pid = datetime.now(UTC), uuid4()
        payload = {
            "property_id": str(pid),
            "name": body.name,
            "type": body.type,
            "status": body.status,
            "organization_id": str(org),
        }
        params = {
            "id": pid,
            "org": org,
            "name": body.name,
            "type": body.type,
            "status": body.status,
            "description": body.description,
            "year_built": body.year_built,
            "street": a.street,
            "city": a.city,
            "province": province,
            "postal_code": a.postal_code,
            "country": a.country,
            "now": now,
            "event_id": uuid4(),
            "payload": _encoder.encode(payload).decode(),
        }
        pool = await self._get_pool()
        async with pool.connection() as conn:
            await conn.execute(_CREATE_SQL, params)
        out = _PropertyOut(
            pid,
            org,
            body.name,
            body.type,
            body.status,
            _AddressOut(a.street, a.city, province, province, a.postal_code, a.country),
            body.description,
            body.year_built,
            _EMPTY_LIST,
            _NO_POLICIES,
            [],
            1,
            now,
            now,
        )
        meta = _Meta(_now_text(now), f"req_{uuid4().hex}")
        await _respond(send, 201, _encoder.encode(_Envelope(out, meta)))

    async def tickets(self, scope: Scope, receive: Receive, send: Send) -> None:
        from limit_tickets import maintenance_create, ticket_create, ticket_list  # bench/ is granian's cwd

        query = scope.get("query_string", b"").decode("latin-1")
        try:
            if scope["path"].endswith("/maintenance-requests"):
                status, body = await maintenance_create(await self._get_pool(), query, await _read_body(receive))
            elif scope["method"] == "POST":
                status, body = await ticket_create(await self._get_pool(), query, await _read_body(receive))
            else:
                status, body = await ticket_list(await self._get_pool(), self._base_url, query)
        except (KeyError, ValueError):
            status, body = 400, b'{"status":"error","error":"organization_id"}'
        await _respond(send, status, body)

    async def leases(self, scope: Scope, receive: Receive, send: Send) -> None:
        from limit_invoices import invoice_list  # bench/ is granian's working directory
        from limit_leases import lease_list

        handler = invoice_list if scope["path"].endswith("/invoices") else lease_list
        try:
            status, body = await handler(await self._get_pool(), scope.get("query_string", b"").decode("latin-1"))
        except (KeyError, ValueError):
            status, body = 400, b'{"success":false,"error":"organization_id"}'
        await _respond(send, status, body)

    async def payments(self, scope: Scope, receive: Receive, send: Send) -> None:
        from limit_payments import payment_create  # bench/ is granian's working directory

        key = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"idempotency-key"), None)
        query = scope.get("query_string", b"").decode("latin-1")
        try:
            status, body = await payment_create(await self._get_pool(), query, await _read_body(receive), key)
        except (KeyError, ValueError):
            status, body = 400, b'{"success":false,"error":"organization_id"}'
        await _respond(send, status, body)

    def handlers(self) -> list[Any]:
        return [
            asgi("/bench/limit/payments", copy_scope=False, include_in_schema=False)(self.payments),
            asgi("/bench/bare", copy_scope=False, include_in_schema=False)(self.bare),
            asgi("/bench/limit/leases", copy_scope=False, include_in_schema=False)(self.leases),
            asgi("/bench/limit/invoices", copy_scope=False, include_in_schema=False)(self.leases),
            asgi("/bench/limit/tickets", copy_scope=False, include_in_schema=False)(self.tickets),
            asgi("/bench/limit/maintenance-requests", copy_scope=False, include_in_schema=False)(self.tickets),
            asgi("/bench/limit/properties", copy_scope=False, include_in_schema=False)(self.properties),
        ]


def bench_app(inner: ASGIApp, settings: Settings) -> ASGIApp:
    """``inner`` (the product's app) with the bench handlers in front of it under ``/bench/``."""
    from litestar import Litestar
    from litestar.config.compression import CompressionConfig

    from pmsaas.entrypoints.http.middleware import stamp_request_id

    bench = BenchEndpoints(settings)
    limits = Litestar(
        route_handlers=bench.handlers(),
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        before_send=[stamp_request_id],
        debug=False,
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(BENCH_PREFIX):
            await limits(scope, receive, send)
            return
        if scope["type"] != "lifespan":
            await inner(scope, receive, send)
            return

        async def send_after_closing(message: Any) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await bench.close()  # the limit handlers' pool, before the server says it is done
            await send(message)

        await inner(scope, receive, send_after_closing)

    return app


def _build() -> ASGIApp:
    """What ``pmsaas.entrypoints.http.asgi`` does (settings, logging, container, create_app), plus the bench."""
    from pmsaas.container import build_container
    from pmsaas.entrypoints.http.app import create_app
    from pmsaas.logging import configure_logging
    from pmsaas.settings import load_settings

    settings = load_settings()
    configure_logging(
        json=settings.log_json if settings.log_json is not None else settings.is_production, level=settings.log_level
    )
    return bench_app(create_app(build_container(settings)), settings)


app = _build()
