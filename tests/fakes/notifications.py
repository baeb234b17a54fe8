"""In-memory adapters of the notifications context's ports: inboxes, templates, channels, preferences,
webhooks (both surfaces' store) and their delivery log, the recipients directory over the identity
rows, and a message provider that records what it was asked to send."""

from __future__ import annotations

import copy
from datetime import datetime
from uuid import UUID

from fakes.store import FakeDatabase, OrgTable, page_of
from pmsaas.domain.notifications.messages import AttemptResult, WebhookMessage
from pmsaas.domain.notifications.model import (
    Channel,
    ChannelType,
    Notification,
    Preferences,
    Template,
    Webhook,
    WebhookDelivery,
)
from pmsaas.domain.notifications.ports import (
    ChannelRepository,
    DueMessage,
    InboxFilter,
    MessageProvider,
    NotificationRepository,
    PreferenceRepository,
    ProviderOutcome,
    ProviderTemplate,
    Recipient,
    RecipientDirectory,
    TemplateRepository,
    WebhookMessageRepository,
    WebhookRepository,
)
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import JobArgument, JobQueue, check_job_arguments


class _OrgRows:
    """get/update/delete by (organization, id) over one ``OrgTable`` (hard deletes, as the SQL)."""

    noun = "row"
    table_name = ""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    @property
    def _table(self) -> OrgTable:  # type: ignore[type-arg]
        return getattr(self._db, self.table_name)

    async def add(self, row) -> None:  # type: ignore[no-untyped-def]
        self._table.put(row.organization_id, row.id, row)

    async def get(self, organization_id: UUID, row_id: UUID):  # type: ignore[no-untyped-def]
        found = self._table.find(organization_id, row_id)
        if found is None:
            raise NotFound(self.noun, row_id)
        return found

    async def update(self, row) -> None:  # type: ignore[no-untyped-def]
        if self._table.find(row.organization_id, row.id) is not None:
            self._table.put(row.organization_id, row.id, row)

    async def delete(self, organization_id: UUID, row_id: UUID) -> None:
        if self._table.rows.get(organization_id, {}).pop(row_id, None) is None:
            raise NotFound(self.noun, row_id)


class FakeNotificationRepository(NotificationRepository):
    SORTABLE = {"created_at": lambda n: n.created_at, "read_at": lambda n: n.read_at, "type": lambda n: n.type}

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _mine(self, organization_id: UUID, user_id: UUID) -> list[Notification]:
        return [n for n in self._db.notifications.of(organization_id) if n.user_id == user_id]

    async def add(self, notification: Notification) -> None:
        self._db.notifications.put(notification.organization_id, notification.id, notification)

    async def add_absent(self, notifications: list[Notification]) -> list[Notification]:
        fresh = [n for n in notifications if self._db.notifications.find(n.organization_id, n.id) is None]
        for n in fresh:
            await self.add(n)
        return fresh

    async def get(self, organization_id: UUID, user_id: UUID, notification_id: UUID) -> Notification:
        n = self._db.notifications.find(organization_id, notification_id)
        if n is None or n.user_id != user_id:
            raise NotFound("notification", notification_id)
        return n

    async def update(self, notification: Notification) -> None:
        stored = self._db.notifications.find(notification.organization_id, notification.id)
        if stored is not None and stored.user_id == notification.user_id:
            stored.read_at = notification.read_at  # the read state and the delivery record change (as the SQL)
            stored.data = dict(notification.data)
            self._db.notifications.put(stored.organization_id, stored.id, stored)

    async def delete(self, organization_id: UUID, user_id: UUID, notification_id: UUID) -> None:
        await self.get(organization_id, user_id, notification_id)
        del self._db.notifications.rows[organization_id][notification_id]

    async def list(
        self, organization_id: UUID, user_id: UUID, filters: InboxFilter, page: PageRequest
    ) -> Page[Notification]:
        found = [
            n
            for n in self._mine(organization_id, user_id)
            if (filters.read is None or n.read == filters.read) and (filters.type is None or n.type == filters.type)
        ]
        return page_of(found, page, self.SORTABLE, lambda n: n.id)

    async def unread_count(self, organization_id: UUID, user_id: UUID) -> int:
        return sum(1 for n in self._mine(organization_id, user_id) if not n.read)

    async def mark_read(self, organization_id: UUID, user_id: UUID, ids: list[UUID] | None, at: datetime) -> int:
        marked = 0
        for n in self._mine(organization_id, user_id):
            if not n.read and (ids is None or n.id in ids):
                n.read_at = at
                self._db.notifications.put(organization_id, n.id, n)
                marked += 1
        return marked


