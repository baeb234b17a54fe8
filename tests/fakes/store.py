"""The rows behind the fakes: one table per aggregate, keyed by organization, with soft deletes."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import ReadOnlyUnitOfWorkWrite

T = TypeVar("T")


class OrgTable(Generic[T]):
    """Rows of one organization live under that organization's key: a read with another
    organization's id cannot reach them, as the SQL adapters' ``WHERE organization_id = ...``."""

    def __init__(self) -> None:
        self.rows: dict[UUID, dict[UUID, T]] = {}
        self.deleted_at: dict[UUID, datetime] = {}

    def put(self, organization_id: UUID, row_id: UUID, row: T) -> None:
        self.rows.setdefault(organization_id, {})[row_id] = copy.deepcopy(row)

    def find(self, organization_id: UUID, row_id: UUID, *, live: bool = True) -> T | None:
        row = self.rows.get(organization_id, {}).get(row_id)
        if row is None or (live and row_id in self.deleted_at):
            return None
        return copy.deepcopy(row)

    def of(self, organization_id: UUID, *, live: bool = True) -> list[T]:
        """Copies of the organization's rows, in insertion order (callers sort)."""
        return [
            copy.deepcopy(row)
            for row_id, row in self.rows.get(organization_id, {}).items()
            if not (live and row_id in self.deleted_at)
        ]

    def everywhere(self) -> Iterable[tuple[UUID, T]]:
        for org, rows in self.rows.items():
            for row_id, row in rows.items():
                if row_id not in self.deleted_at:
                    yield org, row

    def soft_delete(self, organization_id: UUID, row_id: UUID, at: datetime) -> bool:
        if self.find(organization_id, row_id) is None:
            return False
        self.deleted_at[row_id] = at
        return True

    def remove(self, organization_id: UUID, row_id: UUID) -> bool:
        """A hard delete (a table without tombstones): False when the organization has no such row."""
        return self.rows.get(organization_id, {}).pop(row_id, None) is not None


