"""A property named in an expense or budget body belongs to the caller's organization."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import ValidationFailed

if TYPE_CHECKING:  # ports imports the expense and budget models
    from pmsaas.domain.financial.ports import FinancialUnitOfWork


async def require_property(uow: FinancialUnitOfWork, actor: Actor, property_id: UUID | None) -> None:
    """The same answer for another organization's property as for a random id (as for maintenance requests)."""
    if property_id is not None and not await uow.lease_directory.property_exists(actor.org, property_id):
        raise ValidationFailed.single("property_id", "no such property in this organization")