class FakeTemplateRepository(_OrgRows, TemplateRepository):
    noun, table_name = "template", "notification_templates"
    SORTABLE = {"created_at": lambda t: t.created_at, "updated_at": lambda t: t.updated_at, "name": lambda t: t.name}

    def _clash(self, t: Template) -> None:
        for other in self._table.of(t.organization_id):
            if other.id != t.id and (other.name, other.channel, other.locale) == (t.name, t.channel, t.locale):
                raise Conflict("the organization has a template of that name for this channel and locale")

    async def add(self, template: Template) -> None:
        self._clash(template)
        await super().add(template)

    async def update(self, template: Template) -> None:
        self._clash(template)
        await super().update(template)

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[Template]:
        return page_of(self._table.of(organization_id), page, self.SORTABLE, lambda t: t.id)


class FakeChannelRepository(_OrgRows, ChannelRepository):
    noun, table_name = "channel", "notification_channels"
    SORTABLE = {"created_at": lambda c: c.created_at, "updated_at": lambda c: c.updated_at, "name": lambda c: c.name}

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[Channel]:
        return page_of(self._table.of(organization_id), page, self.SORTABLE, lambda c: c.id)

    async def active_of_type(self, organization_id: UUID, channel_type: ChannelType) -> Channel | None:
        mine = [c for c in self._table.of(organization_id) if c.type is channel_type and c.active]
        return min(mine, key=lambda c: (c.created_at, c.id.int), default=None)


