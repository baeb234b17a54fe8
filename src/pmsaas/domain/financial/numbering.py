"""Invoice and receipt numbers: the fiscal year and the organization's format. Pure."""

from __future__ import annotations

from datetime import date

from pmsaas.domain.shared.errors import ValidationFailed

# India's tax invoices and receipt vouchers carry at most 16 characters (CGST rules 46(b) and 50),
# so its defaults use the short fiscal year: INV/26-27/000123. Elsewhere: INV/2026/000123.
_DEFAULT_FORMATS = {
    ("invoice", "IN"): "INV/{fy_short}/{seq:06d}",
    ("receipt", "IN"): "RCT/{fy_short}/{seq:06d}",
    ("invoice", ""): "INV/{fy}/{seq:06d}",
    ("receipt", ""): "RCPT/{fy}/{seq:06d}",
}


# Credit notes: their own series (CGST rule 53(1A)(b): a consecutive serial number, at most 16
# characters, unique for the financial year), CN/26-27/000001; not configurable yet.
_CREDIT_NOTE_FORMATS = {"IN": "CN/{fy_short}/{seq:06d}", "": "CN/{fy}/{seq:06d}"}


def credit_note_number_format(country: str) -> str:
    return _CREDIT_NOTE_FORMATS.get(country) or _CREDIT_NOTE_FORMATS[""]


def default_number_format(series: str, country: str) -> str:
    """The organization's numbering when it has not set one (``series``: invoice | receipt)."""
    return _DEFAULT_FORMATS.get((series, country)) or _DEFAULT_FORMATS[(series, "")]


def fiscal_year(country: str, on: date) -> str:
    """India: April to March, ``2026-27``; elsewhere the calendar year, ``2026``."""
    if country == "IN":
        start = on.year if on.month >= 4 else on.year - 1
        return f"{start}-{(start + 1) % 100:02d}"
    return str(on.year)


def format_number(fmt: str, *, fy: str, seq: int) -> str:
    """``{fy}`` is ``2026-27`` (India) or ``2026``; ``{fy_short}`` is ``26-27`` or ``26``."""
    short = "-".join(part[-2:] for part in fy.split("-"))
    try:
        return fmt.format(fy=fy, fy_short=short, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationFailed.single("invoice_number_format", f"bad format: {exc}") from None
