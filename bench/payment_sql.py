"""The SQL one payment writes, captured from the real use case and turned into a pgbench script.

``capture`` posts one payment through ``create_payment_once`` (the same call the bench clients
make) and records every statement the unit of work's psycopg connection executes (SQLAlchemy's,
and those the PostgreSQL ``PaymentPosting`` adapter sends to psycopg itself, in pipeline mode),
with its parameters rendered as SQL literals by psycopg (``ClientCursor.mogrify``), in order.
``pgbench_script`` keeps the writes (INSERT, UPDATE, DELETE, the entry-and-lines ``WITH … INSERT``:
payment, invoice update, receipt counter, journal entry and lines, payment update, allocations,
outbox, in the order the use case sends them) between ``BEGIN`` and ``COMMIT``, and makes what
must differ from one transaction to the next differ: the new rows' ids (``md5(:r || '-<n>')::uuid``,
``:r`` a random number per transaction), the idempotency key, the receipt number (``'R' || :r``),
the expected versions. The organization, lease, tenant, invoice and account ids stay as captured:
the script pays the same lease the real client pays, in the same organization (its counter row, its
invoice row).

The reads the use case makes (idempotency look-up, lease, organization profile, open invoices,
accounts) are left out: the limit is what the writes alone cost, so the target is harder than a
script with the reads.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import psycopg
import sqlalchemy as sa

# psycopg renders a UUID parameter as 32 hex digits; JSON payloads carry the dashed form.
UUID_RE = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")
R = "CAST(:r AS text)"  # pgbench's per-transaction number (prepared mode: the type must be explicit)
LITERAL_RE = re.compile(r"'(?:[^']|'')*'")
WRITES = ("INSERT", "UPDATE", "DELETE", "WITH")


class Recorder:
    """Statements with their parameters rendered, as psycopg executes them (executemany: one each)."""

    def __init__(self, dsn: str) -> None:
        self.statements: list[str] = []
        self.active = True
        self._render_conn = psycopg.connect(dsn)  # only to render literals the way psycopg would
        self._cursor = psycopg.ClientCursor(self._render_conn)

    def record(self, statement: Any, parameters: Any) -> None:
        if self.active:
            self.statements.append(self._cursor.mogrify(statement, parameters or None))

    def close(self) -> None:
        self.active = False
        self._render_conn.close()


def _recording_cursor(recorder: Recorder) -> type[psycopg.AsyncCursor[Any]]:
    class RecordingCursor(psycopg.AsyncCursor[Any]):
        async def execute(self, query: Any, params: Any = None, **kw: Any) -> Any:
            recorder.record(query, params)
            return await super().execute(query, params, **kw)

        async def executemany(self, query: Any, params_seq: Any, **kw: Any) -> Any:
            params_seq = list(params_seq)
            for params in params_seq:
                recorder.record(query, params)
            return await super().executemany(query, params_seq, **kw)

    return RecordingCursor


def listen(engine: sa.engine.Engine, recorder: Recorder) -> None:
    """Connections checked out from now on record through ``recorder``; psycopg's own cursor is back
    at check-in."""
    factory = _recording_cursor(recorder)

    def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.driver_connection.cursor_factory = factory

    def checkin(dbapi_connection: Any, _record: Any) -> None:
        if dbapi_connection is not None and dbapi_connection.driver_connection is not None:
            dbapi_connection.driver_connection.cursor_factory = psycopg.AsyncCursor

    recorder.hooks = (checkout, checkin)  # type: ignore[attr-defined]
    sa.event.listen(engine, "checkout", checkout)
    sa.event.listen(engine, "checkin", checkin)


def unlisten(engine: sa.engine.Engine, recorder: Recorder) -> None:
    checkout, checkin = recorder.hooks  # type: ignore[attr-defined]
    sa.event.remove(engine, "checkout", checkout)
    sa.event.remove(engine, "checkin", checkin)
    recorder.active = False


def pgbench_script(statements: list[str], *, fixed_ids: set[str], key: str, receipt: str) -> str:
    """A pgbench script of the writes in ``statements`` (see the module's docstring)."""
    writes = [s for s in statements if s.lstrip().split(None, 1)[0].upper() in WRITES]
    new_ids: dict[str, int] = {}
    out = ["\\set r random(1, 999999999999)", "BEGIN;"]
    for sql in writes:
        sql = " ".join(sql.split())
        sql = LITERAL_RE.sub(lambda m: _literal(m.group(0), fixed_ids, new_ids, key, receipt), sql)
        out.append(_versions(sql) + ";")
    out.append("COMMIT;")
    return "\n".join(out) + "\n"


def _literal(literal: str, fixed: set[str], new_ids: dict[str, int], key: str, receipt: str) -> str:
    """One SQL string literal, with the per-transaction parts replaced by expressions on ``:r``."""
    pieces: list[str] = []  # SQL expressions whose concatenation is the literal's value
    text = literal[1:-1]
    pattern = re.compile("|".join([UUID_RE.pattern, re.escape(key), re.escape(receipt)]))
    pos = 0
    for m in pattern.finditer(text):
        found = m.group(0)
        if UUID_RE.fullmatch(found) and str(uuid.UUID(found)) in fixed:
            continue
        pieces.extend(_plain(text[pos : m.start()]))
        if found == key:
            pieces.append(f"('k' || {R})")
        elif found == receipt:
            pieces.append(f"('R' || {R})")
        else:
            n = new_ids.setdefault(str(uuid.UUID(found)), len(new_ids) + 1)
            pieces.append(f"(md5({R} || '-{n}')::uuid)::text")
        pos = m.end()
    pieces.extend(_plain(text[pos:]))
    if len(pieces) == 1 and pieces[0] == literal:
        return literal
    return "(" + " || ".join(pieces) + ")" if pieces else literal


_PGBENCH_VARIABLE = re.compile(r":(?=[A-Za-z0-9_])")


def _plain(text: str) -> list[str]:
    """``text`` as SQL: pgbench reads ``:name`` as a variable even inside quotes (a time's
    ``12:09``), so such a colon is spelled ``chr(58)``."""
    if not text:
        return []
    parts = _PGBENCH_VARIABLE.split(text)
    out: list[str] = []
    for i, part in enumerate(parts):
        if i:
            out.append("chr(58)")
        if part:
            out.append(f"'{part}'")
    return out


_VERSION = re.compile(r"\b((?:financial_invoices\.)?version) ?= ?(\d+)")


def _versions(sql: str) -> str:
    """The invoice row is updated again by every transaction: its optimistic version check and new
    version become relative (the payment row is new each time, its captured versions hold)."""
    if sql.startswith("UPDATE financial_invoices"):
        head, where = sql.split(" WHERE ", 1)
        head = _VERSION.sub("version = financial_invoices.version + 1", head, count=1)
        where = _VERSION.sub(r"\1 = financial_invoices.version", where)
        sql = head + " WHERE " + where
    return sql
