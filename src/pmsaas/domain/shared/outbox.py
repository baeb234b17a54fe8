"""The outbox relay use case: hand unpublished events to the publisher, oldest first, in batches.

Idempotent and safe to run concurrently: each batch is claimed in one transaction and a row is
marked published by one relay only. Delivery to subscribers is at least once (a publisher failure or
a crash before commit leaves the event to be published again). Order: the outbox sequence, which is
commit order; concurrent relays each keep order within their own batches. Subscribers that store
rows (webhook messages) write them in the transaction that marks the events relayed.
"""

from __future__ import annotations

from collections.abc import Sequence

from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.ports import EventPublisher, Outbox, OutboxSubscriber


async def relay_outbox(
    *,
    outbox: Outbox,
    publisher: EventPublisher,
    clock: Clock,
    subscribers: Sequence[OutboxSubscriber] = (),
    batch_size: int = 100,
    max_batches: int = 50,
) -> int:
    """Relay until the outbox is empty (or ``max_batches`` were done, so one run stays short)."""
    if batch_size < 1 or max_batches < 1:
        raise ValueError("batch_size and max_batches must be positive")
    total = 0
    for _ in range(max_batches):
        published = await outbox.relay_batch(publisher, limit=batch_size, now=clock.now(), subscribers=subscribers)
        total += published
        if published < batch_size:
            break
    return total
