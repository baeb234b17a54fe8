"""After the soak: the books, the payments, the properties, the outbox and the webhooks agree, read
straight from PostgreSQL (not through the proxy); and what the RSS samples say.

The books check is the payment benchmark's (bench/payment_posting.py ``check_books``: trial balance
zero, every journal entry balanced, invoices' paid amounts equal to their allocations, payments fully
allocated, receipt numbers gap-free and equal to the counter, as many payments as the clients got).
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from payment_posting import check_books

SUBSCRIBED = ("property.created", "payment.received")


def _rows(conn: psycopg.Connection[Any], sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


def check_payments(conn: psycopg.Connection[Any], org: uuid.UUID, paid: dict[str, str]) -> list[str]:
    """Each key a client got 201 for is one payment, the one it was answered; none is half-written
    (a payment without its journal entry or its event); no payment the clients do not know of."""
    failures: list[str] = []
    rows = _rows(conn, "SELECT idempotency_key, id FROM financial_payments WHERE organization_id = %s", org)
    by_key: dict[str, list[str]] = {}
    for key, pid in rows:
        by_key.setdefault(key, []).append(str(pid))
    twice = [k for k, ids in by_key.items() if len(ids) > 1]
    if twice:
        failures.append(f"{len(twice)} Idempotency-Keys have more than one payment, e.g. {twice[:3]}")
    wrong = [k for k, pid in paid.items() if by_key.get(k) != [pid]]
    if wrong:
        failures.append(f"{len(wrong)} payments answered 201 are not the one row of their key, e.g. {wrong[:3]}")
    unknown = sorted(set(by_key) - set(paid))
    if unknown:
        failures.append(f"{len(unknown)} payments exist that no client was answered 201 for, e.g. {unknown[:3]}")
    no_entry = _rows(
        conn,
        "SELECT p.id FROM financial_payments p WHERE p.organization_id = %s AND NOT EXISTS (SELECT 1 FROM"
        " financial_journal_entries e WHERE e.source_type = 'payment' AND e.source_id = p.id)",
        org,
    )
    if no_entry:
        failures.append(f"{len(no_entry)} payments have no journal entry (half-written)")
    events = _rows(
        conn,
        "SELECT payload->>'payment_id', count(*) FROM notifications_outbox WHERE organization_id = %s"
        " AND event = 'payment.received' GROUP BY 1",
        org,
    )
    counted = {pid: n for pid, n in events}
    if any(n != 1 for n in counted.values()) or set(counted) != {str(pid) for _, pid in rows}:
        failures.append(f"payment.received events ({len(counted)}) are not one per payment ({len(rows)})")
    return failures


def check_properties(conn: psycopg.Connection[Any], org: uuid.UUID, created: dict[str, str]) -> list[str]:
    """Each create answered 201 is one row with its own outbox event; no create is there twice."""
    failures: list[str] = []
    rows = _rows(
        conn, "SELECT name, id FROM properties_properties WHERE organization_id = %s AND name LIKE 'Soak %%'", org
    )
    names: dict[str, list[str]] = {}
    for name, pid in rows:
        names.setdefault(name, []).append(str(pid))
    twice = [n for n, ids in names.items() if len(ids) > 1]
    if twice:
        failures.append(f"{len(twice)} property creates were written more than once, e.g. {twice[:3]}")
    answered = set(created.values())
    missing = answered - {str(pid) for _, pid in rows}
    if missing:
        failures.append(f"{len(missing)} properties answered 201 are not in the database")
    events = _rows(
        conn,
        "SELECT coalesce(payload->>'property_id', payload->>'id') FROM notifications_outbox"
        " WHERE organization_id = %s AND event = 'property.created'",
        org,
    )
    if sorted(str(e) for (e,) in events) != sorted(str(pid) for _, pid in rows):
        failures.append(f"property.created events ({len(events)}) are not one per property ({len(rows)})")
    return failures


def outbox_state(conn: psycopg.Connection[Any], org: uuid.UUID) -> dict[str, int]:
    """Outbox events relayed or not; webhook messages by status (pending, delivered, failed)."""
    state = {"outbox_events": 0, "outbox_unrelayed": 0}
    for published, n in _rows(
        conn,
        "SELECT published_at IS NOT NULL, count(*) FROM notifications_outbox WHERE organization_id = %s GROUP BY 1",
        org,
    ):
        state["outbox_events"] += n
        if not published:
            state["outbox_unrelayed"] += n
    for status, n in _rows(
        conn, "SELECT status, count(*) FROM notifications_webhook_messages WHERE organization_id = %s GROUP BY 1", org
    ):
        state[f"webhook_{status}"] = n
    return state


def check_webhooks(conn: psycopg.Connection[Any], org: uuid.UUID, received: set[str]) -> list[str]:
    """Every relayed event of a subscribed type has one webhook message, delivered or pending (none
    failed; an event not relayed yet is pending in the outbox); every message marked delivered reached
    the receiver (its webhook-id, the event id)."""
    failures: list[str] = []
    subscribed = {
        str(e)
        for (e,) in _rows(
            conn,
            "SELECT id FROM notifications_outbox WHERE organization_id = %s AND published_at IS NOT NULL"
            " AND event = ANY(%s)",
            org,
            list(SUBSCRIBED),
        )
    }
    messages = _rows(
        conn, "SELECT event_id, status FROM notifications_webhook_messages WHERE organization_id = %s", org
    )
    by_event: dict[str, list[str]] = {}
    for event_id, status in messages:
        by_event.setdefault(str(event_id), []).append(status)
    # Messages for events the outbox has not marked relayed are not a failure: the relay fans a batch out
    # before it publishes, and a publish that fails part-way leaves the rest of the batch unmarked, with
    # its messages written (adapters/sql/outbox.py); the next run's fan-out inserts nothing twice.
    twice = [e for e, s in by_event.items() if len(s) > 1]
    if twice:
        failures.append(f"{len(twice)} events have more than one webhook message (a webhook, one message)")
    if subscribed - set(by_event):
        failures.append(f"{len(subscribed - set(by_event))} relayed events have no webhook message")
    failed = [e for e, s in by_event.items() if s != ["delivered"] and s != ["pending"]]
    if failed:
        failures.append(f"{len(failed)} webhook messages failed for good")
    lost = [e for e, s in by_event.items() if s == ["delivered"] and e not in received]
    if lost:
        failures.append(f"{len(lost)} messages marked delivered never reached the receiver")
    return failures


def check_all(
    dsn: str, org: uuid.UUID, payments: dict[str, str], properties: dict[str, str], received: set[str]
) -> dict[str, Any]:
    failures = check_books(dsn, org, len(payments))
    with psycopg.connect(dsn) as conn:
        failures += check_payments(conn, org, payments)
        failures += check_properties(conn, org, properties)
        failures += check_webhooks(conn, org, received)
        state = outbox_state(conn, org)
    return {"failures": failures, "outbox": state}


# -- memory ---------------------------------------------------------------------------------------


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def _slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope (units per minute) of (minute, value) points."""
    if len(points) < 2:
        return float("nan")
    mx, my = _mean([p[0] for p in points]), _mean([p[1] for p in points])
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else float("nan")


