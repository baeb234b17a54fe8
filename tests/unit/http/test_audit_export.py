"""The audit log's CSV cells and date filters: no cell a spreadsheet would run as a formula, and a
date ``to`` that covers its whole day."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.shared.audit import AuditEvent, AuditTarget, RequestInfo
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.http.platform.identity.audit_events import _as_csv, _cell, _moment

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@given(st.text(max_size=60))
def test_no_cell_starts_like_a_formula_and_the_text_survives(text):
    cell = _cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, "'" + text)


@given(st.text(max_size=40), st.text(max_size=40))
def test_a_csv_row_reads_back_with_every_field_defused(agent, label):
    event = AuditEvent(
        organization_id=None,
        occurred_at=datetime(2026, 12, 14, 10, tzinfo=UTC),
        action="login.failed",
        actor_user_id=None,
        actor_api_key_id=None,
        target=AuditTarget("user", None, label),
        request=RequestInfo("203.0.113.1", agent, "req-1"),
        details={"reason": "wrong_password"},
    )
    [row] = list(csv.DictReader(io.StringIO(_as_csv([event]), newline="")))
    assert row["user_agent"] == _cell(agent) and row["target_label"] == _cell(label)


def test_a_date_to_covers_its_day_and_times_are_utc():
    assert _moment("2026-12-14", "to", end=True) == datetime(2026, 12, 15, tzinfo=UTC)
    assert _moment("2026-12-14", "from", end=False) == datetime(2026, 12, 14, tzinfo=UTC)
    assert _moment("2026-12-14T10:00:00+05:30", "from", end=False) == datetime(2026, 12, 14, 4, 30, tzinfo=UTC)
    assert _moment(None, "from", end=False) is None
    with pytest.raises(ValidationFailed):
        _moment("2026-02-30", "to", end=True)
