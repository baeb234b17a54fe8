"""One page of a list, and the page-after-page iteration over a whole list."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """The ``data`` of a list answer and its ``meta.pagination``.

    Both envelopes are understood: the platform's (``page``, ``page_size``, ``total_count``,
    ``has_next``) and the ticketing surface's (``current_page``, ``per_page``, ``total``).
    """

    data: list[T]
    pagination: dict[str, Any] = field(default_factory=dict)

    @property
    def page(self) -> int:
        return int(self.pagination.get("page", self.pagination.get("current_page", 1)))

    @property
    def total_count(self) -> int:
        return int(self.pagination.get("total_count", self.pagination.get("total", len(self.data))))

    @property
    def has_next(self) -> bool:
        if "has_next" in self.pagination:
            return bool(self.pagination["has_next"])
        return int(self.pagination.get("current_page", 1)) < int(self.pagination.get("total_pages", 1))

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> T:
        return self.data[index]