def memory_trend(samples: list[dict[str, float]], key: str, minutes: float) -> dict[str, float]:
    """RSS (MiB) of ``key`` over minute 2..3 and over the last minute, the growth between them, and the
    slope over the first and second halves of minutes 2..end (a leak keeps its slope; a warm-up's
    fades). For a short run the same is measured from 20 % of the run instead of minute 2."""
    begin = 2.0 if minutes >= 4 else minutes * 0.2
    points = [(s["minute"], s[key] / 1024) for s in samples if s["minute"] >= begin]
    if not points:
        return {}
    end = points[-1][0]
    middle = (begin + end) / 2
    width = min(1.0, (end - begin) / 4)  # minute 2..3 and the last minute of a 10-minute run
    first_minute = [v for m, v in points if m <= begin + width]
    last_minute = [v for m, v in points if m >= end - width]
    return {
        "from_minute": begin,
        "rss_start_mib": _mean(first_minute),
        "rss_end_mib": _mean(last_minute),
        "growth_mib": _mean(last_minute) - _mean(first_minute),
        "peak_mib": max(v for _, v in points),
        "slope_first_half_mib_per_min": _slope([p for p in points if p[0] <= middle]),
        "slope_second_half_mib_per_min": _slope([p for p in points if p[0] >= middle]),
    }
