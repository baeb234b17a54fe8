"""The notifications context: in-app notifications, message templates, delivery channels, each
user's preferences, and the webhook endpoints events go out to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from pmsaas.domain.shared.ids import new_id


class ChannelType(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"


# What a user receives when they have never set a preference (the ticketing surface's users show
# the same: e-mail on, SMS off).
DEFAULT_CHANNELS: dict[ChannelType, bool] = {
    ChannelType.IN_APP: True,
    ChannelType.EMAIL: True,
    ChannelType.SMS: False,
    ChannelType.WHATSAPP: False,
}


@dataclass(eq=False)
class Notification:
    """One message in a user's inbox. Its content is fixed once sent; the recipient owns its read state."""

    organization_id: UUID
    user_id: UUID
    type: str  # the event or category it is about: "invoice.created", "maintenance", "announcement"
    title: str
    body: str
    created_at: datetime
    channel: ChannelType = ChannelType.IN_APP
    data: dict[str, Any] = field(default_factory=dict)
    read_at: datetime | None = None
    created_by: UUID | None = None
    template_id: UUID | None = None
    id: UUID = field(default_factory=new_id)

    @property
    def read(self) -> bool:
        return self.read_at is not None

    def mark_read(self, at: datetime) -> None:
        if self.read_at is None:
            self.read_at = at

    def mark_unread(self) -> None:
        self.read_at = None


@dataclass(eq=False)
class Template:
    """A message with ``{{variable}}`` placeholders, for one channel and locale."""

    organization_id: UUID
    name: str
    channel: ChannelType
    locale: str
    subject: str | None
    body: str
    created_at: datetime
    updated_at: datetime
    event_type: str | None = None  # which preference governs it ("invoice.created"); None: always sent
    active: bool = True
    dlt_template_id: str | None = None  # Indian SMS: the content template id registered on DLT
    whatsapp_name: str | None = None  # WhatsApp: the approved template's name at Meta
    id: UUID = field(default_factory=new_id)


@dataclass(eq=False)
class Channel:
    """A configured provider for one channel type. Secrets are kept sealed and never shown."""

    organization_id: UUID
    name: str
    type: ChannelType
    provider: str  # "console", "smtp", "sendgrid", "twilio", "meta" ...
    config: dict[str, str]
    secrets_sealed: dict[str, str]  # name -> ciphertext from the SecretBox
    created_at: datetime
    updated_at: datetime
    active: bool = True
    id: UUID = field(default_factory=new_id)


@dataclass(frozen=True)
class QuietHours:
    """A daily window, in the user's zone, when SMS and WhatsApp wait (e-mail and in-app do not).
    ``start`` after ``end`` spans midnight (22:00-07:00)."""

    start: time
    end: time
    timezone: str

    def ends_after(self, at: datetime) -> datetime | None:
        """When the quiet window holding ``at`` ends (UTC), or None if ``at`` is not in one."""
        zone = ZoneInfo(self.timezone)
        local = at.astimezone(zone)
        now = local.time().replace(tzinfo=None)
        if self.start < self.end:
            inside = self.start <= now < self.end
            end_day = local.date()
        else:  # across midnight
            inside = now >= self.start or now < self.end
            end_day = local.date() + timedelta(days=1) if now >= self.start else local.date()
        if not inside:
            return None
        # Wall-clock end in the zone (a DST gap moves it by the gap, which is fine for a reminder).
        return datetime.combine(end_day, self.end, tzinfo=zone).astimezone(at.tzinfo)


@dataclass(eq=False)
class Preferences:
    """One user's choices in one organization: a switch per channel, overrides per event type."""

    organization_id: UUID
    user_id: UUID
    channels: dict[ChannelType, bool] = field(default_factory=lambda: dict(DEFAULT_CHANNELS))
    events: dict[str, dict[ChannelType, bool]] = field(default_factory=dict)
    quiet_hours: QuietHours | None = None
    updated_at: datetime | None = None  # None: never saved, the defaults

    def allows(self, channel: ChannelType, event_type: str | None) -> bool:
        override = self.events.get(event_type, {}) if event_type else {}
        if channel in override:
            return override[channel]
        return self.channels.get(channel, DEFAULT_CHANNELS[channel])


# -- webhooks -------------------------------------------------------------------------------

# The platform seed's events, then the ticketing seed's: one list for both surfaces.
PLATFORM_EVENTS = (
    "property.created",
    "property.updated",
    "property.deleted",
    "tenant.created",
    "tenant.updated",
    "tenant.deleted",
    "invoice.created",
    "invoice.paid",
    "maintenance.created",
    "maintenance.completed",
    "payment.received",
    "payment.failed",
)
TICKET_EVENTS = ("ticket.created", "ticket.updated", "ticket.resolved")
WEBHOOK_EVENTS = PLATFORM_EVENTS + TICKET_EVENTS


@dataclass(eq=False)
class Webhook:
    """An endpoint the organization's events are delivered to, registered on either surface."""

    organization_id: UUID
    url: str
    events: tuple[str, ...]
    secret_sealed: str  # the signing secret, encrypted by a SecretBox: needed in clear to sign
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    active: bool = True
    id: UUID = field(default_factory=new_id)
    # Rotation: the replaced secret still signs (a second signature) until it expires.
    previous_secret_sealed: str | None = None
    previous_secret_expires_at: datetime | None = None
    disabled_reason: str | None = None  # set when delivery disabled the webhook by itself


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to deliver one event to one webhook (written by the delivery worker)."""

    organization_id: UUID
    webhook_id: UUID
    event_id: UUID
    event: str
    attempt: int
    attempted_at: datetime
    status_code: int | None
    succeeded: bool
    error: str | None = None
    duration_ms: int | None = None
    id: UUID = field(default_factory=new_id)
    message_id: UUID | None = None  # the message this attempt delivered (its retries share it)
