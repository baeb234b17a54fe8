"""Common list parameters (docs/api-contract.md §2): page, page_size, sort_by, sort_order, created range."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.paging import PageRequest
from pmsaas.entrypoints.http.cursor import decode_cursor


@dataclass(frozen=True)
class ListQuery:
    """A list endpoint's one dependency: its list parameters, and the request's context (``ctx``,
    deps.RequestContext), so a list handler has a single dependency to resolve."""

    page: PageRequest
    created_after: datetime | None
    created_before: datetime | None
    ctx: Any = None


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def list_query(sortable: tuple[str, ...], default_sort: str = "created_at") -> Callable[..., Any]:
    """A dependency for one resource's list endpoint; ``sort_by`` outside ``sortable`` → 422."""

    async def provide(
        ctx: NamedDependency[Any],
        page: Annotated[int, QueryParameter(ge=1, le=1_000_000, description="Page number, from 1")] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100, description="Items per page (1-100)")] = 20,
        sort_by: Annotated[str | None, QueryParameter(description=f"One of: {', '.join(sortable)}")] = None,
        sort_order: Annotated[Literal["asc", "desc"], QueryParameter(description="asc or desc")] = "asc",
        created_after: Annotated[datetime | None, QueryParameter(description="ISO 8601")] = None,
        created_before: Annotated[datetime | None, QueryParameter(description="ISO 8601")] = None,
        cursor: Annotated[
            str | None,
            QueryParameter(
                max_length=512, description="meta.pagination.next_cursor of the previous page; page is then ignored"
            ),
        ] = None,
    ) -> ListQuery:
        field = sort_by or default_sort
        if field not in sortable:
            raise ValidationFailed.single("sort_by", f"must be one of: {', '.join(sortable)}")
        after, before = _aware(created_after), _aware(created_before)
        if after and before and after > before:
            raise ValidationFailed.single("created_after", "must not be later than created_before")
        descending = sort_order == "desc"
        position = decode_cursor(cursor, field, descending) if cursor is not None else None
        return ListQuery(
            page=PageRequest(page=page, page_size=page_size, sort_by=field, descending=descending, after=position),
            created_after=after,
            created_before=before,
            ctx=ctx,
        )

    return provide


@dataclass(frozen=True)
class Paging:
    """A whole-collection endpoint's one dependency: ``page`` and ``page_size``, and the request's
    context (``ctx``), as ``ListQuery`` carries it."""

    page: PageRequest
    ctx: Any = None


def provide_paging(
    ctx: NamedDependency[Any],
    page: Annotated[int, QueryParameter(ge=1, le=1_000_000, description="Page number, from 1")] = 1,
    page_size: Annotated[int, QueryParameter(ge=1, le=100, description="Items per page (1-100)")] = 20,
) -> Paging:
    return Paging(PageRequest(page=page, page_size=page_size), ctx)


# For a small collection read whole (a budget's categories, a request's history): ``page`` and
# ``page_size`` only, so it answers in the list envelope like every other list (envelope.paginated_all).
PAGING = {"paging": Provide(provide_paging, sync_to_thread=False)}
