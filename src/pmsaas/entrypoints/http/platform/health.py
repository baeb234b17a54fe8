"""Liveness, readiness and the public key set."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get

from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok


class HealthOut(msgspec.Struct, kw_only=True):
    status: str
    checks: dict[str, str] = msgspec.field(default_factory=dict)


class HealthController(Controller):
    tags = ["Health"]

    @get("/health", summary="Liveness: the process answers")
    async def health(self) -> Ok[HealthOut]:
        return ok(HealthOut(status="ok"))

    @get("/health/ready", summary="Readiness: database and (if configured) Redis reachable")
    async def ready(self, ctx: Context) -> Response[Any]:
        checks = await ctx.readiness()
        healthy = all(v == "ok" for v in checks.values())
        body = ok(HealthOut(status="ok" if healthy else "unavailable", checks=checks))
        if healthy:
            return Response(body)
        from pmsaas.entrypoints.http.envelope import ErrorDetail, error_response

        down = [k for k, v in checks.items() if v != "ok"]
        return Response(
            error_response(
                "SERVICE_UNAVAILABLE",
                "A dependency is unavailable: " + ", ".join(down),
                [ErrorDetail(field=name, message="unavailable") for name in down],
            ),
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @get("/.well-known/jwks.json", summary="Public keys that verify access tokens", tags=["Identity"])
    async def jwks(self, ctx: Context) -> dict[str, Any]:
        return ctx.jwks()
