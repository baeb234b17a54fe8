"""operations_*: tickets (= maintenance requests) with comments, attachments and history,
custom categories, vendors, work orders, and the ticketing surface's webhook subscriptions.

Properties, units, tenants and users are referenced by id only (no foreign keys across contexts).
"""

import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata, organization_column, timestamps

tickets = sa.Table(
    "operations_tickets",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("priority", sa.String(10), nullable=False),
    sa.Column("priority_rank", sa.SmallInteger(), nullable=False),  # low=1 … critical=4, for sorting
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("property_id", sa.Uuid(), nullable=False),
    sa.Column("unit_id", sa.Uuid(), nullable=True),
    sa.Column("requester_id", sa.Uuid(), nullable=True),  # a user or an API key
    sa.Column("tenant_id", sa.Uuid(), nullable=True),  # the reporting tenant profile
    sa.Column("assignee_id", sa.Uuid(), nullable=True),
    sa.Column("responded_at", UtcDateTime(), nullable=True),
    sa.Column("resolved_at", UtcDateTime(), nullable=True),
    sa.Column("closed_at", UtcDateTime(), nullable=True),
    sa.Column("response_due_at", UtcDateTime(), nullable=False),
    sa.Column("resolution_due_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Column("deleted_at", UtcDateTime(), nullable=True),
    # GET /v1/tickets?status=open&priority=high, newest first: the index gives the page in order
    # (created_at, then id: the tie-break every list sorts by), no sort of the matching rows.
    sa.Index("ix_operations_tickets_org_status_priority", "organization_id", "status", "priority", "created_at", "id"),
    sa.Index("ix_operations_tickets_org_created", "organization_id", "created_at", "id"),
    sa.Index("ix_operations_tickets_org_assignee", "organization_id", "assignee_id"),
    sa.Index("ix_operations_tickets_org_property", "organization_id", "property_id"),
    sa.Index("ix_operations_tickets_org_tenant", "organization_id", "tenant_id"),
)

ticket_comments = sa.Table(
    "operations_ticket_comments",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("ticket_id", sa.Uuid(), sa.ForeignKey("operations_tickets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("author_id", sa.Uuid(), nullable=True),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("internal", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_operations_ticket_comments_ticket", "ticket_id", "created_at"),
)

ticket_attachments = sa.Table(
    "operations_ticket_attachments",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("ticket_id", sa.Uuid(), sa.ForeignKey("operations_tickets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("filename", sa.String(200), nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),
    sa.Column("size", sa.BigInteger(), nullable=False),
    sa.Column("storage_key", sa.String(300), nullable=False),
    sa.Column("uploaded_by", sa.Uuid(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_operations_ticket_attachments_ticket", "ticket_id", "created_at"),
)

ticket_updates = sa.Table(
    "operations_ticket_updates",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("ticket_id", sa.Uuid(), sa.ForeignKey("operations_tickets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("actor_id", sa.Uuid(), nullable=True),
    sa.Column("from_status", sa.String(20), nullable=True),
    sa.Column("to_status", sa.String(20), nullable=True),
    sa.Column("note", sa.Text(), nullable=True),
    sa.Column("data", Json, nullable=False),
    sa.Column("internal", sa.Boolean(), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("seq", sa.BigInteger(), nullable=False),  # tie-break within one instant
    sa.Index("ix_operations_ticket_updates_ticket", "ticket_id", "at"),
)

ticket_categories = sa.Table(
    "operations_ticket_categories",
    metadata,
    sa.Column("organization_id", sa.Uuid(), primary_key=True),
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

vendors = sa.Table(
    "operations_vendors",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("phone", sa.String(32), nullable=True),
    sa.Column("trades", Json, nullable=False),
    sa.Column("service_areas", Json, nullable=False),
    sa.Column("insurance_expires_on", sa.Date(), nullable=True),
    sa.Column("tax_id", sa.String(20), nullable=True),
    sa.Column("tax_id_kind", sa.String(10), nullable=True),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Column("deleted_at", UtcDateTime(), nullable=True),
    sa.Index("ix_operations_vendors_org_name", "organization_id", "name"),
)

work_orders = sa.Table(
    "operations_work_orders",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("ticket_id", sa.Uuid(), sa.ForeignKey("operations_tickets.id"), nullable=False),
    sa.Column("vendor_id", sa.Uuid(), sa.ForeignKey("operations_vendors.id"), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("scheduled_start", UtcDateTime(), nullable=False),
    sa.Column("scheduled_end", UtcDateTime(), nullable=False),
    sa.Column("estimated_cost_minor", sa.BigInteger(), nullable=False),
    sa.Column("actual_cost_minor", sa.BigInteger(), nullable=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=True),
    sa.Column("completed_at", UtcDateTime(), nullable=True),
    sa.Column("cancelled_at", UtcDateTime(), nullable=True),
    sa.Column("rating", sa.SmallInteger(), nullable=True),
    sa.Column("rating_comment", sa.Text(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Column("deleted_at", UtcDateTime(), nullable=True),
    sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
    sa.Index("ix_operations_work_orders_org_ticket", "organization_id", "ticket_id"),
    sa.Index("ix_operations_work_orders_org_vendor", "organization_id", "vendor_id", "completed_at"),
)
