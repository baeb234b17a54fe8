"""Rules of the notifications context over the fakes: preferences, sends, the outbound URL check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import builders as b
from fakes.network import FakeHostResolver
from fakes.notifications import FakeMessageProvider, RecordingJobQueue
from fakes.operations import PlainSecretBox
from fakes.uow import FakeUnitOfWork
from pmsaas.domain.identity.roles import permissions_for
from pmsaas.domain.notifications import channels, inbox, templates
from pmsaas.domain.notifications.model import ChannelType, Preferences
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import PermissionDenied, ValidationFailed
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.ports import EmailMessage, EmailSender
from pmsaas.domain.shared.urls import check_public_url

CLOCK = FixedClock(datetime(2026, 12, 1, 9, tzinfo=UTC))


class Mailbox(EmailSender):
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


def actor(org, user_id, role):
    return Actor(user_id, org, frozenset({role}), permissions_for({role}))


def test_preferences_fall_back_from_event_to_channel_to_default():
    p = Preferences(new_id(), new_id())
    assert p.allows(ChannelType.EMAIL, "invoice.created") and not p.allows(ChannelType.SMS, None)
    p.channels[ChannelType.EMAIL] = False
    p.events["invoice.created"] = {ChannelType.EMAIL: True}
    assert p.allows(ChannelType.EMAIL, "invoice.created") and not p.allows(ChannelType.EMAIL, "tenant.created")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "https://10.1.2.3/", "https://172.16.0.1/", "https://192.168.0.1/", "https://100.64.0.9/",
     "https://169.254.169.254/", "https://[::1]/", "https://[fe80::1]/", "https://[::ffff:10.0.0.1]/",
     "https://0.0.0.0/", "https://x.localhost/", "https://printer.local/"],
)  # fmt: skip
async def test_private_targets_are_refused(url):
    with pytest.raises(ValidationFailed):
        await check_public_url(url, FakeHostResolver())


async def test_production_requires_https():
    await check_public_url("http://hooks.example.com/", FakeHostResolver())
    with pytest.raises(ValidationFailed):
        await check_public_url("http://hooks.example.com/", FakeHostResolver(), require_https=True)
    await check_public_url("https://hooks.example.com/", FakeHostResolver(), require_https=True)


async def _members(uow, org, *roles):
    ids = []
    async with uow:
        for role in roles:
            u = b.user()
            await uow.users.add(u)
            await uow.memberships.add(b.membership(org, u.id, role))
            ids.append(u.id)
        await uow.commit()
    return ids


async def test_a_send_mails_only_after_commit_and_records_an_event_per_inbox_copy():
    uow, org, mail = FakeUnitOfWork(), new_id(), Mailbox()
    manager, tenant = await _members(uow, org, "PropertyManager", "Tenant")
    who = actor(org, manager, "PropertyManager")
    t = await templates.create_template(
        uow=uow, clock=CLOCK, actor=who,
        data=templates.TemplateInput("late", ChannelType.EMAIL, "en-IN", "Late: {{n}}", "Pay {{n}}"),
    )  # fmt: skip
    sent = await templates.send_template(
        uow=uow,
        clock=CLOCK,
        actor=who,
        mailer=mail,
        jobs=RecordingJobQueue(),
        template_id=t.id,
        recipients=[tenant],
        variables={"n": "₹1"},
    )
    assert [d.status for d in sent] == ["created", "queued"] and mail.sent[0].subject == "Late: ₹1"
    assert [e.name for e in uow.committed_events] == ["notification.created"]
    with pytest.raises(ValidationFailed):
        await templates.send_template(
            uow=uow,
            clock=CLOCK,
            actor=who,
            mailer=mail,
            jobs=RecordingJobQueue(),
            template_id=t.id,
            recipients=[tenant],
            variables={},
        )
    assert len(mail.sent) == 1
    with pytest.raises(PermissionDenied):
        await templates.create_template(
            uow=uow, clock=CLOCK, actor=actor(org, tenant, "Tenant"),
            data=templates.TemplateInput("x", ChannelType.IN_APP, "en-IN", None, "x"),
        )  # fmt: skip


async def test_an_api_key_has_no_inbox():
    key = Actor(None, new_id(), permissions=frozenset({"*"}), api_key_id=new_id())
    with pytest.raises(PermissionDenied):
        await inbox.unread_count(uow=FakeUnitOfWork(), actor=key)


async def test_a_channel_test_opens_the_secrets_for_the_provider_only():
    uow, org = FakeUnitOfWork(), new_id()
    [owner] = await _members(uow, org, "OrganizationOwner")
    who, box, provider = actor(org, owner, "OrganizationOwner"), PlainSecretBox(), FakeMessageProvider()
    ch = await channels.create_channel(
        uow=uow, clock=CLOCK, box=box, actor=who,
        data=channels.ChannelInput("Meta", ChannelType.WHATSAPP, "meta", {"phone_number_id": "1"}, {"token": "t0k"}),
    )  # fmt: skip
    assert ch.secrets_sealed == {"token": "sealed:t0k"}
    outcome = await channels.send_test_message(
        uow=uow, box=box, provider=provider, actor=who, channel_id=ch.id, to="+919812345678", message="hi"
    )
    assert outcome.delivered and provider.sent[0]["secrets"] == {"token": "t0k"}
    refusing = FakeMessageProvider(refuse="401 from provider")
    outcome = await channels.send_test_message(
        uow=uow, box=box, provider=refusing, actor=who, channel_id=ch.id, to="+919812345678", message="hi"
    )
    assert not outcome.delivered and outcome.detail == "401 from provider"
