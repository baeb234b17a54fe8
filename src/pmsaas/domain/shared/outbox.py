"""The outbox relay use case: hand unpublished events to the publisher, oldest first, in batches.

Idempotent and safe to run concurrently: each batch is claimed in one transaction and a row is
marked published by one relay only. Delivery to subscribers is at least once (a publisher failure or
a crash before commit leaves the event to be published again). Order: by ``occurred_at`` within a
run; concurrent relays each keep order within their own batches.
"""

from __future__ import annotations

from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.ports import EventPublisher, Outbox


async def relay_outbox(
    *, outbox: Outbox, publisher: EventPublisher, clock: Clock, batch_size: int = 100, max_batches: int = 50
) -> int:
    """Relay until the outbox is empty (or ``max_batches`` were done, so one run stays short)."""
    if batch_size < 1 or max_batches < 1:
        raise ValueError("batch_size and max_batches must be positive")
    total = 0
    for _ in range(max_batches):
        published = await outbox.relay_batch(publisher, limit=batch_size, now=clock.now())
        total += published
        if published < batch_size:
            break
    return total
