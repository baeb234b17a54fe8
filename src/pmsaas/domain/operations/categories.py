"""Ticket categories: the built-in ones and each organization's own."""

from __future__ import annotations

from uuid import UUID

from pmsaas.domain.operations.model import BUILTIN_CATEGORIES, normalize_category
from pmsaas.domain.operations.ports import OperationsUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, ValidationFailed


async def check_category(uow: OperationsUnitOfWork, organization_id: UUID, raw: str) -> str:
    value = normalize_category(raw)
    if value in BUILTIN_CATEGORIES or value in await uow.ticket_categories.custom(organization_id):
        return value
    raise ValidationFailed.single("category", f"unknown category {value!r}; add it as a custom category first")


async def list_categories(*, uow: OperationsUnitOfWork, actor: Actor) -> list[tuple[str, bool]]:
    """(name, custom) pairs: the built-in ones first."""
    async with uow:
        custom = await uow.ticket_categories.custom(actor.org)
    return [(c, False) for c in BUILTIN_CATEGORIES] + [(c, True) for c in sorted(custom)]


async def add_category(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, name: str) -> str:
    value = normalize_category(name, "name")
    if value in BUILTIN_CATEGORIES:
        raise Conflict(f"{value!r} is a built-in category")
    async with uow:
        await uow.ticket_categories.add(actor.org, value, clock.now())
        await uow.commit()
    return value
