"""community_*: events with their registrations (seats and wait list), the marketplace's listings and
who wrote to a seller about one. Properties and users are referenced by id only (no foreign keys
across contexts)."""

import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import UtcDateTime, id_column, metadata, organization_column, timestamps

events = sa.Table(
    "community_events",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("property_id", sa.Uuid(), nullable=True),  # NULL: every property of the organization
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("location", sa.String(300), nullable=False),
    sa.Column("starts_at", UtcDateTime(), nullable=False),
    sa.Column("ends_at", UtcDateTime(), nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=True),
    sa.Column("registration_closes_at", UtcDateTime(), nullable=True),
    sa.Column("waitlist_enabled", sa.Boolean(), nullable=False),
    sa.Column("created_by", sa.Uuid(), nullable=True),
    *timestamps(),
    sa.Index("ix_community_events_org_starts", "organization_id", "starts_at", "id"),
)

registrations = sa.Table(
    "community_event_registrations",
    metadata,
    sa.Column("event_id", sa.Uuid(), sa.ForeignKey("community_events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.Uuid(), primary_key=True),
    organization_column(),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),  # arrival order: the wait list is promoted by it
    sa.Column("registered_at", UtcDateTime(), nullable=False),
    sa.Column("reminded_at", UtcDateTime(), nullable=True),  # reminders go once per (event, attendee)
    sa.UniqueConstraint("event_id", "seq", name="uq_community_event_registrations_event_seq"),
)

listings = sa.Table(
    "community_marketplace_listings",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("seller_id", sa.Uuid(), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("price_minor", sa.BigInteger(), nullable=True),
    sa.Column("currency", sa.String(3), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("report_reason", sa.Text(), nullable=True),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    *timestamps(),
    sa.Index("ix_community_marketplace_listings_org_status_expires", "organization_id", "status", "expires_at"),
)

contacts = sa.Table(
    "community_marketplace_contacts",
    metadata,
    sa.Column(
        "listing_id",
        sa.Uuid(),
        sa.ForeignKey("community_marketplace_listings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("buyer_id", sa.Uuid(), primary_key=True),
    organization_column(),
    sa.Column("first_contact_at", UtcDateTime(), nullable=False),
)

images = sa.Table(
    "community_marketplace_images",
    metadata,
    id_column(),
    organization_column(),
    sa.Column(
        "listing_id",
        sa.Uuid(),
        sa.ForeignKey("community_marketplace_listings.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("filename", sa.String(200), nullable=False),
    sa.Column("content_type", sa.String(50), nullable=False),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("storage_key", sa.String(300), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)
