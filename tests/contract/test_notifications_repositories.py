"""One suite for the notifications context's repositories (inboxes, templates, channels, preferences,
webhooks and their delivery log) and the recipients directory over the identity rows, over the fakes,
SQL on SQLite and SQL on PostgreSQL. Every test works in one unit of work and never commits."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.notifications.model import (
    Channel,
    ChannelType,
    Notification,
    Preferences,
    QuietHours,
    Template,
    Webhook,
)
from pmsaas.domain.notifications.ports import InboxFilter, Recipient
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import PageRequest


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def fields(entities):
    """Entities compare by identity: compare what they hold."""
    return [vars(e) for e in entities]


def note(org, user, at=0, **kw):
    return Notification(org, user, kw.pop("type", "announcement"), "Water off", "From 10 to 12", b.at(at), **kw)


async def test_an_inbox_is_its_recipients_only(make_uow):
    org, me, other = new_id(), new_id(), new_id()
    mine = [note(org, me, i, data={"n": i}) for i in range(3)]
    async with make_uow() as uow:
        for n in [*mine, note(org, other), note(new_id(), me)]:
            await uow.notifications.add(n)
        assert fields([await uow.notifications.get(org, me, mine[0].id)]) == fields([mine[0]])
        for who, where in ((other, org), (me, new_id())):
            with pytest.raises(NotFound):
                await uow.notifications.get(where, who, mine[0].id)
            with pytest.raises(NotFound):
                await uow.notifications.delete(where, who, mine[0].id)
        page = await uow.notifications.list(org, me, InboxFilter(), PageRequest(page_size=2, descending=True))
        assert [n.id for n in page.items] == [mine[2].id, mine[1].id] and page.total == 3
        assert await uow.notifications.unread_count(org, me) == 3


async def test_marking_read_counts_only_what_changed_in_the_callers_inbox(make_uow):
    org, me, other = new_id(), new_id(), new_id()
    a, c, d = note(org, me, 1), note(org, me, 2), note(org, me, 3)
    theirs = note(org, other, 4)
    async with make_uow() as uow:
        for n in (a, c, d, theirs):
            await uow.notifications.add(n)
        assert await uow.notifications.mark_read(org, me, [a.id, theirs.id], b.at(10)) == 1
        assert await uow.notifications.mark_read(org, me, [a.id], b.at(11)) == 0  # already read
        assert (await uow.notifications.get(org, me, a.id)).read_at == b.at(10)
        unread = await uow.notifications.list(org, me, InboxFilter(read=False), PageRequest())
        assert [n.id for n in unread.items] == [c.id, d.id]
        c.mark_read(b.at(12))
        await uow.notifications.update(c)
        assert await uow.notifications.unread_count(org, me) == 1
        assert await uow.notifications.mark_read(org, me, None, b.at(13)) == 1
        assert await uow.notifications.unread_count(org, me) == 0
        assert await uow.notifications.unread_count(org, other) == 1
        await uow.notifications.delete(org, me, d.id)
        read = await uow.notifications.list(org, me, InboxFilter(read=True), PageRequest())
        assert [n.id for n in read.items] == [a.id, c.id]


async def test_templates_are_unique_per_name_channel_and_locale(make_uow):
    org = new_id()
    t = Template(org, "rent_due", ChannelType.EMAIL, "en-IN", "Rent {{month}}", "Pay {{amount}}", b.at(0), b.at(0))
    async with make_uow() as uow:
        await uow.templates.add(t)
        with pytest.raises(Conflict):
            await uow.templates.add(replace(t, id=new_id()))
        hindi = replace(t, id=new_id(), locale="hi-IN")
        await uow.templates.add(hindi)  # the transaction goes on after a Conflict
        await uow.templates.add(replace(t, id=new_id(), organization_id=new_id()))
        hindi.locale = "en-IN"
        with pytest.raises(Conflict):
            await uow.templates.update(hindi)
        assert fields([await uow.templates.get(org, t.id)]) == fields([t])
        assert (await uow.templates.list(org, PageRequest())).total == 2
        with pytest.raises(NotFound):
            await uow.templates.get(new_id(), t.id)
        await uow.templates.delete(org, t.id)
        with pytest.raises(NotFound):
            await uow.templates.delete(org, t.id)


async def test_channels_keep_config_and_sealed_secrets(make_uow):
    org = new_id()
    ch = Channel(org, "Twilio", ChannelType.SMS, "twilio", {"from_number": "+15550100"}, {"auth_token": "sealed"},
                 b.at(0), b.at(0))  # fmt: skip
    async with make_uow() as uow:
        await uow.channels.add(ch)
        ch.config, ch.active, ch.updated_at = {"from_number": "+15550199"}, False, b.at(5)
        await uow.channels.update(ch)
        assert fields([await uow.channels.get(org, ch.id)]) == fields([ch])
        with pytest.raises(NotFound):
            await uow.channels.get(new_id(), ch.id)
        assert [c.id for c in (await uow.channels.list(org, PageRequest())).items] == [ch.id]


async def test_preferences_default_until_saved_then_read_back(make_uow):
    org, user = new_id(), new_id()
    async with make_uow() as uow:
        fresh = await uow.preferences.get(org, user)
        assert fresh.updated_at is None and fresh.channels[ChannelType.EMAIL] and not fresh.channels[ChannelType.SMS]
        saved = Preferences(
            org,
            user,
            channels={ChannelType.EMAIL: False, ChannelType.IN_APP: True},
            events={"invoice.created": {ChannelType.EMAIL: True}},
            quiet_hours=QuietHours(time(22), time(7), "Asia/Kolkata"),
            updated_at=b.at(3),
        )
        await uow.preferences.save(saved)
        saved.quiet_hours = None
        await uow.preferences.save(saved)  # a second save replaces the first
        assert fields([await uow.preferences.get(org, user)]) == fields([saved])
        assert (await uow.preferences.get(new_id(), user)).updated_at is None


async def test_webhooks_list_oldest_first_in_their_organization(make_uow):
    # Moved from the operations suite with the webhooks themselves (one store for both surfaces).
    org = new_id()
    late = Webhook(org, "https://hooks.example.com/b", ("ticket.resolved",), "sealed-b", b.at(5), b.at(5))
    early = Webhook(
        org, "https://hooks.example.com/a", ("ticket.created", "ticket.updated"), "sealed-a", b.at(1), b.at(1),
        active=False,
    )  # fmt: skip
    async with make_uow() as uow:
        assert await uow.webhooks.list(org) == []
        for w in (late, early):
            await uow.webhooks.add(w)
        await uow.webhooks.add(replace(late, id=new_id(), organization_id=new_id()))
        assert fields(await uow.webhooks.list(org)) == fields([early, late])


async def test_a_webhook_changes_and_goes_only_in_its_organization(make_uow):
    org = new_id()
    w = Webhook(org, "https://hooks.example.com/", ("property.created",), "sealed", b.at(0), b.at(0))
    async with make_uow() as uow:
        await uow.webhooks.add(w)
        w.url, w.events, w.description, w.updated_at = "https://h2.example.com/", ("invoice.paid",), "Books", b.at(9)
        await uow.webhooks.update(w)
        assert fields([await uow.webhooks.get(org, w.id)]) == fields([w])
        assert (await uow.webhooks.deliveries(org, w.id, PageRequest())).items == []
        for call in (uow.webhooks.get, uow.webhooks.delete):
            with pytest.raises(NotFound):
                await call(new_id(), w.id)
        with pytest.raises(NotFound):
            await uow.webhooks.deliveries(new_id(), w.id, PageRequest())
        await uow.webhooks.delete(org, w.id)
        with pytest.raises(NotFound):
            await uow.webhooks.get(org, w.id)


async def test_recipients_are_the_organizations_members(make_uow):
    org = new_id()
    member, outsider = b.user(), b.user()
    async with make_uow() as uow:
        for u in (member, outsider):
            await uow.users.add(u)
        await uow.memberships.add(b.membership(org, member.id, "Tenant"))
        await uow.memberships.add(b.membership(new_id(), outsider.id, "Tenant"))
        found = await uow.recipients.find(org, [member.id, outsider.id, new_id()])
        assert found == {member.id: Recipient(member.id, member.name, member.email, member.phone)}
        assert await uow.recipients.find(org, []) == {}
