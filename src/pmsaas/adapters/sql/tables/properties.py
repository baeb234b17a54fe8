import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata, organization_column, timestamps

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
    sa.Column("amenities", Json, nullable=True),  # list of strings; NULL = none (rows before 0003)
    sa.Column("policies", Json, nullable=True),  # PropertyPolicies as JSON; NULL = none set
    # The list endpoint pages an organization's live properties by creation time or name, ties broken
    # by id: with the id in the index the page (and a keyset cursor) is read in index order (0036).
    sa.Index("ix_properties_org_created", "organization_id", "created_at", "id"),
    sa.Index("ix_properties_org_name", "organization_id", "name", "id"),
)

# The users (role PropertyOwner) who own a property; they see only the properties they own.
property_owners = sa.Table(
    "properties_property_owners",
    metadata,
    sa.Column(
        "property_id", sa.Uuid(), sa.ForeignKey("properties_properties.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("user_id", sa.Uuid(), primary_key=True),
    organization_column(),
    sa.Index("ix_property_owners_org_user", "organization_id", "user_id"),
)

units = sa.Table(
    "properties_units",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("property_id", sa.Uuid(), sa.ForeignKey("properties_properties.id"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("floor", sa.String(20), nullable=True),
    sa.Column("type", sa.String(50), nullable=True),
    sa.Column("bedrooms", sa.Integer(), nullable=True),
    sa.Column("bathrooms", sa.String(8), nullable=True),  # decimal text ("1.5"): never a float
    sa.Column("area", sa.String(16), nullable=True),  # decimal text
    sa.Column("area_unit", sa.String(4), nullable=True),
    sa.Column("market_rent_minor", sa.BigInteger(), nullable=True),
    sa.Column("currency", sa.String(3), nullable=True),
    sa.Column("amenities", Json, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Column("deleted_at", UtcDateTime(), nullable=True),
    sa.Index("ix_units_property", "property_id"),
    # A live unit's name is unique within its property (deleted units keep theirs as history).
    sa.Index(
        "uq_units_property_name_live",
        "property_id",
        "name",
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    ),
)

tenants = sa.Table(
    "properties_tenants",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("property_id", sa.Uuid(), sa.ForeignKey("properties_properties.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("phone", sa.String(32), nullable=True),
    sa.Column("emergency_contact", Json, nullable=True),
    sa.Column("pan_number", sa.String(10), nullable=True),
    sa.Column("gstin", sa.String(15), nullable=True),
    sa.Column("business_number", sa.String(20), nullable=True),
    sa.Column("user_id", sa.Uuid(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Column("deleted_at", UtcDateTime(), nullable=True),
    sa.Index("ix_tenants_property_email", "property_id", "email"),
    sa.Index("ix_tenants_org_user", "organization_id", "user_id"),
)

leases = sa.Table(
    "properties_leases",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("property_id", sa.Uuid(), sa.ForeignKey("properties_properties.id"), nullable=False),
    sa.Column("unit_id", sa.Uuid(), sa.ForeignKey("properties_units.id"), nullable=False),
    sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("properties_tenants.id"), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("start_date", sa.Date(), nullable=False),
    sa.Column("end_date", sa.Date(), nullable=True),  # NULL = periodic (month to month)
    # The last day the lease occupies its unit: min(end_date, move_out_date, terminated_on), NULL = open.
    sa.Column("occupied_until", sa.Date(), nullable=True),
    sa.Column("move_out_date", sa.Date(), nullable=True),
    sa.Column("terminated_on", sa.Date(), nullable=True),
    sa.Column("ended_on", sa.Date(), nullable=True),
    sa.Column("rent_minor", sa.BigInteger(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("billing_day", sa.Integer(), nullable=False),
    sa.Column("grace_days", sa.Integer(), nullable=False),
    sa.Column("security_deposit_minor", sa.BigInteger(), nullable=True),
    sa.Column("late_fee_kind", sa.String(12), nullable=True),
    sa.Column("late_fee_value", sa.String(24), nullable=True),  # decimal text
    sa.Column("late_fee_cap_minor", sa.BigInteger(), nullable=True),
    sa.Column("escalation_kind", sa.String(12), nullable=True),
    sa.Column("escalation_value", sa.String(24), nullable=True),  # decimal text
    sa.Column("tds_applicable", sa.Boolean(), nullable=False),
    sa.Column("renewed_from_id", sa.Uuid(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Index("ix_leases_unit_status", "unit_id", "status"),
    sa.Index("ix_leases_tenant", "tenant_id"),
    sa.Index("ix_leases_org_status_start", "organization_id", "status", "start_date"),
    sa.Index("ix_leases_renewed_from", "renewed_from_id"),
    sa.Index("ix_leases_org_created", "organization_id", "created_at", "id"),  # the list's default order (0036)
)

lease_co_tenants = sa.Table(
    "properties_lease_co_tenants",
    metadata,
    sa.Column("lease_id", sa.Uuid(), sa.ForeignKey("properties_leases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tenant_id", sa.Uuid(), sa.ForeignKey("properties_tenants.id"), primary_key=True),
    organization_column(),
    sa.Index("ix_lease_co_tenants_tenant", "tenant_id"),
)

# A lease's recurring charges (maintenance, parking, CAM, utilities), billed with its rent.
recurring_charges = sa.Table(
    "properties_recurring_charges",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("lease_id", sa.Uuid(), sa.ForeignKey("properties_leases.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("amount_minor", sa.BigInteger(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("frequency", sa.String(20), nullable=False),
    sa.Column("start_date", sa.Date(), nullable=False),
    sa.Column("end_date", sa.Date(), nullable=True),
    sa.Column("supply_type", sa.String(40), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Index("ix_recurring_charges_org_lease", "organization_id", "lease_id"),
)
