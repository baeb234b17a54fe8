"""Request/response building blocks shared by the controllers."""

from __future__ import annotations

from typing import Annotated

import msgspec

from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.money import MAX_AMOUNT_DIGITS, Money
from pmsaas.entrypoints.http.bounds import check_value

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
LongText = Annotated[str, msgspec.Meta(max_length=5000)]


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every request body: unknown fields are an error, not silently dropped, and every
    text and date in it stays within the bounds of bounds.py (checked here once, for all bodies)."""

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            check_value(name, getattr(self, name))


class AddressIn(Input):
    street: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    city: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    postal_code: Annotated[str, msgspec.Meta(min_length=1, max_length=12)]
    province: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    state: Annotated[str, msgspec.Meta(max_length=50)] | None = None  # US/India spelling of province
    country: Annotated[str, msgspec.Meta(max_length=10)] | None = None


class AddressOut(msgspec.Struct, kw_only=True):
    street: str
    city: str
    province: str
    state: str
    postal_code: str
    country: str

    @classmethod
    def of(cls, a: Address) -> AddressOut:
        return cls(
            street=a.street,
            city=a.city,
            province=a.province,
            state=a.province,
            postal_code=a.postal_code,
            country=a.country,
        )


# Money on the wire: a decimal string with the currency's minor digits plus the ISO code
# (docs/api-contract.md §6). A JSON number is refused: it would pass through a float somewhere.
# At most MAX_AMOUNT_DIGITS digits before the point (domain.shared.money explains the bound).
AmountText = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=24, pattern=rf"^-?\d{{1,{MAX_AMOUNT_DIGITS}}}(\.\d+)?$"),
]
CurrencyCode = Annotated[str, msgspec.Meta(min_length=3, max_length=3)]


class MoneyIn(Input):
    amount: AmountText
    currency: CurrencyCode

    def to_money(self, field: str = "amount") -> Money:
        return Money.of(self.amount, self.currency.upper(), field=field)


class MoneyOut(msgspec.Struct, kw_only=True):
    amount: str
    currency: str

    @classmethod
    def of(cls, money: Money) -> MoneyOut:
        return cls(amount=str(money), currency=money.currency)
