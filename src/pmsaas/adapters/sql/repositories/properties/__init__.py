"""SQL repositories of the properties context, one module per aggregate (properties, units, tenants,
leases) plus the narrow views of other contexts' tables (``directory``)."""

from pmsaas.adapters.sql.repositories.properties.directory import SqlOrganizationFacts, SqlTenantAccounts
from pmsaas.adapters.sql.repositories.properties.leases import SqlLeaseRepository, to_lease
from pmsaas.adapters.sql.repositories.properties.properties import SqlPropertyRepository, property_row
from pmsaas.adapters.sql.repositories.properties.tenants import SqlTenantRepository
from pmsaas.adapters.sql.repositories.properties.units import SqlUnitRepository

__all__ = [
    "SqlLeaseRepository",
    "SqlOrganizationFacts",
    "SqlPropertyRepository",
    "SqlTenantAccounts",
    "SqlTenantRepository",
    "SqlUnitRepository",
    "property_row",
    "to_lease",
]
