"""Paging and sorting requests every list use case accepts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

T = TypeVar("T")


@dataclass(frozen=True)
class After:
    """A keyset position: the sort value and id of the last row already seen (the next page starts
    strictly after it, so deep pages cost what the first one does; no OFFSET)."""

    value: Any
    id: UUID


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    page_size: int = 20
    sort_by: str = "created_at"
    descending: bool = False
    after: After | None = None  # with a keyset position, ``page`` is ignored

    @property
    def offset(self) -> int:
        return 0 if self.after is not None else (self.page - 1) * self.page_size


@dataclass(frozen=True)
class CreatedRange:
    created_after: datetime | None = None
    created_before: datetime | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    # Set by lists that can continue by keyset: the request, and where the next page starts (None at the end).
    request: PageRequest | None = None
    next_after: After | None = None
