"""GET /metrics: the Prometheus scrape (docs/operations.md, "Metrics").

Mounted when ``PMSAAS_METRICS_TOKEN`` is set (then a scrape must send ``Authorization: Bearer <token>``,
compared in constant time) or outside production (open, for a developer's own Prometheus). In production
without a token there is no route at all: 404 like any unknown path. Outside ``/api`` and ``/v1``, so no
JWT, organization or rate limit applies; the token is the scraper's only credential.
"""

from __future__ import annotations

import hmac
import time
from typing import Any

from litestar import Request, Response, get
from litestar.types import Message, Scope

from pmsaas.container import Container
from pmsaas.entrypoints.http.errors import ApiError
from pmsaas.entrypoints.http.middleware import STARTED_KEY


def metrics_routes(container: Container) -> list[Any]:
    settings = container.settings()
    token = settings.metrics_token
    if not token and settings.is_production:
        return []
    expected = f"Bearer {token}".encode() if token else None
    metrics = container.metrics()

    @get("/metrics", include_in_schema=False)
    async def scrape(request: Request[Any, Any, Any]) -> Response[bytes]:
        if expected is not None:
            given = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                raise ApiError(401, "AUTHENTICATION_FAILED", "A metrics token is required")
        body, content_type = await metrics.exposition()
        return Response(body, media_type=content_type)

    return [scrape]


def observer(container: Container) -> Any:
    """A before_send hook: one count and one latency sample per response, by route template and status."""
    metrics = container.metrics()
    observe = metrics.observe_response

    async def observe_response(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return  # websockets send no http.response.start: only HTTP responses are counted
        raw: dict[str, Any] = scope  # type: ignore[assignment]  # our STARTED_KEY is not in Litestar's Scope
        started = raw.get(STARTED_KEY)
        seconds = time.perf_counter() - started if isinstance(started, float) else 0.0
        observe(raw.get("method", "GET"), raw.get("path_template"), message["status"], seconds)

    return observe_response
