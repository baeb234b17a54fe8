"""Plan changes reaching the rate-limit gate at once.

The gate keeps each organization's plan for a minute (``PlanCache`` in entrypoints/http/auth.py).
``LocalPlanBoard`` tells this process's caches to drop the organization (the embedded default: one
process). ``RedisPlanBoard`` also writes ``pmsaas:plan:<organization>`` for a few minutes, longer
than any cache keeps a plan; the gate's Redis script reads it in the same round trip as the hit
(adapters/ratelimit/redis.py), so every process applies the new plan's limit on the next request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.ports import PlanBoard

Listener = Callable[[UUID], None]


class LocalPlanBoard(PlanBoard):
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def gate_key(self, organization_id: UUID) -> str | None:
        """The Redis key the gate reads the organization's plan from (none: this process only)."""
        return None

    async def post(self, organization_id: UUID, plan: Plan) -> None:
        for listener in self._listeners:
            listener(organization_id)


class RedisPlanBoard(LocalPlanBoard):
    def __init__(self, client: Any, prefix: str = "pmsaas:plan:", ttl_seconds: int = 300) -> None:
        super().__init__()
        self._client = client
        self._prefix = prefix
        self._ttl = ttl_seconds  # must outlast PlanCache's TTL (60 s): after it every cache has re-read the row

    def gate_key(self, organization_id: UUID) -> str | None:
        return f"{self._prefix}{organization_id}"

    async def post(self, organization_id: UUID, plan: Plan) -> None:
        await self._client.set(f"{self._prefix}{organization_id}", plan.value, ex=self._ttl)
        await super().post(organization_id, plan)
