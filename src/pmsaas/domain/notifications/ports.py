"""The notifications context's repositories, its view of who may receive, and its providers."""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pmsaas.domain.notifications.messages import AttemptResult, SendOutcome, WebhookMessage
from pmsaas.domain.notifications.model import (
    Channel,
    ChannelType,
    Notification,
    Preferences,
    Template,
    Webhook,
    WebhookDelivery,
)
from pmsaas.domain.notifications.notice_delivery import NoticeDelivery, Outcome
from pmsaas.domain.notifications.realtime import RealtimeMessage
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import UnitOfWork


@dataclass(frozen=True)
class InboxFilter:
    read: bool | None = None  # None: both
    type: str | None = None


class NotificationRepository(ABC):
    """Notifications are always read through their recipient: a user's inbox."""

    @abstractmethod
    async def add(self, notification: Notification) -> None: ...

    @abstractmethod
    async def add_absent(self, notifications: builtins.list[Notification]) -> builtins.list[Notification]:
        """Insert those whose id is not stored yet (ids derived from an event and a recipient make a
        second relay of the event a no-op); the ones inserted."""

    @abstractmethod
    async def get(self, organization_id: UUID, user_id: UUID, notification_id: UUID) -> Notification:
        """Raises NotFound for another organization's or another user's notification."""

    @abstractmethod
    async def update(self, notification: Notification) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, user_id: UUID, notification_id: UUID) -> None:
        """Raises NotFound as ``get`` does."""

    @abstractmethod
    async def list(
        self, organization_id: UUID, user_id: UUID, filters: InboxFilter, page: PageRequest
    ) -> Page[Notification]: ...

    @abstractmethod
    async def unread_count(self, organization_id: UUID, user_id: UUID) -> int: ...

    @abstractmethod
    async def mark_read(
        self,
        organization_id: UUID,
        user_id: UUID,
        ids: builtins.list[UUID] | None,
        at: datetime,
    ) -> int:
        """Marks the user's unread notifications among ``ids`` (all when None) read at ``at``; how many."""


class TemplateRepository(ABC):
    @abstractmethod
    async def add(self, template: Template) -> None:
        """Raises Conflict when the organization has a template of that name, channel and locale."""

    @abstractmethod
    async def get(self, organization_id: UUID, template_id: UUID) -> Template: ...

    @abstractmethod
    async def update(self, template: Template) -> None:
        """Raises Conflict as ``add`` does."""

    @abstractmethod
    async def delete(self, organization_id: UUID, template_id: UUID) -> None: ...

    @abstractmethod
    async def list(self, organization_id: UUID, page: PageRequest) -> Page[Template]: ...


class ChannelRepository(ABC):
    @abstractmethod
    async def add(self, channel: Channel) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, channel_id: UUID) -> Channel: ...

    @abstractmethod
    async def update(self, channel: Channel) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, channel_id: UUID) -> None: ...

    @abstractmethod
    async def active_of_type(self, organization_id: UUID, channel_type: ChannelType) -> Channel | None:
        """The organization's oldest active channel of that type (the one messages go through)."""

    @abstractmethod
    async def list(self, organization_id: UUID, page: PageRequest) -> Page[Channel]: ...


class PreferenceRepository(ABC):
    @abstractmethod
    async def get(self, organization_id: UUID, user_id: UUID) -> Preferences:
        """The saved preferences, or the defaults (``updated_at`` None) when none were saved."""

    @abstractmethod
    async def save(self, preferences: Preferences) -> None: ...


class WebhookRepository(ABC):
    @abstractmethod
    async def add(self, webhook: Webhook) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, webhook_id: UUID) -> Webhook: ...

    @abstractmethod
    async def update(self, webhook: Webhook) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, webhook_id: UUID) -> None:
        """Deletes the webhook and its delivery log; raises NotFound for another organization's."""

    @abstractmethod
    async def list(self, organization_id: UUID) -> list[Webhook]:
        """Oldest first."""

    @abstractmethod
    async def deliveries(self, organization_id: UUID, webhook_id: UUID, page: PageRequest) -> Page[WebhookDelivery]:
        """Newest first whatever ``page.sort_by`` says; raises NotFound for another organization's webhook."""


@dataclass(frozen=True)
class DueMessage:
    message: WebhookMessage
    webhook: Webhook


class WebhookMessageRepository(ABC):
    """Messages to deliver and their attempts. The relay and the delivery sweep work across
    organizations (as the outbox does); what a caller reaches is filtered by its organization."""

    @abstractmethod
    async def subscribed(self, organization_ids: builtins.set[UUID]) -> builtins.list[Webhook]:
        """The active webhooks of these organizations."""

    @abstractmethod
    async def add_new(self, messages: builtins.list[WebhookMessage]) -> int:
        """Inserts the messages, skipping a (webhook, event) already there; how many were new."""

    @abstractmethod
    async def claim_due(
        self, *, now: datetime, lease_until: datetime, limit: int, organization_id: UUID | None = None
    ) -> builtins.list[DueMessage]:
        """Pending messages (of one organization when given) of active webhooks due at ``now``, oldest
        due first, skipping those another worker holds; each counts an attempt and is not due again
        before ``lease_until`` (a worker that dies mid-attempt leaves it to be retried then)."""

    @abstractmethod
    async def claim(self, organization_id: UUID, message_id: UUID, *, lease_until: datetime) -> DueMessage:
        """The same for one message, due or not (a manual attempt); NotFound for another organization's."""

    @abstractmethod
    async def attempt(self, organization_id: UUID, webhook_id: UUID, delivery_id: UUID) -> WebhookDelivery:
        """One logged attempt of that webhook; NotFound for another organization's."""

    @abstractmethod
    async def record(self, results: builtins.list[tuple[WebhookMessage, AttemptResult]]) -> None:
        """Saves each message's new state and attempt row, and disables the webhooks the results say."""


