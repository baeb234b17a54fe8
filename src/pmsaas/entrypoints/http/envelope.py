"""The two response envelopes (docs/api-contract.md §2 platform, §3 ticketing)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import msgspec

from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.entrypoints.http.context import request_id_var
from pmsaas.entrypoints.http.cursor import encode_cursor

T = TypeVar("T")
API_VERSION = "1.0.0"


def utc_timestamp(at: datetime | None = None) -> str:
    return (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Pagination(msgspec.Struct, kw_only=True):
    page: int
    page_size: int
    total_count: int
    total_pages: int
    has_next: bool
    has_previous: bool
    # Lists that can continue by keyset: the ``cursor`` of the next page, null on the last one.
    next_cursor: str | msgspec.UnsetType | None = msgspec.UNSET


class Meta(msgspec.Struct, kw_only=True):
    timestamp: str
    request_id: str
    version: str = API_VERSION
    pagination: Pagination | msgspec.UnsetType = msgspec.UNSET  # lists only


class Ok(msgspec.Struct, Generic[T], kw_only=True):
    success: bool = True
    data: T
    meta: Meta


class Paginated(msgspec.Struct, Generic[T], kw_only=True):
    success: bool = True
    data: list[T]
    meta: Meta


class ErrorDetail(msgspec.Struct, kw_only=True):
    field: str
    message: str


class ErrorBody(msgspec.Struct, kw_only=True):
    code: str
    message: str
    details: list[ErrorDetail] = msgspec.field(default_factory=list)
    retry_after: int | msgspec.UnsetType = msgspec.UNSET  # only on 429


class ErrorMeta(msgspec.Struct, kw_only=True):
    timestamp: str
    request_id: str
    correlation_id: str


class ErrorResponse(msgspec.Struct, kw_only=True):
    success: bool = False
    error: ErrorBody
    meta: ErrorMeta


def meta() -> Meta:
    return Meta(timestamp=utc_timestamp(), request_id=request_id_var.get())


def ok(data: T) -> Ok[T]:
    return Ok(data=data, meta=meta())


def paginated(page: Page[Any], items: list[T]) -> Paginated[T]:
    total_pages = math.ceil(page.total / page.page_size) if page.total else 0
    request = page.request
    has_next, has_previous = page.page < total_pages, page.page > 1
    next_cursor: str | msgspec.UnsetType | None = msgspec.UNSET
    if request is not None:  # a keyset-capable list
        after = page.next_after
        next_cursor = encode_cursor(request.sort_by, request.descending, after) if after is not None else None
        if request.after is not None:  # walking by cursor: page is ignored
            has_next, has_previous = after is not None, True
    return Paginated(
        data=items,
        meta=Meta(
            timestamp=utc_timestamp(),
            request_id=request_id_var.get(),
            pagination=Pagination(
                page=page.page,
                page_size=page.page_size,
                total_count=page.total,
                total_pages=total_pages,
                has_next=has_next,
                has_previous=has_previous,
                next_cursor=next_cursor,
            ),
        ),
    )


def error_response(
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    retry_after: int | None = None,
    *,
    request_id: str | None = None,
) -> ErrorResponse:
    rid = request_id or request_id_var.get()
    return ErrorResponse(
        error=ErrorBody(
            code=code,
            message=message,
            details=details or [],
            retry_after=msgspec.UNSET if retry_after is None else retry_after,
        ),
        meta=ErrorMeta(timestamp=utc_timestamp(), request_id=rid, correlation_id=rid),
    )


# -- ticketing surface (seed 002) -----------------------------------------------------------


class TicketingLinks(msgspec.Struct, kw_only=True):
    next: str | None = None
    prev: str | None = None


class TicketingPagination(msgspec.Struct, kw_only=True):
    total: int
    count: int
    per_page: int
    current_page: int
    total_pages: int
    links: TicketingLinks
    next_cursor: str | msgspec.UnsetType | None = msgspec.UNSET  # the ``cursor`` of the next page


class TicketingMeta(msgspec.Struct, kw_only=True, omit_defaults=True):
    pagination: TicketingPagination | None = None
    request_id: str | None = None


class TicketingOk(msgspec.Struct, Generic[T], kw_only=True):
    status: str = "success"
    data: T
    meta: TicketingMeta = msgspec.field(default_factory=TicketingMeta)


class TicketingError(msgspec.Struct, kw_only=True):
    code: str
    message: str
    details: dict[str, list[str]] = msgspec.field(default_factory=dict)


class TicketingErrorResponse(msgspec.Struct, kw_only=True):
    status: str = "error"
    error: TicketingError


def paginated_all(items: list[T], paging: PageRequest) -> Paginated[T]:
    """One page of a collection read whole (bounded: one aggregate's children, an organization's settings)."""
    window = items[paging.offset : paging.offset + paging.page_size]
    return paginated(Page(items=window, total=len(items), page=paging.page, page_size=paging.page_size), window)
