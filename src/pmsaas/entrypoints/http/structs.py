"""Request/response building blocks shared by the controllers."""

from __future__ import annotations

from typing import Annotated

import msgspec

from pmsaas.domain.shared.address import Address

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
LongText = Annotated[str, msgspec.Meta(max_length=5000)]


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every request body: unknown fields are an error, not silently dropped."""


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
