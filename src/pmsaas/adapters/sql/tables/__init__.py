"""Importing this package registers every table on the shared MetaData."""

from pmsaas.adapters.sql.tables import (
    api_keys,  # noqa: F401  (identity_api_keys)
    community,  # noqa: F401  (community_*)
    financial,  # noqa: F401  (financial_*)
    identity,
    notifications,
    oauth,  # noqa: F401  (identity_oauth_*)
    operations,  # noqa: F401  (operations_*)
    organizations,
    platform,  # noqa: F401  (platform_idempotency_keys)
    properties,
)

__all__ = ["identity", "notifications", "organizations", "properties"]
