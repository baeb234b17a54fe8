"""The SQL one payment writes, captured from the real use case and turned into a pgbench script.

``capture`` posts one payment through ``create_payment_once`` (the same call the bench clients
make) and records every statement SQLAlchemy sends, with its parameters rendered as SQL literals
by psycopg itself (``ClientCursor.mogrify``), in order. ``pgbench_script`` keeps the writes
(INSERT, UPDATE, DELETE, the entry-and-lines ``WITH … INSERT``: payment, invoice update, receipt
counter, journal entry and lines, payment update, allocations, outbox, in the order the use case
sends them) between ``BEGIN`` and ``COMMIT``, and makes what must differ from one transaction to
the next differ: the new rows' ids (``md5(:r || '-<n>')::uuid``, ``:r`` a random number per
transaction), the idempotency key, the receipt number (``'R' || :r``), the expected versions. The
organization, lease, tenant, invoice and account ids stay as captured: the script pays the same
lease the real client pays, in the same organization (its counter row, its invoice row).

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
    """Statements with their parameters rendered, as the engine sends them (executemany: one each)."""

    def __init__(self, dsn: str) -> None:
        self.statements: list[str] = []
        self._render_conn = psycopg.connect(dsn)  # only to render literals the way psycopg would
        self._cursor = psycopg.ClientCursor(self._render_conn)

    def __call__(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        for params in parameters if many else [parameters]:
            self.statements.append(self._cursor.mogrify(statement, params or None))

    def close(self) -> None:
        self._render_conn.close()


def listen(engine: sa.engine.Engine, recorder: Recorder) -> None:
    sa.event.listen(engine, "before_cursor_execute", recorder)


def unlisten(engine: sa.engine.Engine, recorder: Recorder) -> None:
    sa.event.remove(engine, "before_cursor_execute", recorder)


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


_VERSION_SET = re.compile(r"\bversion=(\d+)")
_VERSION_WHERE = re.compile(r"(financial_invoices\.version|financial_payments\.version) = (\d+)")


def _versions(sql: str) -> str:
    """The invoice row is updated again by every transaction: its optimistic version check and new
    version become relative (the payment row is new each time, its captured versions hold)."""
    if sql.startswith("UPDATE financial_invoices"):
        sql = _VERSION_SET.sub("version=financial_invoices.version + 1", sql, count=1)
        sql = _VERSION_WHERE.sub(r"\1 = financial_invoices.version", sql)
    return sql
