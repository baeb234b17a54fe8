"""/api/v1/identity/audit-events: the organization's audit log, for its owners (``org:audit``).

Filters: ``action``, ``actor_id``, ``from`` and ``to`` (ISO 8601 dates or date-times; a date ``to``
includes that whole day, UTC). ``format=csv`` answers the matching entries as a CSV file (at most
``MAX_EXPORT`` rows, oldest first) instead of the paginated envelope."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Response, get
from litestar.di import Provide
from litestar.params import FromQuery, QueryParameter

from pmsaas.domain.identity.audit_events import MAX_EXPORT, list_audit_events
from pmsaas.domain.identity.ports import AuditEventFilter
from pmsaas.domain.shared.audit import AuditEvent
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.paging import PageRequest
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Listing
from pmsaas.entrypoints.http.envelope import Paginated, paginated
from pmsaas.entrypoints.http.pagination import list_query

WhenText = Annotated[str, msgspec.Meta(max_length=40)]
From = Annotated[WhenText | None, QueryParameter(name="from")]


class AuditEventOut(msgspec.Struct, kw_only=True):
    id: UUID
    occurred_at: datetime
    action: str
    actor_id: UUID | None
    actor_api_key_id: UUID | None
    target_type: str
    target_id: str | None
    target_label: str | None
    ip: str | None
    user_agent: str | None
    request_id: str | None
    details: dict[str, str]

    @classmethod
    def of(cls, e: AuditEvent) -> AuditEventOut:
        return cls(
            id=e.id,
            occurred_at=e.occurred_at,
            action=e.action,
            actor_id=e.actor_user_id,
            actor_api_key_id=e.actor_api_key_id,
            target_type=e.target.kind,
            target_id=e.target.id,
            target_label=e.target.label,
            ip=e.request.ip,
            user_agent=e.request.user_agent,
            request_id=e.request.request_id,
            details=dict(e.details),
        )


def _moment(raw: str | None, field: str, *, end: bool) -> datetime | None:
    """A date or date-time; a date ``to`` ends after that day (the filter's upper bound is exclusive)."""
    if raw is None:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime.combine(day + timedelta(days=1) if end else day, time(), UTC)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed.single(field, "must be an ISO 8601 date or date-time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_CSV_COLUMNS = (
    "occurred_at",
    "action",
    "actor_id",
    "actor_api_key_id",
    "target_type",
    "target_id",
    "target_label",
    "ip",
    "user_agent",
    "request_id",
    "details",
)


def _cell(value: object) -> str:
    """Text a spreadsheet shows as text: a cell starting with = + - @ (a user agent is the caller's
    to choose) is prefixed with a quote, so it is never run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _as_csv(events: list[AuditEvent]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_CSV_COLUMNS)
    for e in events:
        o = AuditEventOut.of(e)
        details = " ".join(f"{k}={v}" for k, v in sorted(o.details.items()))
        row = [o.occurred_at.isoformat(), o.action, o.actor_id, o.actor_api_key_id, o.target_type, o.target_id]
        writer.writerow([_cell(v) for v in (*row, o.target_label, o.ip, o.user_agent, o.request_id, details)])
    return out.getvalue()


class AuditEventController(Controller):
    path = "/api/v1/identity/audit-events"
    tags = ["Identity"]
    dependencies = {"listing": Provide(list_query(("occurred_at",), "occurred_at"))}

    @get("/", guards=[requires("org:audit")], summary="The organization's audit log (owners), JSON or CSV")
    async def list_events(
        self,
        listing: Listing,
        action: Annotated[str | None, QueryParameter(max_length=64)] = None,
        actor_id: FromQuery[UUID | None] = None,
        from_: From = None,
        to: FromQuery[WhenText | None] = None,
        format: FromQuery[Literal["json", "csv"]] = "json",
    ) -> Paginated[AuditEventOut]:
        # The document names the JSON page; ``format=csv`` answers text/csv through a Response, which
        # Litestar sends as it is (a union with it would document a oneOf that a JSON page matches twice).
        ctx = listing.ctx
        filters = AuditEventFilter(
            action=action,
            actor_user_id=actor_id,
            occurred_from=_moment(from_, "from", end=False),
            occurred_to=_moment(to, "to", end=True),
        )
        if format == "csv":
            page = await list_audit_events(
                uow=ctx.uow(), actor=ctx.actor, filters=filters, page=PageRequest(1, MAX_EXPORT, "occurred_at")
            )
            csv_answer: Any = Response(
                _as_csv(page.items),
                media_type="text/csv",
                headers={"Content-Disposition": 'attachment; filename="audit-events.csv"'},
            )
            return csv_answer  # type: ignore[no-any-return]  # a Response is sent as is (see above)
        page = await list_audit_events(uow=ctx.uow(), actor=ctx.actor, filters=filters, page=listing.page)
        return paginated(page, [AuditEventOut.of(e) for e in page.items])
