"""A buyer writes to a seller about a listing, and the seller answers, through the platform's inbox.

Neither side ever sees the other's e-mail or phone: the notification carries the message, the
listing and the sender's user id (to answer through ``/contact`` with ``recipient_id``), nothing
from the sender's profile. A seller may only answer someone who wrote to them about that listing."""

from __future__ import annotations

from uuid import UUID

from pmsaas.domain.community.marketplace import member, visible_listing
from pmsaas.domain.flows.community_notices import CommunityNoticesUnitOfWork, notify
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import ValidationFailed


async def contact(
    *,
    uow: CommunityNoticesUnitOfWork,
    clock: Clock,
    actor: Actor,
    listing_id: UUID,
    message: str,
    recipient_id: UUID | None = None,
) -> UUID:
    """Relays ``message``; returns the recipient's user id. Writing to oneself is a 422."""
    sender = member(actor, "community:read")
    if not message.strip():
        raise ValidationFailed.single("message", "must not be blank")
    now = clock.now()
    async with uow:
        listing = await visible_listing(uow, actor, listing_id, now)
        if sender == listing.seller_id:
            if recipient_id is None or recipient_id == sender:
                raise ValidationFailed.single("recipient_id", "a seller cannot contact themselves about their listing")
            if not await uow.marketplace_listings.has_contacted(actor.org, listing_id, recipient_id):
                raise ValidationFailed.single("recipient_id", "this resident has not written about this listing")
            to, title = recipient_id, f"The seller answered about {listing.title}"
        else:
            if recipient_id is not None and recipient_id != listing.seller_id:
                raise ValidationFailed.single("recipient_id", "a buyer writes to the listing's seller")
            to, title = listing.seller_id, f"A resident wrote about {listing.title}"
            await uow.marketplace_listings.record_contact(actor.org, listing_id, sender, now)
        reply = f"/api/v1/community/marketplace/listings/{listing_id}/contact"
        await notify(
            uow,
            actor.org,
            to,
            "community.marketplace_message",
            title,
            message.strip(),
            now,
            listing_id=str(listing_id),
            from_user_id=str(sender),
            reply_path=reply,
        )
        await uow.commit()
    return to
