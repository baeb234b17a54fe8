"""Outbound delivery, off the request path: each message is a job (the ``JobQueue`` port) that sends
once, and on a provider's transient failure enqueues its next attempt with exponential backoff.

A request only enqueues; it never waits for a provider, and a provider's failure is recorded (on
the recipient's in-app copy, and in the log), never raised to the request that caused it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from pmsaas.domain.notifications.model import ChannelType
from pmsaas.domain.notifications.ports import (
    MessageProvider,
    NotificationsUnitOfWork,
    ProviderOutcome,
    ProviderTemplate,
)
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.ports import EmailMessage, EmailSender, JobArgument, JobQueue, MessageNotSent, SecretBox

MAX_ATTEMPTS = 6
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=1)
SEND_EMAIL = "send_email"
DELIVER_MESSAGE = "deliver_message"


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt ``attempt`` (1-based): 30 s, 1 min, 2 min, 4 min, 8 min … at most 1 h."""
    wait: timedelta = FIRST_DELAY * (2 ** (attempt - 1))
    return min(wait, LONGEST_DELAY)


@dataclass(frozen=True)
class Step:
    """What one attempt did: ``sent``, ``retry`` (at ``next_at``), ``held`` (quiet hours, until
    ``next_at``), or ``failed`` (for good)."""

    status: str
    detail: str
    attempt: int
    next_at: datetime | None = None
    provider_message_id: str | None = None


def after_failure(clock: Clock, attempt: int, detail: str, *, retryable: bool) -> Step:
    if retryable and attempt < MAX_ATTEMPTS:
        return Step("retry", detail, attempt, next_at=clock.now() + backoff(attempt))
    return Step("failed", detail if not retryable else f"{detail} (gave up after {attempt} attempts)", attempt)


async def _again(
    jobs: JobQueue, clock: Clock, step: Step, job: str, job_key: str, args: dict[str, JobArgument]
) -> None:
    """Enqueue the next attempt of a job at ``step.next_at`` (the delay measured on the Clock port)."""
    assert step.next_at is not None
    delay = max(0.0, (step.next_at - clock.now()).total_seconds())
    if step.status == "retry":
        attempt, job_id = step.attempt + 1, f"{job_key}:{step.attempt + 1}"
    else:  # held: the same attempt later (a new id: this one is still running)
        attempt, job_id = step.attempt, f"{job_key}:{step.attempt}:after:{int(step.next_at.timestamp())}"
    await jobs.enqueue(job, job_id=job_id, defer_seconds=delay, **{**args, "attempt": attempt})


# -- e-mail ----------------------------------------------------------------------------------


async def send_email(
    *,
    sender: EmailSender,
    jobs: JobQueue,
    clock: Clock,
    message: EmailMessage,
    key: str,
    payload: dict[str, JobArgument],
    attempt: int,
) -> Step:
    """One attempt at one e-mail (the ``send_email`` job). ``payload`` is the message as the job
    carries it, handed back to the next attempt; ``key`` names the message across attempts."""
    try:
        await sender.send(message)
    except MessageNotSent as refused:
        step = after_failure(clock, attempt, refused.detail, retryable=refused.retryable)
    else:
        return Step("sent", "handed to the mail transport", attempt)
    if step.status == "retry":
        await _again(jobs, clock, step, SEND_EMAIL, key, {"message": payload, "key": key})
    return step


