"""One glossary entry: what a field or parameter means, and a value a client could send or see."""

from __future__ import annotations

from typing import Any, NamedTuple

NO_EXAMPLE: Any = object()  # the example is taken from the schema (its enum, its format, its fields)


class Doc(NamedTuple):
    description: str
    example: Any = NO_EXAMPLE


# Values shared by many entries, so the whole document tells one consistent story.
LEASE_ID = "3f2b8c1e-6d4a-4e7b-9a51-0c8d2e7f4a10"
TENANT_ID = "8a1d5e3c-2b7f-4c90-8e14-6f3a9b0d2c57"
PROPERTY_ID = "c4e9a7b2-1f3d-4a68-b5c0-9d2e8f7a1b36"
UNIT_ID = "5b7c2d9e-4a1f-4e83-9c60-1d8e3f5a7b24"
INVOICE_ID = "e2a4c6b8-9d1f-4b3e-8a57-7c0d2e4f6a19"
PAYMENT_ID = "9c3e5a7b-1d2f-4e6a-b8c0-2f4a6c8e0b13"
USER_ID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
ORGANIZATION_ID = "7d9f1b3c-5e2a-4c6b-8d0e-3a5c7e9f1b42"
ANY_ID = "0f8e7d6c-5b4a-4392-8172-6a5b4c3d2e1f"
TIMESTAMP = "2026-04-01T09:30:00Z"
DATE = "2026-04-01"
