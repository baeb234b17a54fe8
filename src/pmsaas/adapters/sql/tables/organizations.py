import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata, timestamps

organizations = sa.Table(
    "organizations_organizations",
    metadata,
    id_column(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("plan", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("province", sa.String(10), nullable=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("locale", sa.String(16), nullable=False),
    sa.Column("extra_settings", Json, nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Column("deleted_at", UtcDateTime(), nullable=True),
)
