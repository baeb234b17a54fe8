"""The properties context over HTTP: properties, units, tenants, leases; one module per aggregate."""