# -- SMS and WhatsApp ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outbound:
    """One SMS or WhatsApp message for one recipient, as the ``deliver_message`` job carries it."""

    organization_id: UUID
    user_id: UUID
    channel_type: ChannelType
    to: str
    text: str
    template: ProviderTemplate | None = None
    notification_id: UUID | None = None  # the in-app copy the outcome is recorded on

    def job_arguments(self) -> dict[str, JobArgument]:
        t = self.template
        return {
            "organization_id": str(self.organization_id),
            "user_id": str(self.user_id),
            "channel_type": self.channel_type.value,
            "to": self.to,
            "text": self.text,
            "template": None
            if t is None
            else {
                "locale": t.locale,
                "parameters": list(t.parameters),
                "whatsapp_name": t.whatsapp_name,
                "dlt_template_id": t.dlt_template_id,
            },
            "notification_id": str(self.notification_id) if self.notification_id else None,
        }

    @classmethod
    def from_job(cls, args: dict[str, JobArgument]) -> Outbound:
        t = args.get("template")
        template = None
        if isinstance(t, dict):
            params = t.get("parameters")
            template = ProviderTemplate(
                locale=str(t.get("locale") or "en"),
                parameters=tuple(str(p) for p in params) if isinstance(params, list) else (),
                whatsapp_name=_optional(t.get("whatsapp_name")),
                dlt_template_id=_optional(t.get("dlt_template_id")),
            )
        nid = args.get("notification_id")
        return cls(
            organization_id=UUID(str(args["organization_id"])),
            user_id=UUID(str(args["user_id"])),
            channel_type=ChannelType(str(args["channel_type"])),
            to=str(args["to"]),
            text=str(args["text"]),
            template=template,
            notification_id=UUID(str(nid)) if nid else None,
        )

    @property
    def key(self) -> str:
        return f"message:{self.notification_id or self.user_id}:{self.channel_type.value}"


def _optional(value: JobArgument | None) -> str | None:
    return str(value) if value else None


async def queue_outbound(*, jobs: JobQueue, message: Outbound) -> None:
    """Enqueue the first attempt (called after the commit that recorded the send)."""
    arguments: dict[str, JobArgument] = {**message.job_arguments(), "attempt": 1}
    await jobs.enqueue(DELIVER_MESSAGE, job_id=f"{message.key}:1", **arguments)  # type: ignore[arg-type]  # str keys


async def deliver_message(
    *,
    uow: NotificationsUnitOfWork,
    clock: Clock,
    box: SecretBox,
    provider: MessageProvider,
    jobs: JobQueue,
    message: Outbound,
    attempt: int,
) -> Step:
    """One attempt (the ``deliver_message`` job): held back during the recipient's quiet hours, sent
    through the organization's active channel of its type, retried with backoff on a transient
    failure; the outcome is written on the recipient's in-app copy."""
    org = message.organization_id
    async with uow.read_only() as reader:
        prefs = await reader.preferences.get(org, message.user_id)
        channel = await reader.channels.active_of_type(org, message.channel_type)
    quiet_until = prefs.quiet_hours.ends_after(clock.now()) if prefs.quiet_hours else None
    if quiet_until is not None:
        step = Step("held", "quiet hours", attempt, next_at=quiet_until)
    elif channel is None:
        step = Step("failed", f"no active {message.channel_type.value} channel", attempt)
    else:
        outcome: ProviderOutcome = await provider.send(
            channel_type=channel.type,
            provider=channel.provider,
            config=dict(channel.config),
            secrets={k: box.open(v) for k, v in channel.secrets_sealed.items()},
            to=message.to,
            text=message.text,
            template=message.template,
        )
        if outcome.delivered:
            step = Step("sent", outcome.detail, attempt, provider_message_id=outcome.provider_message_id)
        else:
            step = after_failure(clock, attempt, outcome.detail, retryable=outcome.retryable)
    if step.next_at is not None:
        await _again(jobs, clock, step, DELIVER_MESSAGE, message.key, message.job_arguments())
    await _record(uow, clock, message, step)
    return step


async def _record(uow: NotificationsUnitOfWork, clock: Clock, message: Outbound, step: Step) -> None:
    if message.notification_id is None:
        return
    async with uow:
        try:
            n = await uow.notifications.get(message.organization_id, message.user_id, message.notification_id)
        except NotFound:
            return  # dismissed by its recipient meanwhile: nothing to record on
        deliveries = dict(n.data.get("deliveries") or {})
        deliveries[message.channel_type.value] = {
            "status": step.status,
            "attempts": step.attempt,
            "detail": step.detail[:300],
            "at": clock.now().isoformat(),
            "next_attempt_at": step.next_at.isoformat() if step.next_at else None,
            "provider_message_id": step.provider_message_id,
        }
        n.data = {**n.data, "deliveries": deliveries}
        await uow.notifications.update(n)
        await uow.commit()
