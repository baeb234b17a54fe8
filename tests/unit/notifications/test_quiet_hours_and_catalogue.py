"""Quiet hours (in the user's zone, across midnight) and the product's per-locale messages."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.notifications import catalogue, rendering
from pmsaas.domain.notifications.model import QuietHours
from pmsaas.domain.shared.errors import ValidationFailed

NIGHT = QuietHours(time(22), time(7), "Asia/Kolkata")


@pytest.mark.parametrize(
    ("utc", "ends"),
    [
        ("2026-12-01T17:00:00", "2026-12-02T01:30:00"),  # 22:30 IST: until 07:00 IST next day
        ("2026-12-01T20:00:00", "2026-12-02T01:30:00"),  # 01:30 IST, after midnight: same morning
        ("2026-12-01T06:30:00", None),  # noon IST
        ("2026-12-01T01:30:00", None),  # 07:00 IST exactly: the window is over
    ],
)
def test_quiet_hours_across_midnight(utc, ends):
    at = datetime.fromisoformat(utc).replace(tzinfo=UTC)
    got = NIGHT.ends_after(at)
    assert got == (datetime.fromisoformat(ends).replace(tzinfo=UTC) if ends else None)


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)))
def test_a_held_message_waits_less_than_a_day_and_is_free_when_it_ends(at):
    for quiet in (NIGHT, QuietHours(time(9), time(17, 30), "America/Toronto")):
        ends = quiet.ends_after(at)
        if ends is not None:
            assert timedelta(0) < ends - at <= timedelta(days=1)
            assert quiet.ends_after(ends) is None


VALUES = {"name": "Asha", "amount": "₹25,000.00", "property": "Lake View 4B", "due_date": "5 Dec 2026",
          "link": "https://rent.acme.example/invoices/1"}  # fmt: skip


def test_rent_reminders_exist_for_the_four_locales_and_hindi_is_in_devanagari():
    for locale in ("en-IN", "en-CA", "en-US", "hi-IN"):
        assert catalogue.entry(catalogue.RENT_REMINDER, locale) is catalogue.ENTRIES[(catalogue.RENT_REMINDER, locale)]
    hindi = catalogue.render(catalogue.RENT_REMINDER, "hi-IN", VALUES)
    assert "किराया" in hindi.subject and "देय" in hindi.body and VALUES["link"] in hindi.sms
    entry = catalogue.ENTRIES[(catalogue.RENT_REMINDER, "hi-IN")]
    own_words = rendering.PLACEHOLDER.sub("", entry.subject + entry.body + (entry.sms or "")).replace("https", "")
    assert all("\u0900" <= ch <= "\u097f" for ch in own_words if ch.isalpha())  # no Latin words of its own


def test_an_unknown_locale_falls_back_to_its_language_then_english():
    assert catalogue.entry(catalogue.RENT_REMINDER, "en-GB") is catalogue.ENTRIES[(catalogue.RENT_REMINDER, "en")]
    assert catalogue.entry(catalogue.RENT_REMINDER, "fr-CA") is catalogue.ENTRIES[(catalogue.RENT_REMINDER, "en")]
    assert catalogue.entry(catalogue.PASSWORD_RESET, "hi-IN").subject.startswith("अपना")
    assert catalogue.entry(catalogue.INVOICE_SENT, "hi-IN") is catalogue.ENTRIES[(catalogue.INVOICE_SENT, "en")]
    with pytest.raises(KeyError):
        catalogue.entry("no.such.event", "en")


def test_a_missing_or_unknown_variable_is_refused():
    with pytest.raises(ValidationFailed) as missing:
        catalogue.render(catalogue.RENT_REMINDER, "en-US", {k: v for k, v in VALUES.items() if k != "link"})
    assert [p.field for p in missing.value.problems] == ["variables.link"]
    with pytest.raises(ValidationFailed):
        catalogue.render(catalogue.RENT_REMINDER, "en-US", VALUES | {"tip": "x"})
