"""An organization's tax identity as a supplier: what its invoices must show and what the tax engine needs.

India: the GSTIN (its State code must be the organization's State, its PAN is the PAN inside it),
the PAN on its own for TDS, whether it is GST-registered at all. Canada: the GST/HST account
(BN + ``RT`` program account). Both: the invoice and receipt number formats. India only:
``invoice_round_off`` (round each invoice to the nearest rupee at issue, docs/tax-rules.md §2.6). Kept in the
organization's ``extra_settings`` under these names, which the financial context reads.

Invoice numbers in India (CGST Rules, rule 46(b)): at most 16 characters, letters, digits, ``-`` and
``/`` only, unique per financial year; a custom format is checked against that with the longest
number it can produce (sequence 999999). Placeholders: ``{seq}`` (required), ``{fy}`` (``2026-27`` in
India, ``2026`` elsewhere), ``{fy_short}`` (``26-27``, ``26``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed
from pmsaas.domain.shared.tax_identifiers import (
    InvalidTaxId,
    compact_business_number,
    pan_of_gstin,
    validate_gst_hst_account,
    validate_gstin,
    validate_pan,
    validate_tan,
)

KEYS = (
    "gst_number",
    "pan_number",
    "tan_number",
    "gst_registered",
    "tax_registration_number",
    "invoice_number_format",
    "receipt_number_format",
    "invoice_round_off",
    "is_housing_society",
    "address",
)
_FLAGS = ("gst_registered", "invoice_round_off", "is_housing_society")
# ISO 3166-2:IN (the organization's State) -> GST State code (the GSTIN's first two digits).
GST_STATE_CODE = {
    "JK": "01", "HP": "02", "PB": "03", "CH": "04", "UK": "05", "UT": "05", "HR": "06", "DL": "07", "RJ": "08",
    "UP": "09", "BR": "10", "SK": "11", "AR": "12", "NL": "13", "MN": "14", "MZ": "15", "TR": "16", "ML": "17",
    "AS": "18", "WB": "19", "JH": "20", "OD": "21", "OR": "21", "CG": "22", "CT": "22", "MP": "23", "GJ": "24",
    "DD": "26", "DN": "26", "DH": "26", "MH": "27", "KA": "29", "GA": "30", "LD": "31", "KL": "32", "TN": "33",
    "PY": "34", "AN": "35", "TG": "36", "TS": "36", "AP": "37", "LA": "38",
}  # fmt: skip
_IN_INVOICE_NUMBER = re.compile(r"^[A-Za-z0-9/-]{1,16}$")
_FORMAT_FIELDS = re.compile(r"{([^{}:!]*)[^{}]*}")


@dataclass(frozen=True)
class TaxIdentity:
    gst_number: str | None = None  # India: GSTIN
    pan_number: str | None = None  # India: PAN (the GSTIN's when one is given)
    tan_number: str | None = None  # India: TAN, the deductor's account for the TDS it withholds (Form 16A)
    gst_registered: bool = True  # India: GST-registered supplier; Canada: GST/HST registrant
    tax_registration_number: str | None = None  # Canada: GST/HST account, 123456789RT0001
    invoice_number_format: str | None = None  # None: the product's default
    receipt_number_format: str | None = None
    # India (INR): invoices are rounded to the nearest rupee when issued (a round-off on the invoice).
    # ``None`` (a client's null) is the default, false.
    invoice_round_off: bool | None = False
    # India: a housing society billing its members, whose contributions entry 77(c) exempts up to
    # Rs 7,500 a month per flat (docs/tax-rules.md §2.5). False (a landlord): maintenance charged to
    # a tenant is taxed as a real-estate service. ``None`` (a client's null) is false.
    is_housing_society: bool | None = False
    # The supplier's address, printed on its invoices and receipts (CGST rules 46(a), 49, 50):
    # lines separated by newlines.
    address: str | None = None

    @classmethod
    def from_extra(cls, extra: dict[str, object]) -> TaxIdentity:
        text = {k: str(extra[k]) if extra.get(k) else None for k in KEYS if k not in _FLAGS}
        return cls(
            gst_registered=bool(extra.get("gst_registered", True)),
            invoice_round_off=bool(extra.get("invoice_round_off", False)),
            is_housing_society=bool(extra.get("is_housing_society", False)),
            **text,
        )

    def merged_into(self, extra: dict[str, object]) -> dict[str, object]:
        kept = {k: v for k, v in extra.items() if k not in KEYS}
        mine = {k: getattr(self, k) for k in KEYS}
        mine["invoice_round_off"] = self.invoice_round_off or None  # stored only when on
        mine["is_housing_society"] = self.is_housing_society or None
        return {**kept, **{k: v for k, v in mine.items() if v is not None}}

    def validated(self, country: str, region: str | None) -> TaxIdentity:
        """Normalised (compact, upper case) or ValidationFailed naming every bad field."""
        problems: list[FieldProblem] = []
        gstin = _checked(problems, "gst_number", self.gst_number, validate_gstin, "GSTIN", country, "IN")
        pan = _checked(problems, "pan_number", self.pan_number, validate_pan, "PAN", country, "IN")
        tan = _checked(problems, "tan_number", self.tan_number, validate_tan, "TAN", country, "IN")
        if gstin:
            _check_gstin_fits(problems, gstin, pan, region)
            pan = pan or pan_of_gstin(gstin)
            if not self.gst_registered:
                problems.append(FieldProblem("gst_registered", "must be true when a gst_number is set"))
        trn = _checked_gst_hst_account(problems, self.tax_registration_number, country)
        round_off = bool(self.invoice_round_off)
        if round_off and country != "IN":
            problems.append(FieldProblem("invoice_round_off", "applies only to organizations in IN (rupee rounding)"))
        society = bool(self.is_housing_society)
        if society and country != "IN":
            problems.append(FieldProblem("is_housing_society", "applies only to organizations in IN (entry 77(c))"))
        for name in ("invoice_number_format", "receipt_number_format"):
            _check_format(problems, name, getattr(self, name), country)
        if problems:
            raise ValidationFailed(problems)
        return replace(
            self,
            gst_number=gstin,
            pan_number=pan,
            tan_number=tan,
            tax_registration_number=trn,
            invoice_round_off=round_off,
            is_housing_society=society,
            address=_address_lines(self.address),
        )


def _address_lines(address: str | None) -> str | None:
    """Blank lines and edge spaces dropped; None when nothing is left."""
    lines = [line.strip() for line in (address or "").splitlines() if line.strip()]
    return "\n".join(lines) or None


def _checked(
    problems: list[FieldProblem],
    name: str,
    value: str | None,
    validate: Callable[[str], str],
    kind: str,
    country: str,
    only: str,
) -> str | None:
    if value is None:
        return None
    if country != only:
        problems.append(FieldProblem(name, f"applies only to organizations in {only}"))
        return None
    try:
        return validate(value)
    except InvalidTaxId:
        problems.append(FieldProblem(name, f"is not a valid {kind}"))
        return None


def _checked_gst_hst_account(problems: list[FieldProblem], value: str | None, country: str) -> str | None:
    """The BN's 9th digit is not Luhn-checked: CRA does not publish that rule (docs/tax-rules.md §4.5)."""
    if value is None:
        return None
    if country != "CA":
        problems.append(FieldProblem("tax_registration_number", "applies only to organizations in CA"))
        return compact_business_number(value)
    try:
        return validate_gst_hst_account(value)
    except InvalidTaxId as exc:
        problems.append(FieldProblem("tax_registration_number", exc.reason))
        return compact_business_number(value)


