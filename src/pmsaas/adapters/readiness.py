"""Readiness: whether the services the process needs answer (the database, Redis when configured)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine


async def probe(engine: AsyncEngine, redis: Any) -> dict[str, str]:
    """Each service's state, "ok" or "unavailable"; the reason of a failure is not shown to callers."""
    checks: dict[str, str] = {}
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # any failure means not ready
        checks["database"] = "unavailable"
    if redis is not None:
        try:
            await redis.ping()
            checks["redis"] = "ok"
        except Exception:
            checks["redis"] = "unavailable"
    return checks
