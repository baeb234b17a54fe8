"""Ports shared by every context: the unit of work, the e-mail sender, the secret box."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
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

    def read_only(self) -> Self:
        """The same ports, for a use case that only reads; the use case asks for it by name.

        It opens no transaction: every read sees committed data, as it would at READ COMMITTED inside
        one, without the BEGIN/ROLLBACK round trips. ``commit`` raises ``ReadOnlyUnitOfWorkWrite``
        and so does any write the adapter can refuse (the SQL adapter lets the database refuse it),
        so nothing is ever stored through it. Writes stay in the plain unit of work, one transaction.
        """
        raise NotImplementedError(f"{type(self).__name__} has no read-only variant")


class ReadOnlyUnitOfWorkWrite(RuntimeError):
    """A use case tried to commit (or write) through a read-only unit of work: a programming error."""


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
    async def send(self, message: EmailMessage) -> None:
        """Raises ``MessageNotSent`` when the transport refused or could not be reached."""

    async def send_once(self, message: EmailMessage, key: str) -> None:
        """Send ``message`` under a deterministic ``key`` (an event and a recipient): a queue that
        still holds the same key does not take it twice. Transports without a queue just send."""
        await self.send(message)


class MessageNotSent(Exception):
    """A transport could not send a message. ``retryable``: a later attempt may succeed (a timeout,
    a 4xx SMTP reply, a provider's rate limit); otherwise the address or the settings are wrong."""

    def __init__(self, detail: str, *, retryable: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable


class SecretBox(ABC):
    """Symmetric encryption for secrets the product must use later (webhook signing secrets,
    channel providers' credentials)."""

    @abstractmethod
    def seal(self, plaintext: str) -> str: ...

    @abstractmethod
    def open(self, sealed: str) -> str: ...


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


# -- idempotency keys (docs/api-contract.md §6, docs/DECISIONS.md) ---------------------------------


@dataclass(frozen=True)
class StoredResponse:
    """The final response of a request made with an Idempotency-Key, replayed byte for byte."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class IdempotencyRecord:
    """What a key already holds: the first request's fingerprint and, once it finished, its response."""

    fingerprint: str
    response: StoredResponse | None  # None: the first request is still running

    @property
    def in_progress(self) -> bool:
        return self.response is None


class IdempotencyStore(ABC):
    """Idempotency keys, scoped to a principal (``scope``, from ``idempotency.principal_scope``).
    Adapters hold the TTLs: a completed key lives at least 24 hours; an in-progress claim expires
    after a short lock time, so a crashed request does not block its key forever."""

    @abstractmethod
    async def begin(self, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
        """Claim the key atomically. ``None``: claimed, run the request. Otherwise the existing
        record (compare its fingerprint; a stale claim with the same fingerprint is taken over)."""

    @abstractmethod
    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        """Store the final response of a claimed key."""

    @abstractmethod
    async def release(self, scope: str, key: str) -> None:
        """Forget an in-progress claim (the request failed transiently; a retry runs again)."""

    @abstractmethod
    async def purge_expired(self) -> int:
        """Delete expired keys; returns how many (0 where the backend expires keys by itself)."""


# -- background jobs ---------------------------------------------------------------------------

JobArgument = str | int | float | bool | None | list["JobArgument"] | dict[str, "JobArgument"]


class JobQueue(ABC):
    """Runs a registered task later, with primitive keyword arguments only (ids as strings).

    Semantics every adapter keeps: delivery is **at least once** (a worker that dies mid-job runs it
    again), so tasks must be idempotent. ``job_id`` is deterministic (``invoice:{org}:{lease}:{period}``):
    enqueueing an id that is still pending or running is a no-op that returns ``False``; once the job
    finished, the same id may run again. Argument names must not start with ``_`` and ``defer_seconds``
    is reserved.
    """

    @abstractmethod
    async def enqueue(self, name: str, *, job_id: str, defer_seconds: float = 0, **kwargs: JobArgument) -> bool: ...

    async def close(self) -> None:
        return None


def check_job_arguments(kwargs: Mapping[str, object]) -> None:
    """Refuse what would not survive a trip through Redis (arq pickles; we want plain data)."""

    def ok(value: object) -> bool:
        if value is None or isinstance(value, str | int | float | bool):
            return True
        if isinstance(value, list | tuple):
            return all(ok(v) for v in value)
        if isinstance(value, dict):
            return all(isinstance(k, str) and ok(v) for k, v in value.items())
        return False

    for name, value in kwargs.items():
        if name.startswith("_"):
            raise ValueError(f"job argument {name!r}: names starting with '_' are reserved")
        if not ok(value):
            raise TypeError(f"job argument {name!r} is a {type(value).__name__}; pass primitives (ids as str)")


# -- the outbox and its relay ------------------------------------------------------------------


class EventPublisher(ABC):
    """Where relayed outbox events go. ``publish`` must be quick (the relay holds its claim while it
    runs): slow work such as webhook HTTP calls is enqueued as a job by subscribers, not done inline
    (on SQLite the claim is the write lock: never await a write through another connection here).
    Raising leaves the event unpublished, to be retried: subscribers see an event at least once."""

    @abstractmethod
    async def publish(self, event: DomainEvent) -> None: ...


class OutboxSubscriber(ABC):
    """A consumer that stores what it makes of events (webhook messages, in-app notifications):
    the relay calls it inside its claim transaction with a unit of work bound to that transaction,
    so its rows commit together with the events being marked relayed, or not at all. It must not
    commit, and must be idempotent per event id (a batch that fails is handed over again).

    It cannot record outbox events (the relay would relay its own output forever) nor talk to the
    world before its rows are committed, so it returns **follow-ups**: actions the relay runs once
    the batch committed, never if it rolled back. A worker killed after the commit never runs them,
    so a follow-up may only hasten what a stored row already guarantees (the first attempt of the
    messages it queued, which a job sends otherwise); one that fails is logged and dropped."""

    @abstractmethod
    async def receive(self, events: Sequence[DomainEvent], uow: UnitOfWork, now: datetime) -> Sequence[FollowUp]: ...


FollowUp = Callable[[], Awaitable[object]]  # run by the relay after its transaction commits


class Outbox(ABC):
    """The relay's side of the outbox table."""

    @abstractmethod
    async def relay_batch(
        self,
        publisher: EventPublisher,
        *,
        limit: int,
        now: datetime,
        subscribers: Sequence[OutboxSubscriber] = (),
    ) -> int:
        """In one transaction: claim up to ``limit`` unpublished events in commit order (the outbox
        sequence), skipping rows another relay holds; hand the batch to each subscriber; publish the
        events in order; mark the published ones. At the first publisher failure the rest of the batch
        stays unpublished (its attempt counted) and the error propagates; a subscriber failure rolls
        the whole batch back. Returns how many were published."""


class Housekeeping(ABC):
    """Deletes rows that have outlived their purpose (expired tokens and the like)."""

    @abstractmethod
    async def purge_expired(self, now: datetime) -> dict[str, int]: ...
