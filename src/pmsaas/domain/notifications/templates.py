"""Message templates: CRUD, and ``send``, which renders one for each recipient and delivers it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from pmsaas.domain.notifications import rendering
from pmsaas.domain.notifications.inbox import notification_created
from pmsaas.domain.notifications.model import ChannelType, Notification, Template
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork, Recipient
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, ValidationFailed
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import EmailMessage, EmailSender

MANAGE = "notification:manage"
MAX_RECIPIENTS = 100


@dataclass(frozen=True)
class TemplateInput:
    name: str
    channel: ChannelType
    locale: str
    subject: str | None
    body: str
    event_type: str | None = None
    active: bool = True


def _checked(data: TemplateInput) -> TemplateInput:
    rendering.placeholders(data.body, "body")
    if data.subject is not None:
        rendering.placeholders(data.subject, "subject")
    if data.channel is ChannelType.EMAIL and not data.subject:
        raise ValidationFailed.single("subject", "an e-mail template needs a subject")
    return data


async def create_template(*, uow: NotificationsUnitOfWork, clock: Clock, actor: Actor, data: TemplateInput) -> Template:
    actor.require(MANAGE)
    _checked(data)
    now = clock.now()
    t = Template(organization_id=actor.org, created_at=now, updated_at=now, **vars(data))
    async with uow:
        await uow.templates.add(t)
        await uow.commit()
    return t


async def update_template(
    *, uow: NotificationsUnitOfWork, clock: Clock, actor: Actor, template_id: UUID, data: TemplateInput
) -> Template:
    actor.require(MANAGE)
    _checked(data)
    async with uow:
        t = await uow.templates.get(actor.org, template_id)
        for name, value in vars(data).items():
            setattr(t, name, value)
        t.updated_at = clock.now()
        await uow.templates.update(t)
        await uow.commit()
    return t


async def get_template(*, uow: NotificationsUnitOfWork, actor: Actor, template_id: UUID) -> Template:
    actor.require(MANAGE)
    async with uow:
        return await uow.templates.get(actor.org, template_id)


async def list_templates(*, uow: NotificationsUnitOfWork, actor: Actor, page: PageRequest) -> Page[Template]:
    actor.require(MANAGE)
    async with uow:
        return await uow.templates.list(actor.org, page)


async def delete_template(*, uow: NotificationsUnitOfWork, actor: Actor, template_id: UUID) -> None:
    actor.require(MANAGE)
    async with uow:
        await uow.templates.delete(actor.org, template_id)
        await uow.commit()


# -- sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """What a send did for one recipient on one channel."""

    user_id: UUID
    channel: ChannelType
    status: str  # "created" (in-app), "queued" (e-mail handed over), "pending" (awaits a provider), "opted_out"
    notification_id: UUID | None = None


async def send_template(
    *,
    uow: NotificationsUnitOfWork,
    clock: Clock,
    actor: Actor,
    mailer: EmailSender,
    template_id: UUID,
    recipients: list[UUID],
    variables: dict[str, str],
) -> list[Delivery]:
    """Renders the template and, for each recipient whose preferences allow it, puts it in their inbox
    and hands it to its channel (e-mail now; SMS and WhatsApp stay pending until their providers exist).
    Every recipient gets the in-app copy unless they turned in-app off for the event type."""
    actor.require(MANAGE)
    if not recipients or len(recipients) > MAX_RECIPIENTS:
        raise ValidationFailed.single("recipients", f"between 1 and {MAX_RECIPIENTS} user ids")
    async with uow:
        t = await uow.templates.get(actor.org, template_id)
        if not t.active:
            raise Conflict("this template is inactive: activate it before sending")
        rendering.check_values(rendering.variables_of(t.subject, t.body), variables)
        title = rendering.render(t.subject or t.name, variables)
        body = rendering.render(t.body, variables)
        wanted = list(dict.fromkeys(recipients))
        found = await uow.recipients.find(actor.org, wanted)
        missing = [str(u) for u in wanted if u not in found]
        if missing:
            raise ValidationFailed.single("recipients", f"no such user in this organization: {', '.join(missing)}")
        deliveries: list[Delivery] = []
        mails: list[EmailMessage] = []
        for user_id in wanted:
            prefs = await uow.preferences.get(actor.org, user_id)
            notification: Notification | None = None
            if prefs.allows(ChannelType.IN_APP, t.event_type):
                notification = Notification(
                    organization_id=actor.org,
                    user_id=user_id,
                    type=t.event_type or t.name,
                    title=title[:200],
                    body=body,
                    channel=t.channel,
                    data={"variables": dict(variables)},
                    created_at=clock.now(),
                    created_by=actor.user_id,
                    template_id=t.id,
                )
                await uow.notifications.add(notification)
                uow.record(notification_created(notification))
            deliveries.append(
                Delivery(user_id, ChannelType.IN_APP, "created" if notification else "opted_out",
                         notification.id if notification else None)
            )  # fmt: skip
            if t.channel is not ChannelType.IN_APP:
                deliveries.append(
                    _outbound(t, prefs.allows(t.channel, t.event_type), found[user_id], title, body, mails)
                )
        await uow.commit()
    for mail in mails:  # after the commit: no e-mail for a rolled-back send
        await mailer.send(mail)
    return deliveries


def _outbound(t: Template, allowed: bool, who: Recipient, title: str, body: str, mails: list[EmailMessage]) -> Delivery:
    if not allowed:
        return Delivery(who.user_id, t.channel, "opted_out")
    if t.channel is ChannelType.EMAIL:
        mails.append(EmailMessage(to=who.email, subject=title, body=body))
        return Delivery(who.user_id, t.channel, "queued")
    return Delivery(who.user_id, t.channel, "pending")
