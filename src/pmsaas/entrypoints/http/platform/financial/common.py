"""Pieces several financial endpoints share."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from pmsaas.domain.shared.errors import PermissionDenied

Description = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


def not_tenant(actor: Any) -> None:
    if actor.is_tenant:
        raise PermissionDenied("tenants do not see the organization's expenses")
