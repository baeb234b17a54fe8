"""Importing this package registers every table on the shared MetaData."""

from pmsaas.adapters.sql.tables import identity, notifications, organizations, properties
from pmsaas.adapters.sql.tables import api_keys  # noqa: F401  (identity_api_keys)
from pmsaas.adapters.sql.tables import financial  # noqa: F401  (financial_*)
from pmsaas.adapters.sql.tables import operations  # noqa: F401  (operations_*)
from pmsaas.adapters.sql.tables import platform  # noqa: F401  (platform_idempotency_keys)

__all__ = ["identity", "notifications", "organizations", "properties"]
