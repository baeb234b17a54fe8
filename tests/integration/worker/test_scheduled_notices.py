"""Scheduled rent notices and the billing run's e-mails: the invoice PDF to each billed tenant once;
a reminder before the due date and overdue notices after it, per the organization's settings, in
its locale, each exactly once."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from integration.http.platform.fin_support import make_lease, set_country
from pmsaas.entrypoints.worker.tasks import TASKS

pytestmark = pytest.mark.today("2026-12-01")
IST = ZoneInfo("Asia/Kolkata")


async def tick(api: Any, day: int | None = None) -> None:
    if day is not None:
        api.container.clock().pin(datetime(2026, 12, day, 10, 0, tzinfo=IST))
    await TASKS["run_scheduled_jobs"]({"container": api.container})


def mails_to(api: Any, address: str) -> list[Any]:
    return [m for m in api.container.mailer().sent if m.to == address]


async def tenant_email(api: Any, owner: Any, lease: Any) -> str:
    r = await api.get(f"/api/v1/properties/{lease.property_id}/tenants/{lease.tenant_id}", owner.token)
    assert r.status_code == 200, r.text
    return str(r.json()["data"]["email"])


async def test_the_billing_run_mails_the_pdf_then_a_reminder_and_overdue_notices_go_out_once(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(
        api, owner, "IN", billing_day=5
    )  # rent due on the 5th, billed on the 1st (18% GST: 59,000)
    to = await tenant_email(api, owner, lease)
    await tick(api)
    await tick(api)
    [invoice_mail] = mails_to(api, to)
    assert invoice_mail.subject.startswith("Invoice ")
    [pdf] = invoice_mail.attachments
    assert pdf.content_type == "application/pdf" and pdf.content.startswith(b"%PDF")
    for day in (2, 2, 3):  # 3 days before the 5th, and the next day: one reminder
        await tick(api, day)
    reminders = mails_to(api, to)[1:]
    assert [m.subject for m in reminders] == ["Rent reminder: ₹59,000.00 due on 2026-12-05"]
    assert "Tara Tenant" in reminders[0].body and "/invoices/" in reminders[0].body
    for day in (6, 6, 12, 13, 13):  # 1 and 7 days after: two overdue notices
        await tick(api, day)
    overdue = mails_to(api, to)[2:]
    assert [m.subject.split(":")[0] for m in overdue] == ["Overdue", "Overdue"]


async def test_the_organizations_settings_and_locale_choose_the_day_and_the_language(api, owner):
    r = await api.put(
        f"/api/v1/organizations/{owner.org_id}/settings",
        owner.token,
        json={"country": "IN", "state": "KA", "locale": "hi-IN", "rent_reminder_days": [1], "overdue_notice_days": []},
    )
    assert r.status_code == 200, r.text
    lease = await make_lease(api, owner, "IN", billing_day=5)
    to = await tenant_email(api, owner, lease)
    await tick(api)
    for day in (2, 3):
        await tick(api, day)
    assert len(mails_to(api, to)) == 1  # the invoice only: the reminder is a day before
    for day in (4, 6, 12):
        await tick(api, day)
    [_, reminder] = mails_to(api, to)
    assert reminder.subject.startswith("किराया अनुस्मारक")


async def test_a_notice_that_fails_is_recorded_failed_and_not_sent_twice(api, owner, monkeypatch):
    from pmsaas.domain.flows import rent_notices

    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", billing_day=5)
    to = await tenant_email(api, owner, lease)
    await tick(api)

    async def broken(*args, **kwargs):
        raise RuntimeError("the mail queue is down")

    with monkeypatch.context() as m:
        m.setattr(rent_notices, "_send", broken)
        await tick(api, 2)
    await tick(api, 3)
    assert len(mails_to(api, to)) == 1  # the invoice; the reminder failed once and is not retried
    token = (await api.login(owner.email, owner.password))["access_token"]
    runs = (await api.get("/api/v1/jobs", token, params={"page_size": 100})).json()["data"]
    [failed] = [r for r in runs if r["job"] == "rent_reminder"]
    assert failed["outcome"] == "failed" and failed["detail"]["error"] == "RuntimeError"
