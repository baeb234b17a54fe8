"""Message templates: CRUD, and ``send``, which renders one for each recipient and delivers it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from pmsaas.domain.notifications import rendering
from pmsaas.domain.notifications.delivery import Outbound, queue_outbound
from pmsaas.domain.notifications.inbox import notification_created
from pmsaas.domain.notifications.model import ChannelType, Notification, Template
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork, ProviderTemplate, Recipient
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, ValidationFailed
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import EmailMessage, EmailSender, JobQueue

MANAGE = "notification:manage"
MAX_RECIPIENTS = 100
DLT_ID = re.compile(r"^\d{10,30}$")  # DLT portals issue 19-digit ids; allow their range of lengths
WHATSAPP_NAME = re.compile(r"^[a-z0-9_]{1,512}$")  # Meta's template name rule


@dataclass(frozen=True)
class TemplateInput:
    name: str
    channel: ChannelType
    locale: str
    subject: str | None
    body: str
    event_type: str | None = None
    active: bool = True
    dlt_template_id: str | None = None
    whatsapp_name: str | None = None


def _checked(data: TemplateInput) -> TemplateInput:
    rendering.placeholders(data.body, "body")
    if data.subject is not None:
        rendering.placeholders(data.subject, "subject")
    if data.channel is ChannelType.EMAIL and not data.subject:
        raise ValidationFailed.single("subject", "an e-mail template needs a subject")
    if data.dlt_template_id is not None and not (
        data.channel is ChannelType.SMS and DLT_ID.match(data.dlt_template_id)
    ):
        raise ValidationFailed.single("dlt_template_id", "an SMS template's DLT id: 10 to 30 digits")
    if data.whatsapp_name is not None and not (
        data.channel is ChannelType.WHATSAPP and WHATSAPP_NAME.match(data.whatsapp_name)
    ):
        raise ValidationFailed.single("whatsapp_name", "a WhatsApp template's name: lowercase letters, digits, _")
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
    # "created" (in-app), "queued" (handed to a job: e-mail, SMS, WhatsApp), "no_address" (no phone), "opted_out"
    status: str
    notification_id: UUID | None = None


async def send_template(
    *,
    uow: NotificationsUnitOfWork,
    clock: Clock,
    actor: Actor,
    mailer: EmailSender,
    jobs: JobQueue,
    template_id: UUID,
    recipients: list[UUID],
    variables: dict[str, str],
) -> list[Delivery]:
    """Renders the template and, for each recipient whose preferences allow it, puts it in their inbox
    and hands it to its channel: e-mail to the mailer (which enqueues), SMS and WhatsApp as a
    ``deliver_message`` job each (delivery.py), all after the commit. Every recipient gets the in-app
    copy unless they turned in-app off for the event type."""
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
        messages: list[Outbound] = []
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
                allowed = prefs.allows(t.channel, t.event_type)
                sent = _Sending(t, variables, title, body, mails, messages)
                deliveries.append(sent.outbound(allowed, found[user_id], notification))
        await uow.commit()
    for mail in mails:  # after the commit: nothing goes out for a rolled-back send
        await mailer.send(mail)
    for message in messages:
        await queue_outbound(jobs=jobs, message=message)
    return deliveries


@dataclass(frozen=True)
class _Sending:
    t: Template
    variables: dict[str, str]
    title: str
    body: str
    mails: list[EmailMessage]
    messages: list[Outbound]

    def outbound(self, allowed: bool, who: Recipient, copy: Notification | None) -> Delivery:
        t = self.t
        if not allowed:
            return Delivery(who.user_id, t.channel, "opted_out")
        if t.channel is ChannelType.EMAIL:
            self.mails.append(EmailMessage(to=who.email, subject=self.title, body=self.body))
            return Delivery(who.user_id, t.channel, "queued")
        if not who.phone:
            return Delivery(who.user_id, t.channel, "no_address")
        names = rendering.variables_of(t.body)
        template = ProviderTemplate(
            locale=t.locale,
            parameters=tuple(self.variables[n] for n in names),
            whatsapp_name=t.whatsapp_name,
            dlt_template_id=t.dlt_template_id,
        )
        self.messages.append(
            Outbound(
                t.organization_id, who.user_id, t.channel, who.phone, self.body, template, copy.id if copy else None
            )
        )
        return Delivery(who.user_id, t.channel, "queued")
