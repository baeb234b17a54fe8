"""Importing this package registers every table on the shared MetaData."""

from pmsaas.adapters.sql.tables import identity, notifications, organizations, properties

__all__ = ["identity", "notifications", "organizations", "properties"]
