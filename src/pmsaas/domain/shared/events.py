"""Domain events. Use cases record them; the unit of work writes them to the outbox in the same
transaction as the change, so an event is never lost and never sent for a rolled-back change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from pmsaas.domain.shared.ids import new_id


@dataclass(frozen=True)
class DomainEvent:
    name: str  # e.g. "property.created", the webhook event name
    organization_id: UUID
    occurred_at: datetime
    data: dict[str, Any]  # JSON-ready primitives only
    id: UUID = field(default_factory=new_id)
