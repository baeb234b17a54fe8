"""The schedule's settings and which rent notice an invoice has reached on a given day."""

from __future__ import annotations

from datetime import date

import pytest

from pmsaas.domain.flows.rent_notices import OVERDUE, REMINDER, Notice, notice_due
from pmsaas.domain.organizations.schedule_settings import ScheduleSettings
from pmsaas.domain.shared.errors import ValidationFailed

DUE = date(2026, 12, 5)
DEFAULTS = ScheduleSettings()  # a reminder 3 days before, notices 1 and 7 days after


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 1), None),  # 4 days before: too early
        (date(2026, 12, 2), Notice(REMINDER, 3)),
        (date(2026, 12, 4), Notice(REMINDER, 3)),  # caught up (claimed once: sent once)
        (date(2026, 12, 5), Notice(REMINDER, 3)),
        (date(2026, 12, 6), Notice(OVERDUE, 1)),
        (date(2026, 12, 11), Notice(OVERDUE, 1)),
        (date(2026, 12, 12), Notice(OVERDUE, 7)),
        (date(2026, 12, 19), Notice(OVERDUE, 7)),  # 7 days late still goes
        (date(2026, 12, 20), None),  # older: not any more
    ],
)
def test_the_notice_an_invoice_has_reached(today, expected):
    assert notice_due(DUE, today, DEFAULTS) == expected


def test_empty_lists_turn_notices_off_and_stored_garbage_reads_as_defaults():
    off = ScheduleSettings(rent_reminder_days=(), overdue_notice_days=())
    assert notice_due(DUE, date(2026, 12, 5), off) is None and notice_due(DUE, date(2026, 12, 8), off) is None
    read = ScheduleSettings.from_extra({"billing_day": 31, "rent_reminder_days": "3", "overdue_notice_days": [True]})
    assert read == DEFAULTS
    assert ScheduleSettings.from_extra({"billing_day": 28, "rent_reminder_days": [7, 1, 7]}).rent_reminder_days == (
        1,
        7,
    )


def test_changes_are_checked_and_null_is_the_default():
    s = DEFAULTS.changed({"billing_day": 15, "overdue_notice_days": [30, 3]})
    assert (s.billing_day, s.rent_reminder_days, s.overdue_notice_days) == (15, (3,), (3, 30))
    assert s.changed({"billing_day": None, "overdue_notice_days": None}) == ScheduleSettings(rent_reminder_days=(3,))
    with pytest.raises(ValidationFailed) as bad:
        DEFAULTS.changed({"billing_day": 29, "rent_reminder_days": [61], "overdue_notice_days": [0]})
    assert {p.field for p in bad.value.problems} == {"billing_day", "rent_reminder_days", "overdue_notice_days"}
    assert DEFAULTS.merged_into({"gst_registered": True}) == {
        "gst_registered": True,
        "billing_day": 1,
        "rent_reminder_days": [3],
        "overdue_notice_days": [1, 7],
    }
