"""Ports shared by every context: the unit of work and the e-mail sender."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from pmsaas.domain.shared.events import DomainEvent


class UnitOfWork(ABC):
    """One transaction. Events recorded during it reach the outbox only if it commits."""

    def __init__(self) -> None:
        self.events: list[DomainEvent] = []

    def record(self, event: DomainEvent) -> None:
        self.events.append(event)

    async def __aenter__(self) -> Self:
        self.events = []
        await self._begin()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Whatever was not committed explicitly is rolled back: no half-written use case.
        await self.rollback()
        await self._close()

    @abstractmethod
    async def _begin(self) -> None: ...

    @abstractmethod
    async def commit(self) -> None: ...

    @abstractmethod
    async def rollback(self) -> None: ...

    async def _close(self) -> None:
        return None


@dataclass(frozen=True)
class EmailAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    body: str
    attachments: tuple[EmailAttachment, ...] = field(default_factory=tuple)


class EmailSender(ABC):
    @abstractmethod
    async def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # epoch seconds when the window ends
    window_seconds: int

    @property
    def retry_after(self) -> int:
        return 0 if self.allowed else max(1, self.reset_at - _epoch_now())


def _epoch_now() -> int:
    import time

    return int(time.time())


class RateLimiter(ABC):
    """Fixed-window counter per key: one hit costs one round trip and is atomic."""

    @abstractmethod
    async def hit(self, key: str, *, limit: int, window_seconds: int) -> RateDecision: ...

    @abstractmethod
    async def reset(self, key: str) -> None: ...
