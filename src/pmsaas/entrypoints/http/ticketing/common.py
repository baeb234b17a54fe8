"""Shared by the ticketing controllers (/v1): scope guards, seed-style timestamps, paging."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.params import QueryParameter

from pmsaas.domain.identity.scopes import has_scope
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import AuthenticationFailed, PermissionDenied
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.entrypoints.http.context import public_base_url
from pmsaas.entrypoints.http.cursor import encode_cursor
from pmsaas.entrypoints.http.envelope import TicketingLinks, TicketingMeta, TicketingPagination

T = TypeVar("T")


def scope_guard(
    scope: str, *permissions: str
) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]:
    """An API key or OAuth token needs ``scope`` (its grants, cut to its user's or creator's, must
    cover what the scope implies); a signed-in user needs one of ``permissions`` (its role grants).

    Missing either is 403 ``insufficient_scope`` on the ticketing surface.
    """

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        actor = connection.scope.get("user")
        if not isinstance(actor, Actor):
            raise AuthenticationFailed("Authentication required")
        if actor.delegated:
            if not has_scope(actor, scope):
                raise PermissionDenied(f"This API key or OAuth token lacks the {scope} scope")
            return
        if not any(actor.can(p) for p in permissions):
            raise PermissionDenied(f"Your role does not allow this ({scope})")

    guard.__name__ = f"scope_{scope.replace(':', '_')}"
    return guard


def ts(at: datetime) -> str:
    """The seed's timestamps: ISO 8601, UTC, seconds, ``Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Page_ = Annotated[int, QueryParameter(ge=1, le=1_000_000, description="Page number (default 1)")]
PerPage = Annotated[int, QueryParameter(ge=1, le=100, description="Items per page (default 10, max 100)")]


class TicketingList(msgspec.Struct, Generic[T], kw_only=True):
    status: str = "success"
    data: list[T]
    meta: TicketingMeta


class TicketingItem(msgspec.Struct, Generic[T], kw_only=True):
    status: str = "success"
    data: T


def item(data: T) -> TicketingItem[T]:
    return TicketingItem(data=data)


def _link(request: Request[Any, Any, Any], page: int) -> str:
    # In the client's order (the query string as sent): Litestar's parsed query_params do not keep it
    # from one process to the next, and a link should not change with the worker that wrote it.
    query = request.scope.get("query_string", b"").decode("latin-1")
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "page"]
    params.append(("page", str(page)))
    return f"{public_base_url(request)}{request.url.path}?{urlencode(params)}"


def page_of(request: Request[Any, Any, Any], page: Page[Any], items: list[T]) -> TicketingList[T]:
    total_pages = math.ceil(page.total / page.page_size) if page.total else 0
    links = TicketingLinks(
        next=_link(request, page.page + 1) if page.page < total_pages else None,
        prev=_link(request, page.page - 1) if page.page > 1 else None,
    )
    next_cursor: str | msgspec.UnsetType | None = msgspec.UNSET
    # Opt-in (``?cursor=``, empty for the first page), so the seed's pagination shape stays as it is.
    if page.request is not None and "cursor" in request.query_params:
        after, asked = page.next_after, page.request
        next_cursor = encode_cursor(asked.sort_by, asked.descending, after) if after is not None else None
    pagination = TicketingPagination(
        total=page.total,
        count=len(items),
        per_page=page.page_size,
        current_page=page.page,
        total_pages=total_pages,
        links=links,
        next_cursor=next_cursor,
    )
    return TicketingList(data=items, meta=TicketingMeta(pagination=pagination))


def page_of_all(request: Request[Any, Any, Any], items: list[T], page: int, per_page: int) -> TicketingList[T]:
    """One page of a small collection read whole (an organization's webhooks), in the list envelope."""
    paging = PageRequest(page=page, page_size=per_page)
    window = items[paging.offset : paging.offset + per_page]
    return page_of(request, Page(items=window, total=len(items), page=page, page_size=per_page), window)
