"""/api/v1/community/marketplace: residents' listings, their categories, and messages relayed to the
seller through the platform (no e-mail or phone ever leaves either side's profile)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, post, put
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.community import marketplace
from pmsaas.domain.community.model import CATEGORIES, ListingImage, MarketplaceListing
from pmsaas.domain.flows import listing_images, marketplace_contact
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Listing, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated, paginated_all
from pmsaas.entrypoints.http.pagination import PAGING, list_query
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut
from pmsaas.entrypoints.http.ticketing.tickets import UPLOAD_BODY_LIMIT, read_upload, upload_of


class ListingIn(Input):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    description: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    price: MoneyIn | None = None
    expires_in_days: int = marketplace.DEFAULT_LIFETIME_DAYS

    def to_input(self) -> marketplace.ListingInput:
        return marketplace.ListingInput(
            title=self.title,
            description=self.description,
            category=self.category,
            price=self.price.to_money("price.amount") if self.price is not None else None,
            lifetime_days=self.expires_in_days,
        )


class ImageOut(msgspec.Struct, kw_only=True):
    id: UUID
    filename: str
    content_type: str
    size: int
    url: str
    created_at: datetime

    @classmethod
    def of(cls, i: ListingImage) -> ImageOut:
        return cls(
            id=i.id,
            filename=i.filename,
            content_type=i.content_type,
            size=i.size,
            url=f"/api/v1/community/marketplace/listings/{i.listing_id}/images/{i.id}",
            created_at=i.created_at,
        )


class ListingOut(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    description: str
    category: str
    price: MoneyOut | None
    seller_id: UUID  # the only thing said of the seller: contact goes through /contact
    status: str
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    images: list[ImageOut] | msgspec.UnsetType = msgspec.UNSET  # on a single listing's read

    @classmethod
    def of(cls, x: MarketplaceListing, images: list[ListingImage] | None = None) -> ListingOut:
        return cls(
            id=x.id,
            title=x.title,
            description=x.description,
            category=x.category,
            price=MoneyOut.of(x.price) if x.price is not None else None,
            seller_id=x.seller_id,
            status=x.status.value,
            expires_at=x.expires_at,
            created_at=x.created_at,
            updated_at=x.updated_at,
            images=[ImageOut.of(i) for i in images] if images is not None else msgspec.UNSET,
        )


class ContactIn(Input):
    message: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    recipient_id: UUID | None = None  # the seller answering a resident who wrote


class ContactOut(msgspec.Struct, kw_only=True):
    listing_id: UUID
    recipient_id: UUID
    delivered: bool


class ReportIn(Input):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class CategoryOut(msgspec.Struct, kw_only=True):
    id: str
    name: str


class MarketplaceController(Controller):
    path = "/api/v1/community/marketplace"
    tags = ["Community"]
    dependencies = {"listing": Provide(list_query(("created_at", "expires_at", "title")))}

    @get("/categories", guards=[requires("community:read")], dependencies=PAGING, summary="Listing categories")
    async def categories(self, paging: Paged) -> Paginated[CategoryOut]:
        return paginated_all([CategoryOut(id=c, name=c.capitalize()) for c in CATEGORIES], paging.page)

    @get("/listings", guards=[requires("community:read")], summary="Live listings (hidden=true: reported, managers)")
    async def list_listings(
        self, listing: Listing, category: FromQuery[str | None] = None, hidden: FromQuery[bool] = False
    ) -> Paginated[ListingOut]:
        ctx = listing.ctx
        page = await marketplace.list_listings(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, category=category, hidden=hidden, page=listing.page
        )
        return paginated(page, [ListingOut.of(x) for x in page.items])

    @post("/listings", guards=[requires("community:create")], status_code=HTTP_201_CREATED, summary="List an item")
    async def create_listing(self, ctx: Context, data: JSONBody[ListingIn]) -> Ok[ListingOut]:
        x = await marketplace.create_listing(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, data=data.to_input())
        return ok(ListingOut.of(x))

    @get("/listings/{listing_id:uuid}", guards=[requires("community:read")], summary="Get a listing")
    async def get_listing(self, ctx: Context, listing_id: FromPath[UUID]) -> Ok[ListingOut]:
        x, images = await marketplace.get_listing(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, listing_id=listing_id
        )
        return ok(ListingOut.of(x, images))

    @put("/listings/{listing_id:uuid}", guards=[requires("community:update")], summary="Replace (seller or manager)")
    async def update_listing(
        self, ctx: Context, listing_id: FromPath[UUID], data: JSONBody[ListingIn]
    ) -> Ok[ListingOut]:
        x = await marketplace.update_listing(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, listing_id=listing_id, data=data.to_input()
        )
        return ok(ListingOut.of(x))

    @delete(
        "/listings/{listing_id:uuid}",
        guards=[requires("community:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove (seller or manager)",
    )
    async def delete_listing(self, ctx: Context, listing_id: FromPath[UUID]) -> None:
        await marketplace.delete_listing(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, listing_id=listing_id)

    @post(
        "/listings/{listing_id:uuid}/contact",
        guards=[requires("community:read")],
        status_code=HTTP_200_OK,
        summary="Message the seller (or, as the seller, answer) through the platform",
    )
    async def contact(self, ctx: Context, listing_id: FromPath[UUID], data: JSONBody[ContactIn]) -> Ok[ContactOut]:
        to = await marketplace_contact.contact(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            listing_id=listing_id,
            message=data.message,
            recipient_id=data.recipient_id,
        )
        return ok(ContactOut(listing_id=listing_id, recipient_id=to, delivered=True))

    @post(
        "/listings/{listing_id:uuid}/report",
        guards=[requires("community:read")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Report a listing: hidden until a manager reviews it",
    )
    async def report(self, ctx: Context, listing_id: FromPath[UUID], data: JSONBody[ReportIn]) -> None:
        await marketplace.report_listing(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, listing_id=listing_id, reason=data.reason
        )

    @post(
        "/listings/{listing_id:uuid}/restore",
        guards=[requires("community:manage")],
        status_code=HTTP_200_OK,
        summary="A manager restores a reported listing",
    )
    async def restore(self, ctx: Context, listing_id: FromPath[UUID]) -> Ok[ListingOut]:
        x = await marketplace.restore_listing(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, listing_id=listing_id)
        return ok(ListingOut.of(x))

    @post(
        "/listings/{listing_id:uuid}/images",
        guards=[requires("community:update")],
        status_code=HTTP_201_CREATED,
        summary="Add a photo (multipart field 'file'; JPEG, PNG, GIF, WebP or HEIC, at most 10 MB)",
        request_max_body_size=UPLOAD_BODY_LIMIT,
    )
    async def add_image(
        self,
        ctx: Context,
        listing_id: FromPath[UUID],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Ok[ImageOut]:
        file = upload_of(data)
        image = await listing_images.add_image(
            uow=ctx.uow(),
            storage=ctx.attachment_storage,
            clock=ctx.clock,
            actor=ctx.actor,
            listing_id=listing_id,
            filename=file.filename or "photo",
            data=await read_upload(file),
        )
        return ok(ImageOut.of(image))

    @get("/listings/{listing_id:uuid}/images/{image_id:uuid}", guards=[requires("community:read")], summary="A photo")
    async def image(self, ctx: Context, listing_id: FromPath[UUID], image_id: FromPath[UUID]) -> Response[bytes]:
        image, content = await listing_images.read_image(
            uow=ctx.uow(),
            storage=ctx.attachment_storage,
            clock=ctx.clock,
            actor=ctx.actor,
            listing_id=listing_id,
            image_id=image_id,
        )
        return Response(
            content,
            media_type=image.content_type,
            headers={
                "Content-Disposition": f'inline; filename="{image.filename}"',
                "X-Content-Type-Options": "nosniff",
            },
        )
