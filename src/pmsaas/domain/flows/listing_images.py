"""Photos of a marketplace listing: the community context's listing, the operations context's upload
checks and attachment storage (the same magic-number sniffing, size limit and safe file names as a
maintenance request's files; only images here)."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from pmsaas.domain.community.marketplace import member, owned, visible_listing
from pmsaas.domain.community.model import ListingImage
from pmsaas.domain.community.ports import CommunityUnitOfWork
from pmsaas.domain.operations.files import MAX_ATTACHMENT_BYTES, safe_filename, sniff_content_type
from pmsaas.domain.operations.ports import AttachmentStorage
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import NotFound, ValidationFailed
from pmsaas.domain.shared.plan_limits import Quota

MAX_IMAGES = 8


def checked_image_type(data: bytes) -> str:
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed.single("file", f"must be at most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    if not data:
        raise ValidationFailed.single("file", "is empty")
    content_type = sniff_content_type(data)
    if content_type is None or not content_type.startswith("image/"):
        raise ValidationFailed.single("file", "must be a JPEG, PNG, GIF, WebP or HEIC image")
    return content_type


async def add_image(
    *,
    uow: CommunityUnitOfWork,
    storage: AttachmentStorage,
    clock: Clock,
    actor: Actor,
    listing_id: UUID,
    filename: str,
    data: bytes,
) -> ListingImage:
    member(actor, "community:update")
    content_type = checked_image_type(data)
    now = clock.now()
    async with uow:
        listing = await visible_listing(uow, actor, listing_id, now)
        owned(actor, listing)
        if len(await uow.marketplace_listings.images(actor.org, listing_id)) >= MAX_IMAGES:
            raise ValidationFailed.single("file", f"a listing has at most {MAX_IMAGES} images")
        image = ListingImage(
            listing_id=listing.id,
            organization_id=actor.org,
            filename=safe_filename(filename, content_type),
            content_type=content_type,
            size=len(data),
            storage_key="",
            created_at=now,
        )
        image = replace(image, storage_key=f"{actor.org}/community/{listing.id}/{image.id}")
        await uow.plan_allowance.admit(actor.org, Quota.STORAGE, adding=len(data), now=now)
        # The bytes first: a stored file without a row is garbage, a row without a file is a bug.
        await storage.put(image.storage_key, data, content_type)
        await uow.marketplace_listings.add_image(image)
        await uow.commit()
    return image


async def read_image(
    *,
    uow: CommunityUnitOfWork,
    storage: AttachmentStorage,
    clock: Clock,
    actor: Actor,
    listing_id: UUID,
    image_id: UUID,
) -> tuple[ListingImage, bytes]:
    actor.require("community:read")
    async with uow:
        await visible_listing(uow, actor, listing_id, clock.now())
        found = [i for i in await uow.marketplace_listings.images(actor.org, listing_id) if i.id == image_id]
    if not found:
        raise NotFound("image not found")
    return found[0], await storage.get(found[0].storage_key)
