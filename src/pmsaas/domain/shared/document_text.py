"""What the printed documents say, as rules: digit grouping, amounts in words, State names with
their GST codes, and which title an invoice carries. Pure; docs/documents.md cites the sources.

India writes amounts in lakhs and crores (1,83,000.00; "One Lakh Eighty-Three Thousand"); Canada
and the US in thousands and millions (183,000.00; "One Hundred Eighty-Three Thousand").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from pmsaas.domain.shared.indian_states import BY_CODE, resolve_state
from pmsaas.domain.shared.money import MINOR_DIGITS, Money

# SAC heading 9972, "Real estate services" (renting of immovable property: 997211 residential,
# 997212 non-residential). Four digits suffice below Rs 5 crore of turnover (rule 46 proviso,
# notification 78/2020-Central Tax); docs/documents.md says when six are needed.
SAC_REAL_ESTATE = "9972"

_ONES = (
    "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen Fifteen Sixteen "
    "Seventeen Eighteen Nineteen"
).split()
_TENS = "_ _ Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()
# Largest first: (size, name). Indian: crore = 10^7, lakh = 10^5; what exceeds a crore is itself
# counted in lakhs and thousands of crores ("One Lakh Crore" = 10^12).
_INDIAN = ((10**7, "Crore"), (10**5, "Lakh"), (10**3, "Thousand"), (10**2, "Hundred"))
_INTERNATIONAL = ((10**12, "Trillion"), (10**9, "Billion"), (10**6, "Million"), (10**3, "Thousand"), (10**2, "Hundred"))
_MONTHS = "January February March April May June July August September October November December".split()
_CURRENCY_WORDS = {"INR": ("Rupees", "Paise"), "CAD": ("Canadian Dollars", "Cents"), "USD": ("US Dollars", "Cents")}
_SYMBOLS = {"INR": "₹", "CAD": "$", "USD": "$"}


def uses_indian_system(currency: str) -> bool:
    return currency == "INR"


def group_digits(value: Decimal, *, indian: bool, places: int = 2) -> str:
    """``183000`` -> ``1,83,000.00`` (Indian) or ``183,000.00`` (international)."""
    text = f"{abs(value):.{places}f}"
    whole, _, fraction = text.partition(".")
    head, tail = whole[:-3], whole[-3:]
    step = 2 if indian else 3
    groups: list[str] = []
    while head:
        groups.insert(0, head[-step:])
        head = head[:-step]
    grouped = ",".join([*groups, tail])
    sign = "-" if value < 0 and Decimal(text) != 0 else ""
    return f"{sign}{grouped}.{fraction}" if places else f"{sign}{grouped}"


def ungroup(text: str) -> Decimal:
    """The number a grouped figure (with or without a currency sign) stands for."""
    return Decimal(text.replace(",", "").replace(_SYMBOLS["INR"], "").replace("$", "").strip())


def format_money(money: Money, *, symbol: bool = False) -> str:
    """The amount grouped as its currency's readers expect; ``symbol`` prefixes ₹ or $."""
    figure = group_digits(money.amount, indian=uses_indian_system(money.currency), places=MINOR_DIGITS[money.currency])
    if not symbol:
        return figure
    sign, digits = ("-", figure[1:]) if figure.startswith("-") else ("", figure)
    return f"{sign}{_SYMBOLS.get(money.currency, money.currency + ' ')}{digits}"


def _below_hundred(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def number_in_words(n: int, *, indian: bool) -> str:
    """A whole number in English words: 183000 -> "One Lakh Eighty-Three Thousand" (Indian) or
    "One Hundred Eighty-Three Thousand" (international). Negative numbers start with "Minus"."""
    if n < 0:
        return "Minus " + number_in_words(-n, indian=indian)
    if n < 100:
        return _below_hundred(n)
    scales = _INDIAN if indian else _INTERNATIONAL
    parts: list[str] = []
    for size, name in scales:
        count, n = divmod(n, size)
        if count:
            # A count past the largest scale is itself spoken (Indian: "One Lakh Crore").
            parts.append(f"{number_in_words(count, indian=indian)} {name}")
    if n:
        parts.append(_below_hundred(n))
    return " ".join(parts)


def amount_in_words(money: Money) -> str:
    """The amount as a cheque writes it: "Rupees One Lakh Eighty-Three Thousand and Fifty Paise Only"."""
    indian = uses_indian_system(money.currency)
    minor = money.minor
    digits = MINOR_DIGITS[money.currency]
    whole, fraction = divmod(abs(minor), 10**digits)
    major_name, minor_name = _CURRENCY_WORDS.get(money.currency, (money.currency, "hundredths"))
    words = number_in_words(whole, indian=indian)
    text = f"Rupees {words}" if money.currency == "INR" else f"{words} {major_name}"
    if fraction:
        text += f" and {number_in_words(fraction, indian=indian)} {minor_name}"
    return ("Minus " if minor < 0 else "") + text + " Only"


def long_date(day: date) -> str:
    """Unambiguous in every country: 7 December 2026."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def state_label(value: str | None) -> str | None:
    """A State or UT as rule 46(n) and 46(e) want it, name and GST code: "Maharashtra (27)".

    ``value`` is an ISO code ("MH"), a GST code ("27"), a name, or a GSTIN (its first two digits)."""
    if not value:
        return None
    text = value.strip()
    if len(text) == 15 and text[:2].isdigit():
        state = BY_CODE.get(text[:2])
    else:
        state = resolve_state(text)
    return f"{state.name} ({state.gst_code})" if state else text


def state_name(value: str) -> str | None:
    """The State's name for an address line ("Maharashtra" for "MH"), None if unknown."""
    state = resolve_state(value)
    return state.name if state else None


def invoice_title(*, country: str, gst_registered: bool, tax_rates: Iterable[Decimal]) -> str:
    """India: a registered supplier issues a "Tax Invoice" (rule 46) when any supply on it is
    taxable, forward or reverse charge, and a "Bill of Supply" (rule 49) when nothing is (exempt
    residential rent, a deposit that is no supply); an unregistered one issues neither. Canada and
    the US have no such distinction: "Invoice"."""
    if country != "IN" or not gst_registered:
        return "Invoice"
    return "Tax Invoice" if any(rate > 0 for rate in tax_rates) else "Bill of Supply"


def file_name(title: str, number: str | None) -> str:
    """A download name from the document's own number (never an internal id): Tax-Invoice-INV-2026-27-000001.pdf."""
    stem = f"{title} {number or 'draft'}"
    safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in stem)
    while "--" in safe:
        safe = safe.replace("--", "-")
    return safe.strip("-") + ".pdf"
