import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata, organization_column, timestamps

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

# Plans and billing (issue 13): the subscription's period and scheduled change; the platform's own
# invoices to the organization; its e-mail domains.
subscriptions = sa.Table(
    "organizations_subscriptions",
    metadata,
    sa.Column("organization_id", sa.Uuid(), primary_key=True),
    sa.Column("plan", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("current_period_start", UtcDateTime(), nullable=False),
    sa.Column("current_period_end", UtcDateTime(), nullable=False),
    sa.Column("scheduled_plan", sa.String(20), nullable=True),
    # The gateway's reference to the card that paid (never the number): renewals charge it.
    sa.Column("card_reference", sa.String(200), nullable=True),
    # Dunning (past_due): failed charges of the open renewal invoice, and when it is charged again.
    sa.Column("payment_attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("next_payment_attempt_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    *timestamps(),
    sa.Index("ix_organizations_subscriptions_due", "current_period_end"),
    sa.Index("ix_organizations_subscriptions_retries", "next_payment_attempt_at"),
)

subscription_invoices = sa.Table(
    "organizations_subscription_invoices",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("number", sa.String(30), nullable=False),
    sa.Column("plan", sa.String(20), nullable=False),
    sa.Column("period_start", UtcDateTime(), nullable=False),
    sa.Column("period_end", UtcDateTime(), nullable=False),
    sa.Column("amount_minor", sa.BigInteger(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Column("paid_at", UtcDateTime(), nullable=True),
    sa.Column("gateway", sa.String(20), nullable=True),
    sa.Column("gateway_payment_id", sa.String(100), nullable=True),
    sa.UniqueConstraint("organization_id", "number"),
)

domains = sa.Table(
    "organizations_domains",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("domain", sa.String(253), nullable=False),
    sa.Column("token", sa.String(64), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    # The domain once verified, else NULL: unique, so one organization at a time holds it verified.
    sa.Column("verified_domain", sa.String(253), nullable=True, unique=True),
    sa.Column("verified_at", UtcDateTime(), nullable=True),
    *timestamps(),
    sa.UniqueConstraint("organization_id", "domain"),
)
