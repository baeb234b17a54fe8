"""SMS and WhatsApp sends leave the request as jobs: the request answers ``queued`` at once, the job
delivers through the organization's channel with the real database (both backends), respecting
preferences and quiet hours, and records the outcome on the recipient's in-app copy."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from uuid import UUID

from dependency_injector import providers

from fakes.notifications import RecordingJobQueue
from notify_support import N, fields_of
from pmsaas.domain.notifications import delivery
from pmsaas.domain.notifications.ports import ProviderOutcome, ProviderTemplate
from pmsaas.domain.shared.clock import FixedClock

T, C = f"{N}/templates", f"{N}/channels"
NOON_IST = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
SMS_TEMPLATE = {
    "name": "rent_sms",
    "channel": "sms",
    "locale": "en-IN",
    "body": "Rent of {{amount}} for {{flat}} is due on {{due_date}}.",
    "event_type": "rent.reminder",
    "dlt_template_id": "1207161234567890123",
}
VARS = {"amount": "₹25,000.00", "flat": "Lake View 4B", "due_date": "5 Dec"}
SMS_CHANNEL = {
    "name": "Twilio for reminders",
    "type": "sms",
    "provider": "twilio",
    "config": {"from_number": "+15005550006", "dlt_entity_id": "1201160000000000001"},
    "secrets": {"account_sid": "AC1", "auth_token": "tw-token"},
}


@contextmanager
def recorded_jobs(api):
    """The container's job queue replaced by one that keeps the jobs, so the test runs them on its clock."""
    jobs = RecordingJobQueue()
    api.container.job_queue.override(providers.Object(jobs))
    try:
        yield jobs
    finally:
        api.container.job_queue.reset_override()