@dataclass
class FakeDatabase:
    """Every table the fakes share; one instance is one database (units of work over it see each
    other's committed writes)."""

    organizations: dict[UUID, Any] = field(default_factory=dict)  # id -> Organization
    organizations_deleted: dict[UUID, datetime] = field(default_factory=dict)
    users: dict[UUID, Any] = field(default_factory=dict)  # id -> User
    memberships: dict[tuple[UUID, UUID], Any] = field(default_factory=dict)  # (org, user) -> Membership
    refresh_tokens: dict[str, Any] = field(default_factory=dict)  # token hash -> RefreshRecord
    action_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)  # token hash -> row
    revoked_access: dict[str, datetime] = field(default_factory=dict)  # jti -> expires_at
    invitations: dict[str, Any] = field(default_factory=dict)  # token hash -> Invitation
    access_versions: dict[tuple[UUID, UUID], int] = field(default_factory=dict)  # (user, org or nil) -> version
    api_keys: OrgTable[Any] = field(default_factory=OrgTable)
    custom_roles: OrgTable[Any] = field(default_factory=OrgTable)
    mfa_factors: dict[UUID, Any] = field(default_factory=dict)  # user id -> MfaFactor
    oauth_clients: OrgTable[Any] = field(default_factory=OrgTable)
    oauth_codes: dict[str, Any] = field(default_factory=dict)  # code hash -> AuthorizationCode
    oauth_refresh_tokens: dict[str, Any] = field(default_factory=dict)  # token hash -> OAuthRefreshToken
    audit_events: list[Any] = field(default_factory=list)  # AuditEvent, append-only
    properties: OrgTable[Any] = field(default_factory=OrgTable)
    units: OrgTable[Any] = field(default_factory=OrgTable)
    tenants: OrgTable[Any] = field(default_factory=OrgTable)
    leases: OrgTable[Any] = field(default_factory=OrgTable)
    tickets: OrgTable[Any] = field(default_factory=OrgTable)
    ticket_updates: list[Any] = field(default_factory=list)  # TicketUpdate, in insertion order
    ticket_comments: list[Any] = field(default_factory=list)  # Comment
    ticket_attachments: list[Any] = field(default_factory=list)  # Attachment
    ticket_categories: dict[tuple[UUID, str], datetime] = field(default_factory=dict)  # (org, name) -> added at
    vendors: OrgTable[Any] = field(default_factory=OrgTable)
    work_orders: OrgTable[Any] = field(default_factory=OrgTable)
    expenses: OrgTable[Any] = field(default_factory=OrgTable)
    invoices: OrgTable[Any] = field(default_factory=OrgTable)  # Invoice, its lines inside
    credit_notes: OrgTable[Any] = field(default_factory=OrgTable)  # CreditNote, its lines inside
    payments: OrgTable[Any] = field(default_factory=OrgTable)  # Payment, its allocations inside
    refunds: OrgTable[Any] = field(default_factory=OrgTable)
    gateway_events: dict[tuple[str, str], datetime] = field(default_factory=dict)  # (gateway, event id) -> seen at
    journal: OrgTable[Any] = field(default_factory=OrgTable)  # JournalEntry, in posting order
    number_sequences: dict[tuple[UUID, str, str], int] = field(default_factory=dict)  # (org, series, year) -> last
    budgets: OrgTable[Any] = field(default_factory=OrgTable)  # Budget, its categories inside
    # (org, source type, source id) -> (writing order, TdsDeduction): a payment's or expense's TDS record
    tds_records: dict[tuple[UUID, str, UUID], Any] = field(default_factory=dict)
    payment_methods: OrgTable[Any] = field(default_factory=OrgTable)  # PaymentMethodRecord
    notifications: OrgTable[Any] = field(default_factory=OrgTable)
    notification_templates: OrgTable[Any] = field(default_factory=OrgTable)
    notification_channels: OrgTable[Any] = field(default_factory=OrgTable)
    notification_preferences: dict[tuple[UUID, UUID], Any] = field(default_factory=dict)  # (org, user) -> Preferences
    webhooks: OrgTable[Any] = field(default_factory=OrgTable)  # both surfaces' webhooks
    webhook_deliveries: list[Any] = field(default_factory=list)  # WebhookDelivery
    webhook_messages: dict[UUID, Any] = field(default_factory=dict)  # id -> WebhookMessage
    outbox: list[DomainEvent] = field(default_factory=list)  # events of committed units of work
    subscriptions: dict[UUID, Any] = field(default_factory=dict)  # organization id -> Subscription
    subscription_invoices: OrgTable[Any] = field(default_factory=OrgTable)
    organization_domains: OrgTable[Any] = field(default_factory=OrgTable)
    community_events: OrgTable[Any] = field(default_factory=OrgTable)
    # (event, user) -> (organization, Registration, reminded_at)
    event_registrations: dict[tuple[UUID, UUID], Any] = field(default_factory=dict)
    marketplace_listings: OrgTable[Any] = field(default_factory=OrgTable)
    marketplace_contacts: dict[tuple[UUID, UUID, UUID], datetime] = field(default_factory=dict)  # (org, listing, buyer)
    marketplace_images: list[Any] = field(default_factory=list)  # ListingImage

    _TABLES = (
        "organizations",
        "organizations_deleted",
        "users",
        "memberships",
        "refresh_tokens",
        "action_tokens",
        "revoked_access",
        "access_versions",
        "invitations",
        "api_keys",
        "custom_roles",
        "mfa_factors",
        "oauth_clients",
        "oauth_codes",
        "oauth_refresh_tokens",
        "audit_events",
        "properties",
        "units",
        "tenants",
        "leases",
        "tickets",
        "ticket_updates",
        "ticket_comments",
        "ticket_attachments",
        "ticket_categories",
        "vendors",
        "work_orders",
        "expenses",
        "invoices",
        "payments",
        "refunds",
        "gateway_events",
        "journal",
        "number_sequences",
        "budgets",
        "tds_records",
        "payment_methods",
        "notifications",
        "notification_templates",
        "notification_channels",
        "notification_preferences",
        "webhooks",
        "webhook_deliveries",
        "webhook_messages",
        "outbox",
        "subscriptions",
        "subscription_invoices",
        "organization_domains",
        "community_events",
        "event_registrations",
        "marketplace_listings",
        "marketplace_contacts",
        "marketplace_images",
    )

    def snapshot(self) -> dict[str, Any]:
        return {name: copy.deepcopy(getattr(self, name)) for name in self._TABLES}

    def restore(self, snapshot: dict[str, Any]) -> None:
        for name, value in snapshot.items():
            setattr(self, name, value)

    def read_only_view(self) -> FakeDatabase:
        """The same tables, live (every read sees what is there now, as a read-only unit of work sees
        committed rows), refusing every write with ``ReadOnlyUnitOfWorkWrite``, as the database
        refuses a write through the SQL read-only unit of work."""
        return FakeDatabase(**{name: _read_only(getattr(self, name)) for name in self._TABLES})


