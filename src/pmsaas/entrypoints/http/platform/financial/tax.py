"""/api/v1/financial/gst-calculator and /hst-calculator: the tax engine over HTTP (issue 4 item 1).

Bodies follow issue 4 literally: ``amount`` is a decimal string and ``currency`` sits next to it
(``{"amount": "100000.00", "currency": "INR", ...}``). Rates come back as numbers (``18.0``),
amounts as decimal strings with the currency's two minor digits. Decisions where the issue is silent:

* ``supply_date`` / ``due_date`` default to the organization's today (its time zone) when absent.
* ``recipient_personal_residence`` defaults to ``false``: a GST-registered recipient is, in the
  common case, a business; the proprietor-in-personal-capacity exemption must be asked for.
* ``commercial_property`` and ``nights`` (HST) are optional extras the engine needs for condo fees
  of commercial units and for short stays.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec
from litestar import Controller, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from pmsaas.domain.financial.tax import calculate_canada_tax, calculate_gst
from pmsaas.domain.financial.tax.model import TaxLine
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.platform.organization_day import organization_today
from pmsaas.entrypoints.http.structs import AmountText, CurrencyCode, Input

SupplyTypeName = Literal[
    "residential_rent",
    "commercial_rent",
    "short_stay_accommodation",
    "society_maintenance",
    "repair_service",
    "property_management_fee",
]
Region = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
GstinText = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
Count = Annotated[int, msgspec.Meta(ge=1, le=100_000)]


class GstCalculatorIn(Input):
    amount: AmountText
    supply_type: SupplyTypeName
    currency: CurrencyCode = "INR"
    supply_date: date | None = None
    supplier_state: Region | None = None
    property_state: Region | None = None
    supplier_registered: bool = True
    recipient_registered: bool = False
    recipient_composition: bool = False
    recipient_personal_residence: bool = False
    supplier_turnover_above_threshold: bool = True
    units: Count = 1
    supplier_gstin: GstinText | None = None
    recipient_gstin: GstinText | None = None


class HstCalculatorIn(Input):
    amount: AmountText
    supply_type: SupplyTypeName
    province: Region
    currency: CurrencyCode = "CAD"
    due_date: date | None = None
    paid_date: date | None = None
    commercial_property: bool = False
    nights: Count = 1


class TaxLineOut(msgspec.Struct, kw_only=True):
    tax: str
    rate: float  # rates are numbers on the wire (docs/api-contract.md §6); amounts never are
    amount: str
    payable_by: str
    jurisdiction: str | None
    label: str

    @classmethod
    def of(cls, line: TaxLine) -> TaxLineOut:
        return cls(
            tax=line.tax,
            rate=float(line.rate),
            amount=str(line.amount),
            payable_by=line.payable_by,
            jurisdiction=line.jurisdiction,
            label=line.label,
        )


class GstCalculatorOut(msgspec.Struct, kw_only=True):
    amount: str
    currency: str
    supply_type: str
    supply_date: date
    gst_category: str
    gst_rate: float
    cgst_rate: float
    sgst_rate: float
    utgst_rate: float
    igst_rate: float
    lines: list[TaxLineOut]
    total_tax: str
    reverse_charge_tax: str
    total: str
    reverse_charge: bool
    place_of_supply: str | None
    rule: str
    invoice_legend: str | None
    notes: list[str]


class HstCalculatorOut(msgspec.Struct, kw_only=True):
    amount: str
    currency: str
    supply_type: str
    province: str
    tax_point_date: date
    category: str
    gst_rate: float
    hst_rate: float
    pst_rate: float
    qst_rate: float
    lines: list[TaxLineOut]
    total_tax: str
    total: str
    notes: list[str]


def _money(amount: str, currency: str, expected: str) -> Money:
    if currency.upper() != expected:
        raise ValidationFailed.single("currency", f"must be {expected}")
    return Money.of(amount, expected)


class FinancialTaxController(Controller):
    path = "/api/v1/financial"
    tags = ["Financial: taxes"]

    @post(
        "/gst-calculator",
        guards=[requires("financial:read")],
        status_code=HTTP_200_OK,
        summary="India GST on one supply (CGST/SGST/UTGST/IGST, exemptions, reverse charge)",
    )
    async def gst_calculator(self, ctx: Context, data: JSONBody[GstCalculatorIn]) -> Ok[GstCalculatorOut]:
        amount = _money(data.amount, data.currency, "INR")
        supply_date = data.supply_date or await organization_today(ctx)
        r = calculate_gst(
            amount=amount,
            supply_type=data.supply_type,
            supply_date=supply_date,
            supplier_state=data.supplier_state,
            property_state=data.property_state,
            supplier_registered=data.supplier_registered,
            recipient_registered=data.recipient_registered,
            recipient_composition=data.recipient_composition,
            recipient_personal_residence=data.recipient_personal_residence,
            supplier_turnover_above_threshold=data.supplier_turnover_above_threshold,
            units=data.units,
            supplier_gstin=data.supplier_gstin,
            recipient_gstin=data.recipient_gstin,
        )
        return ok(
            GstCalculatorOut(
                amount=str(r.amount),
                currency=r.amount.currency,
                supply_type=r.supply_type.value,
                supply_date=r.supply_date,
                gst_category=r.gst_category.value,
                gst_rate=float(r.gst_rate),
                cgst_rate=float(r.cgst_rate),
                sgst_rate=float(r.sgst_rate),
                utgst_rate=float(r.utgst_rate),
                igst_rate=float(r.igst_rate),
                lines=[TaxLineOut.of(line) for line in r.lines],
                total_tax=str(r.total_tax),
                reverse_charge_tax=str(r.reverse_charge_tax),
                total=str(r.total),
                reverse_charge=r.reverse_charge,
                place_of_supply=r.place_of_supply,
                rule=r.rule,
                invoice_legend=r.invoice_legend,
                notes=list(r.notes),
            )
        )

    @post(
        "/hst-calculator",
        guards=[requires("financial:read")],
        status_code=HTTP_200_OK,
        summary="Canada GST/HST, QST and PST on one supply",
    )
    async def hst_calculator(self, ctx: Context, data: JSONBody[HstCalculatorIn]) -> Ok[HstCalculatorOut]:
        amount = _money(data.amount, data.currency, "CAD")
        r = calculate_canada_tax(
            amount=amount,
            supply_type=data.supply_type,
            province=data.province,
            due_date=data.due_date or await organization_today(ctx),
            paid_date=data.paid_date,
            commercial_property=data.commercial_property,
            nights=data.nights,
        )
        return ok(
            HstCalculatorOut(
                amount=str(r.amount),
                currency=r.amount.currency,
                supply_type=r.supply_type.value,
                province=r.province,
                tax_point_date=r.tax_point_date,
                category=r.category.value,
                gst_rate=float(r.gst_rate),
                hst_rate=float(r.hst_rate),
                pst_rate=float(r.pst_rate),
                qst_rate=float(r.qst_rate),
                lines=[TaxLineOut.of(line) for line in r.lines],
                total_tax=str(r.total_tax),
                total=str(r.total),
                notes=list(r.notes),
            )
        )
