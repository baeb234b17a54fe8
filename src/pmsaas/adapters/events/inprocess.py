"""The default EventPublisher: log each event and hand it to in-process subscribers, in order.

Real webhook delivery subscribes here later (enqueueing a delivery job per endpoint, never calling
endpoints or awaiting database writes inline). A subscriber that raises leaves the event
unpublished, so it is retried.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog

from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ports import EventPublisher

Subscriber = Callable[[DomainEvent], Awaitable[None]]
log = structlog.get_logger("pmsaas.events")


class InProcessEventPublisher(EventPublisher):
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    async def publish(self, event: DomainEvent) -> None:
        log.info(
            "event_published",
            name=event.name,
            event_id=str(event.id),
            organization_id=str(event.organization_id),
            occurred_at=event.occurred_at.isoformat(),
        )
        for subscriber in list(self._subscribers):
            await subscriber(event)