class FakePreferenceRepository(PreferenceRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def get(self, organization_id: UUID, user_id: UUID) -> Preferences:
        saved = self._db.notification_preferences.get((organization_id, user_id))
        return copy.deepcopy(saved) if saved is not None else Preferences(organization_id, user_id)

    async def save(self, preferences: Preferences) -> None:
        key = (preferences.organization_id, preferences.user_id)
        self._db.notification_preferences[key] = copy.deepcopy(preferences)


class FakeWebhookRepository(_OrgRows, WebhookRepository):
    noun, table_name = "webhook", "webhooks"

    async def delete(self, organization_id: UUID, webhook_id: UUID) -> None:
        await super().delete(organization_id, webhook_id)
        self._db.webhook_deliveries = [d for d in self._db.webhook_deliveries if d.webhook_id != webhook_id]

    async def list(self, organization_id: UUID) -> list[Webhook]:
        return sorted(self._table.of(organization_id), key=lambda w: (w.created_at, w.id))

    async def deliveries(self, organization_id: UUID, webhook_id: UUID, page: PageRequest) -> Page[WebhookDelivery]:
        await self.get(organization_id, webhook_id)
        found = [
            d for d in self._db.webhook_deliveries if (d.organization_id, d.webhook_id) == (organization_id, webhook_id)
        ]
        newest_first = PageRequest(page.page, page.page_size, "attempted_at", descending=True)
        return page_of(found, newest_first, {"attempted_at": lambda d: d.attempted_at}, lambda d: d.id)


class FakeWebhookMessageRepository(WebhookMessageRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def subscribed(self, organization_ids: set[UUID]) -> list[Webhook]:
        hooks = [copy.deepcopy(w) for org in organization_ids for w in self._db.webhooks.of(org) if w.active]
        return sorted(hooks, key=lambda w: (w.created_at, w.id))

    async def add_new(self, messages: list[WebhookMessage]) -> int:
        taken = {(m.webhook_id, m.event_id) for m in self._db.webhook_messages.values()}
        new = [m for m in messages if (m.webhook_id, m.event_id) not in taken]
        for m in new:
            self._db.webhook_messages[m.id] = copy.deepcopy(m)
        return len(new)

    def _lease(self, message: WebhookMessage, lease_until: datetime) -> DueMessage:
        message.attempts += 1
        message.next_attempt_at = lease_until
        webhook = self._db.webhooks.find(message.organization_id, message.webhook_id)
        return DueMessage(copy.deepcopy(message), copy.deepcopy(webhook))

    async def claim_due(
        self, *, now: datetime, lease_until: datetime, limit: int, organization_id: UUID | None = None
    ) -> list[DueMessage]:
        due = sorted(
            (
                m
                for m in self._db.webhook_messages.values()
                if m.status == "pending"
                and m.next_attempt_at is not None
                and m.next_attempt_at <= now
                and organization_id in (None, m.organization_id)
                and (w := self._db.webhooks.find(m.organization_id, m.webhook_id)) is not None
                and w.active
            ),
            key=lambda m: (m.next_attempt_at, m.created_at),
        )
        return [self._lease(m, lease_until) for m in due[:limit]]

    async def claim(self, organization_id: UUID, message_id: UUID, *, lease_until: datetime) -> DueMessage:
        m = self._db.webhook_messages.get(message_id)
        if m is None or m.organization_id != organization_id:
            raise NotFound("webhook message", message_id)
        return self._lease(m, lease_until)

    async def attempt(self, organization_id: UUID, webhook_id: UUID, delivery_id: UUID) -> WebhookDelivery:
        for d in self._db.webhook_deliveries:
            if (d.organization_id, d.webhook_id, d.id) == (organization_id, webhook_id, delivery_id):
                return d  # type: ignore[no-any-return]
        raise NotFound("webhook delivery", delivery_id)

    async def record(self, results: list[tuple[WebhookMessage, AttemptResult]]) -> None:
        for message, result in results:
            self._db.webhook_deliveries.append(result.delivery)
            stored = self._db.webhook_messages[message.id]
            stored.status, stored.next_attempt_at, stored.finished_at = (
                message.status, message.next_attempt_at, message.finished_at
            )  # fmt: skip
            if result.disable_reason is not None:
                webhook = self._db.webhooks.find(message.organization_id, message.webhook_id)
                if webhook is not None:
                    webhook.active, webhook.disabled_reason = False, result.disable_reason
                    self._db.webhooks.put(webhook.organization_id, webhook.id, webhook)


class FakeRecipientDirectory(RecipientDirectory):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def find(self, organization_id: UUID, user_ids: list[UUID]) -> dict[UUID, Recipient]:
        found: dict[UUID, Recipient] = {}
        for user_id in user_ids:
            user = self._db.users.get(user_id)
            if user is not None and (organization_id, user_id) in self._db.memberships:
                found[user_id] = Recipient(user_id, user.name, user.email, user.phone)
        return found

    async def with_roles(self, organization_id: UUID, roles: frozenset[str]) -> list[Recipient]:
        ids = [u for (org, u), m in self._db.memberships.items() if org == organization_id and roles & set(m.roles)]
        return list((await self.find(organization_id, ids)).values())

    async def tenant_users(self, organization_id: UUID, tenant_ids: list[UUID]) -> dict[UUID, Recipient]:
        by_tenant = {
            m.tenant_profile_id: u
            for (org, u), m in self._db.memberships.items()
            if org == organization_id and m.tenant_profile_id in tenant_ids
        }
        found = await self.find(organization_id, list(by_tenant.values()))
        return {t: found[u] for t, u in by_tenant.items() if u in found}


class FakeMessageProvider(MessageProvider):
    """Records each message; ``refuse`` makes the provider answer as a failing one would."""

    def __init__(self, refuse: str | None = None) -> None:
        self.sent: list[dict[str, object]] = []
        self.refuse = refuse

    async def send(
        self,
        *,
        channel_type: ChannelType,
        provider: str,
        config: dict[str, str],
        secrets: dict[str, str],
        to: str,
        text: str,
        template: ProviderTemplate | None = None,
    ) -> ProviderOutcome:
        if self.refuse:
            return ProviderOutcome(delivered=False, detail=self.refuse)
        self.sent.append({"type": channel_type, "provider": provider, "secrets": secrets, "to": to, "text": text})
        return ProviderOutcome(delivered=True, detail="recorded", provider_message_id=f"fake-{len(self.sent)}")


class RecordingJobQueue(JobQueue):
    """Keeps what was enqueued (name, job id, delay, arguments) instead of running it."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, str, float, dict[str, object]]] = []

    async def enqueue(self, name: str, *, job_id: str, defer_seconds: float = 0, **kwargs: JobArgument) -> bool:
        check_job_arguments(kwargs)
        self.jobs.append((name, job_id, defer_seconds, dict(kwargs)))
        return True