def _check_gstin_fits(problems: list[FieldProblem], gstin: str, pan: str | None, region: str | None) -> None:
    if pan is not None and pan_of_gstin(gstin) != pan:
        problems.append(FieldProblem("pan_number", "differs from the PAN inside the gst_number"))
    wanted = GST_STATE_CODE.get((region or "").upper())
    if wanted is None:
        problems.append(FieldProblem("state", "is required with a gst_number (the GSTIN's State)"))
    elif gstin[:2] != wanted:
        problems.append(FieldProblem("gst_number", f"is registered in State code {gstin[:2]}, not {region} ({wanted})"))


def _check_format(problems: list[FieldProblem], name: str, fmt: str | None, country: str) -> None:
    if fmt is None:
        return
    fields = set(_FORMAT_FIELDS.findall(fmt))
    if "seq" not in fields or not fields <= {"fy", "fy_short", "seq"}:
        problems.append(FieldProblem(name, "must contain {seq} and may contain {fy} or {fy_short}: INV/{fy}/{seq:05d}"))
        return
    fy, fy_short = ("2026-27", "26-27") if country == "IN" else ("2026", "26")
    try:
        longest = fmt.format(fy=fy, fy_short=fy_short, seq=999999)
    except (ValueError, IndexError, KeyError) as exc:
        problems.append(FieldProblem(name, f"is not a valid format: {exc}"))
        return
    if country == "IN" and not _IN_INVOICE_NUMBER.match(longest):
        problems.append(
            FieldProblem(name, f"gives {longest!r}: India allows 16 characters of letters, digits, - and / (rule 46)")
        )
    elif len(longest) > 40:
        problems.append(FieldProblem(name, "gives numbers longer than 40 characters"))
