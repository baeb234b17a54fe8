"""Marketplace listings and who wrote to a seller; every query filters the organization."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.tables.community import contacts, images, listings
from pmsaas.adapters.sql.tables.properties import properties, tenants
from pmsaas.domain.community.model import ListingImage, ListingStatus, MarketplaceListing
from pmsaas.domain.community.ports import ListingFilter, ListingRepository, Residents
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

_SORTABLE = {"created_at": listings.c.created_at, "expires_at": listings.c.expires_at, "title": listings.c.title}


def _row(x: MarketplaceListing) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "seller_id": x.seller_id,
        "title": x.title,
        "description": x.description,
        "category": x.category,
        "price_minor": x.price.minor if x.price is not None else None,
        "currency": x.price.currency if x.price is not None else None,
        "status": x.status.value,
        "report_reason": x.report_reason,
        "expires_at": x.expires_at,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def _listing(r: Any) -> MarketplaceListing:
    price = Money.from_minor(r.price_minor, r.currency) if r.price_minor is not None else None
    return MarketplaceListing(
        id=r.id,
        organization_id=r.organization_id,
        seller_id=r.seller_id,
        title=r.title,
        description=r.description,
        category=r.category,
        price=price,
        status=ListingStatus(r.status),
        report_reason=r.report_reason,
        expires_at=r.expires_at,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlListingRepository(ListingRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _one(self, organization_id: UUID, listing_id: UUID) -> sa.ColumnElement[bool]:
        return sa.and_(listings.c.organization_id == organization_id, listings.c.id == listing_id)

    async def add(self, listing: MarketplaceListing) -> None:
        await self._conn.execute(listings.insert().values(_row(listing)))

    async def get(self, organization_id: UUID, listing_id: UUID) -> MarketplaceListing:
        row = (await self._conn.execute(sa.select(listings).where(self._one(organization_id, listing_id)))).first()
        if row is None:
            raise NotFound("listing not found")
        return _listing(row)

    async def update(self, listing: MarketplaceListing) -> None:
        values = {k: v for k, v in _row(listing).items() if k not in ("id", "organization_id", "created_at")}
        await self._conn.execute(listings.update().where(self._one(listing.organization_id, listing.id)).values(values))

    async def delete(self, organization_id: UUID, listing_id: UUID) -> None:
        # The rows go; the stored bytes stay until the storage's own lifecycle rule (as tickets' files).
        await self._conn.execute(
            images.delete().where(images.c.organization_id == organization_id, images.c.listing_id == listing_id)
        )
        await self._conn.execute(
            contacts.delete().where(contacts.c.organization_id == organization_id, contacts.c.listing_id == listing_id)
        )
        done = await self._conn.execute(listings.delete().where(self._one(organization_id, listing_id)))
        if done.rowcount == 0:
            raise NotFound("listing not found")

    async def list(self, organization_id: UUID, filters: ListingFilter, page: PageRequest) -> Page[MarketplaceListing]:
        where: list[sa.ColumnElement[bool]] = [listings.c.organization_id == organization_id]
        if filters.hidden:
            where.append(listings.c.status == ListingStatus.HIDDEN.value)
        else:
            where += [listings.c.status == ListingStatus.ACTIVE.value, listings.c.expires_at > filters.now]
        if filters.category is not None:
            where.append(listings.c.category == filters.category)
        sortable = _SORTABLE if page.sort_by in _SORTABLE else {page.sort_by: listings.c.created_at}
        return await page_of(self._conn, listings, where, sortable, page, _listing)

    async def record_contact(self, organization_id: UUID, listing_id: UUID, buyer_id: UUID, at: datetime) -> None:
        if not await self.has_contacted(organization_id, listing_id, buyer_id):
            await self._conn.execute(
                contacts.insert().values(
                    listing_id=listing_id, buyer_id=buyer_id, organization_id=organization_id, first_contact_at=at
                )
            )

    async def has_contacted(self, organization_id: UUID, listing_id: UUID, buyer_id: UUID) -> bool:
        c = contacts
        query = sa.select(c.c.buyer_id).where(
            c.c.organization_id == organization_id, c.c.listing_id == listing_id, c.c.buyer_id == buyer_id
        )
        return (await self._conn.execute(query)).first() is not None

    async def add_image(self, image: ListingImage) -> None:
        await self._conn.execute(
            images.insert().values(
                id=image.id,
                organization_id=image.organization_id,
                listing_id=image.listing_id,
                filename=image.filename,
                content_type=image.content_type,
                size=image.size,
                storage_key=image.storage_key,
                created_at=image.created_at,
            )
        )

    async def images(self, organization_id: UUID, listing_id: UUID) -> builtins.list[ListingImage]:
        i = images
        rows = await self._conn.execute(
            sa.select(i)
            .where(i.c.organization_id == organization_id, i.c.listing_id == listing_id)
            .order_by(i.c.created_at, i.c.id)
        )
        return [
            ListingImage(
                id=r.id,
                listing_id=r.listing_id,
                organization_id=r.organization_id,
                filename=r.filename,
                content_type=r.content_type,
                size=r.size,
                storage_key=r.storage_key,
                created_at=r.created_at,
            )
            for r in rows
        ]


class SqlResidents(Residents):
    """Where a tenant lives, read from the properties context's tables."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def property_of_tenant(self, organization_id: UUID, tenant_id: UUID) -> UUID | None:
        query = sa.select(tenants.c.property_id).where(
            tenants.c.organization_id == organization_id, tenants.c.id == tenant_id, tenants.c.deleted_at.is_(None)
        )
        return (await self._conn.execute(query)).scalar_one_or_none()

    async def property_exists(self, organization_id: UUID, property_id: UUID) -> bool:
        query = sa.select(properties.c.id).where(
            properties.c.organization_id == organization_id,
            properties.c.id == property_id,
            properties.c.deleted_at.is_(None),
        )
        return (await self._conn.execute(query)).first() is not None
