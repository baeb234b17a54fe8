"""An organization's schedule: its billing day and when tenants hear of rent due and overdue.

Kept in the organization's ``extra_settings`` (the scheduler reads them there, docs/operations.md):

* ``billing_day`` (1-28, default 1): the day of the month the billing run invoices the month; 28
  at most, so every month has it;
* ``rent_reminder_days`` (default ``[3]``): days before an invoice's due date a reminder goes out;
* ``overdue_notice_days`` (default ``[1, 7]``): days after the due date an unpaid invoice's notice
  goes out.

Each list holds up to five distinct days (0-60 before, 1-90 after), kept sorted; an empty list turns
that notice off. ``None`` (a client's null) returns a setting to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed

DEFAULT_BILLING_DAY = 1
DEFAULT_REMINDER_DAYS = (3,)
DEFAULT_OVERDUE_DAYS = (1, 7)
MAX_DAYS = 5
KEYS = ("billing_day", "rent_reminder_days", "overdue_notice_days")
_RANGES = {"rent_reminder_days": (0, 60), "overdue_notice_days": (1, 90)}


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _days(value: object, name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    low, high = _RANGES[name]
    if isinstance(value, list | tuple) and all(_int(d) and low <= d <= high for d in value):
        return tuple(sorted(set(value)))[:MAX_DAYS]
    return default  # absent or unreadable: the default (a stored value is never trusted blindly)


@dataclass(frozen=True)
class ScheduleSettings:
    billing_day: int = DEFAULT_BILLING_DAY
    rent_reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
    overdue_notice_days: tuple[int, ...] = DEFAULT_OVERDUE_DAYS

    @classmethod
    def from_extra(cls, extra: Mapping[str, object]) -> ScheduleSettings:
        day = extra.get("billing_day", DEFAULT_BILLING_DAY)
        return cls(
            billing_day=day if isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 28 else 1,
            rent_reminder_days=_days(extra.get("rent_reminder_days"), "rent_reminder_days", DEFAULT_REMINDER_DAYS),
            overdue_notice_days=_days(extra.get("overdue_notice_days"), "overdue_notice_days", DEFAULT_OVERDUE_DAYS),
        )

    def changed(self, changes: Mapping[str, object]) -> ScheduleSettings:
        """These settings with the fields sent (``None``: the default), or ValidationFailed naming each bad one."""
        problems: list[FieldProblem] = []
        day = changes.get("billing_day", self.billing_day)
        if day is None:
            day = DEFAULT_BILLING_DAY
        if not (_int(day) and 1 <= day <= 28):  # type: ignore[operator]
            problems.append(FieldProblem("billing_day", "must be a day of the month from 1 to 28"))
        lists = {}
        for name, default in (
            ("rent_reminder_days", DEFAULT_REMINDER_DAYS),
            ("overdue_notice_days", DEFAULT_OVERDUE_DAYS),
        ):
            value = changes.get(name, getattr(self, name))
            lists[name] = default if value is None else _checked_days(problems, name, value)
        if problems:
            raise ValidationFailed(problems)
        return ScheduleSettings(day, lists["rent_reminder_days"], lists["overdue_notice_days"])  # type: ignore[arg-type]

    def merged_into(self, extra: Mapping[str, object]) -> dict[str, object]:
        kept = {k: v for k, v in extra.items() if k not in KEYS}
        return {
            **kept,
            "billing_day": self.billing_day,
            "rent_reminder_days": list(self.rent_reminder_days),
            "overdue_notice_days": list(self.overdue_notice_days),
        }


def _checked_days(problems: list[FieldProblem], name: str, value: object) -> tuple[int, ...]:
    low, high = _RANGES[name]
    if not isinstance(value, list | tuple) or not all(_int(d) for d in value):
        problems.append(FieldProblem(name, "must be a list of whole days"))
        return ()
    if any(not low <= d <= high for d in value):
        problems.append(FieldProblem(name, f"each day must be from {low} to {high}"))
    if len(set(value)) > MAX_DAYS:
        problems.append(FieldProblem(name, f"at most {MAX_DAYS} days"))
    return tuple(sorted(set(value)))
