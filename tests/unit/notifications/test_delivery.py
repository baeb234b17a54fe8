"""Outbound delivery over the fakes, on a fixed clock: retries with exponential backoff, giving up,
quiet hours holding SMS back, the outcome recorded on the in-app copy; e-mail jobs the same way."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from fakes.notifications import FakeMessageProvider, RecordingJobQueue
from fakes.operations import PlainSecretBox
from fakes.uow import FakeUnitOfWork
from pmsaas.domain.notifications import delivery
from pmsaas.domain.notifications.model import Channel, ChannelType, Notification, Preferences, QuietHours
from pmsaas.domain.notifications.ports import ProviderOutcome, ProviderTemplate
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.ports import EmailMessage, EmailSender, MessageNotSent

NOON_IST = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)  # 12:00 in Asia/Kolkata


class Flaky(FakeMessageProvider):
    """Refuses ``failures`` times as a rate-limited provider does, then accepts."""

    def __init__(self, failures: int, *, retryable: bool = True) -> None:
        super().__init__()
        self.failures, self.retryable, self.calls = failures, retryable, 0

    async def send(self, **kw):  # type: ignore[override]
        self.calls += 1
        if self.calls <= self.failures:
            return ProviderOutcome(False, "Twilio 20429: Too Many Requests", retryable=self.retryable)
        return await super().send(**kw)


async def setup(quiet: QuietHours | None = None):
    uow, org, user = FakeUnitOfWork(), new_id(), new_id()
    copy = Notification(org, user, "rent.reminder", "Rent due", "Rent due", created_at=NOON_IST)
    async with uow:
        await uow.channels.add(
            Channel(org, "Twilio", ChannelType.SMS, "twilio", {"from_number": "+15005550006"},
                    {"auth_token": "sealed"}, created_at=NOON_IST, updated_at=NOON_IST)
        )  # fmt: skip
        await uow.notifications.add(copy)
        if quiet:
            await uow.preferences.save(Preferences(org, user, quiet_hours=quiet, updated_at=NOON_IST))
        await uow.commit()
    message = delivery.Outbound(
        org,
        user,
        ChannelType.SMS,
        "+919812345678",
        "Rent due",
        ProviderTemplate("en-IN", dlt_template_id="1207"),
        copy.id,
    )
    return uow, message


async def recorded(uow, message):
    async with uow:
        n = await uow.notifications.get(message.organization_id, message.user_id, message.notification_id)
    return n.data["deliveries"]["sms"]


async def test_a_failing_provider_is_retried_with_exponential_backoff_then_given_up():
    uow, message = await setup()
    clock, jobs, provider = FixedClock(NOON_IST), RecordingJobQueue(), Flaky(failures=99)
    args = dict(uow=uow, clock=clock, box=PlainSecretBox(), provider=provider, jobs=jobs, message=message)
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        step = await delivery.deliver_message(**args, attempt=attempt)
        clock.move_to(clock.now() + timedelta(minutes=90))
    assert provider.calls == delivery.MAX_ATTEMPTS and step.status == "failed" and "gave up" in step.detail
    assert [round(d) for _, _, d, _ in jobs.jobs] == [30, 60, 120, 240, 480]  # then nothing: given up
    assert [a["attempt"] for *_, a in jobs.jobs] == [2, 3, 4, 5, 6]
    assert len({job_id for _, job_id, _, _ in jobs.jobs}) == 5  # each attempt its own job id
    assert delivery.Outbound.from_job(jobs.jobs[0][3]) == message  # the job carries the whole message
    assert (await recorded(uow, message))["status"] == "failed"


async def test_a_transient_failure_then_success_is_recorded_as_sent():
    uow, message = await setup()
    clock, jobs, provider = FixedClock(NOON_IST), RecordingJobQueue(), Flaky(failures=1)
    args = dict(uow=uow, clock=clock, box=PlainSecretBox(), provider=provider, jobs=jobs, message=message)
    first = await delivery.deliver_message(**args, attempt=1)
    assert first.status == "retry" and first.next_at == NOON_IST + timedelta(seconds=30)
    assert (await recorded(uow, message))["next_attempt_at"] == first.next_at.isoformat()
    second = await delivery.deliver_message(**args, attempt=2)
    assert second.status == "sent" and provider.sent[0]["to"] == "+919812345678"
    assert (await recorded(uow, message)) | {"at": None} == {
        "status": "sent", "attempts": 2, "detail": "recorded", "at": None, "next_attempt_at": None,
        "provider_message_id": "fake-1",
    }  # fmt: skip


async def test_a_permanent_refusal_is_not_retried():
    uow, message = await setup()
    jobs = RecordingJobQueue()
    step = await delivery.deliver_message(
        uow=uow, clock=FixedClock(NOON_IST), box=PlainSecretBox(), provider=Flaky(9, retryable=False), jobs=jobs,
        message=message, attempt=1,
    )  # fmt: skip
    assert step.status == "failed" and jobs.jobs == []


async def test_quiet_hours_hold_an_sms_until_they_end_in_the_users_zone():
    # 22:00-13:00 IST holds at noon IST; the message waits until 13:00 IST (07:30 UTC), same attempt.
    uow, message = await setup(QuietHours(time(22), time(13), "Asia/Kolkata"))
    jobs, provider = RecordingJobQueue(), FakeMessageProvider()
    step = await delivery.deliver_message(
        uow=uow, clock=FixedClock(NOON_IST), box=PlainSecretBox(), provider=provider, jobs=jobs, message=message,
        attempt=1,
    )  # fmt: skip
    assert step.status == "held" and provider.sent == []
    [(name, _, delay, args)] = jobs.jobs
    assert name == "deliver_message" and delay == 3600 and args["attempt"] == 1
    assert (await recorded(uow, message))["status"] == "held"
    after = await delivery.deliver_message(
        uow=uow, clock=FixedClock(NOON_IST + timedelta(hours=1)), box=PlainSecretBox(), provider=provider,
        jobs=jobs, message=message, attempt=1,
    )  # fmt: skip
    assert after.status == "sent" and len(provider.sent) == 1


async def test_no_active_channel_is_a_recorded_failure():
    uow, message = await setup()
    other = delivery.Outbound(message.organization_id, message.user_id, ChannelType.WHATSAPP, "+919812345678", "x",
                              notification_id=message.notification_id)  # fmt: skip
    step = await delivery.deliver_message(
        uow=uow, clock=FixedClock(NOON_IST), box=PlainSecretBox(), provider=FakeMessageProvider(),
        jobs=RecordingJobQueue(), message=other, attempt=1,
    )  # fmt: skip
    assert step.status == "failed" and "no active whatsapp channel" in step.detail


class Down(EmailSender):
    def __init__(self, retryable: bool) -> None:
        self.retryable = retryable

    async def send(self, message: EmailMessage) -> None:
        raise MessageNotSent("SMTP 421: try later", retryable=self.retryable)


@pytest.mark.parametrize(("retryable", "status", "queued"), [(True, "retry", 1), (False, "failed", 0)])
async def test_an_email_job_retries_a_transient_smtp_failure_only(retryable, status, queued):
    jobs, clock = RecordingJobQueue(), FixedClock(NOON_IST)
    payload = {"to": "a@example.com", "subject": "s", "body": "b", "attachments": []}
    step = await delivery.send_email(
        sender=Down(retryable), jobs=jobs, clock=clock, message=EmailMessage("a@example.com", "s", "b"),
        key="email:k", payload=payload, attempt=3,
    )  # fmt: skip
    assert step.status == status and len(jobs.jobs) == queued
    if queued:
        assert jobs.jobs[0][1:3] == ("email:k:4", 120.0) and jobs.jobs[0][3]["message"] == payload


def test_backoff_doubles_and_stops_at_an_hour():
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]
