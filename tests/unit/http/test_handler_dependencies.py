"""Dependencies reach controllers one way: the request's context (``ctx``, deps.RequestContext),
which reads the container's providers. No handler declares the container, and each declares at
most one injected dependency (``ctx``, or ``listing`` / ``paging`` which carry it), so Litestar
resolves it without a task group."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

import pmsaas
from conftest import make_settings
from pmsaas.container import build_container
from pmsaas.entrypoints.http.app import create_app

CONTROLLER_DIRS = ("platform", "ticketing")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    tmp = tmp_path_factory.mktemp("deps")
    return create_app(build_container(make_settings(f"sqlite+aiosqlite:///{tmp / 'unused.sqlite3'}", tmp)))


def _handlers(app: Litestar) -> list[HTTPRouteHandler]:
    found = {h for route in app.routes for h in getattr(route, "route_handlers", ()) if isinstance(h, HTTPRouteHandler)}
    return sorted(found, key=lambda h: h.handler_id)


def _injected(handler: HTTPRouteHandler) -> set[str]:
    """The handler's parameters that a dependency provides (any layer: app, controller, handler)."""
    return set(handler.parsed_fn_signature.parameters) & set(handler.resolve_dependencies())


def test_the_app_provides_the_requests_context_alone(app: Litestar):
    assert set(app.dependencies) == {"ctx"}


def test_every_handler_declares_at_most_one_injected_dependency_and_never_the_container(app: Litestar):
    handlers = _handlers(app)
    assert len(handlers) > 100  # every controller of both surfaces
    crowded = {h.handler_id: sorted(_injected(h)) for h in handlers if len(_injected(h)) > 1}
    assert crowded == {}
    declaring = [
        h.handler_id for h in handlers if {"container", "uow", "clock", "actor"} & set(h.parsed_fn_signature.parameters)
    ]
    assert declaring == []
    assert {name for h in handlers for name in _injected(h)} <= {"ctx", "listing", "paging"}


def test_controller_level_dependencies_need_the_context_only(app: Litestar):
    for handler in _handlers(app):
        for name, provide in handler.resolve_dependencies().items():
            needs = set(inspect.signature(provide.dependency).parameters) & set(handler.resolve_dependencies())
            assert needs <= {"ctx"}, (handler.handler_id, name, needs)


def test_no_controller_calls_the_container():
    http = Path(pmsaas.__file__).parent / "entrypoints" / "http"
    calls = [
        f"{path.relative_to(http)}: {line.strip()}"
        for folder in CONTROLLER_DIRS
        for path in sorted((http / folder).rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"container\.\w*\(\)", line)
    ]
    assert calls == []
