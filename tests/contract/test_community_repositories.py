"""One suite for the community context's repositories (events, registrations, listings with their
contacts and images) and the residents directory, over the fakes, SQL on SQLite and SQL on
PostgreSQL. Every test works in one unit of work and never commits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.community.model import (
    CommunityEvent,
    ListingImage,
    ListingStatus,
    MarketplaceListing,
    Registration,
    RegistrationStatus,
)
from pmsaas.domain.community.ports import EventFilter, ListingFilter
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def event(org, starts=100, property_id=None, **kw) -> CommunityEvent:
    return CommunityEvent(
        organization_id=org,
        title=kw.pop("title", "Potluck"),
        description="",
        location="Clubhouse",
        starts_at=b.at(starts),
        ends_at=b.at(starts + 3600),
        created_at=b.at(0),
        updated_at=b.at(0),
        property_id=property_id,
        **kw,
    )


def listing(org, seller, expires=1000, **kw) -> MarketplaceListing:
    return MarketplaceListing(
        organization_id=org,
        seller_id=seller,
        title=kw.pop("title", "Bookshelf"),
        description="",
        category=kw.pop("category", "furniture"),
        price=kw.pop("price", Money.of("4500.00", "INR")),
        expires_at=b.at(expires),
        created_at=b.at(0),
        updated_at=b.at(0),
        **kw,
    )


async def test_events_stay_in_their_organization_and_a_tenants_property(make_uow):
    org, home, other = new_id(), new_id(), new_id()
    everyone, mine, theirs = event(org, 10), event(org, 20, home), event(org, 30, other)
    foreign = event(new_id(), 40)
    async with make_uow() as uow:
        for e in (everyone, mine, theirs, foreign):
            await uow.community_events.add(e)
        got = await uow.community_events.get(org, mine.id, for_update=True)
        assert (got.title, got.property_id, got.starts_at, got.capacity) == ("Potluck", home, b.at(20), None)
        with pytest.raises(NotFound):
            await uow.community_events.get(org, foreign.id)
        page = await uow.community_events.list(org, EventFilter(), PageRequest(sort_by="starts_at"))
        assert [e.id for e in page.items] == [everyone.id, mine.id, theirs.id] and page.total == 3
        scoped = await uow.community_events.list(org, EventFilter(frozenset({home})), PageRequest(sort_by="starts_at"))
        assert [e.id for e in scoped.items] == [everyone.id, mine.id]
        later = await uow.community_events.list(org, EventFilter(None, b.at(15)), PageRequest(sort_by="starts_at"))
        assert [e.id for e in later.items] == [mine.id, theirs.id]
        mine.capacity, mine.title = 5, "Diwali"
        await uow.community_events.update(mine)
        assert (await uow.community_events.get(org, mine.id)).capacity == 5
        with pytest.raises(NotFound):
            await uow.community_events.delete(new_id(), mine.id)
        await uow.community_events.delete(org, mine.id)
        with pytest.raises(NotFound):
            await uow.community_events.get(org, mine.id)


async def test_registrations_keep_arrival_order_promotion_and_reminders(make_uow):
    org = new_id()
    soon, later = event(org, 100, capacity=1), event(org, 100_000)
    users = [new_id() for _ in range(3)]
    async with make_uow() as uow:
        await uow.community_events.add(soon)
        await uow.community_events.add(later)
        seat, wait1, wait2 = (
            Registration(soon.id, users[0], RegistrationStatus.REGISTERED, 1, b.at(1)),
            Registration(soon.id, users[1], RegistrationStatus.WAITLISTED, 2, b.at(1)),
            Registration(soon.id, users[2], RegistrationStatus.WAITLISTED, 3, b.at(1)),
        )
        for r in (wait2, seat, wait1):  # stored out of order: read back by seq
            await uow.event_registrations.add(org, r)
        await uow.event_registrations.add(
            org, Registration(later.id, users[0], RegistrationStatus.REGISTERED, 1, b.at(1))
        )
        assert [r.user_id for r in await uow.event_registrations.of_event(org, soon.id)] == users
        assert await uow.event_registrations.of_event(new_id(), soon.id) == []
        await uow.event_registrations.remove(org, soon.id, users[0])
        await uow.event_registrations.promote(org, soon.id, [users[1]])
        rows = await uow.event_registrations.of_event(org, soon.id)
        assert [(r.user_id, r.status) for r in rows] == [
            (users[1], RegistrationStatus.REGISTERED),
            (users[2], RegistrationStatus.WAITLISTED),
        ]
        due = await uow.event_registrations.unreminded(org, b.at(0), b.at(0) + timedelta(days=1))
        assert [(e.id, r.user_id) for e, r in due] == [(soon.id, users[1])]  # seats only, within the window
        await uow.event_registrations.mark_reminded(org, soon.id, users[1], b.at(5))
        assert await uow.event_registrations.unreminded(org, b.at(0), b.at(0) + timedelta(days=1)) == []
        assert await uow.event_registrations.unreminded(new_id(), b.at(0), b.at(0) + timedelta(days=9)) == []


async def test_listings_live_hidden_expired_contacts_and_images(make_uow):
    org, seller, buyer = new_id(), new_id(), new_id()
    live = listing(org, seller, 1000)
    expired = listing(org, seller, 10, title="Old lamp", category="appliances")
    hidden = listing(org, seller, 1000, status=ListingStatus.HIDDEN, report_reason="spam")
    free = listing(org, seller, 1000, price=None, category="free")
    foreign = listing(new_id(), seller)
    async with make_uow() as uow:
        for x in (live, expired, hidden, free, foreign):
            await uow.marketplace_listings.add(x)
        got = await uow.marketplace_listings.get(org, live.id)
        assert got.price == Money.of("4500.00", "INR") and got.status is ListingStatus.ACTIVE
        assert (await uow.marketplace_listings.get(org, free.id)).price is None
        with pytest.raises(NotFound):
            await uow.marketplace_listings.get(org, foreign.id)
        now = b.at(100)
        shown = await uow.marketplace_listings.list(org, ListingFilter(now), PageRequest())
        assert {x.id for x in shown.items} == {live.id, free.id} and shown.total == 2
        only_free = await uow.marketplace_listings.list(org, ListingFilter(now, "free"), PageRequest())
        assert [x.id for x in only_free.items] == [free.id]
        review = await uow.marketplace_listings.list(org, ListingFilter(now, hidden=True), PageRequest())
        assert [x.id for x in review.items] == [hidden.id]
        hidden.status, hidden.report_reason = ListingStatus.ACTIVE, None
        await uow.marketplace_listings.update(hidden)
        assert (await uow.marketplace_listings.get(org, hidden.id)).report_reason is None

        assert not await uow.marketplace_listings.has_contacted(org, live.id, buyer)
        await uow.marketplace_listings.record_contact(org, live.id, buyer, now)
        await uow.marketplace_listings.record_contact(org, live.id, buyer, now)  # twice is once
        assert await uow.marketplace_listings.has_contacted(org, live.id, buyer)
        assert not await uow.marketplace_listings.has_contacted(new_id(), live.id, buyer)

        image = ListingImage(live.id, org, "shelf.png", "image/png", 72, f"{org}/community/{live.id}/x", b.at(3))
        await uow.marketplace_listings.add_image(image)
        assert [i.filename for i in await uow.marketplace_listings.images(org, live.id)] == ["shelf.png"]
        assert await uow.marketplace_listings.images(new_id(), live.id) == []
        with pytest.raises(NotFound):
            await uow.marketplace_listings.delete(new_id(), live.id)
        await uow.marketplace_listings.delete(org, live.id)
        with pytest.raises(NotFound):
            await uow.marketplace_listings.get(org, live.id)
        assert await uow.marketplace_listings.images(org, live.id) == []


async def test_residents_read_the_properties_rows(make_uow):
    org = new_id()
    place = b.prop(org)
    async with make_uow() as uow:
        await uow.properties.add(place)
        tenant = b.tenant(org, place.id)
        await uow.tenants.add(tenant)
        assert await uow.residents.property_of_tenant(org, tenant.id) == place.id
        assert await uow.residents.property_of_tenant(new_id(), tenant.id) is None
        assert await uow.residents.property_exists(org, place.id)
        assert not await uow.residents.property_exists(new_id(), place.id)
