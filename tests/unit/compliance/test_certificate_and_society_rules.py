"""The status certificate's deadline and fee (Condominium Act s.76, O. Reg. 48/01; Strata Property
Act s.59, Regulation 6.4) and the society filing's checks (model bye-laws' sinking fund, MCS Act
s.75 and s.81), on their own."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.compliance.ports import BudgetView, SocietyBooks, UnitAccount
from pmsaas.domain.compliance.society_filing import SocietyParticulars, filing, financial_year
from pmsaas.domain.compliance.status_certificate import certificate
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money


def _account(province: str, balance: str = "650.00", country: str = "CA") -> UnitAccount:
    return UnitAccount(
        unit_id=uuid4(),
        property_id=uuid4(),
        unit_address=("Unit 4, Bay Plaza", "200 Bay St", f"Toronto, {province} M5J 2J2"),
        province=province,
        country=country,
        corporation_name="TSCC 1234",
        corporation_address=(),
        owner_name="Olu Owner",
        common_expenses=Money.of("650.00", "CAD"),
        balance=Money.of(balance, "CAD"),
    )


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 400))
def test_ontario_is_due_in_10_days_at_100_dollars_and_bc_in_a_week_at_35_plus_25_cents_a_page(day, pages):
    on = certificate(_account("ON"), None, requested_on=day, as_of=day, pages=pages)
    assert on.due_by == day + timedelta(days=10) and on.fee == Money.of("100.00", "CAD")
    bc = certificate(_account("BC"), None, requested_on=day, as_of=day, pages=pages)
    assert bc.due_by == day + timedelta(days=7)
    assert bc.fee == Money(Decimal("35.00") + Decimal("0.25") * pages, "CAD")


def test_a_credit_is_no_arrears_and_the_reserve_fund_is_the_budgets_category():
    budget = BudgetView(
        "2026",
        date(2026, 1, 1),
        date(2026, 12, 31),
        "CAD",
        (("Operating", Money.of("100.00", "CAD")), ("Reserve Fund", Money.of("40.00", "CAD"))),
    )
    day = date(2026, 12, 1)
    c = certificate(_account("ON", "-20.00"), budget, requested_on=day, as_of=day, pages=0)
    assert c.arrears == Money.zero("CAD") and c.reserve_fund == Money.of("40.00", "CAD")
    assert budget.total == Money.of("140.00", "CAD")
    with pytest.raises(ValidationFailed):
        certificate(_account("AB"), None, requested_on=day, as_of=day, pages=0)


def _books(sinking: str, society: bool = True) -> SocietyBooks:
    return SocietyBooks(uuid4(), "Sai Krupa CHS", (), "IN", society, 12, Money.of(sinking, "INR"), Money.of("0", "INR"))


def _particulars(**changes) -> SocietyParticulars:  # type: ignore[no-untyped-def]
    values = {
        "registration_number": "MHS/123/2024",
        "registrar_office": "Mumbai",
        "bye_laws_version": "2024.1",
        "financial_year": "2025-26",
        "construction_cost": Money.of("4000000.00", "INR"),
        "audit_status": "completed",
        "audit_completed_on": date(2026, 7, 31),
        "agm_date": date(2026, 9, 30),
    }
    values.update(changes)
    return SocietyParticulars(**values)  # type: ignore[arg-type]


def test_the_sinking_fund_minimum_is_a_quarter_percent_of_the_construction_cost():
    start, end = financial_year("2025-26")
    assert (start, end) == (date(2025, 4, 1), date(2026, 3, 31))
    met = filing(_particulars(), _books("10000.00"), start, end)
    assert met.sinking_fund_required == Money.of("10000.00", "INR") and met.compliance_status == "compliant"
    short = filing(_particulars(), _books("9999.99"), start, end)
    assert short.compliance_status == "non_compliant" and len(short.findings) == 1


def test_a_late_audit_or_agm_is_a_finding_and_a_non_society_is_refused():
    start, end = financial_year("2025-26")
    late = filing(
        _particulars(audit_completed_on=date(2026, 8, 1), agm_date=date(2026, 10, 1)), _books("10000.00"), start, end
    )
    assert len(late.findings) == 2
    with pytest.raises(ValidationFailed):
        filing(_particulars(), _books("10000.00", society=False), start, end)
    for label in ("2025-27", "2025", "25-26"):
        with pytest.raises(ValidationFailed):
            financial_year(label)
