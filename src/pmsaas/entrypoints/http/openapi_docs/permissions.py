"""Who may call each operation, read from the routes' guards, so that the description says it."""

from __future__ import annotations

from litestar import Litestar
from litestar.routes import HTTPRoute

from pmsaas.entrypoints.http.auth import is_public, permissions_of


def route_permissions(app: Litestar) -> dict[str, tuple[str, ...]]:
    """``"METHOD /path"`` -> the permissions its ``requires(...)`` guards check."""
    found: dict[str, tuple[str, ...]] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            needed = tuple(p for guard in handler.resolve_guards() for p in permissions_of(guard))
            for method in handler.http_methods:
                found[f"{method} {route.path_format}"] = needed
    return found


def who_may_call(path: str, needed: tuple[str, ...]) -> str:
    """One sentence for the end of an operation's description."""
    if needed:
        return "Permission: " + ", ".join(f"`{p}`" for p in needed) + "."
    if is_public(path):
        return "No credentials needed."
    return "Any signed-in caller."
