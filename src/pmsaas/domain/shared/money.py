"""Money: a Decimal amount in an ISO 4217 currency. Never a float.

Rounding is half-up to the currency's minor unit (docs/tax-rules.md: each tax line is
``round_half_up(base × rate, 2)``). The database stores minor units as integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pmsaas.domain.shared.errors import ValidationFailed

# Minor digits of the currencies the product bills in. Unknown currencies are refused
# rather than guessed: a wrong exponent silently multiplies amounts by 100.
MINOR_DIGITS: dict[str, int] = {"INR": 2, "CAD": 2, "USD": 2}
SUPPORTED_CURRENCIES = frozenset(MINOR_DIGITS)

# Every decimal a user gives (amounts, rates, quantities) is at most 10^13 in size: ten trillion in
# major units is 10^15 minor units, so over 9,000 of the largest amounts still sum within a 64-bit
# integer (and the trial balance sums exactly past that on SQLite too; PostgreSQL's SUM is exact).
MAX_AMOUNT_DIGITS = 13
MAX_DECIMAL = Decimal(10) ** MAX_AMOUNT_DIGITS


def _checked_already(amount: Decimal, currency: str) -> Money:
    """Money from operands that were checked when they were made (a supported currency, a Decimal
    amount): sums and negations skip ``__post_init__``, the hot path of invoices and ledgers."""
    money = object.__new__(Money)
    object.__setattr__(money, "amount", amount)
    object.__setattr__(money, "currency", currency)
    return money


_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(7)}  # 1, 0.1, ... 0.000001


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    quantum = _QUANTUM.get(places)
    if quantum is None:
        quantum = Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def parse_decimal(raw: str | int | Decimal, *, field: str = "amount") -> Decimal:
    """Parse a decimal string strictly; floats are refused on purpose."""
    if isinstance(raw, bool) or isinstance(raw, float):
        raise ValidationFailed.single(field, "must be a decimal string, not a float")
    try:
        value = Decimal(raw) if not isinstance(raw, Decimal) else raw
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed.single(field, "must be a decimal number such as '1180.00'") from None
    if not value.is_finite():
        raise ValidationFailed.single(field, "must be a finite number")
    if abs(value) > MAX_DECIMAL:
        raise ValidationFailed.single(field, f"must not exceed {MAX_DECIMAL:,.0f} in size")
    return value


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if self.currency not in MINOR_DIGITS:
            raise ValidationFailed.single("currency", f"unsupported currency {self.currency!r}")
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")

    # -- construction -------------------------------------------------------------------
    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str, *, field: str = "amount") -> Money:
        """Money from user input: exact, and no more decimals than the currency allows."""
        value = parse_decimal(amount, field=field)
        currency = currency.upper()
        if currency not in MINOR_DIGITS:
            raise ValidationFailed.single("currency", f"unsupported currency {currency!r}")
        digits = MINOR_DIGITS[currency]
        if value != round_half_up(value, digits):
            raise ValidationFailed.single(field, f"at most {digits} decimal places for {currency}")
        return cls(round_half_up(value, digits), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        if cls is Money and currency in _ZEROS:  # immutable: one zero per currency
            return _ZEROS[currency]
        return cls(round_half_up(Decimal(0), MINOR_DIGITS[currency]), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(Decimal(minor).scaleb(-MINOR_DIGITS[currency]), currency)

    # -- conversion ---------------------------------------------------------------------
    @property
    def minor(self) -> int:
        return int(round_half_up(self.amount, MINOR_DIGITS[self.currency]).scaleb(MINOR_DIGITS[self.currency]))

    def rounded(self) -> Money:
        return Money(round_half_up(self.amount, MINOR_DIGITS[self.currency]), self.currency)

    def __str__(self) -> str:
        return f"{self.amount:.{MINOR_DIGITS[self.currency]}f}"

    # -- arithmetic ---------------------------------------------------------------------
    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return _checked_already(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return _checked_already(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return _checked_already(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def times(self, factor: Decimal) -> Money:
        """Multiply and round half-up to the minor unit (one rounding, at the end)."""
        if isinstance(factor, float):
            raise TypeError("factor must be Decimal")
        return Money(round_half_up(self.amount * factor, MINOR_DIGITS[self.currency]), self.currency)

    def percent(self, rate: Decimal) -> Money:
        """``rate`` percent of this amount, e.g. ``Decimal('18')`` → 18 %."""
        return self.times(rate / Decimal(100))

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0


_ZEROS = {currency: Money(round_half_up(Decimal(0), digits), currency) for currency, digits in MINOR_DIGITS.items()}
