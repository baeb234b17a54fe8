"""The residents' marketplace: a member lists an item; listings expire; the seller or a manager
removes one; a reported listing is hidden until a manager restores or removes it. Buyers and
sellers talk through the platform only (``domain/flows/marketplace_contact.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from pmsaas.domain.community.events import MANAGE
from pmsaas.domain.community.model import CATEGORIES, ListingImage, ListingStatus, MarketplaceListing
from pmsaas.domain.community.ports import CommunityUnitOfWork, ListingFilter
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

DEFAULT_LIFETIME_DAYS = 30
MAX_LIFETIME_DAYS = 90


@dataclass(frozen=True)
class ListingInput:
    title: str
    description: str
    category: str
    price: Money | None = None
    lifetime_days: int = DEFAULT_LIFETIME_DAYS


def member(actor: Actor, permission: str) -> UUID:
    actor.require(permission)
    if actor.user_id is None:
        raise PermissionDenied("an API key cannot trade on the marketplace: sign in as a resident")
    return actor.user_id


def check_listing(data: ListingInput) -> None:
    if data.category not in CATEGORIES:
        raise ValidationFailed.single("category", f"one of {', '.join(CATEGORIES)}")
    if not data.title.strip():
        raise ValidationFailed.single("title", "must not be blank")
    if not 1 <= data.lifetime_days <= MAX_LIFETIME_DAYS:
        raise ValidationFailed.single("expires_in_days", f"between 1 and {MAX_LIFETIME_DAYS}")
    if data.price is not None and data.price.amount < 0:
        raise ValidationFailed.single("price.amount", "must not be negative")


def may_see(actor: Actor, listing: MarketplaceListing, now: datetime) -> bool:
    return listing.live(now) or listing.seller_id == actor.user_id or actor.can(MANAGE)


async def visible_listing(
    uow: CommunityUnitOfWork, actor: Actor, listing_id: UUID, now: datetime
) -> MarketplaceListing:
    listing = await uow.marketplace_listings.get(actor.org, listing_id)
    if not may_see(actor, listing, now):
        raise NotFound("listing not found")
    return listing


def _changed(name: str, listing: MarketplaceListing, at: datetime) -> DomainEvent:
    return DomainEvent(name, listing.organization_id, at, {"listing_id": str(listing.id)})


async def create_listing(
    *, uow: CommunityUnitOfWork, clock: Clock, actor: Actor, data: ListingInput
) -> MarketplaceListing:
    seller = member(actor, "community:create")
    check_listing(data)
    now = clock.now()
    listing = MarketplaceListing(
        organization_id=actor.org,
        seller_id=seller,
        title=data.title.strip(),
        description=data.description,
        category=data.category,
        price=data.price,
        expires_at=now + timedelta(days=data.lifetime_days),
        created_at=now,
        updated_at=now,
    )
    async with uow:
        await uow.marketplace_listings.add(listing)
        uow.record(_changed("marketplace_listing.created", listing, now))
        await uow.commit()
    return listing


async def get_listing(
    *, uow: CommunityUnitOfWork, clock: Clock, actor: Actor, listing_id: UUID
) -> tuple[MarketplaceListing, list[ListingImage]]:
    actor.require("community:read")
    async with uow:
        listing = await visible_listing(uow, actor, listing_id, clock.now())
        return listing, await uow.marketplace_listings.images(actor.org, listing_id)


async def list_listings(
    *, uow: CommunityUnitOfWork, clock: Clock, actor: Actor, category: str | None, hidden: bool, page: PageRequest
) -> Page[MarketplaceListing]:
    """Live listings (active, not expired); ``hidden``: the reported ones awaiting review (managers)."""
    actor.require("community:read")
    if hidden:
        actor.require(MANAGE)
    async with uow:
        return await uow.marketplace_listings.list(actor.org, ListingFilter(clock.now(), category, hidden), page)


def owned(actor: Actor, listing: MarketplaceListing) -> None:
    if listing.seller_id != actor.user_id and not actor.can(MANAGE):
        raise PermissionDenied("only the seller or a manager may change this listing")


async def update_listing(
    *, uow: CommunityUnitOfWork, clock: Clock, actor: Actor, listing_id: UUID, data: ListingInput
) -> MarketplaceListing:
    """PUT by the seller (or a manager): the content, and a new lifetime counted from now."""
    member(actor, "community:update")
    check_listing(data)
    now = clock.now()
    async with uow:
        listing = await visible_listing(uow, actor, listing_id, now)
        owned(actor, listing)
        listing.title, listing.description, listing.category = data.title.strip(), data.description, data.category
        listing.price, listing.expires_at, listing.updated_at = (
            data.price,
            now + timedelta(days=data.lifetime_days),
            now,
        )
        await uow.marketplace_listings.update(listing)
        uow.record(_changed("marketplace_listing.updated", listing, now))
        await uow.commit()
    return listing


async def delete_listing(*, uow: CommunityUnitOfWork, clock: Clock, actor: Actor, listing_id: UUID) -> None:
    member(actor, "community:delete")
    now = clock.now()
    async with uow:
        listing = await visible_listing(uow, actor, listing_id, now)
        owned(actor, listing)
        await uow.marketplace_listings.delete(actor.org, listing_id)
        uow.record(_changed("marketplace_listing.deleted", listing, now))
        await uow.commit()


async def report_listing(
    *, uow: CommunityUnitOfWork, clock: Clock, actor: Actor, listing_id: UUID, reason: str
) -> None:
    """Any resident who sees a listing may report it: it leaves the marketplace until reviewed."""
    member(actor, "community:read")
    now = clock.now()
    async with uow:
        listing = await visible_listing(uow, actor, listing_id, now)
        listing.status, listing.report_reason, listing.updated_at = ListingStatus.HIDDEN, reason.strip(), now
        await uow.marketplace_listings.update(listing)
        uow.record(_changed("marketplace_listing.reported", listing, now))
        await uow.commit()


async def restore_listing(
    *, uow: CommunityUnitOfWork, clock: Clock, actor: Actor, listing_id: UUID
) -> MarketplaceListing:
    """A manager's review found nothing wrong: the listing is back (removing it is DELETE)."""
    actor.require(MANAGE)
    now = clock.now()
    async with uow:
        listing = await uow.marketplace_listings.get(actor.org, listing_id)
        listing.status, listing.report_reason, listing.updated_at = ListingStatus.ACTIVE, None, now
        await uow.marketplace_listings.update(listing)
        uow.record(_changed("marketplace_listing.restored", listing, now))
        await uow.commit()
    return listing
