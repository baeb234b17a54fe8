"""Request bodies and helpers the integration tests share."""

from __future__ import annotations

import copy
from typing import Any

PROPERTY = {
    "name": "Sunset Apartments",
    "type": "residential",
    "address": {"street": "123 Main St", "city": "Vancouver", "province": "BC", "postal_code": "V6B 1A1"},
}


def property_body(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(PROPERTY)
    address = changes.pop("address", None)
    if address:
        body["address"].update(address)
    body.update(changes)
    return body