_REFUSED = "a read-only unit of work cannot write"


class _ReadOnlyTable(OrgTable[T]):
    def __init__(self, live: OrgTable[T]) -> None:
        self.rows, self.deleted_at = live.rows, live.deleted_at

    def put(self, organization_id: UUID, row_id: UUID, row: T) -> None:
        raise ReadOnlyUnitOfWorkWrite(_REFUSED)

    def soft_delete(self, organization_id: UUID, row_id: UUID, at: datetime) -> bool:
        raise ReadOnlyUnitOfWorkWrite(_REFUSED)

    def remove(self, organization_id: UUID, row_id: UUID) -> bool:
        raise ReadOnlyUnitOfWorkWrite(_REFUSED)


class _ReadOnlyMapping(MutableMapping[Any, Any]):
    """A dict table, read through; ``pop``, ``setdefault`` and ``update`` go through the refused methods."""

    def __init__(self, live: dict[Any, Any]) -> None:
        self._live = live

    def __getitem__(self, key: Any) -> Any:
        return self._live[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._live)

    def __len__(self) -> int:
        return len(self._live)

    def __setitem__(self, key: Any, value: Any) -> None:
        raise ReadOnlyUnitOfWorkWrite(_REFUSED)

    def __delitem__(self, key: Any) -> None:
        raise ReadOnlyUnitOfWorkWrite(_REFUSED)


class _ReadOnlyList(Sequence[Any]):
    def __init__(self, live: list[Any]) -> None:
        self._live = live

    def __getitem__(self, index: Any) -> Any:
        return self._live[index]

    def __len__(self) -> int:
        return len(self._live)


def _read_only(table: Any) -> Any:
    if isinstance(table, OrgTable):
        return _ReadOnlyTable(table)
    return _ReadOnlyMapping(table) if isinstance(table, dict) else _ReadOnlyList(table)


def page_of(
    items: list[T], page: PageRequest, sortable: dict[str, Callable[[T], Any]], row_id: Callable[[T], UUID]
) -> Page[T]:
    """Sort (ties broken by id, as the SQL ``page_of``), then slice; ``None`` sorts first ascending
    (SQLite's order; a port that lets callers sort on a nullable column should say which)."""
    key = sortable[page.sort_by]
    ordered = sorted(items, key=lambda x: (_nulls_first(key(x)), row_id(x)), reverse=page.descending)
    chunk = ordered[page.offset : page.offset + page.page_size]
    return Page(items=chunk, total=len(items), page=page.page, page_size=page.page_size)


def _nulls_first(value: Any) -> tuple[int, Any]:
    return (0, 0) if value is None else (1, value)


def created_in(created_at: datetime, after: datetime | None, before: datetime | None) -> bool:
    return (after is None or created_at >= after) and (before is None or created_at <= before)


def contains(haystack: str | None, needle: str) -> bool:
    """A case-insensitive substring match (ILIKE '%needle%')."""
    return haystack is not None and needle.casefold() in haystack.casefold()