async def tenant_with_phone(api, owner, phone="+919812345678"):
    r = await api.post(
        "/api/v1/identity/users",
        owner.token,
        json={"email": api.email("tenant"), "name": "Asha", "roles": ["Tenant"], "password": "a long password",
              "phone": phone},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    uid = r.json()["data"]["id"]
    tokens = await api.login(r.json()["data"]["email"], "a long password")
    return uid, tokens["access_token"]


class Refusing:
    """A provider that answers as a rate-limited Twilio, then accepts."""

    def __init__(self, failures: int) -> None:
        self.failures, self.calls = failures, []

    async def send(self, **kw) -> ProviderOutcome:
        self.calls.append(kw)
        if len(self.calls) <= self.failures:
            return ProviderOutcome(False, "Twilio 20429: Too Many Requests", retryable=True)
        return ProviderOutcome(True, "accepted by Twilio (queued)", "SM123")


async def run(api, jobs, clock, provider, index=-1):
    name, _, _, args = jobs.jobs[index]
    assert name == "deliver_message"
    return await delivery.deliver_message(
        uow=api.container.system_uow(),
        clock=clock,
        box=api.container.secret_box(),
        provider=provider,
        jobs=jobs,
        message=delivery.Outbound.from_job(args),
        attempt=int(args["attempt"]),
    )


async def test_an_sms_send_is_queued_then_delivered_with_retries_and_recorded(api, owner):
    tenant_id, tenant = await tenant_with_phone(api, owner)
    assert (await api.post(C, owner.token, json=SMS_CHANNEL)).status_code == 201
    t = (await api.post(T, owner.token, json=SMS_TEMPLATE)).json()["data"]
    assert t["dlt_template_id"] == SMS_TEMPLATE["dlt_template_id"]
    await api.put(f"{N}/preferences", tenant, json={"channels": {"sms": True}})
    with recorded_jobs(api) as jobs:
        r = await api.post(f"{T}/{t['id']}/send", owner.token, json={"recipients": [tenant_id], "variables": VARS})
        assert r.status_code == 200, r.text
        deliveries = {d["channel"]: d for d in r.json()["data"]["deliveries"]}
        assert deliveries["sms"]["status"] == "queued" and deliveries["in_app"]["status"] == "created"
        [(_, _, delay, args)] = jobs.jobs
        assert delay == 0 and args["to"] == "+919812345678"
        assert args["text"] == "Rent of ₹25,000.00 for Lake View 4B is due on 5 Dec."
        message = delivery.Outbound.from_job(args)
        assert message.template == ProviderTemplate("en-IN", tuple(VARS.values()), None, "1207161234567890123")

        clock, provider = FixedClock(NOON_IST), Refusing(failures=1)
        first = await run(api, jobs, clock, provider)
        assert first.status == "retry" and jobs.jobs[-1][2] == 30  # the backoff, on the fixed clock
        clock.move_to(NOON_IST + timedelta(seconds=30))
        second = await run(api, jobs, clock, provider)
        assert second.status == "sent" and len(provider.calls) == 2
    sent = provider.calls[-1]
    assert sent["provider"] == "twilio" and sent["secrets"] == {"account_sid": "AC1", "auth_token": "tw-token"}
    assert sent["config"]["dlt_entity_id"] == "1201160000000000001"
    copy = (await api.get(f"{N}/{deliveries['in_app']['notification_id']}", tenant)).json()["data"]
    assert copy["data"]["deliveries"]["sms"] | {"at": None} == {
        "status": "sent", "attempts": 2, "detail": "accepted by Twilio (queued)", "at": None,
        "next_attempt_at": None, "provider_message_id": "SM123",
    }  # fmt: skip


async def test_preferences_and_quiet_hours_are_respected(api, owner):
    tenant_id, _ = await tenant_with_phone(api, owner)
    quiet_id, quiet = await tenant_with_phone(api, owner, "+919812345679")
    assert (await api.post(C, owner.token, json=SMS_CHANNEL)).status_code == 201
    t = (await api.post(T, owner.token, json=SMS_TEMPLATE)).json()["data"]
    # The first never turned SMS on (off by default); the second did, with quiet hours 22:00-13:00 IST.
    r = await api.put(
        f"{N}/preferences",
        quiet,
        json={"channels": {"sms": True}, "quiet_hours": {"start": "22:00", "end": "13:00", "timezone": "Asia/Kolkata"}},
    )
    assert r.status_code == 200, r.text
    with recorded_jobs(api) as jobs:
        body = {"recipients": [tenant_id, quiet_id], "variables": VARS}
        r = await api.post(f"{T}/{t['id']}/send", owner.token, json=body)
        status = {(d["user_id"], d["channel"]): d["status"] for d in r.json()["data"]["deliveries"]}
        assert status[(tenant_id, "sms")] == "opted_out" and status[(quiet_id, "sms")] == "queued"
        [(_, _, _, args)] = jobs.jobs
        assert UUID(str(args["user_id"])) == UUID(quiet_id)
        provider = Refusing(failures=0)
        held = await run(api, jobs, FixedClock(NOON_IST), provider)
        assert held.status == "held" and provider.calls == [] and jobs.jobs[-1][2] == 3600  # until 13:00 IST
        done = await run(api, jobs, FixedClock(NOON_IST + timedelta(hours=1)), provider)
        assert done.status == "sent" and len(provider.calls) == 1


async def test_provider_ids_on_templates_are_checked(api, owner, other_owner):
    for bad, field in (
        ({"dlt_template_id": "12-34"}, "dlt_template_id"),
        ({"channel": "email", "subject": "s"}, "dlt_template_id"),  # a DLT id is for SMS only
        ({"channel": "whatsapp", "dlt_template_id": None, "whatsapp_name": "Rent Reminder"}, "whatsapp_name"),
    ):
        r = await api.post(T, owner.token, json={**SMS_TEMPLATE, **bad})
        assert r.status_code == 422 and fields_of(r) == [field], r.text
    assert (await api.get(T, owner.token)).json()["data"] == []  # nothing written
    wa = {**SMS_TEMPLATE, "channel": "whatsapp", "dlt_template_id": None, "whatsapp_name": "rent_reminder"}
    t = (await api.post(T, owner.token, json=wa)).json()["data"]
    assert t["whatsapp_name"] == "rent_reminder"
    assert (await api.get(f"{T}/{t['id']}", other_owner.token)).status_code == 404
    _, tenant = await owner.add_user("Tenant")
    assert (await api.post(T, tenant, json=wa | {"name": "x"})).status_code == 403
