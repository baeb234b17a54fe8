import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import UtcDateTime, id_column, metadata, organization_column, timestamps

properties = sa.Table(
    "properties_properties",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("year_built", sa.Integer(), nullable=True),
    sa.Column("street", sa.String(200), nullable=False),
    sa.Column("city", sa.String(100), nullable=False),
    sa.Column("province", sa.String(10), nullable=False),
    sa.Column("postal_code", sa.String(12), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Column("deleted_at", UtcDateTime(), nullable=True),
    # The list endpoint pages an organization's live properties by creation time or name.
    sa.Index("ix_properties_org_created", "organization_id", "created_at"),
    sa.Index("ix_properties_org_name", "organization_id", "name"),
)
