"""The reports' CSV: a header row, money as plain decimals, text that never starts a formula."""

from __future__ import annotations

from datetime import date

from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.platform.financial.report_tables import as_csv, as_json


def test_text_cells_never_start_a_formula_and_money_is_a_plain_decimal():
    rows = [
        [
            ("name", "=HYPERLINK(1)"),
            ("amount", Money.of("-1234.5", "INR")),
            ("on", date(2026, 12, 1)),
            ("gone", None),
            ("plain", "Tara"),
        ]
    ]
    lines = as_csv(rows, ["name", "amount", "on", "gone", "plain"]).splitlines()
    assert lines == ["name,amount,on,gone,plain", "'=HYPERLINK(1),-1234.50,2026-12-01,,Tara"]
    assert as_json(rows) == [
        {
            "name": "=HYPERLINK(1)",
            "amount": {"amount": "-1234.50", "currency": "INR"},
            "on": "2026-12-01",
            "gone": None,
            "plain": "Tara",
        }
    ]
