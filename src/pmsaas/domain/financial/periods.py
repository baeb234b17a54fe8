"""Billing periods ("2026-12"): parsing, and the service period of a hand-made invoice."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pmsaas.domain.financial.model import ChargeType, InvoiceLine
from pmsaas.domain.shared.errors import ValidationFailed


def local_today(time_zone: str, now: datetime) -> date:
    """The organization's today at ``now`` (its IANA time zone; UTC when the zone is unknown)."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def parse_period(period: str, field: str = "period") -> tuple[date, date]:
    """The first and last day of a ``YYYY-MM`` period."""
    try:
        if len(period) != 7 or period[4] != "-" or not (period[:4].isdigit() and period[5:].isdigit()):
            raise ValueError
        year, month = int(period[:4]), int(period[5:])
        start = date(year, month, 1)
    except (ValueError, TypeError):
        raise ValidationFailed.single(field, "must be YYYY-MM, e.g. 2026-12") from None
    return start, start.replace(day=calendar.monthrange(year, month)[1])


def service_period(lines: Sequence[InvoiceLine], due_date: date, given: str | None) -> str | None:
    """The month whose rent a hand-made invoice bills: the one given, else (with a rent line) its due
    date's month, the period the billing run would have put that rent charge in (a period's charges
    are those due in it). An invoice without rent bills no period."""
    has_rent = any(line.charge_type == ChargeType.RENT for line in lines)
    if given is not None:
        parse_period(given)
        if not has_rent:
            raise ValidationFailed.single("period", "is the service period of rent lines; this invoice has none")
        return given
    return f"{due_date.year:04d}-{due_date.month:02d}" if has_rent else None
