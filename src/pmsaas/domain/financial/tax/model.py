"""Value objects of the tax engine: supply types, tax lines and results.

Every amount is :class:`Money`, every rate a ``Decimal`` percentage (``Decimal("18")`` is 18 %).
No float appears anywhere in a result. Results are plain frozen dataclasses so the HTTP layer can
translate them field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed
from pmsaas.domain.shared.money import Money

ZERO = Decimal("0")

PayableBy = Literal["supplier", "recipient"]
SUPPLIER: PayableBy = "supplier"
RECIPIENT: PayableBy = "recipient"


class SupplyType(StrEnum):
    """What is being supplied on an invoice line. Drives every rate lookup."""

    RESIDENTIAL_RENT = "residential_rent"
    COMMERCIAL_RENT = "commercial_rent"
    SHORT_STAY_ACCOMMODATION = "short_stay_accommodation"
    SOCIETY_MAINTENANCE = "society_maintenance"  # RWA / housing-society / condo / strata contributions
    REPAIR_SERVICE = "repair_service"
    PROPERTY_MANAGEMENT_FEE = "property_management_fee"


class GstCategory(StrEnum):
    INTRASTATE = "intrastate"
    INTERSTATE = "interstate"
    EXEMPT = "exempt"
    REVERSE_CHARGE = "reverse_charge"
    NOT_APPLICABLE = "not_applicable"


class CanadaCategory(StrEnum):
    TAXABLE = "taxable"
    EXEMPT = "exempt"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class TaxLine:
    """One tax head on one invoice line.

    ``amount`` is ``round_half_up(base × rate / 100, 2)``. ``payable_by`` is ``"supplier"`` for tax
    the supplier charges on the invoice and ``"recipient"`` for reverse-charge tax (and for TDS, which
    the payer deducts and deposits). ``jurisdiction`` names the State/UT or province for the
    sub-national heads (``"MH"`` for SGST-MH, ``"ON"`` for HST-ON); ``reference`` the legal entry.
    """

    tax: str
    rate: Decimal
    amount: Money
    payable_by: PayableBy = SUPPLIER
    jurisdiction: str | None = None
    reference: str | None = None

    @property
    def label(self) -> str:
        """Display label, e.g. ``SGST-MH 9%`` or ``HST-ON 13%``."""
        national = self.tax in ("CGST", "IGST", "GST") or self.tax.startswith("TDS")
        name = f"{self.tax}-{self.jurisdiction}" if self.jurisdiction and not national else self.tax
        return f"{name} {self.rate.normalize():f}%"


@dataclass(frozen=True, slots=True)
class TdsLine(TaxLine):
    """A TDS deduction line; carries the Act and section it was deducted under (docs/tax-rules.md §3.5)."""

    act_version: str = ""
    section_ref: str = ""
    payment_code: str | None = None


def sum_lines(lines: list[TaxLine], currency: str, *, payable_by: PayableBy) -> Money:
    total = Money.zero(currency)
    for line in lines:
        if line.payable_by == payable_by:
            total = total + line.amount
    return total


@dataclass(frozen=True)
class TaxResult:
    """Country-neutral result of :func:`calculate_line_taxes`.

    ``total_tax`` is what the supplier charges (supplier-payable lines); ``reverse_charge_tax`` what the
    recipient self-assesses; ``total`` = ``amount`` + ``total_tax``. ``detail`` is the country result
    (:class:`GstResult`, :class:`CanadaTaxResult`) or ``None`` (US).
    """

    country: str
    amount: Money
    category: str
    lines: list[TaxLine]
    total_tax: Money
    reverse_charge_tax: Money
    total: Money
    detail: GstResult | CanadaTaxResult | None = None


@dataclass(frozen=True)
class GstResult:
    amount: Money
    supply_type: SupplyType
    supply_date: date
    gst_category: GstCategory
    gst_rate: Decimal
    cgst_rate: Decimal
    sgst_rate: Decimal
    utgst_rate: Decimal
    igst_rate: Decimal
    lines: list[TaxLine]
    total_tax: Money  # supplier-charged tax only
    reverse_charge_tax: Money  # tax the recipient pays under RCM (not on the supplier's total)
    total: Money  # amount + total_tax
    reverse_charge: bool
    place_of_supply: str | None  # GST State code of the POS (the property's State), if needed
    supplier_state: str | None
    intra_state: bool | None
    rule: str  # short reference of the rule applied, e.g. "Notfn 13/2017-CT(R) entry 5AA"
    taxable_value: Money  # the base the lines were computed on (RWA "excess only" override differs)
    invoice_legend: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CanadaTaxResult:
    amount: Money
    supply_type: SupplyType
    province: str
    tax_point_date: date  # earlier of due and paid date: the date that chose the rates
    category: CanadaCategory
    gst_rate: Decimal
    hst_rate: Decimal
    pst_rate: Decimal  # PST (BC, SK) or RST (MB)
    qst_rate: Decimal
    lines: list[TaxLine]
    total_tax: Money
    total: Money
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TdsResult:
    """Result of :func:`calculate_tds`.

    ``tds`` is the amount to deduct (rounded to the rupee unless asked otherwise), ``tds_exact`` the
    paise-precision figure it came from, ``net_payable`` = ``amount`` − ``tds``.
    """

    amount: Money
    payment_date: date
    applicable: bool
    section: str | None  # 1961-Act label: "194-I(a)", "194-I(b)", "194-IB", "194C"
    act_version: str
    section_ref: str | None  # the section under the Act in force on payment_date
    payment_code: str | None
    section_rate: Decimal
    rate: Decimal  # applied rate (206AA may raise it)
    base: Money
    tds_exact: Money
    tds: Money
    net_payable: Money
    pan_furnished: bool
    higher_rate_206aa: bool
    capped_at_last_month_rent: bool
    lines: list[TaxLine]
    total_tax: Money
    reason: str
    warnings: list[str] = field(default_factory=list)


class Problems:
    """Collects field problems and raises them together as one :class:`ValidationFailed`."""

    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, field_name: str, message: str) -> None:
        self.items.append(FieldProblem(field_name, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        if len(self.items) == 1:
            only = self.items[0]
            raise ValidationFailed(self.items, message=f"{only.field}: {only.message}")
        raise ValidationFailed(self.items)


def check_money(problems: Problems, value: object, *, field_name: str, currency: str) -> bool:
    """Record a problem unless ``value`` is non-negative Money in ``currency``."""
    if not isinstance(value, Money):
        problems.add(field_name, "must be a Money amount")
        return False
    ok = True
    if value.currency != currency:
        problems.add(field_name, f"currency must be {currency}, not {value.currency}")
        ok = False
    if value.amount < 0:
        problems.add(field_name, "must not be negative")
        ok = False
    return ok


def check_count(problems: Problems, value: object, *, field_name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.add(field_name, "must be a whole number of at least 1")


def coerce_supply_type(problems: Problems, value: object, *, field_name: str = "supply_type") -> SupplyType | None:
    if isinstance(value, SupplyType):
        return value
    try:
        return SupplyType(str(value))
    except ValueError:
        allowed = ", ".join(s.value for s in SupplyType)
        problems.add(field_name, f"unknown supply type {value!r}; expected one of {allowed}")
        return None


def check_date(problems: Problems, value: object, *, field_name: str) -> bool:
    # datetime is a date subclass; a datetime here would be a caller bug (time zones), so refuse it.
    if not isinstance(value, date) or isinstance(value, datetime):
        problems.add(field_name, "must be a date")
        return False
    return True