class WebhookSender(ABC):
    """Sends one signed webhook request. Never raises for the receiver's failure: the outcome says it."""

    @abstractmethod
    async def send(self, url: str, body: bytes, headers: dict[str, str]) -> SendOutcome: ...


@dataclass(frozen=True)
class Recipient:
    user_id: UUID
    name: str
    email: str
    phone: str | None


class RecipientDirectory(ABC):
    """The organization's members, read from the identity context's tables."""

    @abstractmethod
    async def find(self, organization_id: UUID, user_ids: list[UUID]) -> dict[UUID, Recipient]:
        """The members among ``user_ids``; a user of another organization is simply absent."""

    @abstractmethod
    async def with_roles(self, organization_id: UUID, roles: frozenset[str]) -> list[Recipient]:
        """The members holding any of ``roles`` (owners and managers), oldest membership first."""

    @abstractmethod
    async def tenant_users(self, organization_id: UUID, tenant_ids: list[UUID]) -> dict[UUID, Recipient]:
        """The user signed in as each tenant profile (tenant id → user); tenants without one are absent."""


@dataclass(frozen=True)
class ProviderOutcome:
    delivered: bool
    detail: str
    provider_message_id: str | None = None
    retryable: bool = False  # not delivered, but a later attempt may be (rate limit, timeout, 5xx)


@dataclass(frozen=True)
class ProviderTemplate:
    """What a provider needs of the template a message was rendered from: WhatsApp sends an approved
    template by name with its parameters; Indian SMS carry the DLT ids registered for the text."""

    locale: str
    parameters: tuple[str, ...] = ()  # the variables' values in placeholder order
    whatsapp_name: str | None = None  # the template's name as approved at Meta
    dlt_template_id: str | None = None  # TRAI TCCCPR 2018 content template id


class MessageProvider(ABC):
    """Sends one message through a configured channel (SMS, WhatsApp, e-mail providers)."""

    @abstractmethod
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
        """Never raises for a provider's refusal: the outcome says what happened."""


class NoticeDeliveryRepository(ABC):
    """The event notices' outgoing messages (``notice_delivery.py``), across organizations like the
    outbox relay that writes them."""

    @abstractmethod
    async def add_absent(self, deliveries: builtins.list[NoticeDelivery]) -> builtins.list[UUID]:
        """Inserts those not there yet (by id: event, recipient, channel); the ids inserted."""

    @abstractmethod
    async def claim_due(
        self, *, now: datetime, lease_until: datetime, limit: int, ids: builtins.list[UUID] | None = None
    ) -> builtins.list[NoticeDelivery]:
        """Pending rows due at ``now`` (among ``ids`` when given), oldest due first, skipping those
        another worker holds; each counts an attempt and is not due again before ``lease_until``."""

    @abstractmethod
    async def record(self, outcomes: builtins.list[Outcome], *, at: datetime) -> None:
        """Saves each attempt's outcome: sent (at ``at``), pending again at its next time, or failed."""


class NotificationsUnitOfWork(UnitOfWork):
    notifications: NotificationRepository
    templates: TemplateRepository
    channels: ChannelRepository
    preferences: PreferenceRepository
    webhooks: WebhookRepository
    webhook_messages: WebhookMessageRepository
    notice_deliveries: NoticeDeliveryRepository
    recipients: RecipientDirectory


class RealtimeBroadcaster(ABC):
    """Real-time channels (SSE, WebSocket): hands a message to every open stream of its organization;
    each stream keeps what its viewer may see (``realtime.admits``). Fire and forget: nothing is
    stored beyond the short replay buffer that lets a reconnecting stream resume."""

    @abstractmethod
    async def broadcast(self, message: RealtimeMessage) -> None: ...


@dataclass(frozen=True, slots=True)
class RealtimeDelivery:
    """One message as a stream sends it: its resume cursor (SSE ``id``), ``type`` and ``data``."""

    cursor: str
    type: str
    data: dict[str, object]
    wire: bytes = b""  # ``{"type", "data"}`` as JSON, encoded once per message and process (not per stream)


class StreamTooSlow(Exception):
    """The stream's client fell behind by more than its backlog: it is dropped (it may reconnect and
    resume with Last-Event-ID), never buffered without bound."""


class RealtimeStream(ABC):
    @abstractmethod
    async def next(self, within: float) -> RealtimeDelivery | None:
        """The next message the viewer may see (replayed ones first), or None after ``within``
        seconds without one (time for a heartbeat). Raises StreamTooSlow."""


class RealtimeFeed(ABC):
    """Opens streams: one organization's messages that one viewer may see."""

    @abstractmethod
    def open(self, viewer: Actor, after: str | None) -> AbstractAsyncContextManager[RealtimeStream]:
        """A stream for ``viewer``; ``after`` (a Last-Event-ID) replays what followed it first."""
